import { Annotations } from "../engine/core";
import type { Construct } from "constructs";
import type { GpuCloud } from "../core/types";
import type { Validator } from "../core/validate";
import type { GpuTaskProps } from "./gpu-task-props";
import { readOnDemand, readRestartCount } from "./placement-context";
import { resolveRecovery, type ResolvedRecovery } from "./recovery";

/**
 * GpuTask's side of `recovery` (pure apart from the launch inputs and the warnings it adds): the
 * options resolved against the task (its spot request, its maxRuntime, where its shared storage and
 * data are mounted), and what this attempt of the run is: its restarts so far and whether it falls
 * back to on-demand capacity.
 */

/** Where each cloud's nodes mount the task's shared file system. */
export const SHARED_MOUNT_PATHS: Readonly<Record<GpuCloud, string>> = { aws: "/fsx", azure: "/lustre" };

/** A task's recovery and this attempt's launch inputs. */
export interface TaskRecovery {
  /** The resolved options; undefined when the task has none. */
  readonly resolved?: ResolvedRecovery;
  /** Restarts of the run before this attempt (`HGPU_RESTART_COUNT`). */
  readonly restartCount: number;
  /** This attempt is planned on on-demand capacity although the task asks for spot (`HGPU_ON_DEMAND` with `fallbackToOnDemand`). */
  readonly onDemand: boolean;
}

/**
 * Resolves the task's `recovery` (defaults from the task's own spot request, so that a fallback
 * attempt keeps the run's restart budget) and reads the launch inputs; `sharedMount` is where the
 * task's shared file system is mounted when it has one.
 */
export function taskRecovery(task: Construct, v: Validator, props: GpuTaskProps, maxRuntimeMinutes: number, sharedMount: string | undefined): TaskRecovery {
  const restartCount = readRestartCount(task);
  const wantsOnDemand = readOnDemand(task);
  const resolved = resolveRecovery(v, props.recovery, { spot: props.spot === true, maxRuntimeMinutes });
  if (resolved) checkCheckpointMounts(v, resolved.checkpointPath, sharedMount, props.dataPath);
  const onDemand = wantsOnDemand && resolved?.fallbackToOnDemand === true;
  if (wantsOnDemand && !onDemand) {
    Annotations.of(task).addWarning(
      `${task.node.path}: HGPU_ON_DEMAND is set but the task has no recovery.fallbackToOnDemand: ignored, the task stays on ${props.spot === true ? "spot" : "on-demand"} capacity as its props ask`,
    );
  }
  return { ...(resolved ? { resolved } : {}), restartCount, onDemand };
}

/** `path` is `folder` or lies inside it. */
const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/**
 * Where checkpoints may go among the task's other mounts. A sub-folder of the shared file system is
 * allowed (ranks on several nodes then write parts of one checkpoint to the same place); its root is
 * not (the restore would put checkpoint folders at the top of the file system, beside the data, and
 * the container would get the same mount twice). The data at `dataPath` (read-only in the
 * container, a data repository on the file system) may neither hold the checkpoint folder nor lie
 * in it.
 */
export function checkCheckpointMounts(v: Validator, checkpointPath: string, sharedMount: string | undefined, dataPath: string | undefined): void {
  const field = "recovery.checkpointPath";
  if (sharedMount !== undefined) {
    v.check(
      checkpointPath !== sharedMount,
      field,
      checkpointPath,
      `use a sub-folder of the shared file system such as ${sharedMount}/checkpoints, not its root ${sharedMount}: restored checkpoints would land at its top, beside the data`,
    );
  }
  if (dataPath === undefined) return;
  const dataFolders = [dataPath, ...(sharedMount !== undefined ? [`${sharedMount}${dataPath}`] : [])];
  for (const data of dataFolders) {
    v.check(
      !within(checkpointPath, data) && !within(data, checkpointPath),
      field,
      checkpointPath,
      `use a folder apart from the task's data (${dataFolders.join(", on the shared file system ")}): the data is mounted read-only, and a checkpoint folder may neither hold it nor lie in it`,
    );
  }
}
