import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, launch } from "../../lib/launch/launcher";
import { findProject, formatRuns, viewRun, type RunView } from "../../lib/launch/runs";
import type { RunRecord } from "../../lib/launch/run-record";
import { hasTerraform, hgpuInProcess, P1, P2, P3, project } from "./harness";

describe.runIf(hasTerraform).concurrent("hgpu runs and hgpu destroy", () => {
  it("runs --json and --prune: prune removes ended runs with nothing left and keeps leftover ones", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    const ok = await launch(t.options);
    writeFileSync(join(t.dir, "destroy-fault"), "");
    const left = await launch({ ...t.options, destroyAttempts: 1 });
    expect([ok.exitCode, left.exitCode]).toEqual([0, EXIT.RESOURCES_LEFT]);

    const json = await hgpuInProcess(["runs", "--json"], t.dir, t.env);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.output) as { runId: string; state: string; inState: { attempt: number; resources: string[] }[]; usdPerHour: number }[];
    expect(listed.map((r) => [r.runId, r.state, r.inState, r.usdPerHour])).toEqual([
      [left.runId, "leftover", [{ attempt: 1, resources: ["terraform_data.node", "terraform_data.partial"] }], 98.32],
      [ok.runId, "ended", [], 98.32],
    ]);

    const pruned = await hgpuInProcess(["runs", "--prune"], t.dir, t.env);
    expect(pruned.output).toContain(`removed 1 ended run with nothing left: ${ok.runId}`);
    expect(existsSync(ok.runDir)).toBe(false);
    expect(existsSync(left.runDir)).toBe(true);
    expect(pruned.output).toContain(`!!! run ${left.runId} left resources that may be running and billing (up to $98.32/h):`);
  });

  it("destroy --attempt N destroys that attempt only; an unknown run or attempt is an error", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], capacity: [P1] });
    writeFileSync(join(t.dir, "destroy-fault"), "");
    const result = await launch({ ...t.options, destroyAttempts: 1 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["capacity"]);

    const unknown = await hgpuInProcess(["destroy", "nope"], t.dir, t.env);
    expect(unknown.code).toBe(1);
    expect(unknown.output.trim()).toBe(`hgpu destroy: no run "nope" in ${join(t.dir, ".hgpu", "runs")}: hgpu runs lists 1 run`);
    const noAttempt = await hgpuInProcess(["destroy", result.runId, "--attempt", "2"], t.dir, t.env);
    expect(noAttempt.output.trim()).toBe(`hgpu destroy: run ${result.runId} has no attempt 2: it has 1`);

    rmSync(join(t.dir, "destroy-fault"));
    const done = await hgpuInProcess(["destroy", result.runId, "--attempt", "1"], t.dir, t.env);
    expect(done.code).toBe(0);
    expect(done.output).toContain(`attempt 1: destroying 1 resource(s) of ${P1}`);
    expect(t.cloud()).toEqual([]);
    const twice = await hgpuInProcess(["destroy", result.runId], t.dir, t.env);
    expect(twice.code).toBe(0);
    expect(twice.output).toContain("attempt 1: nothing in state");
  });
});

describe("viewRun of a remote state, without reading it", () => {
  const record = (over: Partial<RunRecord>): RunRecord => ({
    version: 1, runId: "r", stack: "task", app: "a", terraform: "terraform", project: "/p", runDir: "/p/.hgpu/runs/r", startedAt: "2026-11-30T10:00:00.000Z", updatedAt: "2026-11-30T10:00:00.000Z",
    launcher: { pid: 4194305 }, phase: "ended", outcome: "succeeded", leftInState: [], kept: [],
    attempts: [{ n: 1, dir: "/p/.hgpu/runs/r/attempt-1", applyStarted: true, state: { backend: "s3", key: "k/runs/r/attempt-1", description: "s3://b/k/runs/r/attempt-1" } }],
    ...over,
  });
  it("counts a run whose launcher died mid-run as leftover, and one that ended cleanly as ended", async () => {
    const dead = await viewRun(record({ phase: "running", outcome: undefined }));
    expect(dead.state).toBe("leftover");
    expect(dead.left[0]!.resources).toEqual(["(remote state s3://b/k/runs/r/attempt-1: hgpu runs --remote reads it)"]);
    expect((await viewRun(record({}))).state).toBe("ended");
    expect((await viewRun(record({ leftInState: ["aws_vpc.v"], outcome: "resources-left" }))).state).toBe("leftover");
    // Before apply started, nothing was created, whatever the phase.
    expect((await viewRun(record({ phase: "init", attempts: [{ ...record({}).attempts[0]!, applyStarted: false }] }))).state).toBe("ended");
  });
});

