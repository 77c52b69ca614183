import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { identify, isRunning, processState, signalIfRunning, whereHere, whereIs } from "../../lib/launch/process-identity";

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

describe("whereIs", () => {
  const here = "build-7 1b2c-boot pid:[4026531836]";
  it.each([
    [undefined, here, "here"],
    [here, here, "here"],
    ["build-7 1b2c-boot pid:[4026532200]", here, "elsewhere"], // another container of this host
    ["build-8 1b2c-boot pid:[4026531836]", here, "elsewhere"], // another host (the namespace number is the same on every host)
    ["build-7 0a9f-boot pid:[4026531836]", here, "before-boot"], // this host before its last reboot: gone
    ["build-7 0a9f-boot pid:[4026532200]", here, "before-boot"], // a container of this host before the reboot: gone too
    [here, undefined, "elsewhere"], // read where there is no /proc (macOS, Windows): cannot be judged
    [undefined, undefined, "here"],
  ] as const)("%s seen from %s: %s", (where, now, expected) => {
    expect(whereIs(where, now)).toBe(expected);
  });
});

describe.runIf(process.platform === "linux")("a process recorded in another container or on another host", () => {
  it("records where its PID means it, and is never taken for gone, nor signalled, from elsewhere; before this boot it is gone", () => {
    const me = identify(process.pid);
    const [host, boot, ns] = me.where!.split(" ");
    expect(me.where).toBe(whereHere());
    expect(boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns).toMatch(/^pid:\[\d+\]$/);
    expect(processState(me)).toBe("running");
    const elsewhere = { ...me, where: `${host} ${boot} pid:[1]` };
    expect(processState(elsewhere)).toBe("elsewhere");
    expect(isRunning(elsewhere)).toBe(true);
    expect(signalIfRunning(elsewhere, "SIGTERM")).toBe(false);
    expect(processState({ ...me, where: `${host} 00000000-0000-4000-8000-000000000000 ${ns}` })).toBe("gone");
    // An older record, without where: judged here, as before.
    expect(processState({ pid: process.pid })).toBe("running");
  });
});
