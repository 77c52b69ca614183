import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { plural } from "../core/plural";
import { alignColumns, table } from "../core/table";
import { elapsed, gibibytes, Progress, type ProgressSink } from "./progress";
import { isRunning, processState, signalIfRunning, type ProcessState } from "./process-identity";
import { readRunRecords, RunRecorder, type AttemptRecord, type RunRecord } from "./run-record";
import { slurmJobsLeft } from "./slurm-leftovers";
import { destroyWithRetries, leftReport, resourcesInState, type DestroyOptions } from "./teardown";
import { releaseLockOf } from "./run-lock";
import { writeStateOverride } from "./state-location";
import { TerraformRunner } from "./terraform";

/**
 * Finding runs and removing what they left: `hgpu runs` and `hgpu destroy <run id>`. A run is
 * `live` while its launcher runs, `elsewhere` while its launcher, in another container or on
 * another host, cannot be seen from here, `leftover` when its launcher is gone and a state still
 * holds resources (a killed launcher, a failed destroy, `--keep-on-failure`), else `ended`.
 */

/** The runs folder of a project. */
export const RUNS_DIR = join(".hgpu", "runs");

/** A run as `hgpu runs` shows it. */
export interface RunView {
  readonly record: RunRecord;
  readonly state: "live" | "elsewhere" | "leftover" | "ended";
  /** Resources in each attempt's state now. */
  readonly left: readonly { readonly attempt: AttemptRecord; readonly resources: readonly string[] }[];
  /** What the run's placements cost while resources are left, USD/hour (the last attempt's price). */
  readonly usdPerHour?: number;
}

/**
 * The project folder at or above `from`: the nearest folder with a `.hgpu/runs` or a `cdktf.json`.
 * @default - `from` itself when there is none
 */
export function findProject(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, RUNS_DIR)) || existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

