/**
 * The Slurm client's parsing and decisions (pure), on answers written here by hand in the shapes
 * Slurm 22.05 prints (the real cluster's answers are checked in slurm-client.system.test.ts).
 */
import { describe, expect, it } from "vitest";
import { runChecked, SlurmCommandError } from "../../lib/onprem/slurm-command";
import { gresGpus, nodesFor, parseSinfoGpus, sinfoGpusArgs, takesJobs } from "../../lib/onprem/slurm-gpus";
import { parseFinishedJob, parseQueuedJob, squeueJobArgs } from "../../lib/onprem/slurm-jobs";
import { queueFit } from "../../lib/onprem/slurm-queue-fit";
import { parseStartEstimate } from "../../lib/onprem/slurm-start-estimate";
import { thrownBy } from "../helpers";

describe("GPUs of a partition (sinfo)", () => {
  it.each([
    ["gpu:8", 8],
    ["gpu:a100:4(S:0-1)", 4],
    ["gpu:a100:2(IDX:0-1),gpu:v100:1(IDX:2)", 3],
    ["gpu:h100:8(S:0-1),shard:h100:64", 8],
    ["gpu:0", 0],
    ["gpu:(null):0", 0],
    ["(null)", 0],
    ["mps:400", 0],
    ["", 0],
  ])("%j holds %i GPUs", (gres, n) => {
    expect(gresGpus(gres)).toBe(n);
  });

  it("takes jobs only when idle or mixed without a flag", () => {
    expect(["idle", "mixed"].filter(takesJobs)).toEqual(["idle", "mixed"]);
    expect(["allocated", "drained", "draining", "down", "idle*", "mixed-", "idle~", "mixed+drain", "completing", "reserved"].filter(takesJobs)).toEqual([]);
  });

  it("counts free GPUs per node: the node must take jobs and have a CPU left", () => {
    const out = [
      "n1|mixed|gpu:8|gpu:3(IDX:0-2)|4/60/0/64",
      "n2|idle|gpu:a100:4(S:0),gpu:v100:4(S:1)|gpu:a100:0(IDX:N/A),gpu:v100:0(IDX:N/A)|0/64/0/64",
      "n3|drained|gpu:8|gpu:0|0/0/64/64",
      "n4|mixed|gpu:8|gpu:2|64/0/0/64",
      "n5|allocated|gpu:8|gpu:8|64/0/0/64",
      "",
    ].join("\n");
    const gpus = parseSinfoGpus("gpu", out);
    expect(gpus.nodes.map((n) => [n.node, n.gpus, n.usedGpus, n.idleCpus, n.freeGpus])).toEqual([
      ["n1", 8, 3, 60, 5],
      ["n2", 8, 0, 64, 8],
      ["n3", 8, 0, 0, 0],
      ["n4", 8, 2, 0, 0],
      ["n5", 8, 8, 0, 0],
    ]);
    expect([gpus.totalGpus, gpus.freeGpus]).toEqual([40, 13]);
    // a job of 5 GPUs a node fits now on n1 and n2; of 6 on n2 alone; ever on every node
    expect(nodesFor(gpus, 5)).toEqual({ now: 2, ever: 5 });
    expect(nodesFor(gpus, 6)).toEqual({ now: 1, ever: 5 });
    expect(nodesFor(gpus, 9)).toEqual({ now: 0, ever: 0 });
  });

  it("asks sinfo for one line per node of the partition", () => {
    expect(sinfoGpusArgs("gpu")).toEqual(["sinfo", "--noheader", "--Node", "--partition=gpu", "--Format=NodeList:0|,StateLong:0|,Gres:0|,GresUsed:0|,CPUsState:0"]);
  });
});

describe("start estimate (sbatch --test-only)", () => {
  it("reads the start time as UTC, and the nodes, whatever the launcher's own time zone", (ctx) => {
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York";
    ctx.onTestFinished(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });
    expect(parseStartEstimate(0, "", "sbatch: Job 12 to start at 2026-11-30T21:11:18 using 16 processors on nodes gpu[01-02] in partition gpu\n")).toEqual({
      start: new Date("2026-11-30T21:11:18Z"),
      nodes: "gpu[01-02]",
    });
  });

  it("a refusal is Slurm's words, one message a line joined", () => {
    expect(parseStartEstimate(1, "", "allocation failure: Requested node configuration is not available\n")).toEqual({ refused: "allocation failure: Requested node configuration is not available" });
    expect(parseStartEstimate(1, "", "sbatch: error: invalid partition specified: nope\nallocation failure: Invalid partition name specified\n")).toEqual({
      refused: "sbatch: error: invalid partition specified: nope; allocation failure: Invalid partition name specified",
    });
    expect(parseStartEstimate(1, "", "")).toEqual({ refused: "sbatch --test-only exited 1 without an estimate" });
    // an estimate line with a failing exit code is not an estimate
    expect(parseStartEstimate(1, "", "sbatch: Job 12 to start at 2026-11-30T21:11:18 using 1 processors on nodes n1 in partition gpu")).toHaveProperty("refused");
  });
});

