import type { Construct } from "constructs";
import type { AwsNetwork } from "../aws/network";
import type { AzureNetwork } from "../azure/network";
import type { IGpuCluster, ISharedStorage } from "../core/contracts";
import type { Validator } from "../core/validate";
import type { Placement } from "../planner/types";
import type { GpuTaskProps, TaskTeardown } from "./gpu-task-props";
import type { RunScriptRecovery } from "./run-script";
import type { SecretReference } from "./secrets";

/**
 * The seam between `GpuTask`'s cloud-neutral core (props, validation, placement, outputs) and its
 * per-cloud backends (`aws-task.ts`, `azure-task.ts`), which build the network, storage, cluster,
 * run store and teardown for the chosen placement. Backends add their constructs under the task
 * itself, so construct paths (Terraform addresses) do not depend on the split.
 */

/** What the core hands a backend. */
export interface TaskBackendInput {
  /** The task construct: the scope of everything the backend creates. */
  readonly task: Construct;
  readonly props: GpuTaskProps;
  readonly v: Validator;
  readonly name: string;
  readonly chosen: Placement;
  /** The run ID (a Terraform reference). */
  readonly runId: string;
  /** The cloud-side deadline (a Terraform expression). */
  readonly deadline: string;
  readonly maxRuntimeMinutes: number;
  /** JSON of the placement, copied into the run's status. */
  readonly placementJson: string;
  /** Where shared storage is mounted on the nodes. */
  readonly mountPath: string;
  /** The task's secrets, by reference: the backend grants the nodes exactly these and the run script reads them. */
  readonly secrets: readonly SecretReference[];
  /** The workload's environment (the user's variables and DATA_PATH). */
  readonly env: Readonly<Record<string, string>>;
  /** The deadline's second step and who hears of failed deadline steps. */
  readonly teardownGrace: { readonly graceMinutes: number; readonly notify?: string };
  /** The run script's watchdogs (minutes; an idle timeout of 0 is off). */
  readonly watchdogs: { readonly pullTimeoutMinutes: number; readonly idleTimeoutMinutes: number };
  /** Checkpoints and notices on the nodes, when the task has `recovery` (the checkpoints stay in the run's own prefix). @default - none */
  readonly recovery?: RunScriptRecovery;
}

/** What a backend built. */
export interface TaskBackend {
  readonly network: AwsNetwork | AzureNetwork;
  readonly storage?: ISharedStorage;
  readonly cluster: IGpuCluster;
  readonly statusUri: string;
  readonly logsUri: string;
  /** The URI prefix under which the nodes publish and restore checkpoints, ending in `/checkpoints/`. */
  readonly checkpointsUri: string;
  readonly teardown: TaskTeardown;
}

/** The bind mounts of the shared storage and of the data at `dataPath` (read-only). */
export function dataMounts(mountPath: string, dataPath: string | undefined): { host: string; container: string; readOnly?: boolean }[] {
  return [{ host: mountPath, container: mountPath }, ...(dataPath ? [{ host: `${mountPath}${dataPath}`, container: dataPath, readOnly: true }] : [])];
}
