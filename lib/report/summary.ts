/**
 * Summaries of a synthesized stack (pure functions over Terraform JSON;
 * no cdktf import, so the CLI can report on any synthesized app).
 */

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
  /** Output names with their descriptions. */
  readonly outputs: readonly { name: string; description?: string }[];
  /** GpuTasks: the chosen placement, the next ones, and every rejected candidate with its reason. */
  readonly tasks: readonly TaskSummary[];
  /** What the GpuPolicies pack recorded (`//.hgpu_policies`): suppressions with their reasons, excluded rules, a pack turned off. @default - absent when the stack records nothing */
  readonly policies?: PolicySummary;
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

/** What a GpuTask recorded about its placement (in the stack's `//` metadata). */
export interface TaskSummary {
  readonly name: string;
  readonly chosen: string;
  readonly next: readonly string[];
  readonly rejected: readonly string[];
  readonly deadline: string;
  /** What the cloud deletes `teardownGrace` after the deadline, and when. @default - nothing (older stacks) */
  readonly afterGrace?: { readonly minutes: number; readonly removes: readonly string[]; readonly remains: string };
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
  const outputs = Object.entries((tf.output as Json | undefined) ?? {}).map(([n, o]) => {
    const description = (o as Json).description as string | undefined;
    return description === undefined ? { name: n } : { name: n, description };
  });
  const taskMeta = ((tf["//"] as Json | undefined)?.hgpu_tasks as Record<string, Omit<TaskSummary, "name">> | undefined) ?? {};
  const tasks = Object.entries(taskMeta).map(([taskName, t]) => ({ name: taskName, chosen: t.chosen, next: t.next ?? [], rejected: t.rejected ?? [], deadline: t.deadline, ...(t.afterGrace ? { afterGrace: t.afterGrace } : {}) }));
  const policies = policySummary((tf["//"] as Json | undefined)?.hgpu_policies);
  return { name, file, backend, providers, resources: count(tf.resource), dataSources: count(tf.data), outputs, tasks, ...(policies ? { policies } : {}) };
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

/** Renders summaries as short plain-text lines for a terminal or a CI log. */
export function formatSummaries(stacks: readonly StackSummary[]): string {
  const lines: string[] = [];
  for (const s of stacks) {
    const total = Object.values(s.resources).reduce((a, b) => a + b, 0);
    const data = Object.values(s.dataSources).reduce((a, b) => a + b, 0);
    lines.push(`stack ${s.name}  (${s.file}, backend ${s.backend})`);
    lines.push(`  providers: ${s.providers.join(", ") || "none"}`);
    lines.push(`  resources: ${total}${total ? `  ${Object.entries(s.resources).map(([t, n]) => `${t} x${n}`).join(", ")}` : ""}`);
    if (data) lines.push(`  data sources: ${data}  ${Object.entries(s.dataSources).map(([t, n]) => `${t} x${n}`).join(", ")}`);
    for (const t of s.tasks) {
      lines.push(`  task ${t.name}: ${t.chosen}`);
      lines.push(`    deadline: ${t.deadline}`);
      if (t.afterGrace) {
        lines.push(`    ${t.afterGrace.minutes} minutes later the cloud deletes: ${t.afterGrace.removes.join(", ") || "nothing else (the task was given its network and storage)"}; until a destroy there remain ${t.afterGrace.remains}`);
      }
      if (t.next.length) lines.push(`    next on capacity errors: ${t.next.join("; ")}`);
      lines.push(`    ${t.rejected.length} candidates rejected${t.rejected.length ? `, e.g. ${t.rejected.slice(0, 2).join("; ")} (hgpu summary --json lists all)` : ""}`);
    }
    for (const o of s.outputs) lines.push(`  output ${o.name}${o.description ? `: ${o.description}` : ""}`);
    if (s.policies?.off) lines.push(`  policies off: ${s.policies.off}`);
    if (s.policies?.excluded.length) lines.push(`  policy rules excluded: ${s.policies.excluded.join(", ")}`);
    for (const p of s.policies?.suppressions ?? []) {
      const where = p.wholeStack ? `the whole stack ${p.scope}` : `${p.scope}${p.appliesTo ? ` (${p.appliesTo.join(", ")})` : ""}`;
      const silenced = p.suppressed.length === 0 ? "silences nothing" : `silences ${p.suppressed.length} finding${p.suppressed.length > 1 ? "s" : ""}`;
      lines.push(`  policy suppression ${p.ruleId} on ${where}, ${silenced}: ${JSON.stringify(p.reason)}`);
    }
  }
  return lines.join("\n");
}
