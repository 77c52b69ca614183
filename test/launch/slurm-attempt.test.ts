/**
 * The launcher's side of a Slurm job (pure parts): the `<task>_slurm_job` output it accepts, and
 * the status it makes when a job ended without writing one.
 */
import { describe, expect, it } from "vitest";
import { slurmJobOf, statusFromSlurm } from "../../lib/launch/slurm-attempt";

const job = {
  version: 1, task: "nn", pool: "dgx", site: "dc1", placementKey: "onprem/dc1//dgx", scheduler: { kind: "slurm", partition: "gpu" },
  nodes: 1, gpusPerNode: 8, timeLimitMinutes: 30, signalBeforeLimitSeconds: 600, maxQueueWaitMinutes: 10, sharedPath: "/lustre",
  runDir: "/lustre/hgpu-runs/train/nn/${terraform_data.task_started.id}", container: { kind: "none", mounts: [] }, command: ["train.py"], env: {},
  watchdogs: { pullTimeoutMinutes: 20, idleTimeoutMinutes: 30 }, next: [],
};

describe("the Slurm job a stack carries", () => {
  it("accepts the output GpuTask writes, and absent is not a Slurm job", () => {
    expect(slurmJobOf(job, "output nn_slurm_job")).toBe(job);
    expect(slurmJobOf(undefined, "output nn_slurm_job")).toBeUndefined();
  });

  it("refuses another shape, naming every problem", () => {
    expect(() => slurmJobOf({ ...job, version: 2, nodes: "1", scheduler: {}, env: null }, "output nn_slurm_job")).toThrow(
      "output nn_slurm_job is not a Slurm job this version of hgpu launch can submit: version is not 1; nodes is not a number; scheduler.partition is not a string; env is not an object",
    );
    expect(() => slurmJobOf({ ...job, runDir: 3, container: { kind: "none" }, maxQueueWaitMinutes: -1 }, "x")).toThrow("x is not a Slurm job this version of hgpu launch can submit: runDir is not a string; maxQueueWaitMinutes is not a number; container is not { kind, mounts }");
    expect(() => slurmJobOf(null, "x")).toThrow("x is not a Slurm job this version of hgpu launch can submit: version is not 1;");
  });
});

describe("a status from Slurm's record, for a job that wrote none", () => {
  const ended = (state: string, exitCode = 0, signal = 0) => ({ state, reason: "x", exitCode, signal, startTime: "2026-11-30T10:00:00Z", endTime: "2026-11-30T10:30:00Z" });

  it("the time limit is exit 124, time-limit, as the batch script says it", () => {
    expect(statusFromSlurm("run-1", "42", ended("TIMEOUT", 0, 15))).toEqual({
      runId: "run-1", exitCode: 124, reason: "time-limit", startedAt: "2026-11-30T10:00:00Z", finishedAt: "2026-11-30T10:30:00Z",
      slurmJobId: "42", slurmState: "TIMEOUT", reportedBy: "hgpu launch (from Slurm's record: the job wrote no status)",
    });
  });

  it.each([
    ["FAILED", 4, 0, 4, "workload-failed"],
    ["FAILED", 0, 9, 137, "workload-failed"],
    ["FAILED", 0, 0, 1, "workload-failed"],
    ["NODE_FAIL", 0, 0, 1, "node-failure"],
    ["OUT_OF_MEMORY", 0, 9, 137, "out-of-memory"],
    ["PREEMPTED", 0, 0, 1, "preempted"],
    ["CANCELLED", 0, 15, 143, "cancelled"],
    ["COMPLETED", 0, 0, 0, "completed"],
  ])("%s with exit %i, signal %i: exit %i, %s", (state, code, signal, exitCode, reason) => {
    expect(statusFromSlurm("run-1", "42", ended(state, code, signal))).toMatchObject({ exitCode, reason, slurmState: state });
  });

  it("a job Slurm no longer remembers ended for an unknown reason, never as a success", () => {
    const s = statusFromSlurm("run-1", "42", undefined);
    expect(s).toMatchObject({ runId: "run-1", exitCode: 1, reason: "unknown", slurmState: "unknown" });
    expect(Date.parse(s.startedAt)).not.toBeNaN();
  });
});
