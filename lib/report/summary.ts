/**
 * Summaries of a synthesized stack (pure functions over Terraform JSON;
 * no cdktf import, so the CLI can report on any synthesized app).
 */
import { plural } from "../core/plural";
import { poolRecords } from "../onprem/pool-record";
import { estimateStack, type RestartOverhead } from "./estimate";

/** What one synthesized stack declares. */
export interface StackSummary {
  readonly name: string;
  /** Path of the stack's `cdk.tf.json`, relative to the output folder. */
  readonly file: string;
  /** Backend type (`local`, `s3`, `azurerm`, ...). */
  readonly backend: string;
  /** Providers with their region or location where set, e.g. `aws (us-east-1)`. */
  readonly providers: readonly string[];
  /** Resource count per resource type, sorted by type. */
  readonly resources: Readonly<Record<string, number>>;
  /** Data source count per type, sorted by type. */
  readonly dataSources: Readonly<Record<string, number>>;
  /** Outputs: name, description, and what the value is (`known after apply` for a Terraform expression). */
  readonly outputs: readonly OutputSummary[];
  /** GpuTasks: the chosen placement, the next ones, and every rejected candidate with its reason. */
  readonly tasks: readonly TaskSummary[];
  /** Owned GPU pools the stack declares (`//.hgpu_pools`). @default - absent when the stack declares none */
  readonly pools?: readonly PoolSummary[];
  /**
   * What the GpuPolicies pack recorded (`//.hgpu_policies`): suppressions with their reasons, excluded rules, a pack turned off.
   * @default - absent when the stack records nothing
   */
  readonly policies?: PolicySummary;
}

/** One output of a stack. */
export interface OutputSummary {
  readonly name: string;
  /** @default - none given */
  readonly description?: string;
  /** The value, short: a literal as written, an object's `summary` or its keys, or `known after apply`. */
  readonly value: string;
}

/** The policy pack's record of a stack. */
export interface PolicySummary {
  /** Why no pack of its own judges the stack (a TeamStack with `policies: false`), when that is so. */
  readonly off?: string;
  /** Rule IDs excluded for the stack. */
  readonly excluded: readonly string[];
  /** Every suppression of the stack: rule, construct path, what it is narrowed to, its reason, and the findings it silenced. */
  readonly suppressions: readonly {
    readonly ruleId: string;
    readonly scope: string;
    readonly reason: string;
    readonly appliesTo?: readonly string[];
    readonly wholeStack?: boolean;
    readonly suppressed: readonly string[];
  }[];
}

/** An owned GPU pool as its stack records it: where, how jobs reach it, what it holds, costs and emits. */
export interface PoolSummary {
  readonly name: string;
  readonly site: string;
  readonly partition: string;
  /** The login node Slurm's commands run on. @default - none: the launcher's machine */
  readonly submitHost?: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly accelerator: string;
  /** e.g. `infiniband 3200 Gbps/node`, `no fabric`. */
  readonly fabric: string;
  readonly usdPerGpuHour: number;
  readonly costBasis: string;
  readonly pue: number;
  readonly gridKgCo2ePerKwh: number;
}

/** What a GpuTask recorded about its placement (in the stack's `//` metadata). */
export interface TaskSummary {
  readonly name: string;
  readonly chosen: string;
  readonly next: readonly string[];
  readonly rejected: readonly string[];
  readonly deadline: string;
  /** What the cloud deletes `teardownGrace` after the deadline, and when. @default - nothing (older stacks) */
  readonly afterGrace?: { readonly minutes: number; readonly removes: readonly string[]; readonly remains: string };
  /** The owned pool it is placed on, and how long it may wait in the queue there. @default - none (a task on a cloud) */
  readonly owned?: { readonly pool: string; readonly maxQueueWaitMinutes: number };
  /**
   * Its `recovery` on a cloud: how often `hgpu launch` may relaunch it, whether it runs on spot, and
   * for a spot task the expected restart overhead (the estimate's {@link RestartOverhead}).
   * @default - none (no recovery, or a task on an owned pool)
   */
  readonly recovery?: { readonly maxRestarts: number; readonly spot: boolean; readonly overhead?: RestartOverhead };
}

type Json = Record<string, unknown>;

