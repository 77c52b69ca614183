/**
 * The full report of a synthesized app: each stack's summary with its cost, capacity and energy
 * estimate, as JSON or as readable tables (pure functions over `cdktf.out`). A stack that links
 * networks of other stacks (cdktf cross-stack references, `terraform_remote_state`) is read with
 * the stacks it references, so its links and the topology show both ends.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogDate, describeCatalogSources } from "../catalog/catalog";
import { plural } from "../core/plural";
import { estimateStack, links, type ClusterEstimate, type StackEstimate, type TaskEstimate } from "./estimate";
import { GRID_EMISSIONS, HOST_POWER, SERVICE_PRICES, type GatewayKind } from "./rates";
import { formatSummaries, summarizeStack, type StackSummary } from "./summary";
import type { TerraformJson } from "./terraform-json";

/** A stack's summary with its estimate. */
export interface StackReport extends StackSummary {
  readonly estimate: StackEstimate;
}

/** Where the report's figures come from, shown with the prices. */
export interface ReportSources {
  /** Catalog build date and, per source, the date of its prices. */
  readonly catalog: ReturnType<typeof catalogDate>;
  /** Compilation date of `service-prices.json`. */
  readonly servicePricesAsOf: string;
  /** Compilation date and source of `grid-emissions.json`. */
  readonly gridEmissions: { readonly asOf: string; readonly source: string; readonly license: string };
  /** The host power model. */
  readonly hostPower: typeof HOST_POWER;
}

/** The whole report: stacks and sources. */
export interface AppReport {
  readonly stacks: readonly StackReport[];
  readonly sources: ReportSources;
}

/** The report's sources and dates. */
export function reportSources(): ReportSources {
  return {
    catalog: catalogDate(),
    servicePricesAsOf: SERVICE_PRICES.compiledAt,
    gridEmissions: { asOf: GRID_EMISSIONS.compiledAt, source: GRID_EMISSIONS.source, license: GRID_EMISSIONS.license },
    hostPower: HOST_POWER,
  };
}

/** Reports one stack. */
export function reportStack(name: string, file: string, tf: TerraformJson): StackReport {
  return { ...summarizeStack(name, file, tf as Record<string, unknown>), estimate: estimateStack(tf) };
}

