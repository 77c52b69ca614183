/**
 * Whether a task can start on an owned pool within its `maxQueueWait` (pure): from the partition's
 * GPUs now and Slurm's start estimate. A task that cannot goes to its next placement, as after a
 * capacity error on a cloud.
 */
import { plural } from "../core/plural";
import { nodesFor, type PartitionGpus } from "./slurm-gpus";
import type { StartEstimate } from "./slurm-start-estimate";

/** What the job needs and how long it may wait. */
export interface QueueFitRequest {
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly maxQueueWaitMinutes: number;
}

/** The answer, with the reason in words either way. */
export interface QueueFit {
  readonly fits: boolean;
  readonly reason: string;
  /** When Slurm expects the job to start. @default - no estimate (the job cannot run there) */
  readonly estimatedStart?: Date;
}

/** Whether the job fits: Slurm's estimate is the judge; the GPUs now explain it. */
export function queueFit(request: QueueFitRequest, gpus: PartitionGpus, estimate: StartEstimate, now: Date): QueueFit {
  const { nodes, gpusPerNode, maxQueueWaitMinutes } = request;
  const want = `${plural(nodes, "node")} with ${plural(gpusPerNode, "GPU")} each`;
  const freeNow = `${gpus.freeGpus} of ${plural(gpus.totalGpus, "GPU")} free now`;
  if (gpus.nodes.length === 0) return { fits: false, reason: `Slurm lists no node in partition ${gpus.partition}` };
  const can = nodesFor(gpus, gpusPerNode);
  if (can.ever < nodes) {
    return { fits: false, reason: `partition ${gpus.partition} has ${plural(can.ever, "node")} with ${plural(gpusPerNode, "GPU")} or more; the task needs ${want}` };
  }
  if ("refused" in estimate) return { fits: false, reason: `Slurm cannot run ${want} in partition ${gpus.partition} (${freeNow}): ${estimate.refused}` };
  const waitMinutes = Math.max(0, (estimate.start.getTime() - now.getTime()) / 60_000);
  const when = `${estimate.start.toISOString().replace(/\.\d{3}Z$/, "Z")}${waitMinutes >= 1 ? `, in ${plural(Math.ceil(waitMinutes), "minute")}` : ", now"}`;
  if (waitMinutes <= maxQueueWaitMinutes) {
    return { fits: true, reason: `Slurm expects ${want} in partition ${gpus.partition} to start at ${when} (${freeNow})`, estimatedStart: estimate.start };
  }
  return {
    fits: false,
    reason: `Slurm expects ${want} in partition ${gpus.partition} to start at ${when}, past maxQueueWait (${plural(maxQueueWaitMinutes, "minute")}; ${freeNow})`,
    estimatedStart: estimate.start,
  };
}
