import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MAX_RUNTIME_MINUTES } from "../task/duration";
import { capacityError } from "./capacity-errors";
import { Progress, type ProgressSink } from "./progress";
import { readerFor, waitForStatus, type ObjectReader, type ReaderOptions, type RunStatus } from "./status-store";
import { TerraformRunner, type TerraformResult } from "./terraform";

/**
 * Exit codes of `hgpu launch` besides the workload's own. A workload that exits 1, 70 or 75 reads
 * the same as these; launch.json in the run directory tells them apart.
 */
export const EXIT = {
  /** Synthesis, init or apply failed for a reason other than capacity. */
  FAILED: 1,
  /** Every placement tried failed for lack of capacity. */
  NO_CAPACITY: 75,
  /** Destroy failed: resources are left running (listed loudly). Wins over every other code. */
  RESOURCES_LEFT: 70,
  /** Stopped by SIGINT (after destroying). */
  SIGINT: 130,
  /** Stopped by SIGTERM (after destroying). */
  SIGTERM: 143,
} as const;

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** The stack to launch (a stack with one GpuTask). */
  readonly stack: string;
  /** Command that synthesizes the app. @default - the `app` of cdktf.json in `cwd` */
  readonly app?: string;
  /** `terraform` or `tofu`. @default "terraform" */
  readonly terraform?: string;
  /** Placements to try before giving up on capacity. @default 3 */
  readonly maxPlacements?: number;
  /**
   * Keep what a failed apply or a failed workload (non-zero exit) created, for debugging. Successes,
   * capacity errors, interruptions and the launcher's own errors are always destroyed.
   * @default false
   */
  readonly keepOnFailure?: boolean;
  /** Folder of the app. @default process.cwd() */
  readonly cwd?: string;
  /** Where runs keep their working directories and state. @default "<cwd>/.hgpu/runs" */
  readonly runsDir?: string;
  /** Progress and logs. @default process.stderr */
  readonly sink?: ProgressSink;
  /** Destroy attempts before giving up. @default 4 */
  readonly destroyAttempts?: number;
  /** Wait before the first destroy retry, doubled each time, ms. @default 15000 */
  readonly destroyBackoffMs?: number;
  /** Status/log polling interval, ms. @default 15000 */
  readonly pollMs?: number;
  /** Longest wait for the status object, ms. @default - until 15 minutes after the task's deadline output, or 14 days without one */
  readonly statusTimeoutMs?: number;
  /** Readers' options (endpoints, credentials). @default - the clouds' default credential chains */
  readonly readerOptions?: ReaderOptions;
  /** Aborting it (Ctrl-C, SIGTERM) stops the run; the stack is destroyed all the same. The reason names the signal. */
  readonly signal?: AbortSignal;
  /** Environment of the app and Terraform. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** One placement tried. */
export interface Attempt {
  readonly placementKey: string;
  readonly dir: string;
  readonly outcome: "succeeded" | "capacity" | "failed" | "interrupted";
  readonly errors: readonly string[];
}

/** What a launch did. */
export interface LaunchResult {
  readonly exitCode: number;
  /** The run's own working directory (state, saved status and logs). */
  readonly runDir: string;
  readonly attempts: readonly Attempt[];
  readonly status?: RunStatus;
  /** Resources still in state after the last destroy attempt (empty when all is gone). */
  readonly leftInState: readonly string[];
  /** Resources kept on purpose (`keepOnFailure`). */
  readonly kept: readonly string[];
}

