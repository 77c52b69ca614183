import type { AttemptOutcome } from "./run-record";
import type { ProgressSink } from "./progress";
import type { ReaderOptions, RunStatus } from "./status-store";

/**
 * Exit codes of `hgpu launch` besides the workload's own. A workload that exits 1, 70 or 75 reads
 * the same as these; launch.json in the run directory tells them apart.
 */
export const EXIT = {
  /** Synthesis, init or apply failed for a reason other than capacity. */
  FAILED: 1,
  /** Destroy failed: resources are left running (listed loudly). Wins over every other code. */
  RESOURCES_LEFT: 70,
  /** Every placement tried failed for lack of capacity, or the planner had none left after capacity errors. */
  NO_CAPACITY: 75,
  /** Stopped by SIGHUP, a closed terminal (after destroying). */
  SIGHUP: 129,
  /** Stopped by SIGINT (after destroying). */
  SIGINT: 130,
  /** Stopped by SIGTERM (after destroying). */
  SIGTERM: 143,
} as const;

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** The stack to launch: a stack holding one GpuTask and nothing else. */
  readonly stack: string;
  /** Command that synthesizes the app. @default - the `app` of cdktf.json in `cwd` */
  readonly app?: string;
  /** `terraform` or `tofu`. @default "terraform" */
  readonly terraform?: string;
  /** Placements to try before giving up on capacity. @default 3 */
  readonly maxPlacements?: number;
  /**
   * Keep what a failed apply or a failed workload (non-zero exit) created, for debugging. Successes,
   * capacity errors, interruptions and the launcher's own errors are always destroyed.
   * @default false
   */
  readonly keepOnFailure?: boolean;
  /** Allow a second live run of the same stack (it has its own state all the same). @default false - refused while another run of the stack is live */
  readonly concurrent?: boolean;
  /** Folder of the app. @default process.cwd() */
  readonly cwd?: string;
  /** Where runs keep their directories and state. @default "<cwd>/.hgpu/runs" */
  readonly runsDir?: string;
  /** Progress and logs. @default process.stderr */
  readonly sink?: ProgressSink;
  /** Destroy attempts before giving up. @default 4 */
  readonly destroyAttempts?: number;
  /** Wait before the first destroy retry, doubled each time, ms. @default 15000 */
  readonly destroyBackoffMs?: number;
  /** Status/log polling interval, ms. @default 15000 */
  readonly pollMs?: number;
  /** Longest wait for the status object, ms. @default - until 15 minutes after the task's deadline output, or 14 days without one */
  readonly statusTimeoutMs?: number;
  /** Stop waiting (and destroy) after this many failed status reads in a row. @default - never: failed reads are retried until the deadline */
  readonly stopOnReadErrors?: number;
  /** Readers' options (endpoints, credentials). @default - the clouds' default credential chains */
  readonly readerOptions?: ReaderOptions;
  /** Aborting it (Ctrl-C, SIGTERM, SIGHUP) stops the run; the stack is destroyed all the same. The reason names the signal. */
  readonly signal?: AbortSignal;
  /**
   * How long a placement whose run was preempted or lost a node is left out of a relaunch's plan
   * (a task with `recovery`), ms. When every placement is cooling down, the relaunch waits for the
   * first to come back, within the run's deadline.
   * @default 1800000 (30 minutes)
   */
  readonly cooldownMs?: number;
  /** Environment of the app and Terraform. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** One placement tried. */
export interface Attempt {
  readonly placementKey: string;
  readonly dir: string;
  readonly outcome: AttemptOutcome;
  readonly errors: readonly string[];
}

/** What a launch did. */
export interface LaunchResult {
  readonly exitCode: number;
  readonly runId: string;
  /** The run's own directory (record, attempts, state, saved status and logs). */
  readonly runDir: string;
  readonly attempts: readonly Attempt[];
  readonly status?: RunStatus;
  /** Resources still in state after the last destroy attempt (empty when all is gone). */
  readonly leftInState: readonly string[];
  /** Resources kept on purpose (`keepOnFailure`). */
  readonly kept: readonly string[];
}
