/**
 * An applied attempt's workload, watched from the launcher: its node 0 log streamed to the terminal
 * (quoted) and copied into the run's folder, and its final status read from the run store — or, on
 * an owned Slurm pool, its job submitted and followed. The status is saved as `status.json` next to
 * the log.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LaunchOptions } from "./launch-options";
import { outputEndingWith, outputEndingWithValue, placementReaderOptions, statusTimeoutMs } from "./launch-outputs";
import { logQuoter } from "./log-lines";
import { patientReader } from "./patient-reader";
import type { Progress, ProgressSink } from "./progress";
import type { RunPhase } from "./run-record";
import { runOnSlurm, slurmJobOf } from "./slurm-attempt";
import type { SlurmAttemptRecord } from "./slurm-leftovers";
import { readerFor, waitForStatus, type RunStatus } from "./status-store";

/** What {@link waitForWorkload} needs of the run. */
export interface WorkloadWaitContext {
  readonly options: LaunchOptions;
  readonly runId: string;
  readonly runDir: string;
  /** The attempt's number (the Slurm job's name carries it). */
  readonly n: number;
  readonly sink: ProgressSink;
  readonly progress: Progress;
  /** The stack's outputs after apply. */
  readonly outputs: Record<string, unknown>;
  /** The run's deadline when it is earlier than this attempt's own (a relaunch), ms since the epoch. @default - the attempt's */
  readonly runDeadlineMs?: number;
  readonly recordSlurm: (slurm: SlurmAttemptRecord) => void;
  readonly phase: (phase: RunPhase) => void;
}

/** How the wait ended: the workload's status, or a Slurm job that never started within its maxQueueWait. */
export type WorkloadEnd = { readonly kind: "status"; readonly status: RunStatus } | { readonly kind: "unstarted"; readonly reason: string };

/**
 * Waits for the workload's status while streaming its log.
 * @throws Error when the stack has no status output, the wait times out or is aborted
 */
export async function waitForWorkload(ctx: WorkloadWaitContext): Promise<WorkloadEnd> {
  const { options, outputs, progress, runDir, sink } = ctx;
  const statusUri = outputEndingWith(outputs, "_status_uri");
  const logsUri = outputEndingWith(outputs, "_logs_uri");
  if (!statusUri) throw new Error("the stack has no *_status_uri output: launch a stack with one GpuTask");
  const placement = outputEndingWithValue(outputs, "_placement");
  const ownDeadline = Date.parse(String(outputEndingWith(outputs, "_deadline") ?? ""));
  const deadline = ctx.runDeadlineMs !== undefined && !(ownDeadline <= ctx.runDeadlineMs) ? ctx.runDeadlineMs : ownDeadline;
  const readerOptions = placementReaderOptions(outputs, options.readerOptions);
  const timeoutMs = options.statusTimeoutMs ?? statusTimeoutMs(deadline, Date.now());
  progress.phase(`running: waiting for ${statusUri}`);
  const patience = {
    warn: (m: string) => progress.note(m),
    ...(options.stopOnReadErrors !== undefined ? { stopAfterFailures: options.stopOnReadErrors } : {}),
  };
  const logFile = join(runDir, "node0.log");
  let copying = true;
  const copy = (text: string) => {
    if (!copying) return;
    try {
      appendFileSync(logFile, text, { mode: 0o600 });
    } catch (e) {
      copying = false; // a full local disk stops the copy, not the run
      progress.note(`warning: stopped copying the log to ${logFile}: ${(e as Error).message} (the run goes on)`);
    }
  };
  const quote = logQuoter();
  const onLog = (text: string) => {
    copy(text);
    sink.write(quote(text));
  };
  const pollMs = options.pollMs ?? 15000;
  const slurmJob = slurmJobOf(outputEndingWithValue(outputs, "_slurm_job"), "the stack's *_slurm_job output");
  let status: RunStatus;
  if (slurmJob) {
    const onSlurm = await runOnSlurm({
      job: slurmJob, runId: String(outputEndingWith(outputs, "_run_id")), jobName: `hgpu-${ctx.runId}-${ctx.n}`, placementJson: JSON.stringify(placement ?? {}),
      env: options.env ?? process.env, progress, pollMs, ...(options.signal ? { signal: options.signal } : {}), onLog, warn: patience.warn,
      record: ctx.recordSlurm, phase: ctx.phase,
    });
    if (onSlurm.kind === "queue-timeout") return { kind: "unstarted", reason: onSlurm.reason };
    status = onSlurm.status;
  } else {
    status = await waitForStatus({
      statusUri,
      reader: patientReader(readerFor(statusUri, readerOptions), patience),
      ...(logsUri ? { logsUri: `${logsUri}node0.log`, logsReader: patientReader(readerFor(`${logsUri}node0.log`, readerOptions), patience) } : {}),
      pollMs,
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs,
      onLog,
    });
  }
  try {
    writeFileSync(join(runDir, "status.json"), `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
  } catch (e) {
    progress.note(`warning: cannot save status.json: ${(e as Error).message}`);
  }
  const reason = typeof status.reason === "string" && status.reason !== "completed" ? ` (${status.reason})` : "";
  progress.note(`workload finished with exit code ${status.exitCode}${reason}`);
  return { kind: "status", status };
}