/**
 * Synthesizes, applies, waits for the run's status while streaming its logs, and always destroys:
 * on success, on a failed workload, on a failed apply, on Ctrl-C or SIGTERM. On a capacity error it
 * destroys what was created, excludes that placement and tries the next one (the app reads the
 * exclusions from `HGPU_EXCLUDE_PLACEMENTS`); other errors fail fast. Each launch works in its
 * own directory with its own state.
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const sink = options.sink ?? process.stderr;
  const progress = new Progress(sink);
  const env = options.env ?? process.env;
  const runDir = join(resolve(cwd, options.runsDir ?? ".hgpu/runs"), `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`);
  mkdirSync(runDir, { recursive: true });
  const app = options.app ?? appFromCdktfJson(cwd);
  const maxPlacements = options.maxPlacements ?? 3;
  const attempts: Attempt[] = [];
  const excluded: string[] = [];
  let exitCode: number = EXIT.FAILED;
  let status: RunStatus | undefined;
  let leftInState: string[] = [];
  let kept: string[] = [];
  progress.note(`run directory ${runDir}`);

  for (let n = 1; n <= maxPlacements; n++) {
    if (options.signal?.aborted) {
      exitCode = signalExit(options.signal);
      break;
    }
    const dir = join(runDir, `attempt-${n}`);
    mkdirSync(dir, { recursive: true });
    progress.phase(`synth (attempt ${n}${excluded.length ? `, excluding ${excluded.join(", ")}` : ""})`);
    const outdir = join(dir, "cdktf.out");
    const synth = await runApp(app, cwd, { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", HGPU_EXCLUDE_PLACEMENTS: JSON.stringify(excluded) });
    if (synth.code !== 0) {
      progress.note(`synth failed (exit ${synth.code}):\n${synth.output.trim()}`);
      attempts.push({ placementKey: "?", dir, outcome: "failed", errors: [synth.output.trim()] });
      exitCode = EXIT.FAILED;
      break;
    }
    const stackDir = join(outdir, "stacks", options.stack);
    if (!existsSync(join(stackDir, "cdk.tf.json"))) {
      const stacks = existsSync(join(outdir, "stacks")) ? readdirSync(join(outdir, "stacks")) : [];
      throw new Error(`hgpu launch: stack ${JSON.stringify(options.stack)} was not synthesized; the app has: ${stacks.join(", ") || "no stacks"}`);
    }
    // Before anything is applied: a stack without one GpuTask has nothing to wait for.
    const placementKey = taskPlacementOf(join(stackDir, "cdk.tf.json"), options.stack);
    const tf = new TerraformRunner(stackDir, options.terraform ?? "terraform", env);

    const init = await tf.init();
    if (init.code !== 0) {
      progress.note(`init failed:\n${(init.errors.join("\n") || init.stdout).trim()}`);
      attempts.push({ placementKey, dir, outcome: "failed", errors: init.errors });
      exitCode = EXIT.FAILED;
      break;
    }

    if (options.signal?.aborted) {
      attempts.push({ placementKey, dir, outcome: "interrupted", errors: [] });
      exitCode = signalExit(options.signal);
      break; // nothing applied yet
    }
    progress.phase(`apply ${placementKey}`);
    const onAbort = () => tf.interrupt();
    options.signal?.addEventListener("abort", onAbort);
    const apply = await tf.apply((e) => progress.event(e));
    options.signal?.removeEventListener("abort", onAbort);
    progress.note(`apply ${apply.code === 0 ? "complete" : "failed"}: ${progress.counts.done}/${progress.counts.total} resources`);

    if (options.signal?.aborted) {
      attempts.push({ placementKey, dir, outcome: "interrupted", errors: apply.errors });
      leftInState = await destroyWithRetries(tf, options, progress);
      exitCode = signalExit(options.signal);
      break;
    }
    if (apply.code !== 0) {
      const capacity = capacityError(apply.errors.join("\n"));
      attempts.push({ placementKey, dir, outcome: capacity ? "capacity" : "failed", errors: apply.errors });
      progress.note(capacity ? `no capacity (${capacity.name}) for ${placementKey}` : `apply failed:\n  ${apply.errors.join("\n  ")}`);
      if (!capacity && options.keepOnFailure) {
        progress.note(`--keep-on-failure: leaving what was created in ${stackDir}`);
        kept = await tf.stateList();
        exitCode = EXIT.FAILED;
        break;
      }
      leftInState = await destroyWithRetries(tf, options, progress);
      if (leftInState.length > 0) break;
      if (capacity && n < maxPlacements) {
        excluded.push(placementKey);
        continue;
      }
      exitCode = capacity ? EXIT.NO_CAPACITY : EXIT.FAILED;
      break;
    }

    // Applied: wait for the workload, whatever happens next, destroy.
    let workloadFailed = false;
    try {
      const outputs = await tf.outputs();
      const statusUri = outputEndingWith(outputs, "_status_uri");
      const logsUri = outputEndingWith(outputs, "_logs_uri");
      if (!statusUri) throw new Error("the stack has no *_status_uri output: launch a stack with one GpuTask");
      const placement = outputEndingWithValue(outputs, "_placement") as { region?: string } | undefined;
      const deadline = Date.parse(String(outputEndingWith(outputs, "_deadline") ?? ""));
      // S3 requests are signed for the bucket's region: the task puts its bucket in the placement's region.
      const readerOptions: ReaderOptions = { ...options.readerOptions, s3: { ...(placement?.region ? { region: placement.region } : {}), ...options.readerOptions?.s3 } };
      // Past the cloud-side deadline (and a margin for the last upload) nothing will come.
      const timeoutMs = options.statusTimeoutMs ?? (Number.isFinite(deadline) ? Math.max(60_000, deadline + 15 * 60_000 - Date.now()) : MAX_RUNTIME_MINUTES * 60_000);
      progress.phase(`running: waiting for ${statusUri}`);
      const logFile = join(runDir, "node0.log");
      writeFileSync(logFile, "");
      status = await waitForStatus({
        statusUri,
        reader: tolerant(readerFor(statusUri, readerOptions), progress),
        ...(logsUri ? { logsUri: `${logsUri}node0.log`, logsReader: tolerant(readerFor(`${logsUri}node0.log`, readerOptions), progress) } : {}),
        pollMs: options.pollMs ?? 15000,
        ...(options.signal ? { signal: options.signal } : {}),
        timeoutMs,
        onLog: (text) => {
          appendFileSync(logFile, text);
          sink.write(text.replace(/^/gm, "  | "));
        },
      });
      writeFileSync(join(runDir, "status.json"), `${JSON.stringify(status, null, 2)}\n`);
      progress.note(`workload finished with exit code ${status.exitCode}`);
      attempts.push({ placementKey, dir, outcome: "succeeded", errors: [] });
      exitCode = status.exitCode;
      workloadFailed = status.exitCode !== 0;
    } catch (e) {
      const interrupted = options.signal?.aborted ?? false;
      attempts.push({ placementKey, dir, outcome: interrupted ? "interrupted" : "failed", errors: [(e as Error).message] });
      progress.note(interrupted ? `interrupted: ${(e as Error).message}` : `waiting failed: ${(e as Error).message}`);
      exitCode = interrupted ? signalExit(options.signal!) : EXIT.FAILED;
    } finally {
      // Kept only when asked and the workload itself failed (to look at the nodes); anything else is destroyed.
      if (options.keepOnFailure && workloadFailed && !options.signal?.aborted) {
        kept = await tf.stateList();
        progress.note(`--keep-on-failure: the workload failed; leaving the run in ${stackDir}`);
      } else {
        leftInState = await destroyWithRetries(tf, options, progress);
      }
    }
    break;
  }

  if (kept.length > 0) {
    sink.write(`kept as asked (--keep-on-failure), still running and billing until you run terraform destroy in ${runDir}:\n${kept.map((r) => `  ${r}`).join("\n")}\n`);
  }
  if (leftInState.length > 0) {
    sink.write(loudly(leftInState, runDir));
    exitCode = EXIT.RESOURCES_LEFT;
  }
  writeFileSync(join(runDir, "launch.json"), `${JSON.stringify({ exitCode, attempts, leftInState, kept, status }, null, 2)}\n`);
  return { exitCode, runDir, attempts, ...(status ? { status } : {}), leftInState, kept };
}

/** Destroys, retrying with exponential backoff; returns what is still in state (empty on success). */
async function destroyWithRetries(tf: TerraformRunner, options: LaunchOptions, progress: Progress): Promise<string[]> {
  const attempts = options.destroyAttempts ?? 4;
  let backoff = options.destroyBackoffMs ?? 15000;
  let last: TerraformResult | undefined;
  for (let i = 1; i <= attempts; i++) {
    progress.phase(`destroy${i > 1 ? ` (attempt ${i} of ${attempts})` : ""}`);
    last = await tf.destroy((e) => progress.event(e));
    if (last.code === 0) {
      const left = await tf.stateList();
      if (left.length === 0) {
        progress.note("destroyed: nothing left in state");
        return [];
      }
    }
    progress.note(`destroy failed: ${last.errors.join("; ") || `exit ${last.code}`}`);
    if (i < attempts) {
      await sleep(backoff);
      backoff *= 2;
    }
  }
  return tf.stateList();
}

