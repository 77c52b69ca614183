import type { Construct } from "constructs";
import { OnPremGpuPool } from "../onprem/gpu-pool";
import type { SlurmScheduler } from "../onprem/slurm";
import { placementKey } from "../planner/planner";
import type { Placement } from "../planner/types";
import type { GpuTaskProps, TaskTeardown } from "./gpu-task-props";
import type { WorkloadMount } from "./run-script";
import { dataMounts } from "./task-backend";

/**
 * GpuTask's side of an owned pool: whether a task can run on a pool at all, and, when the chosen
 * placement is one, the Slurm job the launcher submits. The stack then holds no cloud compute,
 * only the task's start marker (a `terraform_data`, whose ID is the run ID) and its outputs.
 */

/** How long the workload gets between Slurm's warning signal and the end of its time limit, seconds (the run script's 10 minutes on the clouds). */
export const SIGNAL_BEFORE_LIMIT_SECONDS = 600;

/**
 * The Slurm job of a task placed on an owned pool: everything `hgpu launch` needs to submit it with
 * `sbatch` (and to cancel it), as the `<task>_slurm_job` output of the stack. It holds no secret:
 * a task with `secrets` never places on a pool.
 */
export interface SlurmJobSpec {
  /** Version of this shape. */
  readonly version: 1;
  /** The task's name. */
  readonly task: string;
  /** The pool, its site, and the placement's key (what the launcher excludes when the pool cannot start the job in time). */
  readonly pool: string;
  readonly site: string;
  readonly placementKey: string;
  /** Partition, account, QOS, and the login node to run Slurm's commands on (over ssh; absent: locally). */
  readonly scheduler: SlurmScheduler;
  /** `sbatch --nodes`. */
  readonly nodes: number;
  /** `sbatch --gpus-per-node`, and torchrun's processes per node. */
  readonly gpusPerNode: number;
  /** `sbatch --time`, minutes: the task's maxRuntime (Slurm's own limit is the pool's deadline). */
  readonly timeLimitMinutes: number;
  /**
   * Seconds before the limit the workload is told to stop (the launcher sends `sbatch --signal=B:USR1@<s>`,
   * at most a quarter of the limit, and passes SIGTERM on), so that it can write its status.
   */
  readonly signalBeforeLimitSeconds: number;
  /** Longest the job may wait in the queue before the launcher cancels it and moves to the next placement, minutes. */
  readonly maxQueueWaitMinutes: number;
  /** The pool's parallel file system. */
  readonly sharedPath: string;
  /**
   * The run's folder on the shared file system, `<sharedPath>/hgpu-runs/<stack>/<task>/<run id>`
   * (the run ID is the start marker's ID, known after apply): `status.json` (node 0's final
   * status), `logs/node<i>.log`, `logs/node<i>.exit`, as on the clouds' object stores.
   */
  readonly runDir: string;
  /** How the image runs: `pyxis` (srun --container-image), `apptainer`, or `none` (the command on the host). */
  readonly container: { readonly kind: "pyxis" | "apptainer" | "none"; readonly image?: string; readonly mounts: readonly WorkloadMount[] };
  /** argv handed to `torchrun` (one per node, c10d rendezvous on the job's first node). @default - the image's entry point */
  readonly command?: readonly string[];
  /** Environment of the workload (the task's env and DATA_PATH). */
  readonly env: Readonly<Record<string, string>>;
  /** The run script's watchdogs, minutes (an idle timeout of 0 is off). */
  readonly watchdogs: { readonly pullTimeoutMinutes: number; readonly idleTimeoutMinutes: number };
  /** Keys of the placements after this one, in the failover order. */
  readonly next: readonly string[];
}

