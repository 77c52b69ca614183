import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capacityError } from "../../lib/launch/capacity-errors";
import { EXIT, launch, statusTimeoutMs } from "../../lib/launch/launcher";
import { localStateResources } from "../../lib/launch/state-location";
import { hasTerraform, P1, P2, P3, project } from "./harness";

if (!hasTerraform) {
  console.warn("NOTICE: terraform is not on PATH: the launcher tests against the real binary are SKIPPED");
}

describe.runIf(hasTerraform).concurrent("launch, against the real terraform binary", () => {
  it("success: applies, waits for the status, streams the log, destroys, exits with the workload's code", async (ctx) => {
    const t = project(ctx, { placements: [P1], exitCode: 0 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.status).toMatchObject({ exitCode: 0 });
    expect(result.attempts.map((a) => a.outcome)).toEqual(["succeeded"]);
    expect(result.leftInState).toEqual([]);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed node ${P1}`, `destroyed partial ${P1}`]);
    expect(t.cloud()).toEqual([]);
    expect(t.printed()).toContain("  | epoch 2 loss 1.1");
    expect(t.printed()).toMatch(/apply complete: 2\/2 resources/);
    expect(JSON.parse(readFileSync(join(result.runDir, "status.json"), "utf8")).exitCode).toBe(0);
    expect(readFileSync(join(result.runDir, "node0.log"), "utf8")).toContain("epoch 1");
    // Providers come through one cache per project, not a copy per attempt.
    expect(readFileSync(join(t.dir, "plugin-cache-dir"), "utf8").trim()).toBe(join(t.dir, ".hgpu", "runs", ".plugin-cache"));
    // The record says how it ended.
    expect(t.records()[0]).toMatchObject({ runId: result.runId, phase: "ended", outcome: "succeeded", exitCode: 0, leftInState: [] });
  });

  it("a failed workload still destroys, and its exit code is the launch's", async (ctx) => {
    const t = project(ctx, { placements: [P1], exitCode: 3 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(3);
    expect(t.cloud()).toEqual([]);
    expect(t.records()[0]).toMatchObject({ outcome: "workload-failed", exitCode: 3 });
  });

  it("fails over after a capacity error: destroys the partial state, excludes the placement, applies the next", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2, P3], capacity: [P1] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "capacity"], [P2, "succeeded"]]);
    expect(result.attempts[0]!.errors.join("\n")).toContain("InsufficientInstanceCapacity");
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`, `created ${P2}`, `destroyed node ${P2}`, `destroyed partial ${P2}`]);
    expect(t.cloud()).toEqual([]);
    expect(t.printed()).toContain(`no capacity (InsufficientInstanceCapacity) for ${P1}`);
    // Each attempt had a state of its own.
    const [a1, a2] = t.records()[0]!.attempts;
    expect(a1!.state).not.toEqual(a2!.state);
  });

  it("gives up after --max-placements capacity errors (75), everything destroyed", async (ctx) => {
    const t = project(ctx, { placements: [P1, P3, P2], capacity: [P1, P3] });
    const result = await launch({ ...t.options, maxPlacements: 2 });
    expect(result.exitCode).toBe(EXIT.NO_CAPACITY);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["capacity", "capacity"]);
    expect(result.attempts[1]!.errors.join("\n")).toContain("ZonalAllocationFailed");
    expect(result.leftInState).toEqual([]);
    expect(t.cloud()).toEqual([]);
  });

  it("exits 75 when the planner runs out of placements after capacity errors", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], capacity: [P1, P2] });
    const result = await launch({ ...t.options, maxPlacements: 3 });
    expect(result.exitCode).toBe(EXIT.NO_CAPACITY);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["capacity", "capacity", "capacity"]);
    expect(t.printed()).toContain("no placement left after capacity errors (synth exit 1):\nplanner: no placement left");
    expect(t.cloud()).toEqual([]);
  });

  it("a non-capacity error fails fast, and still destroys", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], fail: [P1] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["failed"]);
    expect(t.events()).toEqual([`created ${P1}`, `destroyed partial ${P1}`]);
    expect(t.cloud()).toEqual([]);
  });

  it("retries a failing destroy with backoff until it succeeds", async (ctx) => {
    const t = project(ctx, { placements: [P1], destroyFailures: 2 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(t.printed()).toContain("destroy (try 3 of 4)");
    expect(t.cloud()).toEqual([]);
  });

  it("keeps a failed apply's resources with keepOnFailure, says how to remove them, and counts them as kept", async (ctx) => {
    const t = project(ctx, { placements: [P1], fail: [P1] });
    const result = await launch({ ...t.options, keepOnFailure: true });
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.kept).toEqual(["terraform_data.node", "terraform_data.partial"]);
    expect(result.leftInState).toEqual([]);
    expect(t.printed()).toContain(`kept as asked (--keep-on-failure), still running and billing until you run hgpu destroy ${result.runId}`);
    expect(t.cloud()).toEqual([expect.stringMatching(/^partial-/)]);
    expect(t.records()[0]).toMatchObject({ outcome: "kept", kept: ["terraform_data.node", "terraform_data.partial"] });
  });

  it("keeps a failed workload's resources with keepOnFailure, but destroys a successful one and a capacity failure", async (ctx) => {
    const failed = project(ctx, { placements: [P1], exitCode: 2 });
    const kept = await launch({ ...failed.options, keepOnFailure: true });
    expect(kept.exitCode).toBe(2);
    expect(kept.kept).toEqual(["terraform_data.node", "terraform_data.partial"]);
    const ok = project(ctx, { placements: [P1], exitCode: 0 });
    const gone = await launch({ ...ok.options, keepOnFailure: true });
    expect(gone.kept).toEqual([]);
    expect(ok.cloud()).toEqual([]);
    const capacity = project(ctx, { placements: [P1], capacity: [P1] });
    const noCapacity = await launch({ ...capacity.options, keepOnFailure: true, maxPlacements: 1 });
    expect(noCapacity.exitCode).toBe(EXIT.NO_CAPACITY);
    expect(noCapacity.kept).toEqual([]);
    expect(capacity.cloud()).toEqual([]);
  });

  it("refuses a stack without a GpuTask before init: nothing is applied, no run directory is left", async (ctx) => {
    const t = project(ctx, { placements: [P1], noTask: true });
    await expect(launch(t.options)).rejects.toThrow('hgpu launch: stack "task" has no GpuTask (no *_status_uri and *_placement outputs): launch a stack with exactly one GpuTask');
    expect(t.events()).toEqual([]);
    expect(t.records()).toEqual([]);
  });

  it("an abort before apply creates nothing", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    const controller = new AbortController();
    controller.abort("SIGTERM");
    const result = await launch({ ...t.options, signal: controller.signal });
    expect(result.exitCode).toBe(EXIT.SIGTERM);
    expect(t.events()).toEqual([]);
  });

  it("an abort during synth stops the app and exits 130: nothing is created", async (ctx) => {
    const t = project(ctx, { placements: [P1], synthSeconds: 30 });
    const controller = new AbortController();
    const started = Date.now();
    const running = launch({ ...t.options, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 500));
    controller.abort("SIGINT");
    const result = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).toBe(EXIT.SIGINT);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["interrupted"]);
    expect(t.events()).toEqual([]);
  });

  it("a local copy of the log that cannot be written stops the copy, not the run", async (ctx) => {
    const t = project(ctx, { placements: [P1], logCopyFails: true });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(t.printed()).toMatch(/warning: stopped copying the log to \S+node0\.log: EISDIR.* \(the run goes on\)/);
    expect(t.printed()).toContain("  | epoch 2 loss 1.1");
    expect(t.cloud()).toEqual([]);
  });

  it("an abort during apply interrupts Terraform (SIGINT) and destroys what it had created", async (ctx) => {
    const t = project(ctx, { placements: [P1], applySeconds: 30 });
    const controller = new AbortController();
    const running = launch({ ...t.options, signal: controller.signal });
    const started = Date.now();
    while (!t.events().includes(`created ${P1}`)) await new Promise((r) => setTimeout(r, 50));
    controller.abort("SIGINT");
    const result = await running;
    // Terraform was interrupted, not waited for: 30 s of apply did not pass.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.exitCode).toBe(EXIT.SIGINT);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["interrupted"]);
    expect(t.cloud()).toEqual([]);
    expect(localStateResources(t.records()[0]!.attempts[0]!.state!.backend === "local" ? (t.records()[0]!.attempts[0]!.state as { path: string }).path : "")).toEqual([]);
  });
});

describe("statusTimeoutMs", () => {
  it("waits until 15 minutes past the cloud-side deadline, at least a minute, 14 days without a deadline", () => {
    const now = Date.parse("2026-11-30T10:00:00Z");
    expect(statusTimeoutMs(Date.parse("2026-11-30T22:00:00Z"), now)).toBe(12 * 3_600_000 + 15 * 60_000);
    expect(statusTimeoutMs(Date.parse("2026-11-30T09:46:00Z"), now)).toBe(60_000);
    expect(statusTimeoutMs(Date.parse("2026-11-30T09:46:01Z"), now)).toBe(61_000);
    expect(statusTimeoutMs(Number.NaN, now)).toBe(14 * 24 * 3_600_000);
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
