import { randomBytes } from "node:crypto";
import { appendFileSync, copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { plural } from "../core/plural";
import { capacityError } from "./capacity-errors";
import { checkLaunchStack, LaunchRefusedError, type LaunchStack } from "./launch-stack";
import { patientReader } from "./patient-reader";
import { identify } from "./process-identity";
import { EXIT, type Attempt, type LaunchOptions, type LaunchResult } from "./launch-options";
import { outputEndingWith, outputEndingWithValue, signalExit, statusTimeoutMs } from "./launch-outputs";
import { logQuoter } from "./log-lines";
import { Progress, type ProgressSink } from "./progress";
import { makePrivateDir, removeEmpty, withPrivateUmask } from "./run-files";
import { lockStack, StackLockedError, waitForLock } from "./run-lock";
import { readRunRecords, RunRecorder, type AttemptOutcome, type AttemptRecord, type RunOutcome } from "./run-record";
import { findProject, isLive, listRuns, RUNS_DIR } from "./runs";
import { isolateState, StateIsolationError, type StateLocation } from "./state-location";
import { runOnSlurm, slurmJobOf, slurmQueueRefusal } from "./slurm-attempt";
import { readerFor, waitForStatus, type ReaderOptions, type RunStatus } from "./status-store";
import { destroyWithRetries, leftReport, resourcesInState } from "./teardown";
import { appFromCdktfJson, runApp } from "./synth-app";
import { TerraformRunner, type TerraformResult } from "./terraform";

export { EXIT, type Attempt, type LaunchOptions, type LaunchResult } from "./launch-options";
export { appFromCdktfJson } from "./synth-app";
export { signalExit, statusTimeoutMs } from "./launch-outputs";

/**
 * Synthesizes, applies, waits for the run's status while streaming its logs, and always destroys:
 * on success, on a failed workload, on a failed apply, on Ctrl-C, SIGTERM or SIGHUP. On a capacity
 * error it destroys what was created, excludes that placement and tries the next one (the app reads
 * the exclusions from `HGPU_EXCLUDE_PLACEMENTS`); other errors fail fast. Every attempt has its own
 * state in the run's private directory; the run record (`launch.json`) lets `hgpu runs` and
 * `hgpu destroy` find whatever a dead launcher left.
 * @throws LaunchRefusedError (and others) before anything is created: no app, a live run of the
 * stack, a stack that is not one GpuTask alone, a backend that cannot be isolated.
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
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

interface RunContext {
  /** Where the app runs. */
  readonly cwd: string;
  /** The project folder. */
  readonly project: string;
  readonly app: string;
  readonly runId: string;
  readonly runDir: string;
  readonly sink: ProgressSink;
  readonly progress: Progress;
  readonly recorder: RunRecorder;
}

/** One launch: its attempts, in order, and the truth about what they left. */
class Run {
  private readonly attempts: Attempt[] = [];
  private readonly excluded: string[] = [];
  private exitCode: number = EXIT.FAILED;
  private status?: RunStatus;
  private kept: string[] = [];
  private outcome: RunOutcome = "failed";

  constructor(private readonly options: LaunchOptions, private readonly ctx: RunContext) {}

  public async go(): Promise<LaunchResult> {
    const max = this.options.maxPlacements ?? 3;
    for (let n = 1; n <= max; n++) {
      const next = await this.attempt(n, n === max);
      if (next !== "failover") break;
    }
    // The truth about what is left comes from the states themselves, not from what destroy said.
    const left: { attempt: AttemptRecord; resources: string[] }[] = [];
    for (const a of this.ctx.recorder.record.attempts) {
      if (this.kept.length > 0 && a === this.ctx.recorder.record.attempts.at(-1)) continue; // kept on purpose, reported below
      const resources = await resourcesInState(a, a.stackDir ? this.terraform(a) : undefined);
      if (resources.length > 0) left.push({ attempt: a, resources });
    }
    const { sink, recorder } = this.ctx;
    if (this.kept.length > 0) {
      const a = recorder.record.attempts.at(-1)!;
      sink.write(`kept as asked (--keep-on-failure), still running and billing until you run hgpu destroy ${this.ctx.runId} (or ${this.options.terraform ?? "terraform"} -chdir=${a.stackDir} destroy):\n${this.kept.map((r) => `  ${r}`).join("\n")}\n`);
      this.outcome = "kept";
    }
    const leftInState = left.flatMap((l) => l.resources);
    if (left.length > 0) {
      sink.write(leftReport(this.ctx.runId, left, this.ctx.project, this.options.terraform));
      this.exitCode = EXIT.RESOURCES_LEFT;
      this.outcome = "resources-left";
    }
    recorder.update({ phase: "ended", outcome: this.outcome, exitCode: this.exitCode, finishedAt: new Date().toISOString(), leftInState, kept: this.kept, ...(this.status ? { status: this.status } : {}) });
    return { exitCode: this.exitCode, runId: this.ctx.runId, runDir: this.ctx.runDir, attempts: this.attempts, ...(this.status ? { status: this.status } : {}), leftInState, kept: this.kept };
  }

