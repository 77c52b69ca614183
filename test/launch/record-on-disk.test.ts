import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordAsFound } from "../../lib/launch/record-on-disk";
import type { RunRecord } from "../../lib/launch/run-record";

const base = (runDir: string, project: string): RunRecord => ({
  version: 1, runId: "r1", stack: "task", app: "node /old/proj/app.js", terraform: "terraform", project, runDir,
  startedAt: "2026-12-01T10:00:00Z", updatedAt: "2026-12-01T10:00:00Z", launcher: { pid: 1, procStart: "1" }, phase: "running", attempts: [], leftInState: [], kept: [],
});
const state = (resources: string[]) => JSON.stringify({ resources: resources.map((name) => ({ mode: "managed", type: "terraform_data", name, instances: [{}] })) });

describe("recordAsFound", () => {
  it("re-roots the paths of a record found where its project moved, keeps other values (a command, a path of another folder), and says where it was", () => {
    const record: RunRecord = {
      ...base("/old/proj/.hgpu/runs/r1", "/old/proj"),
      attempts: [
        { n: 1, dir: "/old/proj/.hgpu/runs/r1/attempt-1", stackDir: "/old/proj/.hgpu/runs/r1/attempt-1/cdktf.out/stacks/task", state: { backend: "local", path: "/old/proj/.hgpu/runs/r1/attempt-1/terraform.tfstate" }, applyStarted: true },
        { n: 2, dir: "/old/proj/.hgpu/runs/r1/attempt-2", state: { backend: "s3", key: "k/runs/r1/attempt-2", description: "s3://b/k/runs/r1/attempt-2" }, placementKey: "/old/proj-not-a-path" },
      ],
    };
    const found = recordAsFound(record, "/mnt/work/proj/.hgpu/runs/r1");
    expect(found).toEqual({
      ...record,
      project: "/mnt/work/proj",
      runDir: "/mnt/work/proj/.hgpu/runs/r1",
      movedFrom: "/old/proj/.hgpu/runs/r1",
      attempts: [
        { ...record.attempts[0], dir: "/mnt/work/proj/.hgpu/runs/r1/attempt-1", stackDir: "/mnt/work/proj/.hgpu/runs/r1/attempt-1/cdktf.out/stacks/task", state: { backend: "local", path: "/mnt/work/proj/.hgpu/runs/r1/attempt-1/terraform.tfstate" } },
        { ...record.attempts[1], dir: "/mnt/work/proj/.hgpu/runs/r1/attempt-2" },
      ],
    });
    // Found where it was written: the same record.
    expect(recordAsFound(record, "/old/proj/.hgpu/runs/r1")).toBe(record);
    // The run folder alone copied elsewhere: only the paths inside it move.
    const alone = recordAsFound(record, "/backup/r1");
    expect([alone.project, alone.runDir, alone.attempts[0]!.dir, alone.attempts[1]!.placementKey]).toEqual(["/old/proj", "/backup/r1", "/backup/r1/attempt-1", "/old/proj-not-a-path"]);
  });

  it("adds each attempt folder whose local state holds resources the record does not know of, and no other", (ctx) => {
    const runDir = mkdtempSync(join(tmpdir(), "hgpu-record-"));
    ctx.onTestFinished(() => rmSync(runDir, { recursive: true, force: true }));
    for (const n of [1, 2, 3, 4]) mkdirSync(join(runDir, `attempt-${n}`, "cdktf.out", "stacks", "task"), { recursive: true });
    writeFileSync(join(runDir, "attempt-1", "terraform.tfstate"), state(["node"]));
    writeFileSync(join(runDir, "attempt-2", "terraform.tfstate"), state(["node", "partial"]));
    writeFileSync(join(runDir, "attempt-3", "terraform.tfstate"), state([]));
    writeFileSync(join(runDir, "attempt-4", "terraform.tfstate"), "");
    const known = { n: 1, dir: join(runDir, "attempt-1"), state: { backend: "local" as const, path: join(runDir, "attempt-1", "terraform.tfstate") }, applyStarted: true };
    // Attempt 2 was recorded before its apply only (the record's later writes failed).
    const record: RunRecord = { ...base(runDir, "/p"), attempts: [known, { n: 2, dir: join(runDir, "attempt-2"), placementKey: "aws/us-east-1/use1-az4/p5.48xlarge" }] };
    const found = recordAsFound(record, runDir);
    const onDisk = (n: number) => ({ dir: join(runDir, `attempt-${n}`), stackDir: join(runDir, `attempt-${n}`, "cdktf.out", "stacks", "task"), state: { backend: "local", path: join(runDir, `attempt-${n}`, "terraform.tfstate") }, applyStarted: true, creating: true });
    expect(found.attempts).toEqual([
      known,
      { n: 2, placementKey: "aws/us-east-1/use1-az4/p5.48xlarge", ...onDisk(2) },
      // An empty state is left out; one that cannot be read counts.
      { n: 4, ...onDisk(4) },
    ]);
  });
});
