import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { identify } from "../../lib/launch/process-identity";
import { lockStack, waitForLock } from "../../lib/launch/run-lock";

/** This process as a launcher in another container of this host would have recorded it. */
function elsewhere() {
  const me = identify(process.pid);
  const [host, boot] = me.where!.split(" ");
  return { ...me, where: `${host} ${boot} pid:[1]` };
}

function locksWith(ctx: TestContext, name: string, owner: object): { runsDir: string; lock: string } {
  const runsDir = mkdtempSync(join(tmpdir(), "hgpu-locks-"));
  ctx.onTestFinished(() => rmSync(runsDir, { recursive: true, force: true }));
  mkdirSync(join(runsDir, ".locks"));
  const lock = join(runsDir, ".locks", `${name}.json`);
  writeFileSync(lock, JSON.stringify(owner));
  return { runsDir, lock };
}

describe.runIf(process.platform === "linux")("locks held by a launcher in another container or on another host", () => {
  it("a stack's lock is kept, and the refusal says how to end the run once its launcher is gone", (ctx) => {
    const { runsDir } = locksWith(ctx, "task", { runId: "r0", startedAt: "2026-12-01T10:00:00Z", process: elsewhere() });
    expect(() => lockStack(runsDir, "task", "r1", () => undefined)).toThrow(
      `hgpu launch: stack "task" has a live run: r0, started 2026-12-01T10:00:00Z (launcher PID ${process.pid} in another container or on another host). ` +
        `See it with \`hgpu runs\`; stop it with Ctrl-C in its terminal or \`kill -TERM ${process.pid}\` there (it destroys what it created). ` +
        "hgpu cannot see that launcher from here: once you know it is gone, `hgpu destroy --force r0` destroys what the run left and releases its lock. " +
        "Use --concurrent to launch a second, separate run of the same stack on purpose.",
    );
  });

  it("a short lock (an init's) is waited for, and taken over with a warning once older than the bound", async (ctx) => {
    const young = locksWith(ctx, ".terraform-init", { runId: "r0", startedAt: new Date().toISOString(), process: elsewhere() });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 600);
    expect(await waitForLock(young.runsDir, ".terraform-init", "r1", stop.signal, () => undefined, 60_000)).toBeUndefined();
    expect(existsSync(young.lock)).toBe(true);

    const old = locksWith(ctx, ".terraform-init", { runId: "r0", startedAt: new Date(Date.now() - 61_000).toISOString(), process: elsewhere() });
    const said: string[] = [];
    const lock = await waitForLock(old.runsDir, ".terraform-init", "r1", undefined, (m) => said.push(m), 60_000);
    expect(lock).toBeDefined();
    expect(said[0]).toMatch(/^warning: taking over the lock \S+\.terraform-init\.json of run r0, held since \S+ by a launcher in another container or on another host$/);
    lock!.release();
    expect(existsSync(old.lock)).toBe(false);
  });
});
