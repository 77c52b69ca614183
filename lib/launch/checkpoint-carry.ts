/**
 * A run's checkpoints carried from one attempt to the next through the launcher's machine: each
 * attempt keeps its checkpoints in its own run store, which its destroy removes, so before an
 * attempt that was preempted (or lost a node) is destroyed the latest complete checkpoint is copied
 * into the run's folder (`<run dir>/checkpoint/`), and after the next attempt is applied it is
 * uploaded into the new store, followed by the `SEEDED` marker the nodes wait for before they
 * restore. The copy works between clouds (AWS to Azure and back); its cost is the egress out of
 * the cloud the checkpoint leaves.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { egressUsd } from "../core/egress";
import { egressSourceOf, saveLatestCheckpoint, seedCheckpoint } from "./checkpoint-transfer";
import { outputEndingWith, placementReaderOptions } from "./launch-outputs";
import { gibibytes, type Progress } from "./progress";
import type { AttemptCheckpoint, RunOutcome, RunRecorder } from "./run-record";
import type { ReaderOptions } from "./status-store";

/** What {@link CheckpointCarry} needs of the run. */
export interface CheckpointCarryContext {
  readonly runDir: string;
  readonly progress: Progress;
  readonly recorder: RunRecorder;
  readonly readerOptions?: ReaderOptions;
  readonly signal?: AbortSignal;
}

/** Carries the latest complete checkpoint from an attempt's run store to the next attempt's. */
export class CheckpointCarry {
  /** Where the carried checkpoint waits between attempts. */
  public readonly localDir: string;

  constructor(private readonly ctx: CheckpointCarryContext) {
    this.localDir = join(ctx.runDir, "checkpoint");
  }

  /**
   * Copies the latest complete checkpoint of attempt `n` (its stack's outputs) to the run's folder.
   * A failure is said, not thrown: the next attempt resumes from the checkpoint carried before, if any.
   */
  public async saveFrom(n: number, outputs: Record<string, unknown>): Promise<void> {
    const uri = outputEndingWith(outputs, "_checkpoints_uri");
    if (!uri) return;
    const from = egressSourceOf(uri);
    try {
      const options = placementReaderOptions(outputs, this.ctx.readerOptions);
      const saved = await abortable(saveLatestCheckpoint({ checkpointsUri: uri, localDir: this.localDir, options }), this.ctx.signal);
      if (!saved) {
        this.ctx.progress.note(`no complete checkpoint in ${uri}: a relaunch starts from the one carried before, or from the beginning`);
        return;
      }
      const usd = egressUsd(saved.bytes, from);
      this.record(n, { saved: saved.name, bytesOut: saved.bytes, egressUsd: usd });
      this.ctx.progress.note(`saved checkpoint ${saved.name} (${gibibytes(saved.bytes)}) from ${uri} to ${this.localDir}${usd > 0 ? `: about $${usd.toFixed(2)} of egress out of ${from === "aws" ? "AWS" : "Azure"}` : ""}`);
    } catch (e) {
      this.ctx.progress.note(`WARNING: could not save the checkpoint from ${uri}: ${(e as Error).message}`);
    }
  }

  /**
   * Uploads the carried checkpoint (if any) into attempt `n`'s run store and writes the marker the
   * nodes wait for. @throws Error when that fails: the nodes would wait for the marker in vain
   */
  public async seedInto(n: number, outputs: Record<string, unknown>): Promise<void> {
    const uri = outputEndingWith(outputs, "_checkpoints_uri");
    if (!uri) throw new Error("the stack states a recovery but no *_checkpoints_uri output: its nodes cannot be given the checkpoint");
    const options = placementReaderOptions(outputs, this.ctx.readerOptions);
    const bytes = await abortable(seedCheckpoint({ localDir: this.localDir, checkpointsUri: uri, options }), this.ctx.signal);
    this.record(n, { seeded: bytes > 0, bytesIn: bytes });
    this.ctx.progress.note(bytes > 0
      ? `seeded ${uri} with the carried checkpoint (${gibibytes(bytes)})`
      : `nothing to carry: the workload starts from the beginning (${uri} seeded empty)`);
  }

  /** At the end of the run: the carried copy is removed after a success, and kept (and said where) otherwise. */
  public end(outcome: RunOutcome): void {
    if (!existsSync(this.localDir)) return;
    if (outcome === "succeeded") rmSync(this.localDir, { recursive: true, force: true });
    else this.ctx.progress.note(`the run's last carried checkpoint stays in ${this.localDir}`);
  }

  private record(n: number, patch: AttemptCheckpoint): void {
    const before = this.ctx.recorder.record.attempts.find((a) => a.n === n)?.checkpoint;
    this.ctx.recorder.attempt(n, { checkpoint: { ...before, ...patch } });
  }

}

/** `work`, or a rejection as soon as `signal` aborts (the work itself is left to finish on its own). */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`stopped: ${String(signal.reason)}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
