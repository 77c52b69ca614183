import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, launch } from "../../lib/launch/launcher";
import { hasTerraform, P1, P2, P3, project, until } from "./harness";

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The names a node found in its checkpoints folder after the launcher seeded it, in order of the relaunches. */
const restored = (events: string[]) => events.filter((e) => e.startsWith("restored "));

describe.runIf(hasTerraform).concurrent("relaunch after a preemption or a failed node, against the real terraform binary", () => {
  it("preempted on A: saves its checkpoint, destroys A, relaunches on B from it, succeeds: one run, two attempts, nothing left", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 2 }, stops: ["preempted", 0] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "preempted"], [P2, "succeeded"]]);
    // A's destroy came before B's creation; B's node found only A's complete checkpoint (not the half-written step-999).
    expect(t.events()).toEqual([
      `synth ${P1} restart 0`, `created ${P1}`, `destroyed node ${P1}`, `destroyed partial ${P1}`,
      `synth ${P2} restart 1`, `created ${P2}`, "restored [step-0 ] on " + P2, `destroyed node ${P2}`, `destroyed partial ${P2}`,
    ]);
    expect(t.cloud()).toEqual([]);
    const [record] = t.records();
    expect(record).toMatchObject({ runId: result.runId, outcome: "succeeded", exitCode: 0, leftInState: [] });
    // step-0 is one file of 61 bytes ("weights after restart 0 on " and P1); a copy from the launcher's own disk costs no egress.
    expect(record!.attempts.map((a) => [a.restartCount, a.outcome, a.checkpoint])).toEqual([
      [0, "preempted", { saved: "step-0", bytesOut: 61, egressUsd: 0 }],
      [1, "succeeded", { seeded: true, bytesIn: 61 }],
    ]);
    expect(t.printed()).toContain(`${P1}: preempted: restart 1 of 2`);
    // The closing line: restarts, where it ran, the checkpoint's bytes and egress (none: the store is
    // the launcher's own disk), the cost ($98.32/h for seconds).
    const closing = [
      `run ${result.runId}: 1 restart, ran on ${esc(P1)} \\(preempted\\), then ${esc(P2)} \\(succeeded\\)`,
      "checkpoints carried: 0\\.000 GiB, \\$0\\.00 of egress",
      "cost \\$\\d+\\.\\d\\d in all \\(hgpu runs lists each attempt\\)",
    ];
    expect(t.printed()).toMatch(new RegExp(closing.join("; ")));
    // The carried copy is removed once the run succeeded.
    expect(existsSync(join(result.runDir, "checkpoint"))).toBe(false);
  });

  it("maxRestarts used up: the run ends loudly with the preemption's exit code, everything destroyed, the last checkpoint kept", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2, P3], recovery: { maxRestarts: 1 }, stops: ["preempted"] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(93);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["preempted", "preempted"]);
    expect(t.printed()).toContain(`${P2}: preempted; no restarts left (recovery.maxRestarts 1, 1 used)`);
    expect(t.cloud()).toEqual([]);
    expect(t.records()[0]).toMatchObject({ outcome: "preempted", exitCode: 93, leftInState: [] });
    // The second attempt's checkpoint (step-1) is what is kept, for the user to resume from.
    expect(readdirSync(join(result.runDir, "checkpoint")).sort()).toEqual(["manifest.json", "step-1"]);
    expect(t.printed()).toContain(`the run's last carried checkpoint stays in ${join(result.runDir, "checkpoint")}`);
  });

  it("the workload's own failure is never retried, even with restarts left", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 3 }, stops: [3] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(3);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["succeeded"]);
    expect(t.events().filter((e) => e.startsWith("synth"))).toEqual([`synth ${P1} restart 0`]);
    expect(t.records()[0]).toMatchObject({ outcome: "workload-failed", exitCode: 3 });
    expect(t.cloud()).toEqual([]);
  });

  it("a node failure is relaunched; one the task's recovery.on leaves out is not", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 1 }, stops: ["node-failure", 0] });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["node-failure", "succeeded"]);

    const u = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 1, on: ["preemption"] }, stops: ["node-failure", 0] });
    const second = await launch(u.options);
    expect(second.exitCode).toBe(94);
    expect(second.attempts.map((a) => a.outcome)).toEqual(["node-failure"]);
    expect(u.printed()).toContain(`${P1}: a node failed; the task's recovery.on (preemption) does not restart on node-failure`);
    expect(u.cloud()).toEqual([]);
  });

  it("maxRuntime counts the whole run: a relaunch keeps the first attempt's deadline, and none starts with under 30 minutes left", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 2 }, stops: ["preempted", 0], deadlineMinutes: 90 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    const deadlines = t.records()[0]!.attempts.map((a) => JSON.parse(readFileSync(join(a.stackDir!, "cdk.tf.json"), "utf8")).output.task_deadline.value as string);
    // The relaunch was given the first attempt's deadline, not 90 minutes from its own start.
    expect(deadlines[1]).toBe(deadlines[0]);
    expect(t.events()).toContain(`synth ${P2} restart 1 deadline ${deadlines[0]}`);

    const u = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 2 }, stops: ["preempted", 0], deadlineMinutes: 29 });
    const short = await launch(u.options);
    expect(short.exitCode).toBe(93);
    expect(u.printed()).toMatch(new RegExp(`${P1.replace(/\//g, "\\/")}: preempted; the run's deadline leaves 2[89] minutes, less than the 30 a restart needs`));
    expect(u.cloud()).toEqual([]);
  });

  it("a preempted placement cools down: with no other placement, the relaunch waits for it, then runs there again", async (ctx) => {
    const t = project(ctx, { placements: [P1], recovery: { maxRestarts: 1 }, stops: ["preempted", 0], deadlineMinutes: 120 });
    const result = await launch({ ...t.options, cooldownMs: 3000 });
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "preempted"], ["?", "capacity"], [P1, "succeeded"]]);
    expect(t.printed()).toMatch(/no placement outside the cool-down after a restart; waiting until \S+ for aws\/us-east-1\/use1-az4\/p5\.48xlarge to come back/);
    expect(restored(t.events())).toEqual([`restored [step-0 ] on ${P1}`]);
    expect(t.cloud()).toEqual([]);
  });

  it("fallbackToOnDemand: after two spot preemptions the relaunch asks the app for on-demand capacity", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2, P3], recovery: { maxRestarts: 3, fallbackToOnDemand: true, spot: true }, stops: ["preempted", "preempted", 0] });
    const result = await launch({ ...t.options, cooldownMs: 60_000 });
    expect(result.exitCode).toBe(0);
    expect(t.events().filter((e) => e.startsWith("synth"))).toEqual([`synth ${P1} restart 0`, `synth ${P2} restart 1`, `synth ${P3} restart 2 on-demand`]);
    // Each relaunch resumed from the checkpoint the attempt before it wrote.
    expect(restored(t.events())).toEqual([`restored [step-0 ] on ${P2}`, `restored [step-1 ] on ${P3}`]);
    expect(t.cloud()).toEqual([]);
  });

  it("Ctrl-C during a relaunch's synthesis: what was applied is destroyed, nothing more is created, exit 130", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], recovery: { maxRestarts: 2 }, stops: ["preempted", 0], synthSecondsOnRestart: 20 });
    const abort = new AbortController();
    const running = launch({ ...t.options, signal: abort.signal });
    await until(() => t.events().includes(`destroyed partial ${P1}`), 60_000, "the preempted attempt's destroy");
    abort.abort("SIGINT");
    const result = await running;
    expect(result.exitCode).toBe(EXIT.SIGINT);
    expect(t.events().some((e) => e.startsWith(`created ${P2}`))).toBe(false);
    expect(t.cloud()).toEqual([]);
    expect(t.records()[0]).toMatchObject({ outcome: "interrupted", leftInState: [] });
  });
});
