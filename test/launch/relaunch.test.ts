import { describe, expect, it } from "vitest";
import { Exclusions, restartDecision, stackRecoveryOf, stopTrigger, type StackRecovery } from "../../lib/launch/relaunch";
import type { RunStatus } from "../../lib/launch/status-store";

const status = (exitCode: number, reason?: string): RunStatus => ({ runId: "r", exitCode, startedAt: "", finishedAt: "", ...(reason ? { reason } : {}) });
const recovery: StackRecovery = { maxRestarts: 2, on: ["preemption", "node-failure"], fallbackToOnDemand: false, spot: true };
const NOW = Date.parse("2026-11-30T12:00:00Z");
const at = (minutes: number) => NOW + minutes * 60_000;

describe("stopTrigger", () => {
  it("is preemption for 93/preempted and node-failure for 94/node-failure, and nothing for any other pair", () => {
    expect(stopTrigger(status(93, "preempted"))).toBe("preemption");
    expect(stopTrigger(status(94, "node-failure"))).toBe("node-failure");
    // The code and the reason must agree: a workload that exits 93 itself is its own failure.
    expect(stopTrigger(status(93, "workload-failed"))).toBeUndefined();
    expect(stopTrigger(status(93))).toBeUndefined();
    expect(stopTrigger(status(94, "preempted"))).toBeUndefined();
    expect(stopTrigger(status(95, "restore-failed"))).toBeUndefined();
    expect(stopTrigger(status(0, "completed"))).toBeUndefined();
  });
});

describe("restartDecision", () => {
  const decide = (s: RunStatus, over: Partial<Parameters<typeof restartDecision>[1]> = {}) =>
    restartDecision(s, { recovery, restarts: 0, runDeadlineMs: at(120), nowMs: NOW, ...over });

  it("restarts a preemption or a node failure while restarts and time are left", () => {
    expect(decide(status(93, "preempted"))).toEqual({ restart: true, trigger: "preemption", why: "preempted: restart 1 of 2" });
    expect(decide(status(94, "node-failure"), { restarts: 1 })).toEqual({ restart: true, trigger: "node-failure", why: "a node failed: restart 2 of 2" });
    // A stack without a deadline output (NaN) does not stop a restart.
    expect(decide(status(93, "preempted"), { runDeadlineMs: NaN }).restart).toBe(true);
  });

  it("never retries the workload's own exit", () => {
    expect(decide(status(1, "workload-failed"))).toEqual({ restart: false, why: "the workload's own exit is never retried" });
    expect(decide(status(0, "completed")).restart).toBe(false);
  });

  it("stops at maxRestarts: the last one allowed restarts, the next does not", () => {
    expect(decide(status(93, "preempted"), { restarts: 1 }).restart).toBe(true);
    expect(decide(status(93, "preempted"), { restarts: 2 })).toEqual({ restart: false, why: "preempted; no restarts left (recovery.maxRestarts 2, 2 used)" });
    expect(decide(status(93, "preempted"), { recovery: { ...recovery, maxRestarts: 0 } })).toEqual({ restart: false, why: "preempted; no restarts left (recovery.maxRestarts 0, 0 used)" });
  });

  it("needs 30 minutes before the run's deadline: exactly 30 restarts, 29 does not", () => {
    expect(decide(status(93, "preempted"), { runDeadlineMs: at(30) }).restart).toBe(true);
    expect(decide(status(93, "preempted"), { runDeadlineMs: at(30) - 1 })).toEqual({
      restart: false,
      why: "preempted; the run's deadline leaves 29 minutes, less than the 30 a restart needs",
    });
    expect(decide(status(93, "preempted"), { runDeadlineMs: at(-5) }).why).toBe("preempted; the run's deadline leaves 0 minutes, less than the 30 a restart needs");
  });

  it("follows recovery.on, and a task without recovery is never restarted", () => {
    expect(decide(status(94, "node-failure"), { recovery: { ...recovery, on: ["preemption"] } })).toEqual({
      restart: false,
      why: "a node failed; the task's recovery.on (preemption) does not restart on node-failure",
    });
    expect(decide(status(93, "preempted"), { recovery: undefined })).toEqual({ restart: false, why: "preempted; the task has no recovery, so the run ends" });
  });
});

describe("stackRecoveryOf", () => {
  it("reads the task's recovery output, and nothing when there is none", () => {
    expect(stackRecoveryOf(undefined)).toBeUndefined();
    expect(stackRecoveryOf({ maxRestarts: 3, on: ["preemption"], fallbackToOnDemand: true, spot: true, checkpointPath: "/checkpoints", restartCount: 1 })).toEqual({
      maxRestarts: 3, on: ["preemption"], fallbackToOnDemand: true, spot: true,
    });
    expect(stackRecoveryOf({ maxRestarts: 0, on: [] })).toEqual({ maxRestarts: 0, on: [], fallbackToOnDemand: false, spot: false });
  });

  it("refuses a malformed output, naming what is wrong", () => {
    expect(() => stackRecoveryOf("x")).toThrow('the stack\'s *_recovery output "x" is not a task\'s recovery: not an object');
    expect(() => stackRecoveryOf({ maxRestarts: -1, on: [] })).toThrow("maxRestarts is not a whole number");
    expect(() => stackRecoveryOf({ maxRestarts: 1.5, on: [] })).toThrow("maxRestarts is not a whole number");
    expect(() => stackRecoveryOf({ maxRestarts: 1, on: ["spot"] })).toThrow("on is not a list of preemption, node-failure");
  });
});

describe("Exclusions", () => {
  it("keeps capacity exclusions for the run and lets cool-downs end", () => {
    const x = new Exclusions();
    x.forever("a");
    x.coolDown("b", at(30));
    x.coolDown("c", at(10));
    expect(x.active(NOW)).toEqual(["a", "b", "c"]);
    expect(x.nextEnd(NOW)).toBe(at(10));
    // A cool-down ends at its time exactly.
    expect(x.active(at(10))).toEqual(["a", "b"]);
    expect(x.nextEnd(at(10))).toBe(at(30));
    expect(x.active(at(30))).toEqual(["a"]);
    expect(x.nextEnd(at(30))).toBeUndefined();
  });

  it("never shortens an exclusion: a cool-down does not lift a capacity exclusion or a longer cool-down", () => {
    const x = new Exclusions();
    x.forever("a");
    x.coolDown("a", at(5));
    x.coolDown("b", at(30));
    x.coolDown("b", at(10));
    expect(x.active(at(60))).toEqual(["a"]);
    expect(x.active(at(20))).toEqual(["a", "b"]);
  });
});