  private terraform(a: AttemptRecord): TerraformRunner {
    const env = this.options.env ?? process.env;
    // Providers are shared through one plugin cache per project, not copied into every attempt.
    const cache = env.TF_PLUGIN_CACHE_DIR ?? join(this.ctx.runDir, "..", ".plugin-cache");
    makePrivateDir(cache);
    return new TerraformRunner(a.stackDir!, this.options.terraform ?? "terraform", { ...env, TF_PLUGIN_CACHE_DIR: cache }, {
      logDir: join(a.dir, "terraform-logs"),
      onStart: (p) => this.ctx.recorder.attempt(a.n, { terraform: { ...identify(p.pid), command: p.command } }),
    });
  }

  private stopped(): boolean {
    if (!this.options.signal?.aborted) return false;
    this.exitCode = signalExit(this.options.signal);
    this.outcome = "interrupted";
    return true;
  }

  private finish(n: number, placementKey: string, outcome: AttemptOutcome, errors: readonly string[]): void {
    const a = this.ctx.recorder.record.attempts.find((x) => x.n === n)!;
    this.attempts.push({ placementKey, dir: a.dir, outcome, errors });
    this.ctx.recorder.attempt(n, { outcome, errors });
  }

  /** One placement: synth, isolate, init, apply, wait, destroy. Returns whether to try the next. */
  private async attempt(n: number, last: boolean): Promise<"failover" | "stop"> {
    const { progress, recorder, runDir } = this.ctx;
    const env = this.options.env ?? process.env;
    if (this.stopped()) return "stop";
    const dir = join(runDir, `attempt-${n}`);
    makePrivateDir(dir);
    recorder.attempt(n, { dir });
    recorder.update({ phase: "synth" });
    progress.phase(`synth (attempt ${n}${this.excluded.length ? `, excluding ${this.excluded.join(", ")}` : ""})`);
    const outdir = join(dir, "cdktf.out");
    const synth = await runApp(this.ctx.app, this.ctx.cwd, { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", HGPU_EXCLUDE_PLACEMENTS: JSON.stringify(this.excluded) }, this.options.signal);
    if (this.stopped()) {
      this.finish(n, "?", "interrupted", []);
      return "stop";
    }
    if (synth.code !== 0) {
      const afterCapacity = this.attempts.some((a) => a.outcome === "capacity");
      // Bad input in the app (a ValidationError) is its message alone; anything else, all it printed.
      const said = synth.refused ? synth.refused.join("\n") : synth.output.trim();
      progress.note(afterCapacity ? `no placement left after capacity errors (synth exit ${synth.code}):\n${said}` : synth.refused ? `the app refused its input:\n${said}` : `synth failed (exit ${synth.code}):\n${said}`);
      this.finish(n, "?", afterCapacity ? "capacity" : "failed", [said]);
      this.exitCode = afterCapacity ? EXIT.NO_CAPACITY : EXIT.FAILED;
      this.outcome = afterCapacity ? "no-capacity" : "failed";
      return "stop";
    }
    const stackDir = join(outdir, "stacks", this.options.stack);
    let task: LaunchStack;
    let state: StateLocation;
    try {
      if (!existsSync(join(stackDir, "cdk.tf.json"))) {
        const stacks = existsSync(join(outdir, "stacks")) ? readdirSync(join(outdir, "stacks")) : [];
        throw new LaunchRefusedError(`hgpu launch: stack ${JSON.stringify(this.options.stack)} was not synthesized; the app has: ${stacks.join(", ") || "no stacks"}`);
      }
      // Before anything is applied: one GpuTask and nothing else, and a state of the attempt's own.
      task = checkLaunchStack(join(stackDir, "cdk.tf.json"), this.options.stack);
      state = isolateState(stackDir, dir, this.ctx.runId, n, this.options.stack);
    } catch (e) {
      if (n === 1) throw e; // nothing was created: refused
      // A later placement refused: the earlier attempts' record stays, and so does their outcome.
      const afterCapacity = this.attempts.some((a) => a.outcome === "capacity");
      progress.note((e as Error).message);
      this.finish(n, "?", "failed", [(e as Error).message]);
      this.exitCode = afterCapacity ? EXIT.NO_CAPACITY : EXIT.FAILED;
      this.outcome = afterCapacity ? "no-capacity" : "failed";
      return "stop";
    }
    const placementKey = task.placementKey;
    recorder.attempt(n, { stackDir, placementKey, state, ...(task.usdPerHour !== undefined ? { usdPerHour: task.usdPerHour } : {}) });
    const record = () => recorder.record.attempts.find((x) => x.n === n)!;
    // An owned pool that cannot start the job within its maxQueueWait is passed over before anything is applied.
    const notNow = await slurmQueueRefusal(join(stackDir, "cdk.tf.json"), env, progress);
    if (notNow !== undefined) return this.noCapacity(n, placementKey, [notNow], last);
    // The previous attempt's provider selections let init take the providers from the cache.
    const previousLock = n > 1 ? join(recorder.record.attempts.find((x) => x.n === n - 1)?.stackDir ?? "", ".terraform.lock.hcl") : "";
    if (previousLock && existsSync(previousLock)) copyFileSync(previousLock, join(stackDir, ".terraform.lock.hcl"));
    const tf = this.terraform(record());

    recorder.update({ phase: "init" });
    // The plugin cache is shared and Terraform does not promise it is safe for concurrent inits.
    const initLock = await waitForLock(dirname(runDir), ".terraform-init", this.ctx.runId, this.options.signal);
    if (!initLock) {
      this.finish(n, placementKey, "interrupted", []);
      this.stopped();
      return "stop";
    }
    let init: TerraformResult;
    try {
      init = await tf.init();
    } finally {
      initLock.release();
    }
    if (init.code !== 0) {
      progress.note(`init failed:\n${(init.errors.join("\n") || init.stdout).trim()}`);
      this.finish(n, placementKey, this.options.signal?.aborted ? "interrupted" : "failed", init.errors);
      this.stopped();
      return "stop";
    }
    if (this.stopped()) {
      this.finish(n, placementKey, "interrupted", []);
      return "stop"; // nothing applied yet
    }

    recorder.update({ phase: "apply" });
    recorder.attempt(n, { applyStarted: true });
    progress.phase(`apply ${placementKey}`);
    const onAbort = () => tf.interrupt();
    this.options.signal?.addEventListener("abort", onAbort);
    let destroyed = false;
    const destroy = async () => {
      destroyed = true;
      recorder.update({ phase: "destroy" });
      return destroyWithRetries(record(), tf, progress, { ...(this.options.destroyAttempts ? { attempts: this.options.destroyAttempts } : {}), ...(this.options.destroyBackoffMs !== undefined ? { backoffMs: this.options.destroyBackoffMs } : {}) });
    };
    try {
      const apply = await tf.apply((e) => progress.event(e));
      this.options.signal?.removeEventListener("abort", onAbort);
      progress.note(`apply ${apply.code === 0 ? "complete" : "failed"}: ${progress.counts.done}/${progress.counts.total} resources`);
      if (this.stopped()) {
        this.finish(n, placementKey, "interrupted", apply.errors);
        await destroy();
        return "stop";
      }
      if (apply.code !== 0) {
        const capacity = capacityError(apply.errors.join("\n"));
        this.finish(n, placementKey, capacity ? "capacity" : "failed", apply.errors);
        progress.note(capacity ? `no capacity (${capacity.name}) for ${placementKey}` : `apply failed:\n  ${apply.errors.join("\n  ")}`);
        if (!capacity && this.options.keepOnFailure) {
          destroyed = true;
          this.kept = await resourcesInState(record(), tf);
          return "stop";
        }
        const left = await destroy();
        // Never move on while this attempt still holds resources.
        if (left.length > 0 || !capacity) return "stop";
        if (last) {
          this.exitCode = EXIT.NO_CAPACITY;
          this.outcome = "no-capacity";
          return "stop";
        }
        this.excluded.push(placementKey);
        return "failover";
      }
      const unstarted = await this.wait(n, placementKey, tf);
      if (unstarted !== undefined) {
        const next = this.noCapacity(n, placementKey, [unstarted], last); // a Slurm job still pending after maxQueueWait: as after a capacity error
        return (await destroy()).length > 0 ? "stop" : next;
      }
      if (this.options.keepOnFailure && this.outcome === "workload-failed" && !this.options.signal?.aborted) {
        destroyed = true;
        this.kept = await resourcesInState(record(), tf);
        progress.note(`--keep-on-failure: the workload failed; leaving the run in ${stackDir}`);
      }
      return "stop";
    } catch (e) {
      this.finish(n, placementKey, "failed", [(e as Error).message]);
      progress.note(`launcher error: ${(e as Error).message}`);
      this.exitCode = EXIT.FAILED;
      this.outcome = "failed";
      return "stop";
    } finally {
      this.options.signal?.removeEventListener("abort", onAbort);
      if (!destroyed) await destroy();
    }
  }

  /** A placement without capacity now, nothing of it left: the next one, unless it was the last. */
  private noCapacity(n: number, placementKey: string, errors: string[], last: boolean): "failover" | "stop" {
    this.finish(n, placementKey, "capacity", errors);
    this.ctx.progress.note(`no capacity on ${placementKey}: ${errors.join("; ")}`);
    if (last) {
      this.exitCode = EXIT.NO_CAPACITY;
      this.outcome = "no-capacity";
      return "stop";
    }
    this.excluded.push(placementKey);
    return "failover";
  }

  /** Applied: waits for the workload's status while streaming its log (on Slurm: submits the job first). Returns why a Slurm job never started. */
  private async wait(n: number, placementKey: string, tf: TerraformRunner): Promise<string | undefined> {
    const { progress, recorder, runDir, sink } = this.ctx;
    recorder.update({ phase: "running" });
    try {
      const outputs = await tf.outputs();
      const statusUri = outputEndingWith(outputs, "_status_uri");
      const logsUri = outputEndingWith(outputs, "_logs_uri");
      if (!statusUri) throw new Error("the stack has no *_status_uri output: launch a stack with one GpuTask");
      const placement = outputEndingWithValue(outputs, "_placement") as { region?: string } | undefined;
      const deadline = Date.parse(String(outputEndingWith(outputs, "_deadline") ?? ""));
      // S3 requests are signed for the bucket's region: the task puts its bucket in the placement's region.
      const readerOptions: ReaderOptions = { ...this.options.readerOptions, s3: { ...(placement?.region ? { region: placement.region } : {}), ...this.options.readerOptions?.s3 } };
      const timeoutMs = this.options.statusTimeoutMs ?? statusTimeoutMs(deadline, Date.now());
      progress.phase(`running: waiting for ${statusUri}`);
      const patience = { warn: (m: string) => progress.note(m), ...(this.options.stopOnReadErrors !== undefined ? { stopAfterFailures: this.options.stopOnReadErrors } : {}) };
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
      const slurmJob = slurmJobOf(outputEndingWithValue(outputs, "_slurm_job"), "the stack's *_slurm_job output");
      const onSlurm = slurmJob && await runOnSlurm({
        job: slurmJob, runId: String(outputEndingWith(outputs, "_run_id")), jobName: `hgpu-${this.ctx.runId}-${n}`, placementJson: JSON.stringify(placement ?? {}),
        env: this.options.env ?? process.env, progress, pollMs: this.options.pollMs ?? 15000, ...(this.options.signal ? { signal: this.options.signal } : {}), onLog, warn: patience.warn,
        record: (slurm) => recorder.attempt(n, { slurm }), phase: (phase) => recorder.update({ phase }),
      });
      if (onSlurm && onSlurm.kind === "queue-timeout") return onSlurm.reason;
      this.status = onSlurm ? onSlurm.status : await waitForStatus({
        statusUri,
        reader: patientReader(readerFor(statusUri, readerOptions), patience),
        ...(logsUri ? { logsUri: `${logsUri}node0.log`, logsReader: patientReader(readerFor(`${logsUri}node0.log`, readerOptions), patience) } : {}),
        pollMs: this.options.pollMs ?? 15000,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
        timeoutMs,
        onLog,
      });
      try {
        writeFileSync(join(runDir, "status.json"), `${JSON.stringify(this.status, null, 2)}\n`, { mode: 0o600 });
      } catch (e) {
        progress.note(`warning: cannot save status.json: ${(e as Error).message}`);
      }
      const reason = typeof this.status.reason === "string" && this.status.reason !== "completed" ? ` (${this.status.reason})` : "";
      progress.note(`workload finished with exit code ${this.status.exitCode}${reason}`);
      this.finish(n, placementKey, "succeeded", []);
      this.exitCode = this.status.exitCode;
      this.outcome = this.status.exitCode === 0 ? "succeeded" : "workload-failed";
    } catch (e) {
      const interrupted = this.options.signal?.aborted ?? false;
      this.finish(n, placementKey, interrupted ? "interrupted" : "failed", [(e as Error).message]);
      progress.note(interrupted ? `interrupted: ${(e as Error).message}` : `waiting failed: ${(e as Error).message}`);
      if (!this.stopped()) {
        this.exitCode = EXIT.FAILED;
        this.outcome = "failed";
      }
    }
    return undefined;
  }
}