function loudly(left: readonly string[], runDir: string): string {
  const bar = "!".repeat(78);
  return [
    "",
    bar,
    "!!! DESTROY FAILED: these resources are still in state and may be running and billing:",
    ...left.map((r) => `!!!   ${r}`),
    `!!! State and configuration: ${runDir} (run terraform destroy there once the cause is fixed)`,
    bar,
    "",
  ].join("\n");
}

function signalExit(signal: AbortSignal): number {
  return String(signal.reason).includes("SIGTERM") ? EXIT.SIGTERM : EXIT.SIGINT;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The `app` command of `cdktf.json` in `cwd` (what `hgpu synth` and `hgpu launch` run without `--app`). */
export function appFromCdktfJson(cwd: string): string {
  const file = join(cwd, "cdktf.json");
  if (!existsSync(file)) throw new Error(`hgpu: no --app given and no cdktf.json in ${cwd}`);
  return (JSON.parse(readFileSync(file, "utf8")) as { app: string }).app;
}

/** Runs the app, collecting its output (shown when it fails). */
function runApp(app: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(app, { cwd, env, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolvePromise({ code: code ?? 1, output }));
    child.on("error", (e) => resolvePromise({ code: 1, output: e.message }));
  });
}

/**
 * The placement key the stack's one GpuTask recorded in its `*_placement` output; throws when the
 * stack has no GpuTask, or more than one (read from the synthesized JSON, before `init`).
 */
