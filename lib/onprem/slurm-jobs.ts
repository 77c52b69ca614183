/**
 * A Slurm job's life as the launcher drives it: submit (`sbatch --parsable`, the script on stdin),
 * look (`squeue`; `scontrol show job` for how a finished job ended, while slurmctld still holds it:
 * there is no accounting daemon to ask), cancel (`scancel`, by ID and by the job's unique name, so a
 * job whose ID was never recorded is found too) and wait until Slurm reports it gone.
 */
import { runChecked, said, SlurmCommandError, type SlurmCommandRunner } from "./slurm-command";

/** Job states in which the job still holds (or waits for) nodes. */
const ACTIVE = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "SPECIAL_EXIT", "RESV_DEL_HOLD"];

/** A job as squeue lists it. */
export interface QueuedJob {
  readonly id: string;
  /** PENDING, RUNNING, COMPLETING... */
  readonly state: string;
  /** Why it waits (`Priority`, `Resources`...) or `None`. */
  readonly reason: string;
}

/** How a job that left the queue ended, as slurmctld remembers it (MinJobAge, 5 minutes by default). */
export interface FinishedJob {
  /** COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY... */
  readonly state: string;
  readonly reason: string;
  /** The batch script's exit code and the signal that ended it (0 when none). */
  readonly exitCode: number;
  readonly signal: number;
  readonly startTime?: string;
  readonly endTime?: string;
}

/** Submits `script` (its #SBATCH lines say what it needs); returns the job ID. @throws SlurmCommandError when sbatch refuses it */
export async function submitJob(run: SlurmCommandRunner, script: string): Promise<string> {
  const argv = ["sbatch", "--parsable"];
  const out = (await runChecked(run, argv, script)).stdout.trim();
  // --parsable prints "<id>" or "<id>;<cluster>".
  const id = out.split(";")[0]!.trim();
  if (!/^\d+$/.test(id)) throw new SlurmCommandError(argv, { code: 0, stdout: out, stderr: `no job ID in sbatch's answer ${JSON.stringify(out)}` });
  return id;
}

/** The squeue command for one job: state|reason. */
export function squeueJobArgs(jobId: string): string[] {
  return ["squeue", "--noheader", `--jobs=${jobId}`, "--format=%i|%T|%r"];
}

/**
 * Parses squeue's answer for one job: undefined when Slurm no longer lists it (an empty answer, or
 * "Invalid job id" once slurmctld has forgotten it) or lists it in a final state.
 * @throws SlurmCommandError when squeue failed otherwise (slurmctld not answering)
 */
export function parseQueuedJob(argv: readonly string[], code: number, stdout: string, stderr: string): QueuedJob | undefined {
  if (code !== 0) {
    if (/Invalid job id/i.test(stderr)) return undefined;
    throw new SlurmCommandError(argv, { code, stdout, stderr });
  }
  for (const line of stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const [id = "", state = "", reason = ""] = line.split("|");
    if (ACTIVE.includes(state)) return { id, state, reason };
  }
  return undefined;
}

/** The job as squeue lists it now, or undefined when it is gone. */
export async function queuedJob(run: SlurmCommandRunner, jobId: string): Promise<QueuedJob | undefined> {
  const argv = squeueJobArgs(jobId);
  const r = await run(argv);
  return parseQueuedJob(argv, r.code, r.stdout, r.stderr);
}

/** IDs of the jobs named `name` that Slurm lists now. */
export async function jobsNamed(run: SlurmCommandRunner, name: string): Promise<string[]> {
  const r = await runChecked(run, ["squeue", "--noheader", `--name=${name}`, "--format=%i"]);
  return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

/** Parses `scontrol show job <id> --oneliner`. */
export function parseFinishedJob(stdout: string): FinishedJob | undefined {
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(stdout)?.[1];
  const state = field("JobState");
  if (!state) return undefined;
  const [exitCode = 0, signal = 0] = (field("ExitCode") ?? "0:0").split(":").map(Number);
  const time = (key: string) => {
    const v = field(key);
    return v && /^\d{4}-/.test(v) ? { [key === "StartTime" ? "startTime" : "endTime"]: `${v}Z` } : {};
  };
  return { state, reason: field("Reason") ?? "None", exitCode, signal, ...time("StartTime"), ...time("EndTime") };
}

/** How the job ended, or undefined when slurmctld no longer remembers it. */
export async function finishedJob(run: SlurmCommandRunner, jobId: string): Promise<FinishedJob | undefined> {
  const r = await run(["scontrol", "show", "job", jobId, "--oneliner"]);
  return r.code === 0 ? parseFinishedJob(r.stdout) : undefined;
}

/** What to cancel: a job ID, the job's name, or both. */
export interface CancelTarget {
  readonly jobId?: string;
  /** The job's name (unique per launch attempt): cancels a job whose ID was never recorded. */
  readonly name?: string;
}

/**
 * Cancels the job (scancel by ID, then by name). A job Slurm no longer knows is not an error.
 * @throws SlurmCommandError when scancel fails otherwise
 */
export async function cancelJob(run: SlurmCommandRunner, target: CancelTarget): Promise<void> {
  const calls = [...(target.jobId ? [["scancel", target.jobId]] : []), ...(target.name ? [["scancel", `--name=${target.name}`]] : [])];
  for (const argv of calls) {
    const r = await run(argv);
    if (r.code !== 0 && !/Invalid job id|already completing or completed|Job\/step already/i.test(said(r))) throw new SlurmCommandError(argv, r);
  }
}

/** Options of {@link waitUntilGone}. */
export interface WaitGoneOptions {
  /** Longest wait, ms. @default 120000 */
  readonly timeoutMs?: number;
  /** Time between looks, ms. @default 1000 */
  readonly pollMs?: number;
}

/**
 * Waits until Slurm no longer lists the job (by ID, and by name when given) in any active state:
 * after a cancel, that is when its processes are gone from every node. Returns the jobs still
 * listed when the wait ends (empty: all gone).
 */
export async function waitUntilGone(run: SlurmCommandRunner, target: CancelTarget, options: WaitGoneOptions = {}): Promise<QueuedJob[]> {
  const end = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const listed: QueuedJob[] = [];
    if (target.jobId) {
      const job = await queuedJob(run, target.jobId);
      if (job) listed.push(job);
    }
    if (target.name) {
      for (const id of await jobsNamed(run, target.name)) {
        if (listed.some((j) => j.id === id)) continue;
        const job = await queuedJob(run, id);
        if (job) listed.push(job);
      }
    }
    if (listed.length === 0 || Date.now() >= end) return listed;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
