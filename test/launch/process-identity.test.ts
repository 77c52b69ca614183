import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { identify, isRunning, signalIfRunning } from "../../lib/launch/process-identity";

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
