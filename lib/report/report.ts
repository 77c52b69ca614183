/**
 * The full report of a synthesized app: each stack's summary with its cost, capacity and energy
 * estimate, as JSON or as readable tables (pure functions over `cdktf.out`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogDate, describeCatalogSources } from "../catalog/catalog";
import { plural } from "../core/plural";
import { estimateStack, type ClusterEstimate, type StackEstimate, type TaskEstimate } from "./estimate";
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
export function readOutdir(outdir: string): { name: string; file: string; tf: TerraformJson }[] {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} not found: synthesize the app first`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, s]) => ({ name, file: s.synthesizedStackPath, tf: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson }));
}

/** Reports stacks already read (see {@link readOutdir}). */
export function reportStacks(stacks: readonly { name: string; file: string; tf: TerraformJson }[]): AppReport {
  return { stacks: stacks.map((s) => reportStack(s.name, s.file, s.tf)), sources: reportSources() };
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
  if (!e.clusters.length && !e.storage.length && !e.gateways.length) return [];
  const lines = [`  where: ${e.clouds.join(" + ")}; ${e.regions.join(", ")}${e.zones.length ? `; zones ${e.zones.join(", ")}` : ""}`];
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
