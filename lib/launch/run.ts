/**
 * One launch's attempts, in order (`Run`): synth, isolate, init, apply, wait, destroy — failing
 * over after a capacity error, relaunching after a preemption or a failed node (a task with
 * `recovery`) — and the truth about what they left. `launch()` in launcher.ts starts it.
 */
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { capacityError } from "./capacity-errors";
import { CreationTracker, outsideStateReport } from "./creation-tracker";
import { checkLaunchStack, LaunchRefusedError, type LaunchStack } from "./launch-stack";
import { identify } from "./process-identity";
import { EXIT, type Attempt, type LaunchOptions, type LaunchResult } from "./launch-options";
import { outputEndingWith, outputEndingWithValue, signalExit } from "./launch-outputs";
import { Progress, type ProgressSink } from "./progress";
import { makePrivateDir } from "./run-files";
import { waitForLock } from "./run-lock";
import { RunRecorder, type AttemptOutcome, type AttemptRecord, type RunOutcome } from "./run-record";
import { isolateState, type StateLocation } from "./state-location";
import { slurmQueueRefusal } from "./slurm-attempt";
import type { RunStatus } from "./status-store";
import { destroyWithRetries, leftReport, resourcesInState } from "./teardown";
import { runApp } from "./synth-app";
import { TerraformRunner, type TerraformResult } from "./terraform";
import { MIN_RECOVERY_RUNTIME_MINUTES } from "../task/recovery";
import { CheckpointCarry } from "./checkpoint-carry";
import { DEFAULT_COOLDOWN_MS, Exclusions, PREEMPTIONS_BEFORE_ON_DEMAND, restartDecision, stackRecoveryOf, stopTrigger, type StackRecovery } from "./relaunch";
import { recoverySummary } from "./runs";
import { sleep } from "./sleep";
import { waitForWorkload, type WorkloadEnd } from "./workload-wait";

/** What a run is given by `launch()`. */
export interface RunContext {
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
export class Run {
  private readonly attempts: Attempt[] = [];
  private readonly exclusions = new Exclusions();
  private readonly carry: CheckpointCarry;
  /** The task's recovery, as the last applied attempt's stack states it. */
  private recovery?: StackRecovery;
  private restarts = 0;
  private spotPreemptions = 0;
  /** The run's deadline: the first applied attempt's, ms since the epoch (NaN when its stack states none). */
  private runDeadlineMs?: number;
  private exitCode: number = EXIT.FAILED;
  private status?: RunStatus;
  private kept: string[] = [];
  private outcome: RunOutcome = "failed";

