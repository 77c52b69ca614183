/**
 * Why a run stopped, for real: the run script runs under bash against stand-ins of the clouds'
 * metadata services over HTTP (AWS IMDSv2 spot/instance-action, Azure Scheduled Events), with its
 * run store on s3rver or Azurite (see node-stand-ins.ts).
 */
import { existsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { runScript, type RunScriptSpec } from "../../lib/task/run-script";
import { blobStore, nodeDir, runNode, s3Store, startStandIn, trainingWorkload, type NodeDir, type Notice, type RunStore } from "./node-stand-ins";
import { alive } from "../processes";

type Status = {
  exitCode: number; reason: string; restartCount: number; resumedFrom: string | null;
  checkpoint: string | null; notice: Record<string, unknown> | null; detail: string | null;
};
type Manifest = { name: string; sequence: number; upload: string; files: { path: string; bytes: number }[] };

let runs = 0;
/** A node's spec on AWS, its run ID new for each test (r-1, r-2, ...): each run has its own prefix in the store. */
const awsSpec = (node: NodeDir, command: string[], nodes = 1, runId = `r-${++runs}`): RunScriptSpec => ({
  cloud: { kind: "aws", bucket: "runs", prefix: `runs/${runId}`, groupName: "g" },
  taskName: "nn", runId, nodes, gpusPerNode: 8, command, env: {}, mounts: [],
  placementJson: '{"cloud":"aws"}', deadline: "2099-01-01T00:00:00Z",
  recovery: { checkpointPath: node.checkpoints, restartCount: 0 },
});

/** Sets up a node against `store` with `notice` as the cloud's word; removes everything after the test. */
async function node(
  ctx: TestContext, store: RunStore & { url: string; sas?: string }, notice: (n: NodeDir) => Notice | undefined,
  group?: string[], tokenUses?: number, azureNics?: (n: NodeDir) => number,
) {
  // The stand-in asks for the node it serves, which is made from the stand-in's URL.
  const made: { node?: NodeDir } = {};
  const standIn = await startStandIn({
    notice: () => (made.node ? notice(made.node) : undefined),
    ...(store.kind === "azure" ? { blob: { url: store.url, sas: (store as { sas: string }).sas } } : {}),
    ...(tokenUses ? { tokenUses } : {}),
    ...(azureNics ? { azureNics: () => (made.node ? azureNics(made.node) : 1) } : {}),
  });
  const n = nodeDir({ ...(store.kind === "aws" ? { s3Url: store.url } : {}), standInUrl: standIn.url, ...(group ? { group } : {}) });
  made.node = n;
  ctx.onTestFinished(async () => {
    n.remove();
    await standIn.stop();
  });
  return { node: n, standIn };
}

const json = async <T>(store: RunStore, key: string): Promise<T> => JSON.parse((await store.get(key))!.toString()) as T;
const saved = (n: NodeDir) => n.read("workload.saved").trim().split("\n").filter(Boolean);
const stepOf = (name: string) => Number(name.slice("step-".length));

describe("AWS: a spot interruption notice during training", () => {
  let store: RunStore & { url: string };
  beforeAll(async () => void (store = await s3Store()), 30_000);
  afterAll(() => store.stop());

  it("stops the workload, syncs its final checkpoint, and reports preempted with the notice", async (ctx) => {
    // EC2 marks the instance once the workload has saved twice: terminate, two minutes ahead
    let time: string | undefined;
    const { node: n, standIn } = await node(ctx, store, (d) => {
      if (!existsSync(`${d.dir}/notice-now`)) return undefined;
      time ??= new Date(Date.now() + 120_000).toISOString().replace(/\.\d+Z$/, "Z");
      return { aws: { action: "terminate", time } };
    }, undefined, 5);
    const spec = awsSpec(n, trainingWorkload(n, { triggerAt: 20 }));
    const r = await runNode(n, runScript(spec), standIn.url);
    const run = `runs/${spec.runId}`;

    expect(r.code).toBe(93);
    const names = saved(n);
    const final = names.at(-1)!;
    // the final checkpoint is the one the workload saved on SIGTERM, after the notice
    expect(names.slice(0, 2)).toEqual(["step-0010", "step-0020"]);
    expect(stepOf(final)).toBeGreaterThan(20);
    expect(n.read("task.log")).toContain(`stopped at step ${stepOf(final)}\n`);
    const status = await json<Status>(store, `${run}/status.json`);
    expect(status).toMatchObject({ exitCode: 93, reason: "preempted", checkpoint: final, restartCount: 0, resumedFrom: null, notice: { node: "i-0aaa", cloud: "aws", action: "terminate", time, eventId: null } });
    // every checkpoint the workload completed is published, in order, with its files
    for (const [i, name] of names.entries()) {
      const m = await json<Manifest>(store, `${run}/checkpoints/${name}/manifest.json`);
      expect(m).toMatchObject({ name, sequence: i + 1, upload: `upload-${i + 1}`, files: [{ path: "model.pt", bytes: 3000 }, { path: "shards/optim-0.pt", bytes: `optimizer at ${name.slice(5).replace(/^0+/, "")}`.length }] });
    }
    const local = n.read(`ckpt/${final}/model.pt`);
    expect((await store.get(`${run}/checkpoints/${final}/upload-${names.length}/model.pt`))!.toString()).toBe(local);
    expect(n.read("calls")).toContain("scale-to-zero");
    expect(n.read("task.log")).toContain('hgpu: preemption notice {"node": "i-0aaa", "cloud": "aws", "action": "terminate"');
    // the notice is this attempt's in the run store, for the other nodes
    expect(await json(store, `${run}/notices/attempt-0/i-0aaa.json`)).toEqual(status.notice);
    // a token serves 5 requests here: the watcher renewed it (401) and went on
    expect(standIn.log.tokens).toBeGreaterThan(1);
  });

  it("a workload that ignores SIGTERM is killed, with its process group, when the window ends; its last complete checkpoint is synced", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, (d) => (existsSync(`${d.dir}/notice-now`) ? { aws: { action: "stop", time: new Date(Date.now() + 120_000).toISOString() } } : undefined));
    const spec = awsSpec(n, trainingWorkload(n, { ignoresTerm: true, stepSeconds: 0.2, every: 5, triggerAt: 10 }));
    const r = await runNode(n, runScript({ ...spec, recovery: { ...spec.recovery!, maxWindowSeconds: 2 } }), standIn.url);
    expect(r.code).toBe(93);
    expect(n.read("task.log")).toContain("hgpu: the workload did not stop within 2 s: killing it");
    expect(alive(Number(n.read("workload.pid")))).toBe(false);
    const last = saved(n).at(-1)!;
    expect(stepOf(last)).toBeGreaterThanOrEqual(10);
    expect(await json<Status>(store, `runs/${spec.runId}/status.json`)).toMatchObject({ reason: "preempted", checkpoint: last, notice: { action: "stop" } });
  });

  it("the workload's own failure is neither preempted nor node-failure: workload-failed, with its code", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => undefined);
    const spec = awsSpec(n, trainingWorkload(n, { maxSteps: 12, exitCode: 3, lastWords: "RuntimeError: CUDA error: an illegal memory access was encountered" }));
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(3);
    expect(await json<Status>(store, `runs/${spec.runId}/status.json`)).toMatchObject({ exitCode: 3, reason: "workload-failed", notice: null, detail: null, checkpoint: "step-0010" });
  });
});