/** Why a task cannot run on `pool` (its props need a cloud), or undefined when it can. */
export function poolProblem(pool: OnPremGpuPool, props: GpuTaskProps): string | undefined {
  if (props.secrets && Object.keys(props.secrets).length > 0) return "the task's secrets are read with the nodes' cloud identity, which a pool's nodes do not have";
  if (props.network) return `the task was given the network ${props.network.node.path}, on ${props.network.cloud}`;
  if (props.storage) return `the task was given the shared storage ${props.storage.node.path}, on ${props.storage.cloud}`;
  if (props.image !== undefined && pool.container === "none") return `the task runs the image ${props.image} and pool ${pool.name} runs no containers (container: none)`;
  return undefined;
}

/** What GpuTask hands the pool side. */
export interface PoolTaskInput {
  readonly props: GpuTaskProps;
  readonly name: string;
  readonly stack: string;
  readonly pool: OnPremGpuPool;
  readonly chosen: Placement;
  /** The placements after the chosen one. */
  readonly next: readonly Placement[];
  readonly runId: string;
  readonly maxRuntimeMinutes: number;
  readonly maxQueueWaitMinutes: number;
  readonly env: Readonly<Record<string, string>>;
  readonly watchdogs: { readonly pullTimeoutMinutes: number; readonly idleTimeoutMinutes: number };
}

/** The Slurm job, the status and log URIs (`file://` on the shared file system) and the teardown in words. */
export function buildPoolTask(input: PoolTaskInput): { job: SlurmJobSpec; statusUri: string; logsUri: string; teardown: TaskTeardown } {
  const { props, pool, chosen } = input;
  const runDir = `${pool.sharedPath}/hgpu-runs/${input.stack}/${input.name}/${input.runId}`;
  const job: SlurmJobSpec = {
    version: 1,
    task: input.name,
    pool: pool.name,
    site: pool.record.site.name,
    placementKey: placementKey(chosen),
    scheduler: { ...pool.scheduler },
    nodes: chosen.nodes,
    gpusPerNode: chosen.gpusPerNode,
    timeLimitMinutes: input.maxRuntimeMinutes,
    signalBeforeLimitSeconds: SIGNAL_BEFORE_LIMIT_SECONDS,
    maxQueueWaitMinutes: input.maxQueueWaitMinutes,
    sharedPath: pool.sharedPath,
    runDir,
    container: { kind: pool.container, ...(props.image !== undefined ? { image: props.image } : {}), mounts: dataMounts(pool.sharedPath, props.dataPath) },
    ...(props.command ? { command: [...props.command] } : {}),
    env: { ...input.env },
    watchdogs: { ...input.watchdogs },
    next: input.next.map((p) => placementKey(p)),
  };
  return {
    job,
    statusUri: `file://${runDir}/status.json`,
    logsUri: `file://${runDir}/logs/`,
    teardown: {
      selfScaleToZero: "the job ends when the workload ends, and Slurm frees its nodes",
      deadline: `${input.maxRuntimeMinutes} minutes after the job starts`,
      deadlineMechanism: `Slurm's time limit (sbatch --time=${input.maxRuntimeMinutes}, TERM ${SIGNAL_BEFORE_LIMIT_SECONDS / 60} minutes before) on pool ${pool.name}; hgpu launch cancels the job (scancel) on every other way out`,
      afterGrace: [],
      remains: "nothing that bills: the stack holds only the task's start marker (terraform_data)",
    },
  };
}

/**
 * A pool declared after `task` was not among its placements: a validation of the task says so at
 * synth (rather than the pool being ignored in silence).
 */
export function refuseLatePools(task: Construct, known: readonly OnPremGpuPool[]): void {
  task.node.addValidation({
    validate: () => {
      const late = OnPremGpuPool.poolsOf(task).filter((p) => !known.includes(p)).map((p) => p.node.path);
      return late.length ? [`${task.node.path}: ${late.join(", ")} ${late.length === 1 ? "is" : "are"} declared after this task and not among its placements: declare OnPremGpuPools before the GpuTasks that may use them`] : [];
    },
  });
}
