import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { identify, type ProcessIdentity } from "../../lib/launch/process-identity";
import { readRunRecord, type AttemptRecord, type RunRecord } from "../../lib/launch/run-record";
import { destroyRun, formatRuns, pruneRuns, viewRun } from "../../lib/launch/runs";

const sink = { write: () => undefined };

/** This process as a launcher in another container of this host would have recorded it. */
function elsewhere(): ProcessIdentity {
  const me = identify(process.pid);
  const [host, boot] = me.where!.split(" ");
  return { ...me, where: `${host} ${boot} pid:[1]` };
}

/** A run folder `r0` in a fresh runs folder, with its record written. */
function run(ctx: TestContext, fields: Partial<RunRecord>, attempts: (dir: string) => AttemptRecord[] = () => []): { runsDir: string; record: RunRecord } {
  const runsDir = mkdtempSync(join(tmpdir(), "hgpu-runs-"));
  ctx.onTestFinished(() => rmSync(runsDir, { recursive: true, force: true }));
  const runDir = join(runsDir, "r0");
  mkdirSync(join(runDir, "attempt-1"), { recursive: true });
  const record: RunRecord = {
    version: 1, runId: "r0", stack: "task", app: "true", terraform: "terraform", project: runsDir, runDir, startedAt: "2026-12-01T10:00:00Z",
    updatedAt: "2026-12-01T10:00:00Z", launcher: { pid: 999_999_999 }, phase: "running", attempts: attempts(runDir), leftInState: [], kept: [], ...fields,
  };
  writeFileSync(join(runDir, "launch.json"), JSON.stringify(record));
  return { runsDir, record: readRunRecord(runDir)! };
}

describe.runIf(process.platform === "linux")("a run launched in another container or on another host", () => {
  it("is elsewhere to hgpu runs, which lists what its state holds and how to remove it once its launcher is gone", async (ctx) => {
    const { record } = run(ctx, { launcher: elsewhere() }, (dir) => {
      writeFileSync(join(dir, "attempt-1", "terraform.tfstate"), JSON.stringify({ resources: [{ mode: "managed", type: "terraform_data", name: "node", instances: [{}] }] }));
      return [{ n: 1, dir: join(dir, "attempt-1"), state: { backend: "local", path: join(dir, "attempt-1", "terraform.tfstate") }, applyStarted: true }];
    });
    const view = await viewRun(record);
    expect(view.state).toBe("elsewhere");
    expect(formatRuns([view]).split("\n").slice(-3)).toEqual([
      "!!! run r0 was launched in another container or on another host, where hgpu cannot see its launcher; if it is gone, these may be billing:",
      "!!!   attempt 1: terraform_data.node",
      "!!! once you know its launcher is gone, remove them with: hgpu destroy --force r0",
    ]);
  });

  it("is refused by hgpu destroy; --force destroys it and releases its stack's lock, and never reaches a launcher that runs here", async (ctx) => {
    const { runsDir, record } = run(ctx, { launcher: elsewhere() });
    mkdirSync(join(runsDir, ".locks"));
    writeFileSync(join(runsDir, ".locks", "task.json"), JSON.stringify({ runId: "r0", startedAt: record.startedAt, process: record.launcher }));
    await expect(destroyRun(record, { sink })).rejects.toThrow(
      `run r0 was launched in another container or on another host (launcher PID ${process.pid} there), where hgpu cannot see whether it still runs: ` +
        "stop it there (Ctrl-C, or kill -TERM), or, once you know its launcher is gone, run hgpu destroy --force",
    );
    expect(existsSync(join(runsDir, ".locks", "task.json"))).toBe(true);
    expect((await destroyRun(record, { sink, force: true })).left).toEqual([]);
    expect(existsSync(join(runsDir, ".locks", "task.json"))).toBe(false);
    await expect(destroyRun({ ...record, launcher: identify(process.pid) }, { sink, force: true })).rejects.toThrow(`run r0 is live (launcher PID ${process.pid})`);
  });
});

describe("what a killed Terraform was creating", () => {
  const killed = (dir: string): AttemptRecord[] => [{
    n: 1, dir: join(dir, "attempt-1"), state: { backend: "local", path: join(dir, "attempt-1", "terraform.tfstate") }, applyStarted: true,
    killedWhileCreating: { signal: "SIGKILL", resources: ["terraform_data.node"] },
  }];
  const line = "terraform_data.node (being created when terraform ended by SIGKILL: it may exist outside any state; check the cloud)";

  it("keeps the run leftover, out of --prune, and in hgpu destroy's report, until --force forgets it", async (ctx) => {
    const { runsDir, record } = run(ctx, { phase: "ended", outcome: "resources-left" }, (dir) => {
      writeFileSync(join(dir, "attempt-1", "terraform.tfstate"), JSON.stringify({ resources: [] }));
      return killed(dir);
    });
    const view = await viewRun(record);
    expect([view.state, view.left.map((l) => l.resources)]).toEqual(["leftover", [[line]]]);
    expect(await pruneRuns(runsDir)).toEqual([]);
    // Its stack folder is gone: nothing to destroy with, and still said; also by a destroy of another attempt.
    expect((await destroyRun(record, { sink })).left.map((l) => l.resources)).toEqual([[line]]);
    expect((await destroyRun({ ...record, attempts: [...record.attempts, { n: 2, dir: join(record.runDir, "attempt-2") }] }, { sink, attempt: 2 })).left.map((l) => l.resources)).toEqual([[line]]);

    const said: string[] = [];
    expect((await destroyRun(readRunRecord(record.runDir)!, { sink: { write: (s) => void said.push(s) }, force: true })).left).toEqual([]);
    expect(said.join("")).toContain("attempt 1: --force: forgetting terraform_data.node, which a killed Terraform was creating (check they are gone)");
    expect(readRunRecord(record.runDir)!.attempts[0]!.killedWhileCreating).toBeUndefined();
    expect((await viewRun(readRunRecord(record.runDir)!)).state).toBe("ended");
  });
});

describe("hgpu destroy of an attempt without its stack folder", () => {
  it("reports what its state still holds instead of skipping it", async (ctx) => {
    const { record } = run(ctx, {}, (dir) => {
      writeFileSync(join(dir, "attempt-1", "terraform.tfstate"), JSON.stringify({ resources: [{ mode: "managed", type: "terraform_data", name: "node", instances: [{}] }] }));
      return [{ n: 1, dir: join(dir, "attempt-1"), state: { backend: "local", path: join(dir, "attempt-1", "terraform.tfstate") }, applyStarted: true }];
    });
    const said: string[] = [];
    const { left } = await destroyRun(record, { sink: { write: (s) => void said.push(s) } });
    expect(left.map((l) => l.resources)).toEqual([["terraform_data.node"]]);
    expect(said.join("")).toContain("attempt 1: no stack folder to destroy its state with");
  });
});