describe("AWS: node-failure, and what it is not", () => {
  let store: RunStore & { url: string };
  beforeAll(async () => void (store = await s3Store()), 30_000);
  afterAll(() => store.stop());

  it("torchrun's rendezvous timing out is a node failure (94), not the workload's", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => undefined);
    const words = "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: The node 'n1' has failed to join the rendezvous";
    const spec = awsSpec(n, trainingWorkload(n, { maxSteps: 1, exitCode: 1, lastWords: words }));
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(94);
    expect(await json<Status>(store, `runs/${spec.runId}/status.json`)).toMatchObject({ exitCode: 94, reason: "node-failure", detail: "rendezvous" });
  });

  it("a peer that left the group while the workload failed is a node failure (peer-lost)", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => undefined, ["i-0aaa", "i-0bbb"]);
    // the peer's instance goes (the group no longer has it in service); the ranks here fail on NCCL
    const spec = awsSpec(n, trainingWorkload(n, { maxSteps: 3, exitCode: 1, atEnd: `printf 'i-0aaa\\n' > ${n.dir}/group`, lastWords: "NCCL error: remote process exited or there was a network error" }), 2);
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(94);
    expect(await json<Status>(store, `runs/${spec.runId}/status.json`)).toMatchObject({ exitCode: 94, reason: "node-failure", detail: "peer-lost" });
  });

  it("an NCCL error while every node is still in the group and reported is the workload's failure", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => undefined, ["i-0aaa", "i-0bbb"]);
    const spec = awsSpec(n, trainingWorkload(n, { maxSteps: 3, exitCode: 1, lastWords: "NCCL error: remote process exited or there was a network error" }), 2);
    await store.put(`runs/${spec.runId}/nodes/i-0bbb.json`, `{"runId":"${spec.runId}","node":"i-0bbb","exitCode":1,"reason":"workload-failed"}`);
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(1);
    expect(await json<Status>(store, `runs/${spec.runId}/status.json`)).toMatchObject({ exitCode: 1, reason: "workload-failed", detail: null });
  });

  it("a worker with its own notice: publishes it for the run, stops, and reports preempted for itself; node 0 decides the run", async (ctx) => {
    // this instance (i-0aaa) is not the lowest of the group: i-0000 is node 0
    const { node: n, standIn } = await node(ctx, store, (d) => (existsSync(`${d.dir}/notice-now`) ? { aws: { action: "terminate", time: new Date(Date.now() + 120_000).toISOString() } } : undefined), ["i-0000", "i-0aaa"]);
    const spec = awsSpec(n, trainingWorkload(n, { triggerAt: 5 }), 2, "r-worker");
    await store.put("runs/r-worker/addresses/i-0000", "10.0.0.4");
    // node 0's status is there when the worker looks: it leaves at once
    await store.put("runs/r-worker/status.json", '{"runId":"r-worker","exitCode":93,"reason":"preempted"}');
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(93);
    const own = await json<{ node: string; action: string }>(store, "runs/r-worker/notices/attempt-0/i-0aaa.json");
    expect(own).toMatchObject({ node: "i-0aaa", action: "terminate" });
    expect(await json(store, "runs/r-worker/nodes/i-0aaa.json")).toMatchObject({ node: "i-0aaa", exitCode: 93, reason: "preempted" });
    // a worker neither syncs checkpoints nor stops the group
    expect(await store.list("runs/r-worker/checkpoints/")).toEqual([]);
    expect(n.read("calls")).toBe("");
  });

  it("a peer's notice in the run store stops this node's workload too, and the run is preempted", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => undefined, ["i-0aaa", "i-0bbb"]);
    const peer = { node: "i-0bbb", cloud: "aws", action: "terminate", time: new Date(Date.now() + 60_000).toISOString(), eventId: null };
    writeFileSync(`${n.dir}/peer-notice.json`, JSON.stringify(peer));
    // at step 15 the peer publishes its notice (as its own script does), through the same S3 API
    const workload = trainingWorkload(n, { triggerAt: 15 });
    workload[2] = workload[2]!.replace(`touch ${n.dir}/notice-now`, `aws s3 cp ${n.dir}/peer-notice.json s3://runs/runs/r-peer/notices/attempt-0/i-0bbb.json`);
    const spec = awsSpec(n, workload, 2, "r-peer");
    await store.put("runs/r-peer/nodes/i-0bbb.json", '{"runId":"r-peer","node":"i-0bbb","exitCode":93,"reason":"preempted"}');
    // a notice of an earlier attempt is not this attempt's
    await store.put("runs/r-peer/notices/attempt-7/i-0bbb.json", JSON.stringify({ ...peer, time: "2020-01-01T00:00:00Z" }));
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(93);
    const final = saved(n).at(-1)!;
    expect(stepOf(final)).toBeGreaterThan(15);
    expect(await json<Status>(store, "runs/r-peer/status.json")).toMatchObject({ reason: "preempted", notice: peer, checkpoint: final });
  });
});

