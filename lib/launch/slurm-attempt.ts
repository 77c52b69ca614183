/**
 * An attempt on an owned Slurm pool, as the launcher drives it. Before anything is applied: does
 * the job start within its `maxQueueWait` (the partition's GPUs now and `sbatch --test-only`)?
 * If not, the launcher moves to the next placement as after a capacity error. After the stack (the
 * task's start marker) is applied: the job is submitted, waited for in the queue (cancelled, and
 * the next placement tried, when it is still pending after `maxQueueWait`), node 0's log streamed
 * from the shared file system and the status waited for. Every way out (the status, a signal, an
 * error) cancels the job and waits until Slurm reports it gone. A job that ended without writing
 * its status (killed at the time limit, a node failure) gets one from how Slurm says it ended.
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { plural } from "../core/plural";
import { partitionGpus } from "../onprem/slurm-gpus";
import { finishedJob, queuedJob, submitJob, type FinishedJob } from "../onprem/slurm-jobs";
import { queueFit, type QueueFit } from "../onprem/slurm-queue-fit";
import { estimateStart } from "../onprem/slurm-start-estimate";
import type { SlurmJobSpec } from "../task/pool-task";
import type { Progress } from "./progress";
import { slurmJobScript, type SlurmScriptSpec } from "./slurm-job-script";
import { cancelSlurmAttempt, runnerFor, type SlurmAttemptRecord } from "./slurm-leftovers";
import { sharedFileReader } from "./slurm-runner";
import { parseStatus, waitForStatus, type RunStatus } from "./status-store";
import { patientReader } from "./patient-reader";
import { sleep } from "./sleep";

/** The `<task>_slurm_job` output's value, checked: undefined when `value` is absent. @throws Error naming what is wrong */
export function slurmJobOf(value: unknown, where: string): SlurmJobSpec | undefined {
  if (value === undefined) return undefined;
  const j = value as Partial<SlurmJobSpec> | null;
  const problems = [
    ...(j?.version === 1 ? [] : ["version is not 1"]),
    ...(["task", "pool", "placementKey", "sharedPath", "runDir"] as const).filter((k) => typeof j?.[k] !== "string").map((k) => `${k} is not a string`),
    ...(["nodes", "gpusPerNode", "timeLimitMinutes", "signalBeforeLimitSeconds", "maxQueueWaitMinutes"] as const).filter((k) => !(typeof j?.[k] === "number" && j[k]! >= 0)).map((k) => `${k} is not a number`),
    ...(typeof j?.scheduler?.partition === "string" ? [] : ["scheduler.partition is not a string"]),
    ...(typeof j?.container?.kind === "string" && Array.isArray(j.container.mounts) ? [] : ["container is not { kind, mounts }"]),
    ...(typeof j?.env === "object" && j.env !== null ? [] : ["env is not an object"]),
  ];
  if (problems.length) throw new Error(`${where} is not a Slurm job this version of hgpu launch can submit: ${problems.join("; ")}`);
  return j as SlurmJobSpec;
}

/** Whether the job can start within its maxQueueWait, asked of the pool's Slurm. */
export async function checkSlurmQueue(job: SlurmJobSpec, env: NodeJS.ProcessEnv, now = new Date()): Promise<QueueFit> {
  const run = runnerFor(recordOf(job, "hgpu-queue-check"), env);
  try {
    const gpus = await partitionGpus(run, job.scheduler.partition);
    // The estimate is asked for the job as it will be submitted (its account, QOS and limit count).
    // Before apply the run's folder is not known yet (it holds the run ID): the shared path stands in.
    const estimate = await estimateStart(run, slurmJobScript({ ...scriptSpec(job, "hgpu-queue-check", "0", "{}"), runDir: job.sharedPath }));
    return queueFit(job, gpus, estimate, now);
  } catch (e) {
    return { fits: false, reason: `Slurm of pool ${job.pool} cannot be asked: ${(e as Error).message}` };
  }
}

/**
 * Before anything is applied: when the synthesized stack `stackFile` places its task on an owned
 * pool, asks the pool's Slurm whether the job starts within its maxQueueWait. Returns why not (the
 * launcher then moves to the next placement), or undefined when it does or the stack is not on a pool.
 */
export async function slurmQueueRefusal(stackFile: string, env: NodeJS.ProcessEnv, progress: Progress): Promise<string | undefined> {
  const outputs = (JSON.parse(readFileSync(stackFile, "utf8")) as { output?: Record<string, { value?: unknown }> }).output ?? {};
  const hits = Object.entries(outputs).filter(([k]) => k.endsWith("_slurm_job"));
  if (hits.length !== 1) return undefined;
  const job = slurmJobOf(hits[0]![1].value, `output ${hits[0]![0]} of ${stackFile}`)!;
  progress.phase(`asking Slurm of pool ${job.pool} (partition ${job.scheduler.partition}${job.scheduler.submitHost ? ` on ${job.scheduler.submitHost}` : ""})`);
  const fit = await checkSlurmQueue(job, env);
  if (fit.fits) progress.note(`pool ${job.pool}: ${fit.reason}`);
  return fit.fits ? undefined : `pool ${job.pool}: ${fit.reason}`;
}

