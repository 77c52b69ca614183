/**
 * A Slurm job as the run record keeps it, and what `hgpu runs` and `hgpu destroy` (and the
 * launcher's own teardown) do with it: ask Slurm whether the job is still listed, and cancel it
 * and wait until Slurm reports it gone. The job is found by its ID and by its name, which is
 * recorded before it is submitted: a launcher killed between `sbatch` and the record of the ID
 * leaves nothing behind either.
 */
import { plural } from "../core/plural";
import { cancelJob, jobsNamed, queuedJob, waitUntilGone, type QueuedJob } from "../onprem/slurm-jobs";
import type { Progress } from "./progress";
import { slurmRunner } from "./slurm-runner";

/** An attempt's Slurm job in the run record. */
export interface SlurmAttemptRecord {
  /** `--job-name`, unique to the launch attempt (`hgpu-<run id>-<attempt>`). */
  readonly jobName: string;
  /** The job's ID. @default - not submitted yet (or the launcher died before recording it) */
  readonly jobId?: string;
  readonly partition: string;
  /** The login node the commands ran on. @default - this machine */
  readonly submitHost?: string;
  /** The run's folder on the shared file system. */
  readonly runDir: string;
  /** The SLURM_CONF the launcher ran with, for `hgpu destroy` from another shell. @default - Slurm's own default */
  readonly slurmConf?: string;
  /** Set once Slurm no longer listed the job after the run. @default false */
  readonly gone?: boolean;
}

/** The runner for the pool a record names, with the recorded SLURM_CONF unless `env` has one. */
export function runnerFor(slurm: SlurmAttemptRecord, env: NodeJS.ProcessEnv = process.env) {
  return slurmRunner({
    env: { ...env, ...(env.SLURM_CONF === undefined && slurm.slurmConf !== undefined ? { SLURM_CONF: slurm.slurmConf } : {}) },
    ...(slurm.submitHost ? { submitHost: slurm.submitHost } : {}),
  });
}

/** One line per job Slurm still lists for the attempt, as "in state" lines; a placeholder when Slurm cannot be asked. */
export async function slurmJobsLeft(slurm: SlurmAttemptRecord, env?: NodeJS.ProcessEnv): Promise<string[]> {
  if (slurm.gone) return [];
  try {
    return (await listed(slurm, env)).map((j) => describeJob(slurm, j));
  } catch (e) {
    return [`(slurm job ${slurm.jobId ?? slurm.jobName}${where(slurm)}: Slurm cannot be asked (${(e as Error).message}): treat it as running)`];
  }
}

/**
 * Cancels the attempt's job and waits until Slurm no longer lists it; returns the lines of jobs
 * still listed (empty: gone).
 */
export async function cancelSlurmAttempt(
  slurm: SlurmAttemptRecord,
  progress: Progress,
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<string[]> {
  if (slurm.gone) return [];
  const run = runnerFor(slurm, options.env);
  const target = { ...(slurm.jobId ? { jobId: slurm.jobId } : {}), name: slurm.jobName };
  try {
    const before = await listed(slurm, options.env);
    if (before.length === 0) return [];
    progress.note(`cancelling ${plural(before.length, "Slurm job")} ${before.map((j) => `${j.id} (${j.state})`).join(", ")}${where(slurm)}`);
    await cancelJob(run, target);
    const left = await waitUntilGone(run, target, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    });
    if (left.length === 0) progress.note(`Slurm reports job ${before.map((j) => j.id).join(", ")} gone`);
    return left.map((j) => describeJob(slurm, j));
  } catch (e) {
    progress.note(`cancelling Slurm job ${slurm.jobId ?? slurm.jobName} failed: ${(e as Error).message}`);
    return [`(slurm job ${slurm.jobId ?? slurm.jobName}${where(slurm)}: cancel failed: treat it as running)`];
  }
}

/** The jobs Slurm lists for the attempt (by ID and by name). */
async function listed(slurm: SlurmAttemptRecord, env?: NodeJS.ProcessEnv): Promise<QueuedJob[]> {
  const run = runnerFor(slurm, env);
  const jobs: QueuedJob[] = [];
  const byId = slurm.jobId ? await queuedJob(run, slurm.jobId) : undefined;
  if (byId) jobs.push(byId);
  for (const id of await jobsNamed(run, slurm.jobName)) {
    if (jobs.some((j) => j.id === id)) continue;
    const job = await queuedJob(run, id);
    if (job) jobs.push(job);
  }
  return jobs;
}

function describeJob(slurm: SlurmAttemptRecord, j: QueuedJob): string {
  return `slurm job ${j.id} (${j.state}) in partition ${slurm.partition}${where(slurm)}: scancel ${j.id}`;
}

function where(slurm: SlurmAttemptRecord): string {
  return slurm.submitHost ? ` on ${slurm.submitHost}` : "";
}