describe("the queue-wait decision", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const gpus = parseSinfoGpus("gpu", "n1|mixed|gpu:8|gpu:6|4/60/0/64\nn2|allocated|gpu:8|gpu:8|64/0/0/64\n");
  const ask = { nodes: 2, gpusPerNode: 8, maxQueueWaitMinutes: 10 };
  const at = (iso: string) => ({ start: new Date(iso) });

  it("fits when Slurm expects the start within maxQueueWait: exactly at the limit, and now", () => {
    expect(queueFit(ask, gpus, at("2026-11-30T12:10:00Z"), now)).toEqual({
      fits: true,
      reason: "Slurm expects 2 nodes with 8 GPUs each in partition gpu to start at 2026-11-30T12:10:00Z, in 10 minutes (2 of 16 GPUs free now)",
      estimatedStart: new Date("2026-11-30T12:10:00Z"),
    });
    expect(queueFit({ ...ask, nodes: 1, gpusPerNode: 1 }, gpus, at("2026-11-30T11:59:59Z"), now).reason).toBe(
      "Slurm expects 1 node with 1 GPU each in partition gpu to start at 2026-11-30T11:59:59Z, now (2 of 16 GPUs free now)",
    );
  });

  it("does not fit one second past maxQueueWait", () => {
    expect(queueFit(ask, gpus, at("2026-11-30T12:10:01Z"), now)).toEqual({
      fits: false,
      reason: "Slurm expects 2 nodes with 8 GPUs each in partition gpu to start at 2026-11-30T12:10:01Z, in 11 minutes, past maxQueueWait (10 minutes; 2 of 16 GPUs free now)",
      estimatedStart: new Date("2026-11-30T12:10:01Z"),
    });
  });

  it("does not fit when the partition can never hold the job, or Slurm refuses it", () => {
    expect(queueFit({ ...ask, nodes: 3 }, gpus, at("2026-11-30T12:00:00Z"), now)).toEqual({ fits: false, reason: "partition gpu has 2 nodes with 8 GPUs or more; the task needs 3 nodes with 8 GPUs each" });
    expect(queueFit({ ...ask, nodes: 1, gpusPerNode: 16 }, gpus, at("2026-11-30T12:00:00Z"), now).reason).toBe("partition gpu has 0 nodes with 16 GPUs or more; the task needs 1 node with 16 GPUs each");
    expect(queueFit(ask, parseSinfoGpus("gpu", ""), at("2026-11-30T12:00:00Z"), now)).toEqual({ fits: false, reason: "Slurm lists no node in partition gpu" });
    expect(queueFit(ask, gpus, { refused: "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" }, now)).toEqual({
      fits: false,
      reason: "Slurm cannot run 2 nodes with 8 GPUs each in partition gpu (2 of 16 GPUs free now): sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified",
    });
  });
});

describe("a job in the queue, and how it ended", () => {
  const argv = squeueJobArgs("42");

  it("lists a job in an active state, and not one that ended or that Slurm forgot", () => {
    expect(argv).toEqual(["squeue", "--noheader", "--jobs=42", "--format=%i|%T|%r"]);
    expect(parseQueuedJob(argv, 0, "42|PENDING|Resources\n", "")).toEqual({ id: "42", state: "PENDING", reason: "Resources" });
    expect(parseQueuedJob(argv, 0, "42|COMPLETING|None\n", "")).toEqual({ id: "42", state: "COMPLETING", reason: "None" });
    expect(parseQueuedJob(argv, 0, "42|COMPLETED|None\n", "")).toBeUndefined();
    expect(parseQueuedJob(argv, 0, "", "")).toBeUndefined();
    expect(parseQueuedJob(argv, 1, "", "slurm_load_jobs error: Invalid job id specified\n")).toBeUndefined();
  });

  it("throws when squeue fails otherwise: an unanswered controller is not a job gone", () => {
    const error = thrownBy(() => parseQueuedJob(argv, 1, "", "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n"), SlurmCommandError);
    expect(error.message).toBe("squeue --noheader --jobs=42 --format=%i|%T|%r failed (exit 1): slurm_load_jobs error: Unable to contact slurm controller (connect failure)");
  });

  it("reads scontrol's one line: state, reason, exit code and signal, times as UTC", () => {
    const line = "JobId=42 JobName=hgpu-x-1 UserId=ml(1000) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:19 TimeLimit=00:01:00 StartTime=2026-11-30T20:47:38 EndTime=2026-11-30T20:48:57 Command=/tmp/run dir/job.sh WorkDir=/lustre";
    expect(parseFinishedJob(line)).toEqual({ state: "TIMEOUT", reason: "TimeLimit", exitCode: 0, signal: 15, startTime: "2026-11-30T20:47:38Z", endTime: "2026-11-30T20:48:57Z" });
    expect(parseFinishedJob("JobId=43 JobState=CANCELLED Reason=None ExitCode=0:0 StartTime=Unknown EndTime=Unknown")).toEqual({ state: "CANCELLED", reason: "None", exitCode: 0, signal: 0 });
    expect(parseFinishedJob("")).toBeUndefined();
  });
});

describe("running a command", () => {
  it("throws a SlurmCommandError naming the command and what it said, and hands the input over", async () => {
    const inputs: (string | undefined)[] = [];
    const run = async (_: readonly string[], o?: { input?: string }) => {
      inputs.push(o?.input);
      return { code: 1, stdout: "", stderr: "sbatch: error: Batch job submission failed: Invalid qos specification\n" };
    };
    const error = await runChecked(run, ["sbatch", "--parsable"], "#!/bin/bash\n").then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect((error as SlurmCommandError).message).toBe("sbatch --parsable failed (exit 1): sbatch: error: Batch job submission failed: Invalid qos specification");
    expect((error as SlurmCommandError).argv).toEqual(["sbatch", "--parsable"]);
    expect(inputs).toEqual(["#!/bin/bash\n"]);
    const ok = async () => ({ code: 0, stdout: "12\n", stderr: "" });
    await expect(runChecked(ok, ["sbatch"])).resolves.toEqual({ code: 0, stdout: "12\n", stderr: "" });
  });
});