describe("Azure: a Preempt scheduled event during training", () => {
  let store: RunStore & { url: string; sas: string };
  beforeAll(async () => void (store = await blobStore()), 30_000);
  afterAll(() => store.stop());

  it("ignores another VM's event, then on its own: final checkpoint synced, status preempted, then the event acknowledged", async (ctx) => {
    const notBefore = new Date(Date.now() + 60_000).toUTCString();
    const { node: n, standIn } = await node(ctx, store, (d) => ({
      azure: existsSync(`${d.dir}/notice-now`)
        ? { EventId: "A123BC45-1234-5678-AB90-ABCDEF123456", EventType: "Preempt", NotBefore: notBefore, Resources: ["vmss_0"] }
        : { EventId: "F00", EventType: "Preempt", NotBefore: notBefore, Resources: ["vmss_1"] },
    }));
    const spec: RunScriptSpec = { ...awsSpec(n, trainingWorkload(n, { triggerAt: 20 })), cloud: { kind: "azure", blobBaseUrl: `${standIn.url}/runs/r-1` } };
    const r = await runNode(n, runScript(spec), standIn.url);

    expect(r.code).toBe(93);
    const names = saved(n);
    const final = names.at(-1)!;
    expect(stepOf(final)).toBeGreaterThan(20);
    const status = await json<Status>(store, "r-1/status.json");
    expect(status).toMatchObject({ reason: "preempted", checkpoint: final, notice: { node: "vmss_0", cloud: "azure", action: "Preempt", time: notBefore, eventId: "A123BC45-1234-5678-AB90-ABCDEF123456" } });
    expect((await json<Manifest>(store, `r-1/checkpoints/${final}/manifest.json`)).files).toEqual([{ path: "model.pt", bytes: 3000 }, { path: "shards/optim-0.pt", bytes: expect.any(Number) }]);
    expect((await store.get(`r-1/checkpoints/${final}/upload-${names.length}/model.pt`))!.toString()).toBe(n.read(`ckpt/${final}/model.pt`));
    // the acknowledgement, once: after the final checkpoint and the status, for this VM's event only
    const events = standIn.log.events;
    const acks = events.filter((e) => e.startsWith("ack "));
    expect(acks).toEqual(['ack {"StartRequests":[{"EventId":"A123BC45-1234-5678-AB90-ABCDEF123456"}]}']);
    expect(events.indexOf(`PUT runs/r-1/checkpoints/${final}/manifest.json`)).toBeGreaterThan(-1);
    expect(events.indexOf(`PUT runs/r-1/checkpoints/${final}/manifest.json`)).toBeLessThan(events.indexOf("PUT runs/r-1/status.json"));
    expect(events.indexOf("PUT runs/r-1/status.json")).toBeLessThan(events.indexOf(acks[0]!));
    expect(events).toContain("scale-to-zero");
  });

  it("a VM gone from the scale set while the workload failed is a node failure (peer-lost)", async (ctx) => {
    // two VMs until the workload fails, then the scale set has one NIC left
    const { node: n, standIn } = await node(ctx, store, () => undefined, undefined, undefined, (d) => (existsSync(`${d.dir}/peer-gone`) ? 1 : 2));
    const workload = trainingWorkload(n, { maxSteps: 3, exitCode: 1, atEnd: `touch ${n.dir}/peer-gone`, lastWords: "NCCL error: remote process exited or there was a network error" });
    const r = await runNode(n, runScript({ ...awsSpec(n, workload, 2), cloud: { kind: "azure", blobBaseUrl: `${standIn.url}/runs/r-lost` } }), standIn.url);
    expect(r.code).toBe(94);
    expect(await json<Status>(store, "r-lost/status.json")).toMatchObject({ exitCode: 94, reason: "node-failure", detail: "peer-lost" });
  });

  it("no event for this VM: the run completes, nothing is acknowledged", async (ctx) => {
    const { node: n, standIn } = await node(ctx, store, () => ({ azure: { EventId: "F00", EventType: "Preempt", NotBefore: new Date().toUTCString(), Resources: ["vmss_1"] } }));
    const spec: RunScriptSpec = { ...awsSpec(n, trainingWorkload(n, { maxSteps: 10 })), cloud: { kind: "azure", blobBaseUrl: `${standIn.url}/runs/r-2` } };
    const r = await runNode(n, runScript(spec), standIn.url);
    expect(r.code).toBe(0);
    expect(await json<Status>(store, "r-2/status.json")).toMatchObject({ exitCode: 0, reason: "completed", notice: null, checkpoint: "step-0010" });
    expect(standIn.log.events.filter((e) => e.startsWith("ack"))).toEqual([]);
  });
});
