import { TerraformOutput, TerraformStack } from "../engine/core";
import type { Construct } from "constructs";
import { describePlacement, describeRejection, placementKey } from "../planner/planner";
import type { Placement, RejectedCandidate } from "../planner/types";
import type { TaskTeardown } from "./gpu-task-props";
import type { SlurmJobSpec } from "./pool-task";
import type { ResolvedRecovery } from "./recovery";

/**
 * What a GpuTask tells the world after it is built: the stack outputs `hgpu launch` reads
 * (`<name>_run_id`, `<name>_status_uri`, ...; `<name>_slurm_job` on an owned pool, `<name>_recovery`
 * and `<name>_checkpoints_uri` on a cloud with `recovery`), and the `//.hgpu_tasks.<name>` record
 * the summary and the report read. Logical IDs are the task's name with `_` for `-`.
 */

/** A task's recovery as one attempt runs it (on a cloud). */
export interface AttemptRecovery {
  readonly resolved: ResolvedRecovery;
  /** Restarts of the run before this attempt. */
  readonly restartCount: number;
  /** Whether this attempt runs on spot capacity. */
  readonly spot: boolean;
  /** The URI prefix of the attempt's checkpoints, ending in `/checkpoints/`. */
  readonly checkpointsUri: string;
}

/** Everything the outputs and the record are made of. */
export interface TaskOutputsInput {
  readonly name: string;
  readonly chosen: Placement;
  /** The chosen placement's rank among `placements` (1 = best). */
  readonly rank: number;
  readonly placements: readonly Placement[];
  readonly rejected: readonly RejectedCandidate[];
  readonly runId: string;
  readonly statusUri: string;
  readonly logsUri: string;
  readonly deadline: string;
  readonly maxRuntimeMinutes: number;
  readonly graceMinutes: number;
  readonly teardown: TaskTeardown;
  /** JSON of the placement, as the run's status carries it. */
  readonly placementJson: string;
  /** On an owned pool: the pool's name, the Slurm job, and the queue wait. */
  readonly owned?: { readonly pool: string; readonly job: SlurmJobSpec; readonly maxQueueWaitMinutes: number };
  /** On a cloud, with `recovery`. */
  readonly recovery?: AttemptRecovery;
}

/** Creates the task's outputs and its record. */
export function taskOutputs(task: Construct, o: TaskOutputsInput): void {
  const id = (suffix: string) => `${o.name.replace(/-/g, "_")}_${suffix}`;
  const { chosen, owned } = o;
  if (owned) new TerraformOutput(task, "slurm_job", { value: owned.job, description: `The Slurm job hgpu launch submits to pool ${owned.pool}` }).overrideLogicalId(id("slurm_job"));

  // For reviewers and `hgpu summary`: the choice and every rejected candidate, in the JSON itself
  // (Terraform ignores "//" keys). `path` is the task's construct path without the stack's id,
  // as the report names constructs (e.g. `eval`, whose cluster is `eval/cluster`): the report
  // charges the task only for what lies under it, not for the stack's other constructs.
  TerraformStack.of(task).addOverride(`//.hgpu_tasks.${o.name}`, {
    path: task.node.path.split("/").slice(1).join("/"),
    chosen: describePlacement(chosen),
    next: o.placements.slice(o.rank, o.rank + 4).map(describePlacement),
    rejected: o.rejected.map(describeRejection),
    deadline: `${owned ? o.teardown.deadline : `${o.maxRuntimeMinutes} minutes after apply`} (${o.teardown.deadlineMechanism})`,
    maxRuntimeMinutes: o.maxRuntimeMinutes,
    afterGrace: { minutes: o.graceMinutes, removes: o.teardown.afterGrace, remains: o.teardown.remains },
    ...(owned ? { owned: ownedRecord(chosen, owned.pool, owned.maxQueueWaitMinutes) } : {}),
    ...(o.recovery ? { recovery: { maxRestarts: o.recovery.resolved.maxRestarts, spot: o.recovery.spot } } : {}),
  });

  new TerraformOutput(task, "run_id", { value: o.runId, description: `Run ID of ${o.name}` }).overrideLogicalId(id("run_id"));
  new TerraformOutput(task, "status_uri", { value: o.statusUri, description: "Final status object, written by node 0" }).overrideLogicalId(id("status_uri"));
  new TerraformOutput(task, "logs_uri", { value: o.logsUri, description: "Log objects, one per node" }).overrideLogicalId(id("logs_uri"));
  const placement = { ...(JSON.parse(o.placementJson) as object), zone: chosen.zone ?? "", key: placementKey(chosen), summary: describePlacement(chosen) };
  new TerraformOutput(task, "placement", { value: placement, description: "The chosen placement" }).overrideLogicalId(id("placement"));
  const usdDescription = owned ? "Amortized cost of the pool's nodes, USD/hour" : "Catalog price of the cluster, USD/hour";
  new TerraformOutput(task, "usd_per_hour", { value: chosen.usdPerHour, description: usdDescription }).overrideLogicalId(id("usd_per_hour"));
  const deadlineDescription = owned ? "maxRuntime after apply (Slurm's time limit ends the job)" : "When the cloud removes the capacity regardless";
  new TerraformOutput(task, "deadline-output", { value: o.deadline, description: deadlineDescription }).overrideLogicalId(id("deadline"));
  if (o.recovery) {
    const r = o.recovery;
    new TerraformOutput(task, "recovery", {
      value: {
        maxRestarts: r.resolved.maxRestarts, on: [...r.resolved.on], fallbackToOnDemand: r.resolved.fallbackToOnDemand,
        checkpointPath: r.resolved.checkpointPath, restartCount: r.restartCount, spot: r.spot,
      },
      description: "How hgpu launch relaunches the run after a preemption or a node failure, and this attempt's place in it",
    }).overrideLogicalId(id("recovery"));
    new TerraformOutput(task, "checkpoints_uri", { value: r.checkpointsUri, description: "Where this attempt's nodes publish and restore checkpoints" }).overrideLogicalId(id("checkpoints_uri"));
  }
}

/** What the report reads of a task on an owned pool (`//.hgpu_tasks.<name>.owned`): the pool, the nodes used, their cost and carbon. */
function ownedRecord(p: Placement, pool: string, maxQueueWaitMinutes: number): Record<string, unknown> {
  return {
    pool, site: p.region, nodes: p.nodes, gpus: p.gpus, usdPerHour: p.usdPerHour, powerKw: p.powerKw, pue: p.pue,
    ...(p.gridKgCo2ePerKwh !== undefined ? { gridKgCo2ePerKwh: p.gridKgCo2ePerKwh, kgCo2ePerHour: p.kgCo2ePerHour } : {}),
    maxQueueWaitMinutes,
  };
}