  constructor(private readonly options: LaunchOptions, private readonly ctx: RunContext) {
    this.carry = new CheckpointCarry({
      runDir: ctx.runDir, progress: ctx.progress, recorder: ctx.recorder,
      ...(options.readerOptions ? { readerOptions: options.readerOptions } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  public async go(): Promise<LaunchResult> {
    const max = this.options.maxPlacements ?? 3;
    // maxPlacements counts the placements tried for one start: a relaunch after a preemption starts afresh.
    for (let n = 1, tried = 1; ; n++, tried++) {
      const next = await this.attempt(n, tried === max);
      if (next === "restart" || next === "retry") tried = 0;
      else if (next !== "failover") break;
    }
    this.carry.end(this.outcome);
    if (this.restarts > 0) this.ctx.progress.note(recoverySummary(this.ctx.recorder.record));
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
    if (left.length > 0) sink.write(leftReport(this.ctx.runId, left, this.ctx.project, this.options.terraform));
    const killed = recorder.record.attempts.flatMap((a) => (a.killedWhileCreating ? [{ n: a.n, placementKey: a.placementKey, ...a.killedWhileCreating }] : []));
    if (killed.length > 0) sink.write(outsideStateReport(this.ctx.runId, killed));
    if (left.length > 0 || killed.length > 0) {
      this.exitCode = EXIT.RESOURCES_LEFT;
      this.outcome = "resources-left";
    }
    recorder.update({ phase: "ended", outcome: this.outcome, exitCode: this.exitCode, finishedAt: new Date().toISOString(), leftInState, kept: this.kept, ...(this.status ? { status: this.status } : {}) });
    const status = this.status ? { status: this.status } : {};
    return { exitCode: this.exitCode, runId: this.ctx.runId, runDir: this.ctx.runDir, attempts: this.attempts, ...status, leftInState, kept: this.kept };
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

  /**
   * One placement: synth, isolate, init, apply, wait, destroy. Returns what comes next: the next
   * placement after a capacity error (`failover`), a relaunch after a preemption or a failed node
   * (`restart`), the same after a cool-down ended (`retry`), or the end.
   */
  private async attempt(n: number, last: boolean): Promise<"failover" | "restart" | "retry" | "stop"> {
    const { progress, recorder, runDir } = this.ctx;
    const env = this.options.env ?? process.env;
    if (this.stopped()) return "stop";
    const dir = join(runDir, `attempt-${n}`);
    makePrivateDir(dir);
    recorder.attempt(n, { dir });
    recorder.update({ phase: "synth" });
    const excluded = this.exclusions.active(Date.now());
    const onDemand = this.recovery?.fallbackToOnDemand === true && this.spotPreemptions >= PREEMPTIONS_BEFORE_ON_DEMAND;
    const restart = this.restarts > 0 ? `, restart ${this.restarts}${onDemand ? " on on-demand capacity" : ""}` : "";
    progress.phase(`synth (attempt ${n}${restart}${excluded.length ? `, excluding ${excluded.join(", ")}` : ""})`);
    const outdir = join(dir, "cdktf.out");
    recorder.attempt(n, { restartCount: this.restarts });
    const synth = await runApp(this.ctx.app, this.ctx.cwd, {
      ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", HGPU_EXCLUDE_PLACEMENTS: JSON.stringify(excluded),
      // A relaunch: the task resumes from the carried checkpoint, within the first attempt's deadline.
      HGPU_RESTART_COUNT: String(this.restarts),
      ...(onDemand ? { HGPU_ON_DEMAND: "1" } : {}),
      ...(this.restarts > 0 && Number.isFinite(this.runDeadlineMs) ? { HGPU_RUN_DEADLINE: new Date(this.runDeadlineMs!).toISOString() } : {}),
    }, this.options.signal);
    if (this.stopped()) {
      this.finish(n, "?", "interrupted", []);
      return "stop";
    }
    if (synth.code !== 0 && this.restarts > 0) {
      const retry = await this.afterCoolDown(n, synth.output.trim(), excluded);
      if (retry) return retry;
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
    const initLock = await waitForLock(dirname(runDir), ".terraform-init", this.ctx.runId, this.options.signal, (m) => progress.note(m));
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
    // What is applied must be findable by hgpu runs and hgpu destroy if this launcher dies: no record, no apply.
    if (!recorder.attempt(n, { applyStarted: true, appliedAt: new Date().toISOString() }, true)) {
      const why = `the run record ${recorder.file} cannot be written: nothing is applied that hgpu runs and hgpu destroy could not find`;
      progress.note(why);
      this.finish(n, placementKey, "failed", [why]);
      this.stopped();
      return "stop";
    }
    progress.phase(`apply ${placementKey}`);
    const onAbort = () => tf.interrupt();
    this.options.signal?.addEventListener("abort", onAbort);
    let destroyed = false;
    const destroy = async () => {
      destroyed = true;
      recorder.update({ phase: "destroy" });
      const left = await destroyWithRetries(record(), tf, progress, {
        ...(this.options.destroyAttempts ? { attempts: this.options.destroyAttempts } : {}),
        ...(this.options.destroyBackoffMs !== undefined ? { backoffMs: this.options.destroyBackoffMs } : {}),
      });
      recorder.attempt(n, { endedAt: new Date().toISOString() });
      return left;
    };
    try {
      const creation = new CreationTracker(() => recorder.attempt(n, { creating: true }));
      const apply = await tf.apply((e) => (progress.event(e), creation.event(e)));
      this.options.signal?.removeEventListener("abort", onAbort);
      // Terraform killed (or crashed) mid-creation: what it was creating is in no state. (Our Ctrl-C lets it finish them.)
      const inFlight = creation.inFlight;
      if (inFlight.length > 0) recorder.attempt(n, { killedWhileCreating: { signal: apply.signal ?? `exit ${apply.code}`, resources: inFlight } });
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
        return this.failover(placementKey, last);
      }
      const watched = await this.watch(n, placementKey, tf);
      if (watched === undefined) return "stop"; // failed or interrupted: said and recorded
      if (watched.end.kind === "unstarted") {
        const next = this.noCapacity(n, placementKey, [watched.end.reason], last); // a Slurm job still pending after maxQueueWait: as after a capacity error
        return (await destroy()).length > 0 ? "stop" : next;
      }
      const status = watched.end.status;
      const trigger = stopTrigger(status);
      const decision = restartDecision(status, {
        recovery: this.recovery, restarts: this.restarts, runDeadlineMs: this.runDeadlineMs ?? NaN, nowMs: Date.now(),
      });
      this.finish(n, placementKey, trigger === undefined ? "succeeded" : trigger === "preemption" ? "preempted" : "node-failure", trigger === undefined ? [] : [decision.why]);
      if (trigger !== undefined) progress.note(`${placementKey}: ${decision.why}`);
      // The checkpoints live in the attempt's run store, which its destroy removes: carried out first.
      if (this.recovery && trigger !== undefined) await this.carry.saveFrom(n, watched.outputs);
      if (decision.restart) {
        if ((await destroy()).length > 0 || this.stopped()) return "stop"; // never relaunch while this attempt holds resources
        this.exclusions.coolDown(placementKey, Date.now() + (this.options.cooldownMs ?? DEFAULT_COOLDOWN_MS));
        this.restarts++;
        if (decision.trigger === "preemption" && this.recovery?.spot) this.spotPreemptions++;
        return "restart";
      }
      this.status = status;
      this.exitCode = status.exitCode;
      this.outcome = status.exitCode === 0 ? "succeeded" : trigger === "preemption" ? "preempted" : trigger ?? "workload-failed";
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

  /**
   * A relaunch whose app found no placement: when placements are only cooling down after a
   * preemption, waits for the first to come back (within the run's deadline) and tries again.
   */
  private async afterCoolDown(n: number, said: string, excludedAtSynth: readonly string[]): Promise<"retry" | "stop" | undefined> {
    const now = Date.now();
    // A cool-down may have ended while the app ran: then the retry need not wait.
    const active = this.exclusions.active(now);
    const lifted = excludedAtSynth.filter((key) => !active.includes(key));
    const end = lifted.length > 0 ? now : this.exclusions.nextEnd(now);
    const latest = (this.runDeadlineMs ?? NaN) - MIN_RECOVERY_RUNTIME_MINUTES * 60_000;
    if (end === undefined || end > latest) return undefined; // nothing comes back in time
    this.finish(n, "?", "capacity", [said]);
    this.ctx.progress.note(lifted.length > 0
      ? `the cool-down of ${lifted.join(", ")} ended while the app ran: trying again`
      : `no placement outside the cool-down after a restart; waiting until ${new Date(end).toISOString()} for ${active.join(", ")} to come back`);
    try {
      await sleep(end - now, this.options.signal);
    } catch {
      this.stopped();
      return "stop";
    }
    return "retry";
  }

  /** A placement without capacity now, nothing of it left: the next one, unless it was the last. */
  private noCapacity(n: number, placementKey: string, errors: string[], last: boolean): "failover" | "stop" {
    this.finish(n, placementKey, "capacity", errors);
    this.ctx.progress.note(`no capacity on ${placementKey}: ${errors.join("; ")}`);
    return this.failover(placementKey, last);
  }

  /** After a capacity error, nothing of the placement left: leave it out for the rest of the run and try the next, unless it was the last. */
  private failover(placementKey: string, last: boolean): "failover" | "stop" {
    if (last) {
      this.exitCode = EXIT.NO_CAPACITY;
      this.outcome = "no-capacity";
      return "stop";
    }
    this.exclusions.forever(placementKey);
    return "failover";
  }

  /**
   * Applied: reads the outputs, seeds a relaunch's checkpoint, and waits for the workload.
   * Undefined when that failed or was interrupted (recorded and said).
   */
  private async watch(n: number, placementKey: string, tf: TerraformRunner): Promise<{ end: WorkloadEnd; outputs: Record<string, unknown> } | undefined> {
    const { progress, recorder } = this.ctx;
    recorder.update({ phase: "running" });
    try {
      const outputs = await tf.outputs();
      this.recovery = stackRecoveryOf(outputEndingWithValue(outputs, "_recovery"));
      // maxRuntime counts the whole run: from the first attempt that was applied.
      this.runDeadlineMs ??= Date.parse(String(outputEndingWith(outputs, "_deadline") ?? ""));
      if (this.restarts > 0 && this.recovery) await this.carry.seedInto(n, outputs);
      const end = await waitForWorkload({
        options: this.options, runId: this.ctx.runId, runDir: this.ctx.runDir, n, sink: this.ctx.sink, progress, outputs,
        ...(this.restarts > 0 && Number.isFinite(this.runDeadlineMs) ? { runDeadlineMs: this.runDeadlineMs! } : {}),
        recordSlurm: (slurm) => recorder.attempt(n, { slurm }), phase: (phase) => recorder.update({ phase }),
      });
      return { end, outputs };
    } catch (e) {
      const interrupted = this.options.signal?.aborted ?? false;
      this.finish(n, placementKey, interrupted ? "interrupted" : "failed", [(e as Error).message]);
      progress.note(interrupted ? `interrupted: ${(e as Error).message}` : `waiting failed: ${(e as Error).message}`);
      if (!this.stopped()) {
        this.exitCode = EXIT.FAILED;
        this.outcome = "failed";
      }
      return undefined;
    }
  }
}
