import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessIdentity } from "./process-identity";
import { recordAsFound } from "./record-on-disk";
import type { SlurmAttemptRecord } from "./slurm-leftovers";
import { writeFileAtomic } from "./run-files";
import type { StateLocation } from "./state-location";
import type { RunStatus } from "./status-store";

/**
 * The run record, `launch.json` in the run's directory: what `hgpu runs` and `hgpu destroy` read
 * to find a run and what it left, whether its launcher ended, crashed or was killed. It is written
 * when the run starts and after every phase, atomically, and a failed write (a full disk) never
 * stops the run.
 */

/** Where a run is (`queued`: its Slurm job waits in the pool's queue). */
export type RunPhase = "synth" | "init" | "apply" | "queued" | "running" | "destroy" | "ended";

/** How a run ended (`abandoned`: its launcher died, and `hgpu destroy` removed what it left). */
export type RunOutcome =
  | "succeeded" | "workload-failed" | "preempted" | "node-failure" | "failed" | "no-capacity" | "interrupted" | "resources-left" | "kept" | "abandoned";

/** How one attempt (one placement) went. */
export type AttemptOutcome = "succeeded" | "preempted" | "node-failure" | "capacity" | "failed" | "interrupted";

/** The checkpoint an attempt handed on (saved from its store) or was given (seeded into its store). */
export interface AttemptCheckpoint {
  /** The checkpoint saved from the attempt's store before its destroy. @default - none */
  readonly saved?: string;
  /** Bytes copied out of the attempt's cloud to the launcher. @default 0 */
  readonly bytesOut?: number;
  /** What copying them out cost in egress, USD. @default 0 */
  readonly egressUsd?: number;
  /** A checkpoint was uploaded into the attempt's store before its nodes restored. @default false */
  readonly seeded?: boolean;
  /** Bytes uploaded into the attempt's store. @default 0 */
  readonly bytesIn?: number;
}

/** One attempt in the record. */
export interface AttemptRecord {
  /** 1, 2, ... */
  readonly n: number;
  /** The attempt's directory. */
  readonly dir: string;
  /** The synthesized stack Terraform works in. @default - not synthesized yet */
  readonly stackDir?: string;
  readonly placementKey?: string;
  /** Catalog price of the placement, USD/hour. @default - unknown */
  readonly usdPerHour?: number;
  /** The attempt's own state. @default - not isolated yet (nothing was applied) */
  readonly state?: StateLocation;
  /** Set just before `apply` starts: until then the attempt has created nothing. @default false */
  readonly applyStarted?: boolean;
  /**
   * Set when Terraform starts creating the first resource (its first `apply_start` event): from
   * then on a local state file that is missing is unknown, not empty (before it, an apply that
   * failed in its plan wrote no state because it created nothing). @default false
   */
  readonly creating?: boolean;
  /**
   * The resources Terraform was still creating when it ended (killed: an out-of-memory kill, a
   * SIGKILL; or crashed), and how it ended (`SIGKILL`, `exit 2`): they may exist outside every
   * state. `hgpu destroy --force` forgets them once they are removed by hand. @default - none
   */
  readonly killedWhileCreating?: { readonly signal: string; readonly resources: readonly string[] };
  /** The Terraform process running now (or last), and its command. */
  readonly terraform?: ProcessIdentity & { readonly command: string };
  /** Restarts of the run before this attempt. @default 0 */
  readonly restartCount?: number;
  /** When its apply started and when it ended (destroyed or kept), ISO 8601: with usdPerHour, what it cost. @default - not applied */
  readonly appliedAt?: string;
  readonly endedAt?: string;
  /** The checkpoint it handed on or was given (a task with recovery). @default - none */
  readonly checkpoint?: AttemptCheckpoint;
  /** The attempt's Slurm job, on an owned pool. @default - none (a cloud placement) */
  readonly slurm?: SlurmAttemptRecord;
  readonly outcome?: AttemptOutcome;
  readonly errors?: readonly string[];
}

