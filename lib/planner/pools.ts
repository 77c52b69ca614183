/**
 * Owned pools as placement candidates (pure): which fit the requirements, which do not and why,
 * and what a placement on one costs and emits.
 */
import { roundTo } from "../core/numbers";
import { plural } from "../core/plural";
import { carbonOf } from "./energy";
import { acceleratorMismatch } from "./describe";
import type { Interconnect, Placement, PoolOffering, RejectedCandidate, Requirements } from "./types";

/** A pool's placement key parts: cloud `onprem`, its site as region, its name as type. */
export function poolKey(pool: Pick<PoolOffering, "name" | "site">): { cloud: "onprem"; region: string; instanceType: string } {
  return { cloud: "onprem", region: pool.site, instanceType: pool.name };
}

/**
 * Why a pool cannot take the job, or undefined when it can. The checks run in the order a user
 * would fix them: the pool is not allowed, the GPU model, the GPUs on one node, the pool's size, the
 * fabric, the host memory, the budget.
 */
export function poolProblem(pool: PoolOffering, r: Requirements, interconnect: Interconnect, accelerators: readonly string[] | undefined): string | undefined {
  const nodes = Math.ceil(r.gpus / pool.gpusPerNode);
  if (r.clouds && !r.clouds.includes("onprem")) return `cloud onprem is not in clouds [${r.clouds.join(", ")}]`;
  if (r.pools && !r.pools.includes(pool.name)) return `pool ${pool.name} is not in pools [${r.pools.join(", ")}]`;
  if (accelerators && !accelerators.includes(pool.accelerator.toLowerCase())) {
    return acceleratorMismatch(pool.accelerator, r.accelerator!);
  }
  if (r.minGpuMemoryGiB !== undefined && pool.gpuMemoryGiB < r.minGpuMemoryGiB) {
    return `${pool.gpuMemoryGiB} GiB per GPU is less than minGpuMemoryGiB ${r.minGpuMemoryGiB}`;
  }
  if (r.minGpusPerNode !== undefined && pool.gpusPerNode < r.minGpusPerNode) {
    return `${plural(pool.gpusPerNode, "GPU")} per node is less than minGpusPerNode ${r.minGpusPerNode}`;
  }
  if (nodes > pool.nodes) {
    return `has ${pool.nodes * pool.gpusPerNode} GPUs in total (${plural(pool.nodes, "node")} x ${pool.gpusPerNode}), fewer than the ${r.gpus} asked for`;
  }
  if (interconnect === "required" && nodes > 1 && pool.fabric.kind === "none") {
    return `needs ${nodes} nodes but has no node-to-node fabric (interconnect: required)`;
  }
  if (r.memoryGiB !== undefined && nodes * pool.memoryGiBPerNode < r.memoryGiB) {
    return `${plural(nodes, "node")} x ${pool.memoryGiBPerNode} GiB = ${nodes * pool.memoryGiBPerNode} GiB host memory is less than memoryGiB ${r.memoryGiB}`;
  }
  const usdPerHour = roundTo(pool.usdPerGpuHour * pool.gpusPerNode * nodes);
  if (r.maxUsdPerHour !== undefined && usdPerHour > r.maxUsdPerHour) {
    return `${plural(nodes, "node")} x ${pool.gpusPerNode} GPUs x $${pool.usdPerGpuHour}/GPU-h = $${usdPerHour}/h is more than maxUsdPerHour ${r.maxUsdPerHour}`;
  }
  return undefined;
}

/** The placement of the job on a pool that takes it (rank 0: ranked later). */
export function poolPlacement(pool: PoolOffering, r: Requirements, hours: number): Placement {
  const nodes = Math.ceil(r.gpus / pool.gpusPerNode);
  const powerKw = roundTo((nodes * pool.nodeWatts) / 1000);
  return {
    rank: 0,
    ...poolKey(pool),
    accelerator: pool.accelerator,
    gpusPerNode: pool.gpusPerNode,
    nodes,
    gpus: nodes * pool.gpusPerNode,
    gpuMemoryGiB: pool.gpuMemoryGiB,
    memoryGiB: nodes * pool.memoryGiBPerNode,
    spot: false,
    usdPerNodeHour: roundTo(pool.usdPerGpuHour * pool.gpusPerNode),
    usdPerHour: roundTo(pool.usdPerGpuHour * pool.gpusPerNode * nodes),
    fabric: { kind: pool.fabric.kind, interfaces: pool.fabric.interfaces, gbpsPerNode: pool.fabric.gbpsPerNode },
    fabricGbpsPerNode: pool.fabric.gbpsPerNode,
    ...carbonOf(powerKw, pool.pue, pool.gridKgCo2ePerKwh, hours),
  };
}

/** Every pool as a placement or a rejection, with the key exclusion applied. */
export function poolCandidates(
  pools: readonly PoolOffering[], r: Requirements, interconnect: Interconnect, accelerators: readonly string[] | undefined, hours: number,
  excluded: (p: Placement) => boolean,
): { placements: Placement[]; rejected: RejectedCandidate[] } {
  const placements: Placement[] = [];
  const rejected: RejectedCandidate[] = [];
  for (const pool of pools) {
    const why = poolProblem(pool, r, interconnect, accelerators);
    const placement = why ? undefined : poolPlacement(pool, r, hours);
    const reason = why ?? (excluded(placement!) ? "excluded (excludePlacements), e.g. after it could not start the job in time in an earlier attempt" : undefined);
    if (reason) rejected.push({ ...poolKey(pool), reason });
    else placements.push(placement!);
  }
  return { placements, rejected };
}
