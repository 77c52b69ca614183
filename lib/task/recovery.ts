/**
 * A task's `recovery` options (pure: no cdktf): what makes a run restart elsewhere from its last
 * complete checkpoint, and where the workload writes its checkpoints on the node. The node's side
 * (checkpoint sync and restore, notices) is rendered by checkpoint-script.ts and
 * preemption-script.ts; the launcher relaunches on the statuses they write.
 */
import type { Validator } from "../core/validate";

/** Why a run may be restarted: the cloud took a node back (spot), or a node failed under the workload. */
export type RecoveryTrigger = "preemption" | "node-failure";

/** Every {@link RecoveryTrigger}, in the order the defaults list them. */
export const RECOVERY_TRIGGERS: readonly RecoveryTrigger[] = ["preemption", "node-failure"];

/** The most restarts a run may have. */
export const MAX_RESTARTS = 100;

/** The shortest `maxRuntime` a task with recovery may have, minutes: a restart (new nodes, pull, restore) takes minutes of it. */
export const MIN_RECOVERY_RUNTIME_MINUTES = 30;

/** Where the workload writes its checkpoints unless told otherwise. */
export const DEFAULT_CHECKPOINT_PATH = "/checkpoints";

/**
 * Recovery of a task from preemption and node failure. The node syncs each checkpoint the workload
 * completes to the run store (`runs/<run id>/checkpoints/`), takes a final one at a preemption
 * notice, and restores the latest complete one before the workload starts; the launcher relaunches
 * a run that stopped with status `preempted` or `node-failure`. The workload's own non-zero exit is
 * never retried.
 */
export interface RecoveryOptions {
  /**
   * Most relaunches of one run (0 to 100). `maxRuntime` counts the whole run, every attempt.
   * @default - 3 with spot capacity, 0 otherwise (the node still syncs checkpoints and says why the run stopped)
   */
  readonly maxRestarts?: number;
  /**
   * Where the workload writes its checkpoints on the node (and, with an image, in its container:
   * the same path is mounted read-write). The workload sees it as `HGPU_CHECKPOINT_DIR`. Put it on
   * the shared file system (e.g. `/fsx/checkpoints`) when ranks on several nodes write parts of one
   * checkpoint: node 0 syncs what it sees there.
   * @default "/checkpoints"
   */
  readonly checkpointPath?: string;
  /**
   * What a restart follows: `preemption` (a spot notice, AWS or Azure) and `node-failure` (a node
   * of the run gone, or the rendezvous failing).
   * @default ["preemption", "node-failure"]
   */
  readonly on?: readonly RecoveryTrigger[];
  /**
   * When spot capacity keeps being taken back, relaunch on on-demand capacity.
   * @default false
   */
  readonly fallbackToOnDemand?: boolean;
}

/** {@link RecoveryOptions} with every default applied and every value checked. */
export interface ResolvedRecovery {
  readonly maxRestarts: number;
  readonly checkpointPath: string;
  readonly on: readonly RecoveryTrigger[];
  readonly fallbackToOnDemand: boolean;
}

/** What {@link resolveRecovery} needs to know about the task. */
export interface RecoveryContext {
  /** The task runs on spot capacity. */
  readonly spot: boolean;
  /** The task's `maxRuntime`, minutes. */
  readonly maxRuntimeMinutes: number;
}

/**
 * Checks a task's `recovery` and applies its defaults; undefined when the task has none. Each
 * rule throws a ValidationError naming `recovery.<field>`, the value and what is allowed.
 */
export function resolveRecovery(v: Validator, props: RecoveryOptions | undefined, context: RecoveryContext): ResolvedRecovery | undefined {
  if (props === undefined) return undefined;
  v.check(
    context.maxRuntimeMinutes >= MIN_RECOVERY_RUNTIME_MINUTES,
    "recovery",
    props,
    `set maxRuntime to at least ${MIN_RECOVERY_RUNTIME_MINUTES} minutes, or leave recovery out: a restart (new nodes, image pull, checkpoint restore) takes minutes of the run's time`,
    `with maxRuntime ${context.maxRuntimeMinutes} minutes`,
  );
  const maxRestarts = props.maxRestarts ?? (context.spot ? 3 : 0);
  v.integer("recovery.maxRestarts", maxRestarts, { min: 0, max: MAX_RESTARTS });
  const checkpointPath = props.checkpointPath ?? DEFAULT_CHECKPOINT_PATH;
  checkCheckpointPath(v, checkpointPath);
  const on = props.on ?? RECOVERY_TRIGGERS;
  v.check(Array.isArray(on) && on.length > 0, "recovery.on", on, `use a list of one or both of ${RECOVERY_TRIGGERS.map((t) => JSON.stringify(t)).join(", ")}`);
  for (const [i, trigger] of on.entries()) v.oneOf(`recovery.on[${i}]`, trigger, RECOVERY_TRIGGERS);
  const fallbackToOnDemand = props.fallbackToOnDemand ?? false;
  v.check(!fallbackToOnDemand || context.spot, "recovery.fallbackToOnDemand", fallbackToOnDemand, "set spot: true too, or leave fallbackToOnDemand out: it moves a spot task to on-demand capacity");
  return { maxRestarts, checkpointPath, on: [...new Set(on)], fallbackToOnDemand };
}

/**
 * A checkpoint path: absolute, a word the node's run script can use unquoted (letters, digits, `.`,
 * `_`, `-` between single `/`), and a mount point outside the system folders (the shared
 * {@link Validator.mountPath} rule: the path is mounted into the workload's container).
 */
function checkCheckpointPath(v: Validator, path: string): void {
  const field = "recovery.checkpointPath";
  v.check(typeof path === "string" && path.startsWith("/"), field, path, "use an absolute path on the node, such as /checkpoints");
  v.check(
    /^\/([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/.test(path) && !path.split("/").some((part) => part === "." || part === ".."),
    field,
    path,
    "use names of letters, digits, '.', '_' and '-' joined by single '/' (no spaces, quotes, '$', '.' or '..' parts, or trailing '/'): the node's run script uses the path as a shell word",
  );
  v.mountPath(field, path);
}