/** The whole record. */
export interface RunRecord {
  readonly version: 1;
  readonly runId: string;
  readonly stack: string;
  readonly app: string;
  /** The Terraform binary the run used (`terraform` or `tofu`): its destroy must use the same. */
  readonly terraform: string;
  /** The project folder the launch ran in. */
  readonly project: string;
  readonly runDir: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The launcher process. */
  readonly launcher: ProcessIdentity;
  readonly phase: RunPhase;
  readonly attempts: readonly AttemptRecord[];
  readonly outcome?: RunOutcome;
  readonly exitCode?: number;
  readonly finishedAt?: string;
  /** What was still in state after the last destroy (empty when all is gone). */
  readonly leftInState: readonly string[];
  /** What `--keep-on-failure` kept. */
  readonly kept: readonly string[];
  /**
   * The run folder the record's paths were written for, when it was found elsewhere (the project
   * moved): its paths are re-rooted where it is now. @default - not moved
   */
  readonly movedFrom?: string;
  readonly status?: RunStatus;
  /** Later `hgpu destroy` runs, newest last. */
  readonly destroys?: readonly { readonly at: string; readonly left: readonly string[] }[];
}

/** The record's file name in a run directory. */
export const RUN_RECORD_FILE = "launch.json";

/**
 * Keeps a run's record and writes it after each change; write errors are reported once, never
 * thrown, and each change says whether it reached the disk (the launcher applies nothing the
 * record would not know of).
 */
export class RunRecorder {
  private current: RunRecord;
  private warned = false;

  constructor(initial: RunRecord, private readonly warn: (message: string) => void) {
    this.current = initial;
    this.flush();
  }

  /** The record as last updated. */
  public get record(): RunRecord {
    return this.current;
  }

  /** Changes top-level fields and writes the record; false when the write failed. */
  public update(patch: Partial<Omit<RunRecord, "version" | "runId">>): boolean {
    this.current = { ...this.current, ...patch, updatedAt: new Date().toISOString() };
    return this.flush();
  }

  /**
   * Changes attempt `n` (adding it when new) and writes the record; false when the write failed.
   * With `required`, a change that could not be written is not kept either.
   */
  public attempt(n: number, patch: Partial<AttemptRecord> & { readonly dir?: string }, required = false): boolean {
    const before = this.current;
    const attempts = [...this.current.attempts];
    const i = attempts.findIndex((a) => a.n === n);
    if (i < 0) attempts.push({ n, dir: patch.dir ?? "", ...patch });
    else attempts[i] = { ...attempts[i]!, ...patch };
    const written = this.update({ attempts });
    if (!written && required) this.current = before;
    return written;
  }

  /** Where the record is written. */
  public get file(): string {
    return join(this.current.runDir, RUN_RECORD_FILE);
  }

  private flush(): boolean {
    try {
      writeFileAtomic(this.file, `${JSON.stringify(this.current, null, 2)}\n`);
      return true;
    } catch (e) {
      if (!this.warned) this.warn(`warning: cannot write the run record ${this.file}: ${(e as Error).message} (the run goes on; the record may be out of date)`);
      this.warned = true;
      return false;
    }
  }
}

/**
 * The record of the run in `runDir` as found there (see {@link recordAsFound}: paths re-rooted if
 * the project moved, states on disk the record missed), or undefined when there is none or it
 * cannot be read.
 */
export function readRunRecord(runDir: string): RunRecord | undefined {
  let r: RunRecord;
  try {
    r = JSON.parse(readFileSync(join(runDir, RUN_RECORD_FILE), "utf8")) as RunRecord;
  } catch {
    return undefined;
  }
  return r.version === 1 && typeof r.runId === "string" ? recordAsFound(r, runDir) : undefined;
}

/** Every readable run record under `runsDir`, newest first. */
export function readRunRecords(runsDir: string): RunRecord[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => readRunRecord(join(runsDir, d.name)))
    .filter((r): r is RunRecord => r !== undefined)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}
