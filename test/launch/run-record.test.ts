import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRunRecords, RunRecorder, type RunRecord } from "../../lib/launch/run-record";

const base = (runDir: string, runId: string, startedAt: string): RunRecord => ({
  version: 1, runId, stack: "task", app: "node app.js", terraform: "terraform", project: "/p", runDir, startedAt, updatedAt: startedAt,
  launcher: { pid: 1 }, phase: "synth", attempts: [], leftInState: [], kept: [],
});

describe("RunRecorder", () => {
  it("says whether a change reached the disk, and drops a required one that did not", (ctx) => {
    const runs = mkdtempSync(join(tmpdir(), "hgpu-rec-"));
    ctx.onTestFinished(() => rmSync(runs, { recursive: true, force: true }));
    const runDir = join(runs, "r1");
    mkdirSync(runDir);
    const warnings: string[] = [];
    const r = new RunRecorder(base(runDir, "r1", "2026-12-01T10:00:00Z"), (m) => warnings.push(m));
    expect(r.attempt(1, { dir: join(runDir, "attempt-1") })).toBe(true);
    // The folder takes no new files: a directory stands where the next write's temporary file goes.
    mkdirSync(join(runDir, `launch.json.${process.pid}.tmp`));
    expect(r.attempt(1, { placementKey: "p1" })).toBe(false);
    expect(r.attempt(1, { applyStarted: true }, true)).toBe(false);
    expect(r.record.attempts).toEqual([{ n: 1, dir: join(runDir, "attempt-1"), placementKey: "p1" }]);
    expect(warnings).toHaveLength(1);
  });

  it("writes the record at once and after each change, and lists runs newest first", (ctx) => {
    const runs = mkdtempSync(join(tmpdir(), "hgpu-rec-"));
    ctx.onTestFinished(() => rmSync(runs, { recursive: true, force: true }));
    for (const [id, at] of [["a", "2026-11-30T10:00:00Z"], ["b", "2026-11-30T11:00:00Z"]] as const) {
      mkdirSync(join(runs, id));
      const r = new RunRecorder(base(join(runs, id), id, at), () => undefined);
      r.attempt(1, { dir: "x", placementKey: "k" });
      r.attempt(1, { outcome: "capacity" });
      r.update({ phase: "ended" });
    }
    mkdirSync(join(runs, "junk")); // no record: skipped
    expect(readRunRecords(runs).map((r) => [r.runId, r.phase, r.attempts])).toEqual([
      ["b", "ended", [{ n: 1, dir: "x", placementKey: "k", outcome: "capacity" }]],
      ["a", "ended", [{ n: 1, dir: "x", placementKey: "k", outcome: "capacity" }]],
    ]);
    expect(readdirSync(join(runs, "a"))).toEqual(["launch.json"]); // no temp file left behind
  });

  it("a write that fails (a run directory gone or full) warns once and never throws; the last good record stays", (ctx) => {
    const runs = mkdtempSync(join(tmpdir(), "hgpu-rec-"));
    ctx.onTestFinished(() => rmSync(runs, { recursive: true, force: true }));
    const warnings: string[] = [];
    const r = new RunRecorder(base(runs, "a", "2026-11-30T10:00:00Z"), (m) => warnings.push(m));
    r.update({ phase: "apply" });
    const dir = join(runs, "gone");
    const lost = new RunRecorder(base(dir, "b", "2026-11-30T10:00:00Z"), (m) => warnings.push(m));
    lost.update({ phase: "apply" });
    lost.update({ phase: "ended" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: cannot write the run record .*gone\/launch\.json: ENOENT.*\(the run goes on; the record may be out of date\)$/);
    expect(lost.record.phase).toBe("ended");
    expect(JSON.parse(readFileSync(join(runs, "launch.json"), "utf8")).phase).toBe("apply");
  });
});
