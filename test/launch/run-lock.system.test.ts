import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it, type TestContext } from "vitest";
import { identify } from "../../lib/launch/process-identity";
import { lockStack } from "../../lib/launch/run-lock";

function runsDir(ctx: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-lock-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("lockStack", () => {
  it("one live holder per stack: a second is refused with the holder's run, start and PID; other stacks are free; release frees it", (ctx) => {
    const dir = runsDir(ctx);
    const lock = lockStack(dir, "task", "run-a", () => undefined);
    const owner = JSON.parse(readFileSync(join(dir, ".locks", "task.json"), "utf8"));
    expect(owner).toMatchObject({ runId: "run-a", process: identify(process.pid) });
    expect(() => lockStack(dir, "task", "run-b", () => undefined)).toThrow(
      `hgpu launch: stack "task" has a live run: run-a, started ${owner.startedAt} (launcher PID ${process.pid}). See it with \`hgpu runs\`; stop it with Ctrl-C in its terminal or \`kill -TERM ${process.pid}\` (it destroys what it created). Use --concurrent to launch a second, separate run of the same stack on purpose.`,
    );
    lockStack(dir, "other", "run-c", () => undefined).release();
    lock.release();
    expect(existsSync(join(dir, ".locks", "task.json"))).toBe(false);
    lockStack(dir, "task", "run-b", () => undefined).release();
  });

  it("takes over a lock whose process is gone, or that cannot be read, with a warning; release leaves a lock that is not its own", (ctx) => {
    const dir = runsDir(ctx);
    mkdirSync(join(dir, ".locks"));
    writeFileSync(join(dir, ".locks", "task.json"), JSON.stringify({ runId: "old", startedAt: "x", process: { pid: process.pid, procStart: "1" } }));
    const warnings: string[] = [];
    const lock = lockStack(dir, "task", "new", (m) => warnings.push(m));
    expect(warnings).toEqual([`warning: taking over the lock of stack "task" from run old: its launcher (PID ${process.pid}) is gone`]);
    // Someone else's lock now (e.g. taken over after this process was thought dead): not removed.
    writeFileSync(join(dir, ".locks", "task.json"), JSON.stringify({ runId: "other", startedAt: "x", process: identify(process.pid) }));
    lock.release();
    expect(existsSync(join(dir, ".locks", "task.json"))).toBe(true);
    writeFileSync(join(dir, ".locks", "task.json"), "{");
    lockStack(dir, "task", "third", (m) => warnings.push(m));
    expect(warnings[1]).toBe('warning: taking over the lock of stack "task" from run (unreadable lock): its launcher (PID ?) is gone');
  });
});

describe("lockStack under contention", () => {
  it("of launchers taking over one stale lock at the same instant, exactly one holds it", async (ctx) => {
    // tsx's CommonJS hook: the sources are CommonJS, and it starts in half the time of its ESM loader.
    const tsx = require.resolve("tsx/cjs");
    for (let round = 0; round < 2; round++) {
      const dir = runsDir(ctx);
      mkdirSync(join(dir, ".locks"));
      writeFileSync(join(dir, ".locks", "task.json"), JSON.stringify({ runId: "dead", startedAt: "x", process: { pid: 4194305 } }));
      const contenders = [0, 1, 2, 3].map((i) => {
        const child = spawn(process.execPath, ["--require", tsx, join(__dirname, "lock-contender.ts"), dir, `run-${i}`], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        return new Promise<string>((r) => child.on("close", () => r(out.trim())));
      });
      while (readdirSync(dir).filter((f) => f.startsWith("ready-")).length < 4) await new Promise((r) => setTimeout(r, 20));
      writeFileSync(join(dir, "go"), "");
      const said = await Promise.all(contenders);
      expect(said.sort(), `round ${round}`).toEqual(["held", "refused", "refused", "refused"]);
    }
  }, 60_000);
});
