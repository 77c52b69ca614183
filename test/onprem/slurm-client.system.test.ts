/**
 * The Slurm client against a real one-node Slurm (slurm-cluster.ts, one cluster for the file): the
 * answers of sinfo, sbatch --test-only, squeue, scontrol and scancel as this Slurm prints them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slurmRunner } from "../../lib/launch/slurm-runner";
import type { SlurmCommandRunner } from "../../lib/onprem/slurm-command";
import { partitionGpus } from "../../lib/onprem/slurm-gpus";
import { cancelJob, finishedJob, jobsNamed, queuedJob, submitJob, waitUntilGone } from "../../lib/onprem/slurm-jobs";
import { estimateStart } from "../../lib/onprem/slurm-start-estimate";
import { until } from "../launch/harness";
import { slurmTestsRun, startSlurmCluster, type SlurmCluster } from "./slurm-cluster";

let cluster: SlurmCluster;
let run: SlurmCommandRunner;
const job = (name: string, gpus: number, body: string, extra: string[] = []) =>
  ["#!/bin/bash", `#SBATCH --job-name=${name}`, `#SBATCH --gpus-per-node=${gpus}`, "#SBATCH --time=5", "#SBATCH --output=/dev/null", ...extra.map((o) => `#SBATCH ${o}`), body, ""].join("\n");

describe.runIf(slurmTestsRun("test/onprem/slurm-client.system.test.ts"))("the Slurm client on a real Slurm", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    cluster = await startSlurmCluster();
    run = slurmRunner({ env: cluster.env() });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it("sees the partition's GPUs, those a running job holds, and none on a drained node", async () => {
    expect(await partitionGpus(run, "gpu")).toEqual({
      partition: "gpu", totalGpus: 8, freeGpus: 8,
      nodes: [{ node: "hgpunode", state: "idle", gpus: 8, usedGpus: 0, idleCpus: 16, freeGpus: 8 }],
    });
    const id = await submitJob(run, job("holder", 3, "sleep 120"));
    await until(() => cluster.run("squeue", ["--noheader", `--jobs=${id}`, "--format=%T"]).stdout.trim() === "RUNNING", 30_000, "the job to run");
    expect((await partitionGpus(run, "gpu")).nodes[0]).toMatchObject({ state: "mixed", gpus: 8, usedGpus: 3, idleCpus: 15, freeGpus: 5 });
    // Slurm's estimate counts the job: 5 GPUs start now, 6 when it ends (its 5-minute limit)
    const now = Date.now();
    const five = await estimateStart(run, job("probe", 5, "true"));
    const six = await estimateStart(run, job("probe", 6, "true"));
    expect("start" in five && five.start.getTime() - now).toBeLessThan(60_000);
    expect("start" in six && six.start.getTime() - now).toBeGreaterThan(4 * 60_000);
    expect("start" in six && six.start.getTime() - now).toBeLessThan(6 * 60_000);
    // more GPUs than a node has, and a partition Slurm does not know: refused, in Slurm's words
    expect(await estimateStart(run, job("probe", 9, "true"))).toEqual({ refused: "allocation failure: Requested node configuration is not available" });
    expect(await estimateStart(run, job("probe", 1, "true", ["--partition=nope"]))).toEqual({ refused: "sbatch: error: invalid partition specified: nope; allocation failure: Invalid partition name specified" });
    expect((await partitionGpus(run, "nope")).nodes).toEqual([]);
    await cancelJob(run, { jobId: id });
    expect(await waitUntilGone(run, { jobId: id }, { pollMs: 200 })).toEqual([]);
    // a drained node takes no job: no GPU is free, whatever it holds
    cluster.run("scontrol", ["update", "nodename=hgpunode", "state=drain", "reason=test"]);
    try {
      expect((await partitionGpus(run, "gpu")).nodes[0]).toMatchObject({ state: "drained", freeGpus: 0 });
    } finally {
      cluster.run("scontrol", ["update", "nodename=hgpunode", "state=resume"]);
    }
  });

  it("submits, lists a job by ID and by name, cancels it by name, waits until it is gone, and tells how it ended", async () => {
    const id = await submitJob(run, job("hgpu-client-1", 1, "sleep 120"));
    expect(id).toMatch(/^\d+$/);
    await until(() => cluster.run("squeue", ["--noheader", `--jobs=${id}`, "--format=%T"]).stdout.trim() === "RUNNING", 30_000, "the job to run");
    expect(await queuedJob(run, id)).toEqual({ id, state: "RUNNING", reason: "None" });
    expect(await jobsNamed(run, "hgpu-client-1")).toEqual([id]);
    await cancelJob(run, { name: "hgpu-client-1" });
    expect(await waitUntilGone(run, { name: "hgpu-client-1" }, { pollMs: 200 })).toEqual([]);
    expect(await queuedJob(run, id)).toBeUndefined();
    expect(await finishedJob(run, id)).toMatchObject({ state: "CANCELLED" });
    // cancelling a job that ended, or one Slurm never had, is not an error
    await expect(cancelJob(run, { jobId: id, name: "hgpu-client-1" })).resolves.toBeUndefined();
    await expect(cancelJob(run, { jobId: "999999" })).resolves.toBeUndefined();
    expect(await queuedJob(run, "999999")).toBeUndefined();
    // a job that failed: its exit code, from slurmctld's memory
    const failed = await submitJob(run, job("hgpu-client-2", 1, "exit 4"));
    expect(await waitUntilGone(run, { jobId: failed }, { pollMs: 200 })).toEqual([]);
    expect(await finishedJob(run, failed)).toMatchObject({ state: "FAILED", reason: "NonZeroExitCode", exitCode: 4, signal: 0 });
  });

  it("a job sbatch refuses is an error naming Slurm's reason", async () => {
    await expect(submitJob(run, job("bad", 1, "true", ["--partition=nope"]))).rejects.toThrow("sbatch --parsable failed (exit 1): sbatch: error: invalid partition specified: nope; sbatch: error: Batch job submission failed: Invalid partition name specified");
  });
});
