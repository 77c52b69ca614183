/**
 * The launcher's test harness: a project folder per test with the fixture app (fixture-app.cjs),
 * its "cloud" (a file per billing object) and helpers to run `hgpu` as a real process, or
 * in-process where the case is not about the process. Every folder is removed when its test ends.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "vitest";
export { alive } from "../processes";
import { main } from "../../bin/hgpu";
import type { LaunchOptions } from "../../lib/launch/launcher";
import { readRunRecords, type RunRecord } from "../../lib/launch/run-record";

export const root = join(__dirname, "../..");
export const fixture = join(__dirname, "fixture-app.cjs");
export const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
/** Whether this runs in CI (`CI` set, and not to false or 0): there, tests that need terraform fail without it instead of skipping. */
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI !== undefined && !["", "0", "false"].includes(env.CI.toLowerCase());
if (!hasTerraform && inCi()) {
  throw new Error("CI is set and terraform is not on the PATH: the launcher's tests run against the real binary; install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install)");
}

export const P1 = "aws/us-east-1/use1-az4/p5.48xlarge";
export const P2 = "aws/us-east-1/use1-az6/p5.48xlarge";
export const P3 = "azure/eastus//Standard_ND96isr_H100_v5";

/** What the fixture app acts out (see fixture-app.cjs). */
export interface Scenario {
  placements: string[];
  capacity?: string[];
  fail?: string[];
  workload?: "success" | "hang" | "flaky";
  flakySeconds?: number;
  exitCode?: number;
  applySeconds?: number;
  destroyFailures?: number;
  noTask?: boolean;
  foreign?: boolean | string;
  s3Backend?: boolean;
  removeAtApply?: string;
  synthSeconds?: number;
  logCopyFails?: boolean;
  /** The task's recovery output (the node then acts out a run script with recovery). */
  recovery?: { maxRestarts?: number; on?: string[]; fallbackToOnDemand?: boolean; spot?: boolean };
  /** How the node stops on each restart: "preempted", "node-failure" or an exit code (the last repeats). */
  stops?: ("preempted" | "node-failure" | number)[];
  deadlineMinutes?: number;
  synthSecondsOnRestart?: number;
}

/** A project folder acting out `scenario`; removed when the test (`ctx`, which may run concurrently with others) ends. */
export function project(ctx: Pick<TestContext, "onTestFinished">, scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-launch-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, HGPU_TEST_SCENARIO: JSON.stringify({ dir, ...scenario }) };
  const out: string[] = [];
  const options: LaunchOptions = {
    stack: "task",
    app: `node ${fixture}`,
    cwd: dir,
    env,
    pollMs: 100,
    destroyBackoffMs: 50,
    sink: { isTTY: false, write: (t) => void out.push(t) },
  };
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : []);
  return {
    dir,
    env,
    options,
    out,
    /** What was printed so far. */
    printed: () => out.join(""),
    /** Creates and destroys, in order. */
    events: () => lines(join(dir, "events.log")),
    /** Objects in the "cloud" now: what would still be billing. */
    cloud: () => (existsSync(join(dir, "cloud")) ? readdirSync(join(dir, "cloud")).sort() : []),
    /** The runs' records, newest first. */
    records: (): RunRecord[] => readRunRecords(join(dir, ".hgpu", "runs")),
  };
}

/**
 * The command line of `hgpu <args>` as its own process: node with tsx's CommonJS hook preloaded (the
 * sources are CommonJS; the hook costs half of tsx's ESM loader at start), so signals reach hgpu itself.
 */
export function hgpuCommand(args: readonly string[]): string[] {
  return [process.execPath, "--require", require.resolve("tsx/cjs"), join(root, "bin/hgpu.ts"), ...args];
}

/** `hgpu <args>` as its own process. */
export function hgpu(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess & { output: () => string; exit: Promise<number | null> } {
  const [node, ...argv] = hgpuCommand(args);
  const child = spawn(node!, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
  return Object.assign(child, { output: () => output, exit });
}

/** `hgpu <args>` run to its end: exit code and everything printed. */
export async function hgpuRun(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = hgpu(args, cwd, env);
  const code = await child.exit;
  return { code, output: child.output() };
}

/**
 * `hgpu <args>` in this process (`main(argv, io)`, with no signal handling), run to its end: exit
 * code and everything printed, stdout and stderr in the order written. For the cases that are not
 * about the process itself (`hgpu runs`, `hgpu destroy`): a new process costs more than the command.
 */
export async function hgpuInProcess(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const out: string[] = [];
  const write = (t: string) => void out.push(t);
  const code = await main(args, { stdout: { write }, stderr: { write }, cwd, env });
  return { code, output: out.join("") };
}

/** Resolves once `check()` holds, polling every 50 ms; rejects after `ms`. */
export async function until(check: () => boolean, ms = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