/** Reads a cdktf output folder: every stack's parsed JSON, in manifest order. */
export function readOutdir(outdir: string): SynthesizedStack[] {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} not found: synthesize the app first`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, s]) => ({ name, file: s.synthesizedStackPath, tf: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson }));
}

/**
 * Reports stacks already read (see {@link readOutdir}). A stack that links networks of the stacks
 * it references ({@link linksOthers}) is priced from its own resources, and its links, clouds and
 * regions are read with those stacks joined in ({@link joinReferenced}): its VPN connections then
 * end at their gateways, in the networks' clouds and regions.
 */
export function reportStacks(stacks: readonly SynthesizedStack[]): AppReport {
  return {
    stacks: stacks.map((s) => {
      const report = reportStack(s.name, s.file, s.tf);
      if (!linksOthers(s, stacks)) return report;
      const joined = joinReferenced(s, stacks, { theirLinks: false });
      const where = estimateStack(joined);
      return { ...report, estimate: { ...report.estimate, links: links(joined), clouds: where.clouds, regions: where.regions } };
    }),
    sources: reportSources(),
  };
}

/** A synthesized stack: its name, its file under the output folder and its parsed JSON. */
export interface SynthesizedStack {
  readonly name: string;
  readonly file: string;
  readonly tf: TerraformJson;
}

/** cdktf names the remote state a stack reads of another `cross-stack-reference-input-<stack>`. */
const REMOTE_INPUT = /^cross-stack-reference-input-(.+)$/;
/** A reference to another stack's output: `data.terraform_remote_state.<input>.outputs.<output>`. */
const REMOTE_OUTPUT = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;
/** The resources that link networks: VPN connections and the gateways of their far ends. */
const LINK_TYPES = ["aws_vpn_connection", "aws_customer_gateway", "azurerm_local_network_gateway", "azurerm_virtual_network_gateway_connection"];

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Whether `stack` links networks of the stacks it references: it reads another stack's state and
 * holds VPN connections or far-end gateways (a stack apart for the VPN keys' sake).
 */
export function linksOthers(stack: { tf: TerraformJson }, stacks: readonly { name: string }[]): boolean {
  return referencedStacks(stack.tf, stacks).length > 0 && LINK_TYPES.some((t) => Object.keys(asRecord(asRecord(stack.tf.resource)[t])).length > 0);
}

/** The names of the stacks of `stacks` whose state `tf` reads through cdktf cross-stack references. */
export function referencedStacks(tf: TerraformJson, stacks: readonly { name: string }[]): string[] {
  const inputs = Object.keys(asRecord(asRecord(tf.data).terraform_remote_state));
  return inputs.map((i) => REMOTE_INPUT.exec(i)?.[1]).filter((n): n is string => n !== undefined && stacks.some((s) => s.name === n));
}

/**
 * `stack`'s JSON with the resources, data sources and outputs of the stacks it references joined
 * in, and each reference to their outputs replaced by the output's own expression (so
 * `${data.terraform_remote_state.cross-stack-reference-input-net.outputs.cross-stack-output-aws_vpn_gatewayvgwid}`
 * reads `${aws_vpn_gateway.vgw.id}`, a resource of the joined JSON). `theirLinks: false` leaves out
 * the referenced stacks' own links (their VPN connections and far-end gateways), so what links the
 * joined JSON holds are `stack`'s. A block name both stacks use keeps `stack`'s.
 */
export function joinReferenced(
  stack: SynthesizedStack | { name: string; tf: TerraformJson },
  stacks: readonly { name: string; tf: TerraformJson }[],
  options: { theirLinks?: boolean } = {},
): TerraformJson {
  const producers = referencedStacks(stack.tf, stacks).map((n) => stacks.find((s) => s.name === n)!);
  const outputs = new Map<string, unknown>();
  for (const p of producers) for (const [k, o] of Object.entries(asRecord(p.tf.output))) outputs.set(`cross-stack-reference-input-${p.name}/${k}`, asRecord(o).value);
  const resolve = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.replace(REMOTE_OUTPUT, (whole, input: string, output: string) => {
        const value = outputs.get(`${input}/${output}`);
        const inner = typeof value === "string" ? /^\$\{([^{}]+)\}$/.exec(value)?.[1] : undefined;
        return inner ?? whole;
      });
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  const merge = (kind: "resource" | "data") => {
    const out: Record<string, Record<string, unknown>> = {};
    const add = (blocks: unknown, skip: (type: string) => boolean) => {
      for (const [type, byName] of Object.entries(asRecord(blocks))) {
        if (skip(type)) continue;
        out[type] = { ...out[type], ...asRecord(byName) };
      }
    };
    for (const p of producers) add(p.tf[kind], (type) => kind === "resource" && options.theirLinks === false && LINK_TYPES.includes(type));
    add(resolve(stack.tf[kind]), (type) => kind === "data" && type === "terraform_remote_state");
    return out;
  };
  const own = asRecord(stack.tf.output);
  return {
    ...stack.tf,
    provider: { ...Object.assign({}, ...producers.map((p) => asRecord(p.tf.provider))), ...asRecord(stack.tf.provider) },
    resource: merge("resource"),
    data: merge("data"),
    output: { ...Object.assign({}, ...producers.map((p) => asRecord(p.tf.output))), ...own },
  };
}

/**
 * The stacks as the topology draws them: a stack that links networks of the stacks it references
 * ({@link linksOthers}) is drawn inside the first of them, joined as {@link joinReferenced} joins
 * them (several such stacks of one network stack are all joined into it), and neither it nor the
 * other stacks it references are drawn apart. Other stacks are drawn as they are.
 */
export function topologyStacks(stacks: readonly SynthesizedStack[]): { name: string; tf: TerraformJson }[] {
  const joined = new Map<string, TerraformJson>();
  const hidden = new Set<string>();
  for (const s of stacks.filter((x) => linksOthers(x, stacks))) {
    const [target, ...others] = referencedStacks(s.tf, stacks) as [string, ...string[]];
    const current = stacks.map((x) => (joined.has(x.name) ? { name: x.name, tf: joined.get(x.name)! } : x));
    joined.set(target, joinReferenced(s, current));
    for (const name of [s.name, ...others]) hidden.add(name);
  }
  return stacks.filter((s) => !hidden.has(s.name) || joined.has(s.name)).map((s) => ({ name: s.name, tf: joined.get(s.name) ?? s.tf }));
}

/** Reports every stack of a cdktf output folder. */
export function reportOutdir(outdir: string): AppReport {
  return reportStacks(readOutdir(outdir));
}

/** Aligns rows under a header (two spaces between columns). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i]!)).join("  ").trimEnd());
}

const usd = (v: number) => `$${v.toFixed(2)}`;
/** How a cluster's nodes are bought, as a suffix: ` (spot)`, ` (1.5 spot)`, ` (capacity block)` or nothing (on demand). */
const market = (c: ClusterEstimate) => (c.capacityBlock ? " (capacity block)" : !c.spot ? "" : c.spotNodes === c.nodes || c.nodes === 0 ? " (spot)" : ` (${c.spotNodes} spot)`);
const indent = (lines: readonly string[], by = "    ") => lines.map((l) => by + l);

/** The estimate of one stack as text lines (empty when the stack has nothing to estimate). */
export function formatEstimate(e: StackEstimate): string[] {
  if (!e.clusters.length && !e.storage.length && !e.gateways.length && !e.pools.length && !e.tasks.some((t) => t.pool)) return [];
  const lines = e.clouds.length ? [`  where: ${e.clouds.join(" + ")}; ${e.regions.join(", ")}${e.zones.length ? `; zones ${e.zones.join(", ")}` : ""}`] : [];
  if (e.clusters.length) {
    lines.push("  clusters:");
    lines.push(...indent(textTable(["name", "type x nodes", "gpus", "fabric/node", "usd/h", "kW", "kgCO2e/h"], e.clusters.map((c) => [
      c.name, `${c.instanceType} x ${c.nodes}${market(c)}`, `${c.gpus} x ${c.accelerator ?? "?"}`, `${c.fabricGbpsPerNode} Gbps`,
      c.usdPerNodeHour === undefined ? c.priceBasis : usd(c.usdPerHour), c.powerKw.toFixed(1), c.kgCo2ePerHour.toFixed(2),
    ]))));
  }
  if (e.storage.length) {
    lines.push("  storage:");
    lines.push(...indent(textTable(["name", "kind", "tier", "TiB", "GB/s", "usd/h"], e.storage.map((s) => [
      s.name, s.kind, s.tier, s.capacityTiB.toFixed(2), s.throughputGBps.toFixed(2), `${usd(s.usdPerHour)}${s.priceStatus === "verified" ? "" : ` (${s.priceStatus})`}`,
    ]))));
  }
  if (e.pools.length) {
    lines.push("  owned pools (amortized, not in the stack's cost):");
    lines.push(...indent(textTable(["name", "site", "gpus", "usd/GPU-h", "usd/h busy", "kW", "kgCO2e/h", "with PUE"], e.pools.map((p) => [
      p.name, p.site, `${p.gpus} x ${p.accelerator}`, `$${p.usdPerGpuHour.toFixed(4)}`, usd(p.usdPerHour), p.powerKw.toFixed(1), p.kgCo2ePerHour.toFixed(2),
      `${p.facilityKgCo2ePerHour.toFixed(2)} (PUE ${p.pue})`,
    ]))));
  }
  if (e.links.length) {
    lines.push("  links:");
    lines.push(...indent(textTable(["from", "to", "tunnels", "Gbps", "basis"], e.links.map((l) => [l.from, l.to, String(l.tunnels), l.gbps.toFixed(2), l.note]))));
  }
  const c = e.cost;
  const gateways = e.gateways.length ? ` (${countKinds(e.gateways.map((g) => g.kind))})` : "";
  lines.push(`  cost (whole stack): ${usd(c.totalUsdPerHour)}/h = compute ${usd(c.computeUsdPerHour)} + storage ${usd(c.storageUsdPerHour)} + gateways ${usd(c.gatewaysUsdPerHour)}${gateways}`);
  lines.push(`  energy (whole stack, max: GPUs at full board power): ${e.powerKw.toFixed(1)} kW of GPU nodes, ${e.kgCo2ePerHour.toFixed(2)} kgCO2e/h`);
  for (const t of e.tasks) {
    const what = t.scope === "task" ? `own resources: ${ownResources(t)}` : "whole stack";
    lines.push(`  task ${t.name} over its ${t.maxRuntimeHours} h maxRuntime (${what}): ${usd(t.usd)}, max ${t.kwh.toFixed(1)} kWh, max ${t.kgCo2e.toFixed(1)} kgCO2e`);
  }
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

/** What a gateway kind is called in the report, one and many. */
const GATEWAY_NAMES: Record<GatewayKind, [string, string]> = {
  "aws-nat-gateway": ["AWS NAT gateway", "AWS NAT gateways"],
  "aws-vpn-connection": ["AWS VPN connection", "AWS VPN connections"],
  "azure-nat-gateway": ["Azure NAT gateway", "Azure NAT gateways"],
  "azure-vpn-gateway": ["Azure VPN gateway", "Azure VPN gateways"],
};

/** Gateways counted by kind (pure), e.g. `2 AWS NAT gateways, 1 AWS VPN connection`. */
export function countKinds(kinds: readonly GatewayKind[]): string {
  const counts = new Map<GatewayKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => plural(n, ...GATEWAY_NAMES[k])).join(", ");
}

/** What a task itself creates that the estimate prices, by kind (pure): `cluster a, storage b, 2 AWS NAT gateways`. */
export function ownResources(t: TaskEstimate): string {
  const parts = [
    ...(t.clusters.length ? [`${t.clusters.length === 1 ? "cluster" : "clusters"} ${t.clusters.join(", ")}`] : []),
    ...(t.storage.length ? [`storage ${t.storage.join(", ")}`] : []),
    ...(t.gateways.length ? [countKinds(t.gateways.map((g) => g.kind))] : []),
    ...(t.pool ? [`nodes of pool ${t.pool}`] : []),
  ];
  return parts.join(", ") || "nothing priced";
}

/** The sources line printed under the report. */
export function formatSources(s: ReportSources): string {
  const catalog = describeCatalogSources(s.catalog.sources);
  return [
    `prices: catalog built ${s.catalog.builtAt} (instance prices as of ${catalog}); service prices ${s.servicePricesAsOf} (lib/catalog/data/service-prices.json; "unverified" figures are marked)`,
    `energy (a maximum): GPUs at full board power + host (${s.hostPower.cpuWattsPerVcpu} W/vCPU, ${s.hostPower.memoryWattsPerGiB} W/GiB, +${s.hostPower.auxiliaryFraction * 100}% NICs/fans/conversion); grid factors ${s.gridEmissions.asOf}, ${s.gridEmissions.license}; PUE not included`,
  ].join("\n");
}

/** The whole report as text: each stack's summary followed by its estimate, then the sources. */
export function formatReport(r: AppReport): string {
  const blocks = r.stacks.map((s) => [formatSummaries([s]), ...formatEstimate(s.estimate)].join("\n"));
  return [...blocks, formatSources(r.sources)].join("\n");
}