/** What {@link runOnSlurm} needs from the launcher. */
export interface SlurmRunContext {
  readonly job: SlurmJobSpec;
  /** The run's ID (the task's start marker). */
  readonly runId: string;
  /** `--job-name`: unique to the launch attempt. */
  readonly jobName: string;
  readonly placementJson: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: Progress;
  /** Time between looks at the queue, the status and the log, ms. */
  readonly pollMs: number;
  readonly signal?: AbortSignal;
  /** Receives node 0's log as it grows. */
  readonly onLog: (text: string) => void;
  /** Warns of failed reads (they are retried). */
  readonly warn: (message: string) => void;
  /** Keeps the run record's view of the job. */
  readonly record: (slurm: SlurmAttemptRecord) => void;
  /** Marks the run record's phase. */
  readonly phase: (phase: "queued" | "running") => void;
}

/** How a run on Slurm ended: a status, or a job still pending after maxQueueWait (cancelled). */
export type SlurmRunResult = { readonly kind: "status"; readonly status: RunStatus } | { readonly kind: "queue-timeout"; readonly reason: string };

/**
 * Submits the job, waits for it to start (at most maxQueueWait), streams node 0's log and waits
 * for the status; cancels the job on every way out and waits until Slurm reports it gone.
 * @throws the wait's error (an AbortError on a signal) after the job is gone
 */
export async function runOnSlurm(ctx: SlurmRunContext): Promise<SlurmRunResult> {
  const { job, progress } = ctx;
  let slurm = recordOf(job, ctx.jobName, ctx.env.SLURM_CONF);
  const run = runnerFor(slurm, ctx.env);
  ctx.record(slurm);
  const script = slurmJobScript(scriptSpec(job, ctx.jobName, ctx.runId, ctx.placementJson));
  try {
    await makeRunDir(job, ctx.env);
    ctx.phase("queued");
    const jobId = await submitJob(run, script);
    slurm = { ...slurm, jobId };
    ctx.record(slurm);
    progress.note(`submitted Slurm job ${jobId} (${ctx.jobName}) to partition ${job.scheduler.partition}${job.scheduler.submitHost ? ` on ${job.scheduler.submitHost}` : ""}; its files: ${job.runDir}`);
    const started = await waitToStart(ctx, jobId);
    if (started !== "started") return { kind: "queue-timeout", reason: started };
    ctx.phase("running");
    return { kind: "status", status: await waitForEnd(ctx, jobId) };
  } finally {
    const left = await cancelSlurmAttempt(slurm, progress, { env: ctx.env, pollMs: Math.min(ctx.pollMs, 1000) });
    if (left.length === 0) ctx.record({ ...slurm, gone: true });
  }
}

/** Polls the queue until the job runs (or already ended); a reason when it is still pending after maxQueueWait. */
async function waitToStart(ctx: SlurmRunContext, jobId: string): Promise<"started" | string> {
  const run = runnerFor(recordOf(ctx.job, ctx.jobName, ctx.env.SLURM_CONF), ctx.env);
  const until = Date.now() + ctx.job.maxQueueWaitMinutes * 60_000;
  let said = "";
  for (;;) {
    throwIfAborted(ctx.signal);
    const q = await queuedJob(run, jobId);
    if (!q || q.state !== "PENDING") return "started";
    if (q.reason !== said) ctx.progress.note(`Slurm job ${jobId} is pending (${q.reason})`);
    said = q.reason;
    if (Date.now() >= until) return `Slurm job ${jobId} was still pending (${q.reason}) after maxQueueWait (${plural(ctx.job.maxQueueWaitMinutes, "minute")})`;
    await sleep(ctx.pollMs, ctx.signal).catch(() => throwIfAborted(ctx.signal));
  }
}

