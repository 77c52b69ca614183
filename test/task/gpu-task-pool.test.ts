import { App, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { OnPremGpuPool, type OnPremGpuPoolProps } from "../../lib/onprem";
import { placementKey } from "../../lib/planner/planner";
import { EXCLUDE_PLACEMENTS_CONTEXT, GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { validationErrorOf, synthErrorsOf } from "../helpers";
import { hybridStack } from "../hybrid/helpers";
import { poolProps, synthWithMetadata } from "../onprem/helpers";

const seed: GpuTaskProps = {
  name: "neural-network-training", gpus: 30, memoryGiB: 256, image: "nvcr.io/nvidia/pytorch:24.05-py3",
  command: ["train.py", "--data", "/dataset/imagenet"], dataPath: "/dataset/imagenet", dataSource: "s3://ml-datasets/imagenet/", maxRuntime: "12h",
};

/** A platform stack with the site and a pool, and a task stack of its own (as `hgpu launch` wants). */
function make(task: Partial<GpuTaskProps> = {}, pool: Partial<OnPremGpuPoolProps> | false = {}, context: Record<string, unknown> = {}) {
  const app = Testing.app({ context });
  const { stack: platform, aws, azure } = hybridStack("us-east-1", app, "platform");
  const site = new OnPremSite(platform, "dc", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [aws, azure] });
  // the helper's pool (4 x 8 H100 at $1.80/GPU-h, InfiniBand, PUE 1.3, 0.35 kg/kWh), charged to the account ml
  if (pool !== false) new OnPremGpuPool(platform, "pool", poolProps(site, { scheduler: { kind: "slurm", partition: "gpu", account: "ml", submitHost: "login1.dc.example.com" }, ...pool }));
  const stack = new TerraformStack(app, "train");
  return { app, stack, site, t: new GpuTask(stack, "task", { ...seed, ...task }) };
}

const POOL = "onprem/fra-dc1//dgx-a";

describe("GpuTask on an owned pool", () => {
  const { stack, t } = make();
  const tf = synthWithMetadata(stack);

  it("places on the pool first when it fits (prefer: owned by default): 4 x 8 H100, no cloud compute", () => {
    expect(placementKey(t.chosen)).toBe(POOL);
    expect(t.chosen).toMatchObject({ cloud: "onprem", nodes: 4, gpus: 32, usdPerHour: 57.6, pue: 1.3, gridKgCo2ePerKwh: 0.35 });
    expect(`${t.chosen}`).toBe("4 x pool dgx-a (32 x H100) in onprem fra-dc1 at $57.6/h");
    expect(Object.keys(tf.resource)).toEqual(["terraform_data"]);
    expect(tf.provider).toBeUndefined();
    expect([t.cluster, t.network, t.storage, t.pool?.name]).toEqual([undefined, undefined, undefined, "dgx-a"]);
  });

  it("keeps the failover order: the clouds of dataSource (AWS) follow the pool", () => {
    expect(t.placements.length).toBeGreaterThan(1);
    expect(t.placements.slice(1).filter((p) => p.cloud !== "aws")).toEqual([]);
    expect(tf["//"].hgpu_tasks["neural-network-training"].next[0]).toBe(`${t.placements[1]}`);
  });

  it("writes the Slurm job the launcher submits as the <task>_slurm_job output", () => {
    const job = tf.output.neural_network_training_slurm_job.value;
    expect(job).toEqual({
      version: 1, task: "neural-network-training", pool: "dgx-a", site: "fra-dc1", placementKey: POOL,
      scheduler: { kind: "slurm", partition: "gpu", account: "ml", submitHost: "login1.dc.example.com" },
      nodes: 4, gpusPerNode: 8, timeLimitMinutes: 720, signalBeforeLimitSeconds: 600, maxQueueWaitMinutes: 10, sharedPath: "/lustre",
      runDir: expect.stringMatching(/^\/lustre\/hgpu-runs\/train\/neural-network-training\/\$\{terraform_data\.task_started_[0-9A-F]+\.id\}$/),
      container: {
        kind: "pyxis", image: "nvcr.io/nvidia/pytorch:24.05-py3",
        mounts: [{ host: "/lustre", container: "/lustre" }, { host: "/lustre/dataset/imagenet", container: "/dataset/imagenet", readOnly: true }],
      },
      command: ["train.py", "--data", "/dataset/imagenet"], env: { DATA_PATH: "/dataset/imagenet" }, watchdogs: { pullTimeoutMinutes: 20, idleTimeoutMinutes: 30 },
      next: t.placements.slice(1).map((p) => placementKey(p)),
    });
    expect(t.slurmJob).toMatchObject({ pool: "dgx-a", nodes: 4 });
  });

  it("keeps the run contract: run ID, status and logs on the shared file system, placement, cost, deadline", () => {
    const o = tf.output;
    expect(o.neural_network_training_status_uri.value).toMatch(/^file:\/\/\/lustre\/hgpu-runs\/train\/neural-network-training\/\$\{terraform_data\.task_started_[0-9A-F]+\.id\}\/status\.json$/);
    expect(o.neural_network_training_logs_uri.value).toMatch(/\/logs\/$/);
    expect(o.neural_network_training_placement.value).toMatchObject({ cloud: "onprem", region: "fra-dc1", instanceType: "dgx-a", nodes: 4, key: POOL, zone: "" });
    expect(o.neural_network_training_usd_per_hour.value).toBe(57.6);
    expect(o.neural_network_training_deadline.value).toMatch(/timeadd\(.*"720m"\)/);
    const meta = tf["//"].hgpu_tasks["neural-network-training"];
    expect(meta.deadline).toBe("720 minutes after the job starts (Slurm's time limit (sbatch --time=720, TERM 10 minutes before) on pool dgx-a; hgpu launch cancels the job (scancel) on every other way out)");
    // 4 nodes x 7782.2976 W = 31.1292 kW; x 1.3 x 0.35 = 14.1638 kg/h
    expect(meta.owned).toEqual({ pool: "dgx-a", site: "fra-dc1", nodes: 4, gpus: 32, usdPerHour: 57.6, powerKw: 31.1292, pue: 1.3, gridKgCo2ePerKwh: 0.35, kgCo2ePerHour: 14.1638, maxQueueWaitMinutes: 10 });
  });
});

describe("GpuTask: when the pool does not take the job, the clouds do, and the rejection says why", () => {
  const reasonFor = (t: GpuTask) => t.rejected.find((r) => r.cloud === "onprem")?.reason;
  it("a pool one node short", () => {
    const { t } = make({}, { nodes: 3 });
    expect(t.chosen.cloud).toBe("aws");
    expect(reasonFor(t)).toBe("has 24 GPUs in total (3 nodes x 8), fewer than the 30 asked for");
  });
  it("a pool exactly big enough takes it", () => {
    expect(make({ gpus: 32 }, { nodes: 4 }).t.chosen.cloud).toBe("onprem");
  });
  it("the wrong accelerator", () => {
    const { t } = make({ accelerator: "H100" }, { accelerator: "A100", gpusPerNode: 8 });
    expect(reasonFor(t)).toBe("accelerator A100 is not H100");
  });
  it("no fabric for a multi-node job", () => {
    expect(reasonFor(make({}, { fabric: { kind: "none", gbpsPerNode: 0 } }).t)).toBe("needs 4 nodes but has no node-to-node fabric (interconnect: required)");
  });
  it("an image on a pool without a container runtime", () => {
    expect(reasonFor(make({}, { container: "none" }).t)).toBe("the task runs the image nvcr.io/nvidia/pytorch:24.05-py3 and pool dgx-a runs no containers (container: none)");
  });
  it("secrets read with a cloud identity", () => {
    const { t } = make({ secrets: { HF_TOKEN: "ssm:/team/hf-token" } });
    expect(t.chosen.cloud).toBe("aws");
    expect(reasonFor(t)).toBe("the task's secrets are read with the nodes' cloud identity, which a pool's nodes do not have");
  });
  it("the launcher excluded the pool (it could not start the job within maxQueueWait): the next placement", () => {
    const { t } = make({}, {}, { [EXCLUDE_PLACEMENTS_CONTEXT]: [POOL] });
    expect(t.chosen.cloud).toBe("aws");
    expect(reasonFor(t)).toBe("excluded (excludePlacements), e.g. after it could not start the job in time in an earlier attempt");
  });
  it("clouds without onprem leave the pool out; prefer: none ranks it by cost with the clouds", () => {
    expect(reasonFor(make({ clouds: ["aws"] }).t)).toBe("cloud onprem is not in clouds [aws]");
    const { t } = make({ prefer: "none" }, { cost: { usdPerGpuHour: 50 } });
    expect(t.chosen.cloud).toBe("aws");
    expect(t.placements.findIndex((p) => p.cloud === "onprem")).toBeGreaterThan(0);
  });
  it("optimize: carbon picks the cleanest: a pool on a clean grid first, on a dirty one after the clouds", () => {
    expect(make({ prefer: "none", optimize: "carbon" }, { gridKgCo2ePerKwh: 0, cost: { usdPerGpuHour: 50 } }).t.chosen.cloud).toBe("onprem");
    const dirty = make({ prefer: "none", optimize: "carbon" }, { gridKgCo2ePerKwh: 1.5 }).t;
    expect(dirty.chosen.cloud).toBe("aws");
    expect(dirty.placements.at(-1)!.cloud).toBe("onprem");
  });
  it("a task on the pools alone may read dataPath from the shared file system without dataSource", () => {
    const { t } = make({ clouds: ["onprem"], dataSource: undefined });
    expect(t.placements.map((p) => p.cloud)).toEqual(["onprem"]);
  });
});

describe("GpuTask: maxQueueWait and late pools", () => {
  it.each([["0m"], ["25h"], ["soon"]])("refuses maxQueueWait %s", (value) => {
    expect(validationErrorOf(() => make({ maxQueueWait: value }))).toBe(`train/task: maxQueueWait ${JSON.stringify(value)} is not valid: use a duration from 1m to 24h, e.g. "10m": how long a job may wait in an owned pool's queue before the next placement is tried`);
  });
  it("accepts 1m and 24h; 10 minutes by default", () => {
    expect(make({ maxQueueWait: "1m" }).t.maxQueueWaitMinutes).toBe(1);
    expect(make({ maxQueueWait: "24h" }).t.slurmJob?.maxQueueWaitMinutes).toBe(1440);
    expect(make().t.maxQueueWaitMinutes).toBe(10);
  });
  it("a pool declared after the task fails synth, naming it", () => {
    const app = new App({ outdir: "/tmp/unused-pool-order" });
    const { stack: platform, aws, azure } = hybridStack("us-east-1", app, "platform");
    const site = new OnPremSite(platform, "dc", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [aws, azure] });
    const stack = new TerraformStack(app, "train");
    new GpuTask(stack, "task", seed);
    new OnPremGpuPool(platform, "pool", poolProps(site));
    expect(synthErrorsOf(() => Testing.synth(stack, true))).toContain("train/task: platform/pool is declared after this task and not among its placements: declare OnPremGpuPools before the GpuTasks that may use them");
  });
});
