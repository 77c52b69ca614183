/**
 * The owned GPU pools of a stack's Terraform JSON (`//.hgpu_pools`, as `OnPremGpuPool` records
 * them), with what they cost and emit (pure). A pool is owned capacity: the stack creates nothing
 * for it, so its cost is not in the stack's cost; a task placed on it is charged the nodes it uses.
 */
import { roundTo } from "../core/numbers";
import { poolRecords } from "../onprem/pool-record";
import { num, str, type TerraformJson } from "./terraform-json";

/** An owned pool with its amortized cost and its power and carbon at full load. */
export interface PoolEstimate {
  readonly name: string;
  /** Its site's name. */
  readonly site: string;
  /** Its Slurm partition. */
  readonly partition: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly gpus: number;
  readonly accelerator: string;
  readonly fabricGbpsPerNode: number;
  /** Amortized USD per GPU-hour. */
  readonly usdPerGpuHour: number;
  /** How the cost was reached (`stated`, or the amortization). */
  readonly costBasis: string;
  /** Every GPU busy, USD/hour (owned: not part of the stack's cost). */
  readonly usdPerHour: number;
  /** Power of all nodes at full load (GPUs at board power + host), kW: a maximum. */
  readonly powerKw: number;
  readonly pue: number;
  readonly gridKgCo2ePerKwh: number;
  /** Emissions of that power, kgCO2e/h, on the report's basis (IT power x grid factor, as for clusters). */
  readonly kgCo2ePerHour: number;
  /** The same with the site's PUE (what the facility draws), kgCO2e/h. */
  readonly facilityKgCo2ePerHour: number;
}

/** The pools a stack records, and a warning for each record that cannot be read. */
export function poolEstimates(tf: TerraformJson): { pools: PoolEstimate[]; warnings: string[] } {
  const { pools, skipped } = poolRecords(tf);
  return {
    warnings: skipped,
    pools: pools.map((p) => {
      const powerKw = roundTo((p.nodes * p.nodeWatts) / 1000);
      return {
        name: p.name, site: p.site.name, partition: p.scheduler.partition, nodes: p.nodes, gpusPerNode: p.gpusPerNode, gpus: p.nodes * p.gpusPerNode,
        accelerator: p.accelerator, fabricGbpsPerNode: p.fabric.gbpsPerNode, usdPerGpuHour: p.usdPerGpuHour, costBasis: p.costBasis,
        usdPerHour: roundTo(p.usdPerGpuHour * p.nodes * p.gpusPerNode), powerKw, pue: p.pue, gridKgCo2ePerKwh: p.gridKgCo2ePerKwh,
        kgCo2ePerHour: roundTo(powerKw * p.gridKgCo2ePerKwh), facilityKgCo2ePerHour: roundTo(powerKw * p.pue * p.gridKgCo2ePerKwh),
      };
    }),
  };
}

/** What a task placed on an owned pool records (`//.hgpu_tasks.<name>.owned`), or undefined for a task on a cloud. */
export interface OwnedTaskRecord {
  readonly pool: string;
  readonly nodes: number;
  readonly usdPerHour: number;
  readonly powerKw: number;
  readonly gridKgCo2ePerKwh?: number;
}

/** The `owned` block of a task's metadata, when it is a whole one. */
export function ownedTask(meta: Readonly<Record<string, unknown>>): OwnedTaskRecord | undefined {
  const o = meta.owned as Record<string, unknown> | undefined;
  const pool = str(o?.pool), nodes = num(o?.nodes), usd = num(o?.usdPerHour), kw = num(o?.powerKw), grid = num(o?.gridKgCo2ePerKwh);
  if (pool === undefined || nodes === undefined || usd === undefined || kw === undefined) return undefined;
  return { pool, nodes, usdPerHour: usd, powerKw: kw, ...(grid !== undefined ? { gridKgCo2ePerKwh: grid } : {}) };
}