/** How {@link viewRun} reads states. */
export interface ViewOptions {
  /** Read remote states through Terraform. @default false */
  readonly remote?: boolean;
  /** The Terraform binary. @default - the run's own */
  readonly terraform?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Looks at one run: is its launcher alive, and what do its states hold now (remote states through Terraform when `remote`). */
export async function viewRun(record: RunRecord, options: ViewOptions = {}): Promise<RunView> {
  const left: { attempt: AttemptRecord; resources: string[] }[] = [];
  for (const attempt of record.attempts) {
    if (!attempt.state) continue;
    const tf = options.remote && attempt.stackDir ? new TerraformRunner(attempt.stackDir, options.terraform ?? record.terraform, options.env, { logDir: join(attempt.dir, "terraform-logs") }) : undefined;
    // A remote state is read only with --remote; without it, a run that did not end cleanly (its
    // launcher died, or it reported resources left) counts as holding what it may hold.
    const unsure = record.phase !== "ended" || record.leftInState.length > 0 || record.kept.length > 0;
    const resources =
      attempt.state.backend === "local" || tf
        ? await resourcesInState(attempt, tf)
        : [
            // An owned pool's job is asked of Slurm even when the state is not read.
            ...(attempt.slurm ? await slurmJobsLeft(attempt.slurm) : []),
            ...(attempt.applyStarted && unsure ? [`(remote state ${attempt.state.description}: hgpu runs --remote reads it)`] : []),
          ];
    const all = [...resources, ...outsideState(attempt)];
    if (all.length > 0) left.push({ attempt, resources: all });
  }
  const launcher = launcherState(record);
  const last = [...record.attempts].reverse().find((a) => a.usdPerHour !== undefined);
  return { record, state: launcher === "running" ? "live" : launcher === "elsewhere" ? "elsewhere" : left.length > 0 ? "leftover" : "ended", left, ...(last?.usdPerHour !== undefined ? { usdPerHour: last.usdPerHour } : {}) };
}

/** What a killed Terraform was creating in `attempt`, as lines of what is left (it may exist outside any state). */
function outsideState(attempt: AttemptRecord): string[] {
  const k = attempt.killedWhileCreating;
  return k ? k.resources.map((r) => `${r} (being created when terraform ended by ${k.signal}: it may exist outside any state; check the cloud)`) : [];
}

/** Where a run's launcher is: gone once the run ended, else as its process is seen from here. */
function launcherState(record: RunRecord): ProcessState {
  return record.phase === "ended" ? "gone" : processState(record.launcher);
}

/** A run is live while it has not ended and its launcher may still run (here, or elsewhere, where it cannot be seen). */
export function isLive(record: RunRecord): boolean {
  return launcherState(record) !== "gone";
}

/** The runs of the project, newest first. */
export async function listRuns(runsDir: string, options: Parameters<typeof viewRun>[1] = {}): Promise<RunView[]> {
  return Promise.all(readRunRecords(runsDir).map((r) => viewRun(r, options)));
}

/**
 * What an attempt cost, USD: its placement's price for the time from its apply to its end (or to
 * `now` while it runs or was left). Undefined when the price is unknown or nothing was applied.
 */
export function attemptCost(a: AttemptRecord, now = Date.now()): number | undefined {
  if (a.usdPerHour === undefined || a.appliedAt === undefined) return undefined;
  const ms = (a.endedAt !== undefined ? Date.parse(a.endedAt) : now) - Date.parse(a.appliedAt);
  return Number.isFinite(ms) ? (a.usdPerHour * Math.max(0, ms)) / 3_600_000 : undefined;
}

/** What a run cost so far: its attempts' costs and the egress of carrying its checkpoints. Undefined when no attempt's cost is known. */
export function runCost(r: RunRecord, now = Date.now()): number | undefined {
  const costs = r.attempts.map((a) => attemptCost(a, now)).filter((c): c is number => c !== undefined);
  if (costs.length === 0) return undefined;
  return costs.reduce((t, c) => t + c, 0) + r.attempts.reduce((t, a) => t + (a.checkpoint?.egressUsd ?? 0), 0);
}

/**
 * The runs table (newest first), with each run's restarts and cost; a run that was relaunched lists
 * its attempts under it (where each ran, how it ended, what it cost). Leftover runs are shouted,
 * with the command that removes them.
 */
export function formatRuns(views: readonly RunView[], now = Date.now()): string {
  if (views.length === 0) return "no runs";
  const header = ["run", "stack", "started", "state", "phase", "outcome", "placement", "restarts", "cost", "usd/h", "in state"];
  const rows = views.map((v) => {
    const r = v.record;
    const placement = [...r.attempts].reverse().find((a) => a.placementKey)?.placementKey ?? "-";
    const inState = v.left.reduce((n, l) => n + l.resources.length, 0);
    const cost = runCost(r, now);
    return [
      r.runId, r.stack, `${r.startedAt.slice(0, 19).replace("T", " ")} (${elapsed(now - Date.parse(r.startedAt))} ago)`,
      v.state === "leftover" ? "LEFTOVER" : v.state, r.phase, r.outcome ?? "-", placement, String(restartsOf(r)),
      cost !== undefined ? `$${cost.toFixed(2)}` : "-", v.usdPerHour !== undefined ? `$${v.usdPerHour.toFixed(2)}` : "-", String(inState),
    ];
  });
  const lines = table(header, rows).split("\n");
  for (const v of views.filter((x) => restartsOf(x.record) > 0)) {
    lines.push("", `run ${v.record.runId}: ${plural(restartsOf(v.record), "restart")}`);
    lines.push(...alignColumns(v.record.attempts.map((a) => attemptRow(a, now))).map((l) => `  ${l}`));
  }
  for (const v of views.filter((x) => x.state === "elsewhere" && x.left.length > 0)) {
    lines.push("", `!!! run ${v.record.runId} was launched in another container or on another host, where hgpu cannot see its launcher; if it is gone, these may be billing:`);
    for (const l of v.left) lines.push(...l.resources.map((x) => `!!!   attempt ${l.attempt.n}: ${x}`));
    lines.push(`!!! once you know its launcher is gone, remove them with: hgpu destroy --force ${v.record.runId}`);
  }
  for (const v of views.filter((x) => x.state === "leftover")) {
    lines.push("", `!!! run ${v.record.runId} left resources that may be running and billing${v.usdPerHour !== undefined ? ` (up to $${v.usdPerHour.toFixed(2)}/h)` : ""}:`);
    for (const l of v.left) lines.push(...l.resources.map((x) => `!!!   attempt ${l.attempt.n}: ${x}`));
    lines.push(`!!! remove them with: hgpu destroy ${v.record.runId}`);
  }
  return lines.join("\n");
}

/** One line on a relaunched run: its restarts, where it ran, what carrying its checkpoints cost and what it cost in all. */
export function recoverySummary(r: RunRecord, now = Date.now()): string {
  const ran = r.attempts.filter((a) => a.appliedAt !== undefined).map((a) => `${a.placementKey} (${a.outcome ?? "-"})`);
  const bytes = r.attempts.reduce((t, a) => t + (a.checkpoint?.bytesOut ?? 0), 0);
  const egress = r.attempts.reduce((t, a) => t + (a.checkpoint?.egressUsd ?? 0), 0);
  const cost = runCost(r, now);
  return [
    `run ${r.runId}: ${plural(restartsOf(r), "restart")}, ran on ${ran.join(", then ")}`,
    `checkpoints carried: ${gibibytes(bytes)}, $${egress.toFixed(2)} of egress`,
    `cost ${cost !== undefined ? `$${cost.toFixed(2)}` : "unknown"} in all (hgpu runs lists each attempt)`,
  ].join("; ");
}

/** Restarts of a run: the highest restart count its attempts were synthesized with. */
function restartsOf(r: RunRecord): number {
  return Math.max(0, ...r.attempts.map((a) => a.restartCount ?? 0));
}

function attemptRow(a: AttemptRecord, now: number): string[] {
  const cost = attemptCost(a, now);
  const ran = a.appliedAt !== undefined ? elapsed((a.endedAt !== undefined ? Date.parse(a.endedAt) : now) - Date.parse(a.appliedAt)) : "-";
  const c = a.checkpoint;
  const carried = [
    ...(c?.seeded ? [`resumed from the carried checkpoint (${gibibytes(c.bytesIn ?? 0)})`] : []),
    ...(c?.saved ? [`saved ${c.saved} (${gibibytes(c.bytesOut ?? 0)}, $${(c.egressUsd ?? 0).toFixed(2)} egress)`] : []),
  ];
  return [`attempt ${a.n}`, a.placementKey ?? "-", a.outcome ?? "-", ran, cost !== undefined ? `$${cost.toFixed(2)}` : "-", carried.join("; ")];
}

/** Removes the folders of runs that ended with nothing left in state; returns their IDs. */
export async function pruneRuns(runsDir: string, options: Parameters<typeof viewRun>[1] = {}): Promise<string[]> {
  const pruned: string[] = [];
  for (const v of await listRuns(runsDir, options)) {
    if (v.state !== "ended" || v.record.phase !== "ended") continue;
    rmSync(v.record.runDir, { recursive: true, force: true });
    pruned.push(v.record.runId);
  }
  return pruned;
}

/** Finds a run by its ID or a unique prefix of it. */
export function findRun(runsDir: string, id: string): RunRecord {
  const records = readRunRecords(runsDir);
  const exact = records.find((r) => r.runId === id);
  const hits = exact ? [exact] : records.filter((r) => r.runId.startsWith(id));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) throw new Error(`run ${JSON.stringify(id)} is ambiguous: ${hits.map((r) => r.runId).join(", ")}`);
  throw new Error(`no run ${JSON.stringify(id)} in ${runsDir}${records.length ? `: hgpu runs lists ${plural(records.length, "run")}` : " (no runs)"}`);
}