/** Summarizes one stack's Terraform JSON. */
export function summarizeStack(name: string, file: string, tf: Json): StackSummary {
  const providers: string[] = [];
  for (const [type, configs] of Object.entries((tf.provider as Json | undefined) ?? {})) {
    for (const c of (configs as Json[]) ?? []) {
      const where = (c.region ?? c.location) as string | undefined;
      const alias = c.alias ? `.${c.alias as string}` : "";
      providers.push(`${type}${alias}${where ? ` (${where})` : ""}`);
    }
  }
  const count = (block: unknown) =>
    Object.fromEntries(
      Object.entries((block as Json | undefined) ?? {})
        .map(([type, items]) => [type, Object.keys(items as Json).length] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  const backendBlock = (tf.terraform as Json | undefined)?.backend as Json | undefined;
  const backend = backendBlock ? Object.keys(backendBlock)[0] ?? "local" : "local";
  const outputs = Object.entries((tf.output as Json | undefined) ?? {}).map(([n, o]): OutputSummary => {
    const description = (o as Json).description as string | undefined;
    return { name: n, ...(description === undefined ? {} : { description }), value: describeValue((o as Json).value) };
  });
  const taskMeta = ((tf["//"] as Json | undefined)?.hgpu_tasks as Record<string, Omit<TaskSummary, "name">> | undefined) ?? {};
  // the restart overhead of spot tasks with recovery is the estimate's
  const estimates = Object.values(taskMeta).some((t) => t.recovery) ? estimateStack(tf).tasks : [];
  const tasks = Object.entries(taskMeta).map(([taskName, t]): TaskSummary => {
    const overhead = estimates.find((e) => e.name === taskName)?.restartOverhead;
    return {
      name: taskName, chosen: t.chosen, next: t.next ?? [], rejected: t.rejected ?? [], deadline: t.deadline,
      ...(t.afterGrace ? { afterGrace: t.afterGrace } : {}),
      ...(t.owned ? { owned: { pool: t.owned.pool, maxQueueWaitMinutes: t.owned.maxQueueWaitMinutes } } : {}),
      ...(t.recovery ? { recovery: { maxRestarts: t.recovery.maxRestarts, spot: t.recovery.spot === true, ...(overhead ? { overhead } : {}) } } : {}),
    };
  });
  const policies = policySummary((tf["//"] as Json | undefined)?.hgpu_policies);
  const pools = poolRecords(tf).pools.map((p): PoolSummary => ({
    name: p.name, site: p.site.name, partition: p.scheduler.partition, ...(p.scheduler.submitHost ? { submitHost: p.scheduler.submitHost } : {}),
    nodes: p.nodes, gpusPerNode: p.gpusPerNode, accelerator: p.accelerator,
    fabric: p.fabric.kind === "none" ? "no fabric" : `${p.fabric.kind} ${p.fabric.gbpsPerNode} Gbps/node`,
    usdPerGpuHour: p.usdPerGpuHour, costBasis: p.costBasis, pue: p.pue, gridKgCo2ePerKwh: p.gridKgCo2ePerKwh,
  }));
  return {
    name, file, backend, providers, resources: count(tf.resource), dataSources: count(tf.data), outputs, tasks,
    ...(pools.length ? { pools } : {}), ...(policies ? { policies } : {}),
  };
}

function policySummary(raw: unknown): PolicySummary | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const p = raw as Json;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  return {
    ...(typeof p.off === "string" ? { off: p.off } : {}),
    excluded: list(p.excluded).map(String),
    suppressions: list(p.suppressions).map((s) => s as PolicySummary["suppressions"][number]),
  };
}

/** What an output's value is, in a few words (pure): literals as written, an object's `summary`, else its keys. */
export function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  if (text.includes("${")) return "known after apply";
  if (typeof value === "string") return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object" && value !== null) {
    const o = value as Json;
    return typeof o.summary === "string" ? o.summary : `an object: ${Object.keys(o).join(", ")}`;
  }
  return text;
}

/** An output as a line: its name, its meaning and, unless the description already says it, its value. */
function outputLine(o: OutputSummary, width: number): string {
  const value = o.value === "known after apply" ? "(known after apply)" : o.description?.includes(o.value) ? "" : o.description ? `= ${o.value}` : o.value;
  return `    ${o.name.padEnd(width)}  ${[o.description, value].filter(Boolean).join(" ")}`.trimEnd();
}

/**
 * `lead` and then `items` joined by `separator`, broken into lines of at most `width` characters
 * (an item longer than a line stands alone); continuation lines are indented under the first item.
 * `end` closes the last line.
 */
export function wrapList(lead: string, items: readonly string[], separator: string, end: string, width = 100): string[] {
  const indent = " ".repeat(lead.length - lead.trimStart().length + 2);
  const lines: string[] = [];
  let line = lead;
  items.forEach((item, i) => {
    const piece = `${item}${i === items.length - 1 ? end : separator.trimEnd()}`;
    const fresh = line === lead || line === indent;
    if (!fresh && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = indent + piece;
    } else {
      line += `${fresh ? "" : " "}${piece}`;
    }
  });
  lines.push(line);
  return lines;
}

