import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { plural } from "../core/plural";
import { LaunchRefusedError } from "./launch-stack";
import { identify } from "./process-identity";
import { Run } from "./run";
import type { LaunchOptions, LaunchResult } from "./launch-options";
import { Progress } from "./progress";
import { makePrivateDir, removeEmpty, withPrivateUmask } from "./run-files";
import { lockStack, StackLockedError } from "./run-lock";
import { readRunRecords, RunRecorder } from "./run-record";
import { findProject, isLive, listRuns, RUNS_DIR } from "./runs";
import { StateIsolationError } from "./state-location";
import { appFromCdktfJson } from "./synth-app";
import { IGNORED_TERRAFORM_ENV } from "./terraform";

/** A stack name the launcher accepts: a folder's name, not hidden (`.locks/.terraform-init` is the launcher's own). */
const STACK_NAME = /^[^./\\\0][^/\\\0]*$/;

export { EXIT, type Attempt, type LaunchOptions, type LaunchResult } from "./launch-options";
export { appFromCdktfJson } from "./synth-app";
export { signalExit, statusTimeoutMs } from "./launch-outputs";

/**
 * Synthesizes, applies, waits for the run's status while streaming its logs, and always destroys:
 * on success, on a failed workload, on a failed apply, on Ctrl-C, SIGTERM or SIGHUP. On a capacity
 * error it destroys what was created, excludes that placement and tries the next one (the app reads
 * the exclusions from `HGPU_EXCLUDE_PLACEMENTS`); other errors fail fast. A task with `recovery`
 * that was preempted or lost a node is relaunched (run.ts) from its last complete checkpoint. Every attempt has its own
 * state in the run's private directory; the run record (`launch.json`) lets `hgpu runs` and
 * `hgpu destroy` find whatever a dead launcher left.
 * @throws LaunchRefusedError (and others) before anything is created: no app, a live run of the
 * stack, a stack that is not one GpuTask alone, a backend that cannot be isolated.
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  // The stack's name becomes file names (its lock, its folder): it must be one folder's name.
  if (!STACK_NAME.test(options.stack)) {
    throw new LaunchRefusedError(`hgpu launch: --stack ${JSON.stringify(options.stack)} is not valid: use the name of one of the app's stacks (a folder's name: no "/" or "\\", not starting with ".")`);
  }
  const cwd = resolve(options.cwd ?? process.cwd());
  const sink = options.sink ?? process.stderr;
  const progress = new Progress(sink);
  // The project (the nearest folder up with .hgpu/runs or cdktf.json) keeps the runs, wherever in it
  // the launch starts; cdktf.json's app runs there, an --app in the current folder.
  const project = findProject(cwd);
  const app = options.app ?? appFromCdktfJson(project);
  const appCwd = options.app ? cwd : project;
  const runsDir = resolve(cwd, options.runsDir ?? join(project, RUNS_DIR));
  const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-${randomBytes(3).toString("hex")}`;
  const warn = (m: string) => progress.note(m);
  // Folders this launch creates, removed again (when empty) if it is refused before it runs.
  const created = [dirname(runsDir), runsDir, join(runsDir, ".locks")].filter((d) => !existsSync(d)).reverse();
  await warnOfLeftovers(runsDir, warn);
  const lock = options.concurrent ? undefined : lockStack(runsDir, options.stack, runId, warn);
  if (!options.concurrent) {
    // A live --concurrent run holds no lock, but it is live all the same.
    const live = readRunRecords(runsDir).find((r) => r.stack === options.stack && isLive(r));
    if (live) {
      lock?.release();
      throw new StackLockedError({ runId: live.runId, startedAt: live.startedAt, process: live.launcher }, options.stack);
    }
  }
  const runDir = join(runsDir, runId);
  try {
    // The run's files (state, outputs, logs) are private, and so is what Terraform and the app write.
    return await withPrivateUmask(() => {
      makePrivateDir(runDir);
      const recorder = new RunRecorder(
        { version: 1, runId, stack: options.stack, app, terraform: options.terraform ?? "terraform", project, runDir, startedAt: new Date().toISOString(), updatedAt: new Date().toISOString(), launcher: identify(process.pid), phase: "synth", attempts: [], leftInState: [], kept: [] },
        warn,
      );
      progress.note(`run ${runId} (directory ${runDir})`);
      const ignored = Object.keys(options.env ?? process.env).filter((name) => IGNORED_TERRAFORM_ENV.test(name)).sort();
      if (ignored.length) progress.note(`ignoring ${ignored.join(", ")}: each run keeps its own state and working folder, and Terraform gets the launcher's arguments alone`);
      return new Run(options, { cwd: appCwd, project, app, runId, runDir, sink, progress, recorder }).go();
    });
  } catch (e) {
    // A refusal before anything was created leaves nothing worth finding.
    if (e instanceof LaunchRefusedError || e instanceof StateIsolationError) {
      rmSync(runDir, { recursive: true, force: true });
      lock?.release();
      removeEmpty(created);
    }
    throw e;
  } finally {
    lock?.release();
  }
}

async function warnOfLeftovers(runsDir: string, warn: (m: string) => void): Promise<void> {
  const leftover = (await listRuns(runsDir)).filter((v) => v.state === "leftover");
  if (leftover.length === 0) return;
  const list = leftover.map((v) => `${v.record.runId} (${v.record.stack}${v.usdPerHour !== undefined ? `, up to $${v.usdPerHour.toFixed(2)}/h` : ""})`);
  warn(`WARNING: ${plural(leftover.length, "earlier run")} left resources that may be billing: ${list.join(", ")}. See hgpu runs; remove them with hgpu destroy <run id>`);
}