/** Streams the log and waits for the status, while watching that the job is still there. */
async function waitForEnd(ctx: SlurmRunContext, jobId: string): Promise<RunStatus> {
  const { job } = ctx;
  const reader = sharedFileReader({ env: ctx.env, ...(job.scheduler.submitHost ? { submitHost: job.scheduler.submitHost } : {}) });
  const statusUri = `file://${job.runDir}/status.json`;
  const logsUri = `file://${job.runDir}/logs/node0.log`;
  const run = runnerFor(recordOf(job, ctx.jobName, ctx.env.SLURM_CONF), ctx.env);
  // The job leaving the queue ends the wait: the status is read once more, or made from Slurm's record.
  const gone = new AbortController();
  const stop = new AbortController();
  const onAbort = () => stop.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener("abort", onAbort, { once: true });
  const watch = (async () => {
    while (!stop.signal.aborted) {
      await sleep(ctx.pollMs, stop.signal).catch(() => undefined);
      if (stop.signal.aborted) return;
      const q = await queuedJob(run, jobId).catch(() => ({ id: jobId, state: "UNKNOWN", reason: "squeue failed" }));
      if (!q) {
        gone.abort("gone");
        stop.abort("the job left the queue");
        return;
      }
    }
  })();
  // The log's offset is kept here, so the tail read after the job is gone continues where the wait left off.
  let offset = 0;
  const onLog = (text: string) => {
    offset += Buffer.byteLength(text, "utf8");
    ctx.onLog(text);
  };
  try {
    const timeoutMs = (job.timeLimitMinutes + 15) * 60_000;
    const patient = patientReader(reader, { warn: ctx.warn });
    return await waitForStatus({ statusUri, logsUri, reader: patient, pollMs: ctx.pollMs, signal: stop.signal, onLog, timeoutMs });
  } catch (e) {
    if (!gone.signal.aborted) throw e;
    // Gone: its status (written before the job ended) and the log's tail are read once more; without a status, Slurm's record decides.
    const tail = await reader.readFrom(logsUri, offset).catch(() => "");
    if (tail) onLog(tail);
    let text = await reader.read(statusUri).catch(() => undefined);
    if (!text?.trim()) {
      await sleep(Math.min(ctx.pollMs, 2000)).catch(() => undefined);
      text = await reader.read(statusUri).catch(() => undefined);
    }
    if (text?.trim()) return parseStatus(text, statusUri);
    const ended = await finishedJob(run, jobId);
    ctx.progress.note(`Slurm job ${jobId} ended without a status (${ended ? `${ended.state}, ${ended.reason}` : "Slurm no longer remembers it"})`);
    return statusFromSlurm(ctx.runId, jobId, ended);
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
    stop.abort("done");
    await watch;
  }
}

/**
 * A status for a job that wrote none, from how Slurm says it ended: TIMEOUT is the time limit
 * (exit 124, `time-limit`), as the batch script reports it.
 */
export function statusFromSlurm(runId: string, jobId: string, ended: FinishedJob | undefined): RunStatus {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const reason = !ended ? "unknown" : ended.state === "TIMEOUT" ? "time-limit" : ended.state === "CANCELLED" ? "cancelled" : ended.state === "NODE_FAIL" ? "node-failure" : ended.state === "OUT_OF_MEMORY" ? "out-of-memory" : ended.state === "PREEMPTED" ? "preempted" : ended.state === "COMPLETED" ? "completed" : "workload-failed";
  const exitCode = reason === "time-limit" ? 124 : ended && ended.exitCode !== 0 ? ended.exitCode : ended?.signal ? 128 + ended.signal : reason === "completed" ? 0 : 1;
  return { runId, exitCode, reason, startedAt: ended?.startTime ?? now, finishedAt: ended?.endTime ?? now, slurmJobId: jobId, slurmState: ended?.state ?? "unknown", reportedBy: "hgpu launch (from Slurm's record: the job wrote no status)" };
}

/** What the batch script is rendered from. */
function scriptSpec(job: SlurmJobSpec, jobName: string, runId: string, placementJson: string): SlurmScriptSpec {
  return {
    task: job.task, runId, jobName, scheduler: job.scheduler, nodes: job.nodes, gpusPerNode: job.gpusPerNode,
    timeLimitMinutes: job.timeLimitMinutes, signalBeforeLimitSeconds: job.signalBeforeLimitSeconds, runDir: job.runDir,
    container: job.container, ...(job.command ? { command: job.command } : {}), env: job.env, placementJson,
    idleTimeoutMinutes: job.watchdogs?.idleTimeoutMinutes ?? 30, joinTimeoutMinutes: (job.watchdogs?.pullTimeoutMinutes ?? 20) * 3 + 10,
  };
}

function recordOf(job: SlurmJobSpec, jobName: string, slurmConf?: string): SlurmAttemptRecord {
  return {
    jobName, partition: job.scheduler.partition, runDir: job.runDir,
    ...(job.scheduler.submitHost ? { submitHost: job.scheduler.submitHost } : {}),
    ...(slurmConf ? { slurmConf } : {}),
  };
}

/** The run's folder must exist before the job starts (its output file is there). */
async function makeRunDir(job: SlurmJobSpec, env: NodeJS.ProcessEnv): Promise<void> {
  if (!job.scheduler.submitHost) {
    await mkdir(job.runDir, { recursive: true });
    return;
  }
  const r = await runnerFor(recordOf(job, "mkdir"), env)(["mkdir", "-p", "--", job.runDir]);
  if (r.code !== 0) throw new Error(`cannot create ${job.runDir} on ${job.scheduler.submitHost}: ${r.stderr.trim()}`);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const e = new Error(`Stopped waiting for the Slurm job: ${String(signal.reason)}`);
    e.name = "AbortError";
    throw e;
  }
}
