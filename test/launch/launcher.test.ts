import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capacityError } from "../../lib/launch/capacity-errors";
import { EXIT, launch, type LaunchOptions } from "../../lib/launch/launcher";

const root = join(__dirname, "../..");
const fixture = join(__dirname, "fixture-app.cjs");
const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
if (!hasTerraform) {
  console.warn("NOTICE: terraform is not on PATH: the launcher tests against the real binary are SKIPPED");
}

interface Scenario {
  placements: string[];
  capacity?: string[];
  fail?: string[];
  workload?: "success" | "hang";
  exitCode?: number;
  destroyFailures?: number;
  noTask?: boolean;
}

const P1 = "aws/us-east-1/use1-az4/p5.48xlarge";
const P2 = "aws/us-east-1/use1-az6/p5.48xlarge";
const P3 = "azure/eastus//Standard_ND96isr_H100_v5";

function setup(scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-launch-"));
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
  const events = () => (existsSync(join(dir, "events.log")) ? readFileSync(join(dir, "events.log"), "utf8").trim().split("\n") : []);
  return { dir, env, options, out, events };
}

describe.runIf(hasTerraform)("launch, against the real terraform binary", () => {
  it("success: applies, waits for the status, streams the log, destroys, exits with the workload's code", async () => {
    const t = setup({ placements: [P1], exitCode: 0 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.status).toMatchObject({ runId: "run-1", exitCode: 0 });
    expect(result.attempts.map((a) => a.outcome)).toEqual(["succeeded"]);
    expect(result.leftInState).toEqual([]);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
    expect(t.out.join("")).toContain("  | epoch 2 loss 1.1");
    expect(t.out.join("")).toMatch(/apply complete: 2\/2 resources/);
    expect(JSON.parse(readFileSync(join(result.runDir, "status.json"), "utf8")).runId).toBe("run-1");
    expect(readFileSync(join(result.runDir, "node0.log"), "utf8")).toContain("epoch 1");
  });

  it("a failed workload still destroys, and its exit code is the launch's", async () => {
    const t = setup({ placements: [P1], exitCode: 3 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(3);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
  });

  it("fails over after a capacity error: destroys the partial state, excludes the placement, applies the next", async () => {
    const t = setup({ placements: [P1, P2, P3], capacity: [P1] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "capacity"], [P2, "succeeded"]]);
    expect(result.attempts[0]!.errors.join("\n")).toContain("InsufficientInstanceCapacity");
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`, `created ${P2}`, `destroyed partial ${P2}`]);
    expect(t.out.join("")).toContain(`no capacity (InsufficientInstanceCapacity) for ${P1}`);
  });

  it("gives up after --max-placements capacity errors, everything destroyed", async () => {
    const t = setup({ placements: [P1, P2, P3], capacity: [P1, P3] });
    const result = await launch({ ...t.options, maxPlacements: 2, env: { ...t.env, HGPU_TEST_SCENARIO: JSON.stringify({ ...JSON.parse(t.env.HGPU_TEST_SCENARIO!), placements: [P1, P3, P2] }) } });
    expect(result.exitCode).toBe(EXIT.NO_CAPACITY);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["capacity", "capacity"]);
    expect(result.leftInState).toEqual([]);
    expect(result.attempts[1]!.errors.join("\n")).toContain("ZonalAllocationFailed");
  });

  it("a non-capacity error fails fast, and still destroys", async () => {
    const t = setup({ placements: [P1, P2], fail: [P1] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["failed"]);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
  });

  it("retries a failing destroy with backoff until it succeeds", async () => {
    const t = setup({ placements: [P1], destroyFailures: 2 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(t.out.join("")).toContain("destroy (attempt 3 of 4)");
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
  });

  it("gives up on a destroy that keeps failing: lists what is left in state, loudly, and exits non-zero", async () => {
    const t = setup({ placements: [P1], destroyFailures: 99 });
    const result = await launch({ ...t.options, destroyAttempts: 2 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.leftInState).toEqual(["terraform_data.partial"]);
    expect(t.out.join("")).toContain("!!! DESTROY FAILED: these resources are still in state and may be running and billing:\n!!!   terraform_data.partial");
  });

  it("keeps a failed apply's resources with keepOnFailure, and says so", async () => {
    const t = setup({ placements: [P1], fail: [P1] });
    const result = await launch({ ...t.options, keepOnFailure: true });
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.kept).toEqual(["terraform_data.node", "terraform_data.partial"]);
    expect(result.leftInState).toEqual([]);
    expect(t.out.join("")).toContain("kept as asked (--keep-on-failure), still running and billing until you run terraform destroy in");
    expect(t.events()).toEqual([`created ${P1}`]);
  });

  it("keeps a failed workload's resources with keepOnFailure, but destroys a successful one", async () => {
    const failed = setup({ placements: [P1], exitCode: 2 });
    const kept = await launch({ ...failed.options, keepOnFailure: true });
    expect(kept.exitCode).toBe(2);
    expect(kept.kept).toEqual(["terraform_data.node", "terraform_data.partial"]);
    const ok = setup({ placements: [P1], exitCode: 0 });
    const gone = await launch({ ...ok.options, keepOnFailure: true });
    expect(gone.kept).toEqual([]);
    expect(ok.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
  });

  it("refuses a stack without exactly one GpuTask before init: nothing is applied", async () => {
    const t = setup({ placements: [P1], noTask: true });
    await expect(launch(t.options)).rejects.toThrow('hgpu launch: stack "task" has no GpuTask (no *_status_uri and *_placement outputs): launch a stack with exactly one GpuTask');
    expect(t.events()).toEqual([]);
  });

  it("an abort before apply creates nothing", async () => {
    const t = setup({ placements: [P1] });
    const controller = new AbortController();
    controller.abort("SIGTERM");
    const result = await launch({ ...t.options, signal: controller.signal });
    expect(result.exitCode).toBe(EXIT.SIGTERM);
    expect(t.events()).toEqual([]);
  });

  it("two launches never share state: each has its own run directory", async () => {
    const t = setup({ placements: [P1] });
    const [a, b] = await Promise.all([launch(t.options), launch(t.options)]);
    expect(a.runDir).not.toBe(b.runDir);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
  });

  it.each([
    ["SIGINT", EXIT.SIGINT],
    ["SIGTERM", EXIT.SIGTERM],
  ] as const)("%s while waiting for the workload: destroys, then exits %i", async (signal, code) => {
    const t = setup({ placements: [P1], workload: "hang" });
    const child = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "bin/hgpu.ts"), "launch", "--stack", "task", "--app", `node ${fixture}`, "--poll-seconds", "0.2"], {
      cwd: t.dir,
      env: t.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("running: waiting for") && !child.killed) child.kill(signal);
    });
    const exit = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(stderr).toContain(`hgpu launch: ${signal}: stopping the run and destroying what it created`);
    expect(exit).toBe(code);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
  }, 60_000);
});

describe("hgpu launch arguments", () => {
  it.each([
    [["--destroy-attempts", "0"], 'hgpu launch: --destroy-attempts "0" is not valid: use a whole number above 0'],
    [["--max-placements", "1.5"], 'hgpu launch: --max-placements "1.5" is not valid: use a whole number above 0'],
    [["--terraform", "terragrunt"], 'hgpu launch: --terraform "terragrunt" is not valid: use terraform or tofu'],
  ])("%j", (args, message) => {
    const r = spawnSync(join(root, "node_modules/.bin/tsx"), [join(root, "bin/hgpu.ts"), "launch", "--stack", "task", ...args], { encoding: "utf8", cwd: tmpdir() });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(message);
  });
});

describe("capacity errors", () => {
  it("are recognised in the clouds' own words, and nothing else is", () => {
    expect(capacityError("Error: ... (InsufficientInstanceCapacity)")).toEqual({ cloud: "aws", name: "InsufficientInstanceCapacity" });
    expect(capacityError("There is no Spot capacity available that matches your request.")).toEqual({ cloud: "aws", name: "no capacity in the zone" });
    expect(capacityError("Unsupported: Your requested instance type (p5.48xlarge) is not supported in your requested Availability Zone (use1-az3).")).toEqual({ cloud: "aws", name: "Unsupported" });
    expect(capacityError('Code="SkuNotAvailable" Message="The requested VM size Standard_ND96isr_H100_v5 is currently not available"')).toEqual({ cloud: "azure", name: "SkuNotAvailable" });
    expect(capacityError('Code="AllocationFailed"')).toEqual({ cloud: "azure", name: "AllocationFailed" });
    expect(capacityError('Code="OverconstrainedAllocationRequest"')).toEqual({ cloud: "azure", name: "OverconstrainedAllocationRequest" });
    expect(capacityError("s/train: p5.48xlarge is not offered in use1-az3: choose another zone (hgpu place lists the catalog's zones for the type)")).toEqual({ cloud: "aws", name: "not offered in the zone" });
    expect(capacityError("AccessDenied: not authorized to perform iam:CreateRole")).toBeUndefined();
    expect(capacityError("InvalidParameterValue: Unsupported argument")).toBeUndefined();
  });
});