describe("findProject and formatRuns", () => {
  it("finds the project from a folder inside it", (ctx) => {
    const t = project(ctx, { placements: [P1] });
    mkdirSync(join(t.dir, "src", "deep"), { recursive: true });
    writeFileSync(join(t.dir, "cdktf.json"), "{}");
    expect(findProject(join(t.dir, "src", "deep"))).toBe(t.dir);
  });

  it("prints a table, newest first, and shouts leftover runs with the command that removes them", () => {
    const record = (runId: string, startedAt: string, over: Partial<RunRecord> = {}): RunRecord => ({
      version: 1, runId, stack: "task", app: "a", terraform: "terraform", project: "/p", runDir: `/p/.hgpu/runs/${runId}`, startedAt, updatedAt: startedAt,
      launcher: { pid: 1 }, phase: "ended", outcome: "succeeded", attempts: [{ n: 1, dir: "d", placementKey: P1, usdPerHour: 98.32 }], leftInState: [], kept: [], ...over,
    });
    const views: RunView[] = [
      { record: record("20261130T110000-bbbbbb", "2026-11-30T11:00:00.000Z", { phase: "running", outcome: undefined }), state: "leftover", left: [{ attempt: { n: 1, dir: "d" }, resources: ["aws_autoscaling_group.nodes"] }], usdPerHour: 98.32 },
      { record: record("20261130T100000-aaaaaa", "2026-11-30T10:00:00.000Z"), state: "ended", left: [] },
    ];
    expect(formatRuns(views, Date.parse("2026-11-30T12:00:00Z"))).toBe(
      [
        "run                     stack  started                            state     phase    outcome    placement                           restarts  cost  usd/h   in state",
        "20261130T110000-bbbbbb  task   2026-11-30 11:00:00 (1:00:00 ago)  LEFTOVER  running  -          aws/us-east-1/use1-az4/p5.48xlarge  0         -     $98.32  1",
        "20261130T100000-aaaaaa  task   2026-11-30 10:00:00 (2:00:00 ago)  ended     ended    succeeded  aws/us-east-1/use1-az4/p5.48xlarge  0         -     -       0",
        "",
        "!!! run 20261130T110000-bbbbbb left resources that may be running and billing (up to $98.32/h):",
        "!!!   attempt 1: aws_autoscaling_group.nodes",
        "!!! remove them with: hgpu destroy 20261130T110000-bbbbbb",
      ].join("\n"),
    );
    expect(formatRuns([])).toBe("no runs");
  });

  it("shows a relaunched run's restarts, its cost, and where each attempt ran, how it ended and what it cost", () => {
    const record: RunRecord = {
      version: 1, runId: "20261130T090000-cccccc", stack: "task", app: "a", terraform: "terraform", project: "/p", runDir: "/p/.hgpu/runs/x",
      startedAt: "2026-11-30T09:00:00.000Z", updatedAt: "2026-11-30T11:00:00.000Z", launcher: { pid: 1 }, phase: "ended", outcome: "succeeded", leftInState: [], kept: [],
      attempts: [
        // 30 minutes at $98.32/h = $49.16; its checkpoint of 2,500,000,000 bytes (2.3 GiB, the unit egress is billed in) left AWS for $0.21.
        { n: 1, dir: "d1", placementKey: P1, usdPerHour: 98.32, restartCount: 0, outcome: "preempted", appliedAt: "2026-11-30T09:00:00.000Z", endedAt: "2026-11-30T09:30:00.000Z",
          checkpoint: { saved: "step-500", bytesOut: 2_500_000_000, egressUsd: 0.21 } },
        // synthesized, never applied: no cost
        { n: 2, dir: "d2", placementKey: "?", restartCount: 1, outcome: "capacity" },
        // 1 hour 15 minutes at $60/h = $75.00
        { n: 3, dir: "d3", placementKey: P3, usdPerHour: 60, restartCount: 1, outcome: "succeeded", appliedAt: "2026-11-30T09:40:00.000Z", endedAt: "2026-11-30T10:55:00.000Z",
          checkpoint: { seeded: true, bytesIn: 2_500_000_000 } },
      ],
    };
    const text = formatRuns([{ record, state: "ended", left: [], usdPerHour: 60 }], Date.parse("2026-11-30T12:00:00Z"));
    // $49.16 + $75.00 + $0.21 egress = $124.37
    expect(text.split("\n")[1]).toBe("20261130T090000-cccccc  task   2026-11-30 09:00:00 (3:00:00 ago)  ended  ended  succeeded  azure/eastus//Standard_ND96isr_H100_v5  1         $124.37  $60.00  0");
    expect(text.split("\n").slice(2)).toEqual([
      "",
      "run 20261130T090000-cccccc: 1 restart",
      "  attempt 1  aws/us-east-1/use1-az4/p5.48xlarge      preempted  30:00    $49.16  saved step-500 (2.3 GiB, $0.21 egress)",
      "  attempt 2  ?                                       capacity   -        -",
      "  attempt 3  azure/eastus//Standard_ND96isr_H100_v5  succeeded  1:15:00  $75.00  resumed from the carried checkpoint (2.3 GiB)",
    ]);
  });
});