function taskPlacementOf(stackFile: string, stack: string): string {
  const tf = JSON.parse(readFileSync(stackFile, "utf8")) as { output?: Record<string, { value?: { key?: unknown } }> };
  const outputs = Object.entries(tf.output ?? {});
  const tasks = outputs.filter(([k]) => k.endsWith("_status_uri")).length;
  const key = outputs.find(([k]) => k.endsWith("_placement"))?.[1].value?.key;
  if (tasks === 0 || typeof key !== "string") {
    throw new Error(`hgpu launch: stack ${JSON.stringify(stack)} has no GpuTask (no *_status_uri and *_placement outputs): launch a stack with exactly one GpuTask`);
  }
  if (tasks > 1) throw new Error(`hgpu launch: stack ${JSON.stringify(stack)} has ${tasks} GpuTasks: launch a stack with exactly one GpuTask`);
  return key;
}

/**
 * A reader that rides out passing errors (expired credentials, throttling, permissions still
 * propagating): up to 20 failures in a row read as "nothing yet"; the 21st is thrown.
 */
function tolerant(reader: ObjectReader, progress: Progress): ObjectReader {
  let failures = 0;
  const guard = async <T>(read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      const value = await read();
      failures = 0;
      return value;
    } catch (e) {
      failures++;
      if (failures > 20) throw e;
      if (failures === 1) progress.note(`reading failed, will retry: ${(e as Error).message}`);
      return empty;
    }
  };
  return {
    read: (uri) => guard(() => reader.read(uri), undefined),
    readFrom: (uri, offset) => guard(() => reader.readFrom(uri, offset), ""),
  };
}

function outputEndingWithValue(outputs: Record<string, unknown>, suffix: string): unknown {
  const hits = Object.entries(outputs).filter(([k]) => k.endsWith(suffix));
  return hits.length === 1 ? hits[0]![1] : undefined;
}

function outputEndingWith(outputs: Record<string, unknown>, suffix: string): string | undefined {
  const hits = Object.entries(outputs).filter(([k]) => k.endsWith(suffix));
  if (hits.length > 1) throw new Error(`the stack has ${hits.length} *${suffix} outputs: launch a stack with one GpuTask`);
  return hits[0] ? String(hits[0][1]) : undefined;
}