/** Options of {@link destroyRun}. */
export interface DestroyRunOptions extends DestroyOptions {
  /** Only this attempt. @default - every attempt with resources in state */
  readonly attempt?: number;
  readonly terraform?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly sink: ProgressSink;
  /** Longest wait for a Terraform the dead launcher left running, ms. @default 1800000 */
  readonly terraformWaitMs?: number;
  /**
   * Destroy a run whose launcher was recorded in another container or on another host (which
   * cannot be seen from here), releasing its stack's lock; and forget what a killed Terraform was
   * creating in the destroyed attempts (once it was removed by hand). @default false
   */
  readonly force?: boolean;
}

/**
 * `hgpu destroy <run id>`: destroys what a run left, attempt by attempt, with the launcher's
 * retries; refuses a live run (its own launcher destroys it). A Terraform still running from a
 * killed launcher is asked to stop (SIGINT, as Ctrl-C) and waited for, so that what it was
 * creating is in state before the destroy. Returns what is left (empty: all gone).
 */
export async function destroyRun(record: RunRecord, options: DestroyRunOptions): Promise<{ left: RunView["left"]; report?: string }> {
  const launcher = launcherState(record);
  if (launcher === "running") {
    throw new Error(`run ${record.runId} is live (launcher PID ${record.launcher.pid}): stop it with Ctrl-C in its terminal or kill -TERM ${record.launcher.pid}; it destroys what it created`);
  }
  if (launcher === "elsewhere" && !options.force) {
    throw new Error(
      `run ${record.runId} was launched in another container or on another host (launcher PID ${record.launcher.pid} there), where hgpu cannot see whether it still runs: ` +
        "stop it there (Ctrl-C, or kill -TERM), or, once you know its launcher is gone, run hgpu destroy --force",
    );
  }
  // Its launcher is gone (as the caller says): so is its hold on the stack.
  if (launcher === "elsewhere") releaseLockOf(dirname(record.runDir), record.stack, record.runId);
  const progress = new Progress(options.sink);
  const binary = options.terraform ?? record.terraform;
  const attempts = record.attempts.filter((a) => options.attempt === undefined || a.n === options.attempt);
  if (options.attempt !== undefined && attempts.length === 0) throw new Error(`run ${record.runId} has no attempt ${options.attempt}: it has ${record.attempts.map((a) => a.n).join(", ") || "none"}`);
  const recorder = new RunRecorder(record, (m) => progress.note(m));
  const left: { attempt: AttemptRecord; resources: string[] }[] = [];
  // Providers come from the project's plugin cache, as the launcher's inits take them (a moved run's links are stale).
  const cache = join(dirname(record.runDir), ".plugin-cache");
  const env = { ...(options.env ?? process.env) };
  if (env.TF_PLUGIN_CACHE_DIR === undefined && existsSync(cache)) env.TF_PLUGIN_CACHE_DIR = cache;
  for (const attempt of attempts) {
    if (!attempt.state) continue;
    // What a killed Terraform was creating is in no state: said until --force forgets it (once removed by hand).
    const outside = options.force ? [] : outsideState(attempt);
    if (options.force && attempt.killedWhileCreating) {
      progress.note(`attempt ${attempt.n}: --force: forgetting ${attempt.killedWhileCreating.resources.join(", ")}, which a killed Terraform was creating (check they are gone)`);
      recorder.attempt(attempt.n, { killedWhileCreating: undefined });
    }
    if (!attempt.stackDir) {
      const found = [...(await resourcesInState(attempt)), ...outside];
      if (found.length) progress.note(`attempt ${attempt.n}: no stack folder to destroy its state with`);
      if (found.length) left.push({ attempt, resources: found });
      continue;
    }
    await stopLeftoverTerraform(attempt, progress, options.terraformWaitMs ?? 1_800_000);
    const tf = new TerraformRunner(attempt.stackDir, binary, env, { logDir: join(attempt.dir, "terraform-logs") });
    // A run folder that moved: its stack still names the old local state, and its working folder
    // the old backend settings and provider links; point them at where the run is now.
    if (record.movedFrom !== undefined) {
      progress.note(`attempt ${attempt.n}: the run moved from ${record.movedFrom}: initializing its stack where it is now`);
      if (attempt.state.backend === "local") writeStateOverride(attempt.stackDir, { local: { path: attempt.state.path } });
    }
    // A run that died before (or during) init has no working directory to read a remote state with.
    if (record.movedFrom !== undefined || !existsSync(join(attempt.stackDir, ".terraform"))) {
      const init = await tf.init(record.movedFrom !== undefined);
      if (init.code !== 0) progress.note(`attempt ${attempt.n}: init failed: ${(init.errors.join("; ") || init.stderr).trim()}`);
    }
    const before = await resourcesInState(attempt, tf);
    if (before.length === 0) {
      progress.note(`attempt ${attempt.n}: nothing in state`);
      if (outside.length) left.push({ attempt, resources: outside });
      continue;
    }
    progress.note(`attempt ${attempt.n}: destroying ${before.length} resource(s) of ${attempt.placementKey ?? "?"}`);
    const rest = await destroyWithRetries(attempt, tf, progress, options);
    if (rest.length > 0 || outside.length > 0) left.push({ attempt, resources: [...rest, ...outside] });
    // What it cost ends with its destroy (a launcher that died never recorded the end).
    if (rest.length === 0 && attempt.endedAt === undefined) recorder.attempt(attempt.n, { endedAt: new Date().toISOString() });
  }
  // Attempts not destroyed now (another --attempt) still count.
  for (const attempt of record.attempts.filter((a) => !attempts.includes(a))) {
    const tf = attempt.stackDir ? new TerraformRunner(attempt.stackDir, binary, env, { logDir: join(attempt.dir, "terraform-logs") }) : undefined;
    const rest = [...(await resourcesInState(attempt, tf)), ...outsideState(attempt)];
    if (rest.length > 0) left.push({ attempt, resources: rest });
  }
  const leftNames = left.flatMap((l) => l.resources);
  const destroys = [...(record.destroys ?? []), { at: new Date().toISOString(), left: leftNames }];
  // A run whose launcher died never recorded its end: with nothing left, it has ended, "abandoned".
  // (A run that ended keeps its outcome; `destroys` says what was removed later.)
  const ended = left.length === 0 && record.phase !== "ended" ? { phase: "ended" as const, outcome: "abandoned" as const, finishedAt: new Date().toISOString() } : {};
  recorder.update({ leftInState: leftNames, kept: [], destroys, ...ended });
  return left.length ? { left, report: leftReport(record.runId, left, record.project, binary) } : { left };
}

async function stopLeftoverTerraform(attempt: AttemptRecord, progress: Progress, waitMs: number): Promise<void> {
  if (!attempt.terraform || processState(attempt.terraform) !== "running") return;
  progress.note(`attempt ${attempt.n}: terraform ${attempt.terraform.command} (PID ${attempt.terraform.pid}) left by the launcher is still running: asking it to stop and waiting for it to save its state`);
  signalIfRunning(attempt.terraform, "SIGINT");
  const until = Date.now() + waitMs;
  while (isRunning(attempt.terraform) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  if (isRunning(attempt.terraform)) progress.note(`attempt ${attempt.n}: terraform PID ${attempt.terraform.pid} is still running after ${Math.round(waitMs / 1000)} s; destroying all the same (the state lock may refuse)`);
}
