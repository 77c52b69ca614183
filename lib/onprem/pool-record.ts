/**
 * What an owned pool records in its stack's Terraform JSON (`//.hgpu_pools.<name>`, which Terraform
 * ignores) so that tools reading the synthesized app (the report, the topology, `hgpu place`) see
 * it as the planner does (pure).
 */
import type { PoolOffering } from "../planner/types";
import type { PoolSettings } from "./pool-props";

/** An owned pool as its stack records it. */
export interface PoolRecord extends PoolSettings {
  /** The pool's construct path without its stack's id, e.g. `dgx-a`. */
  readonly path: string;
  /** The stack that declares it. */
  readonly stack: string;
  /** Its site: name, stack, and construct path without the stack's id. */
  readonly site: { readonly name: string; readonly stack: string; readonly path: string };
}

/** The pool as the planner takes it. */
export function poolOfferingOf(r: PoolRecord): PoolOffering {
  return {
    name: r.name, site: r.site.name, accelerator: r.accelerator, gpuMemoryGiB: r.gpuMemoryGiB, gpusPerNode: r.gpusPerNode, nodes: r.nodes,
    memoryGiBPerNode: r.memoryGiBPerNode, fabric: { ...r.fabric }, usdPerGpuHour: r.usdPerGpuHour, nodeWatts: r.nodeWatts, pue: r.pue,
    gridKgCo2ePerKwh: r.gridKgCo2ePerKwh,
  };
}

const NUMBERS = ["nodes", "gpuMemoryGiB", "gpusPerNode", "memoryGiBPerNode", "vCpusPerNode", "nodeWatts", "pue", "gridKgCo2ePerKwh", "usdPerGpuHour"] as const;
const STRINGS = ["name", "path", "stack", "accelerator", "sharedPath", "container", "gridBasis", "costBasis"] as const;

/**
 * The pools a stack's Terraform JSON records, keyed by name; an entry that is not a whole record
 * (hand-edited, or from another version) is left out with the reason in `skipped`.
 */
export function poolRecords(tf: Readonly<Record<string, unknown>>): { pools: PoolRecord[]; skipped: string[] } {
  const meta = (tf["//"] as Record<string, unknown> | undefined)?.hgpu_pools;
  const pools: PoolRecord[] = [];
  const skipped: string[] = [];
  for (const [key, raw] of Object.entries(typeof meta === "object" && meta !== null ? meta : {})) {
    const r = raw as Record<string, unknown>;
    const site = r.site as Record<string, unknown> | undefined;
    const fabric = r.fabric as Record<string, unknown> | undefined;
    const missing = [
      ...NUMBERS.filter((k) => typeof r[k] !== "number"),
      ...STRINGS.filter((k) => typeof r[k] !== "string"),
      ...(typeof site?.name === "string" && typeof site.stack === "string" && typeof site.path === "string" ? [] : ["site"]),
      ...(typeof fabric?.kind === "string" && typeof fabric.gbpsPerNode === "number" && typeof fabric.interfaces === "number" ? [] : ["fabric"]),
      ...(typeof (r.scheduler as Record<string, unknown> | undefined)?.partition === "string" ? [] : ["scheduler"]),
    ];
    if (missing.length) skipped.push(`pool ${key}: its record lacks ${missing.join(", ")}`);
    else pools.push(r as unknown as PoolRecord);
  }
  return { pools, skipped };
}
