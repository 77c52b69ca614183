import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identify, isRunning, processState, signalIfRunning, whereHere } from "../../lib/launch/process-identity";
import type { RunRecord } from "../../lib/launch/run-record";
import { lockStack } from "../../lib/launch/run-lock";
import { destroyRun } from "../../lib/launch/runs";

describe("process identity", () => {
  it("knows this process, and not one that has exited", () => {
    const me = identify(process.pid);
    expect(isRunning(me)).toBe(true);
    const done = spawnSync("true");
    expect(isRunning({ pid: done.pid! })).toBe(false);
    expect(isRunning(undefined)).toBe(false);
    expect(isRunning({ pid: 0 })).toBe(false);
  });

  it.runIf(process.platform === "linux")("does not take a reused PID for the process it recorded", () => {
    const me = identify(process.pid);
    expect(me.procStart).toMatch(/^\d+$/);
    expect(isRunning({ pid: process.pid, procStart: String(Number(me.procStart) - 1) })).toBe(false);
    expect(signalIfRunning({ pid: process.pid, procStart: "1" }, "SIGTERM")).toBe(false);
  });
});

describe.runIf(process.platform === "linux")("a process recorded in another container or on another host", () => {
  // This process, as a launcher in another PID namespace (or on another machine) would have recorded it.
  const elsewhere = () => ({ ...identify(process.pid), where: "00000000-0000-4000-8000-000000000000 pid:[4026531836]" });

  it("records where its PID means it (boot ID and PID namespace), and is never taken for gone, nor signalled, from elsewhere", () => {
    expect(identify(process.pid).where).toBe(whereHere());
    expect(whereHere()).toMatch(/^[0-9a-f-]{36} pid:\[\d+\]$/);
    expect(processState(identify(process.pid))).toBe("running");
    expect(processState(elsewhere())).toBe("elsewhere");
    expect(isRunning(elsewhere())).toBe(true);
    expect(processState({ ...elsewhere(), pid: spawnSync("true").pid! })).toBe("elsewhere");
    expect(signalIfRunning(elsewhere(), "SIGTERM")).toBe(false);
    // An older record, without where: judged here, as before.
    expect(processState({ pid: process.pid })).toBe("running");
  });

  it("keeps its stack's lock (naming the file to remove once it is gone) and its run from hgpu destroy, unless --force", async (ctx) => {
    const runsDir = mkdtempSync(join(tmpdir(), "hgpu-elsewhere-"));
    ctx.onTestFinished(() => rmSync(runsDir, { recursive: true, force: true }));
    mkdirSync(join(runsDir, ".locks"), { recursive: true });
    const lock = join(runsDir, ".locks", "task.json");
    writeFileSync(lock, JSON.stringify({ runId: "r0", startedAt: "2026-12-01T10:00:00Z", process: elsewhere() }));
    expect(() => lockStack(runsDir, "task", "r1", () => undefined)).toThrow(
      `hgpu launch: stack "task" has a live run: r0, started 2026-12-01T10:00:00Z (launcher PID ${process.pid} in another container or on another host). ` +
        `See it with \`hgpu runs\`; stop it with Ctrl-C in its terminal or \`kill -TERM ${process.pid}\` there (it destroys what it created). ` +
        `hgpu cannot see that launcher from here: once you know it is gone, remove ${lock}. Use --concurrent to launch a second, separate run of the same stack on purpose.`,
    );

    const runDir = join(runsDir, "r0");
    mkdirSync(runDir);
    const record: RunRecord = {
      version: 1, runId: "r0", stack: "task", app: "true", terraform: "terraform", project: runsDir, runDir, startedAt: "2026-12-01T10:00:00Z",
      updatedAt: "2026-12-01T10:00:00Z", launcher: elsewhere(), phase: "running", attempts: [], leftInState: [], kept: [],
    };
    await expect(destroyRun(record, { sink: { write: () => undefined } })).rejects.toThrow(
      `run r0 was launched in another container or on another host (launcher PID ${process.pid} there), where hgpu cannot see whether it still runs: ` +
        "stop it there (Ctrl-C, or kill -TERM), or, once you know its launcher is gone, run hgpu destroy --force",
    );
    // Its Terraform, recorded there too, is not waited for: it cannot be seen from here.
    const stackDir = join(runDir, "attempt-1", "cdktf.out", "stacks", "task");
    mkdirSync(join(stackDir, ".terraform"), { recursive: true });
    const state = { backend: "local" as const, path: join(runDir, "attempt-1", "terraform.tfstate") };
    const attempt = { n: 1, dir: join(runDir, "attempt-1"), stackDir, state, terraform: { ...elsewhere(), command: "apply" } };
    const said: string[] = [];
    const sink = { write: (s: string) => void said.push(s) };
    expect((await destroyRun({ ...record, attempts: [attempt] }, { sink, force: true, terraformWaitMs: 1000 })).left).toEqual([]);
    expect(said.join("")).not.toContain("left by the launcher is still running");
    // --force does not reach a launcher that runs here.
    await expect(destroyRun({ ...record, launcher: identify(process.pid) }, { sink: { write: () => undefined }, force: true })).rejects.toThrow(`run r0 is live (launcher PID ${process.pid})`);
  });
});