/** A task's recovery in a few lines: its restarts and, on spot, the expected restart overhead with its formula. */
function recoveryLines(r: NonNullable<TaskSummary["recovery"]>): string[] {
  const usd = (v: number) => `$${v.toFixed(2)}`;
  const market = r.spot ? "spot" : "on-demand";
  if (r.maxRestarts === 0) return [`    recovery: no relaunch (maxRestarts 0) on ${market} capacity: checkpoints synced, the stop explained`];
  if (!r.overhead) return [`    recovery: up to ${plural(r.maxRestarts, "restart")} on ${market} capacity${r.spot ? "" : "; no restart overhead expected"}`];
  const o = r.overhead;
  return wrapList(`    recovery: up to ${plural(r.maxRestarts, "restart")} on spot; expected restart overhead ${usd(o.usd)} (at most ${usd(o.maxUsd)}): `, o.basis.split(" "), " ", "");
}

/** `<count>` and then one kind per line with its count, aligned. */
function byKind(title: string, counts: Readonly<Record<string, number>>): string[] {
  const entries = Object.entries(counts);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return [`  ${title}: ${total}`, ...entries.map(([k, n]) => `    ${k.padEnd(width)}  ${n}`)];
}

/** Renders summaries as short plain-text lines for a terminal or a CI log. */
export function formatSummaries(stacks: readonly StackSummary[]): string {
  const lines: string[] = [];
  for (const s of stacks) {
    lines.push(`stack ${s.name}  (${s.file}, backend ${s.backend})`);
    lines.push(`  providers: ${s.providers.join(", ") || "none"}`);
    lines.push(...byKind("resources", s.resources));
    if (Object.keys(s.dataSources).length) lines.push(...byKind("data sources", s.dataSources));
    for (const t of s.tasks) {
      lines.push(`  task ${t.name}: ${t.chosen}`);
      lines.push(`    deadline: ${t.deadline}`);
      if (t.afterGrace) {
        const removes = t.afterGrace.removes.length ? t.afterGrace.removes : ["nothing else (the task was given its network and storage)"];
        lines.push(...wrapList(`    ${t.afterGrace.minutes} minutes later the cloud deletes: `, removes, ", ", ";"));
        lines.push(...wrapList("    until a destroy there remain: ", [t.afterGrace.remains], ", ", ""));
      }
      if (t.recovery) lines.push(...recoveryLines(t.recovery));
      const when = t.owned ? `when pool ${t.owned.pool} cannot start it within ${plural(t.owned.maxQueueWaitMinutes, "minute")}, or on capacity errors` : "on capacity errors";
      if (t.next.length) lines.push(`    next ${when}:`, ...t.next.map((n, i) => `      ${i + 2}. ${n}`));
      if (t.rejected.length === 0) lines.push("    no candidate rejected");
      else lines.push(`    ${plural(t.rejected.length, "candidate")} rejected (hgpu summary --json lists them all), e.g.:`, ...t.rejected.slice(0, 2).map((r) => `      ${r}`));
    }
    for (const p of s.pools ?? []) {
      lines.push(`  pool ${p.name} at ${p.site}: Slurm partition ${p.partition}${p.submitHost ? ` via ${p.submitHost}` : ""}, ${p.nodes} x ${p.gpusPerNode} x ${p.accelerator}, ${p.fabric}`);
      lines.push(`    $${p.usdPerGpuHour}/GPU-h (${p.costBasis}); PUE ${p.pue}, grid ${p.gridKgCo2ePerKwh} kgCO2e/kWh`);
    }
    if (s.outputs.length) {
      const width = Math.max(...s.outputs.map((o) => o.name.length));
      lines.push(`  outputs: ${s.outputs.length}`, ...s.outputs.map((o) => outputLine(o, width)));
    }
    if (s.policies?.off) lines.push(`  policies off: ${s.policies.off}`);
    if (s.policies?.excluded.length) lines.push(`  policy rules excluded: ${s.policies.excluded.join(", ")}`);
    for (const p of s.policies?.suppressions ?? []) {
      const where = p.wholeStack ? `the whole stack ${p.scope}` : `${p.scope}${p.appliesTo ? ` (${p.appliesTo.join(", ")})` : ""}`;
      const silenced = p.suppressed.length === 0 ? "silences nothing" : `silences ${plural(p.suppressed.length, "finding")}`;
      lines.push(`  policy suppression ${p.ruleId} on ${where}, ${silenced}: ${JSON.stringify(p.reason)}`);
    }
  }
  return lines.join("\n");
}
