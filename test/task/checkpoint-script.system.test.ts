/**
 * Durable checkpoints, for real: the run script runs under bash with its run store on s3rver or
 * Azurite (through the stand-ins of node-stand-ins.ts); the workload is a bash loop that honours the
 * checkpoint contract. The store is seeded by hand in the documented layout.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { runScript, type RunScriptRecovery, type RunScriptSpec } from "../../lib/task/run-script";
import { blobStore, nodeDir, runNode, s3Store, startStandIn, trainingWorkload, type NodeDir, type RunStore } from "./node-stand-ins";

type Status = { exitCode: number; reason: string; restartCount: number; resumedFrom: string | null; checkpoint: string | null };
type Manifest = { name: string; sequence: number; upload: string; files: { path: string; bytes: number }[]; restartCount: number };

const MODEL_20 = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7) % 256));
const OPTIM_20 = "optimizer at 20";

/**
 * Seeds the run's checkpoints under `base` (the key prefix of the run): step-0010 (sequence 1) and
 * step-0020 (sequence 2) published; step-0030 half-written (files under upload-3, no manifest), as
 * a node preempted mid-upload leaves it; then the launcher's SEEDED marker, unless `marker` is false.
 */
async function seed(store: RunStore, base: string, marker = true) {
  const manifest = (name: string, sequence: number, files: [string, number][]) => JSON.stringify({ name, sequence, upload: `upload-${sequence}`, files: files.map(([path, bytes]) => ({ path, bytes })), restartCount: 0, node: "i-0old", publishedAt: "2030-01-01T00:00:00Z" });
  await store.put(`${base}checkpoints/step-0010/upload-1/model.pt`, "old model");
  await store.put(`${base}checkpoints/step-0010/manifest.json`, manifest("step-0010", 1, [["model.pt", 9]]));
  await store.put(`${base}checkpoints/step-0020/upload-2/model.pt`, MODEL_20);
  await store.put(`${base}checkpoints/step-0020/upload-2/shards/optim-0.pt`, OPTIM_20);
  await store.put(`${base}checkpoints/step-0020/manifest.json`, manifest("step-0020", 2, [["model.pt", MODEL_20.length], ["shards/optim-0.pt", OPTIM_20.length]]));
  await store.put(`${base}checkpoints/step-0030/upload-3/model.pt`, "half");
  await store.put(`${base}checkpoints/step-0030/upload-3/stale-shard.pt`, "from the preempted attempt");
  if (marker) await store.put(`${base}checkpoints/SEEDED`, "");
}

async function setUp(ctx: TestContext, store: RunStore & { url: string; sas?: string }) {
  const standIn = await startStandIn({ notice: () => undefined, ...(store.kind === "azure" ? { blob: { url: store.url, sas: (store as { sas: string }).sas } } : {}) });
  const n: NodeDir = nodeDir({ ...(store.kind === "aws" ? { s3Url: store.url } : {}), standInUrl: standIn.url });
  ctx.onTestFinished(async () => {
    n.remove();
    await standIn.stop();
  });
  return { node: n, standIn };
}

function spec(n: NodeDir, cloud: RunScriptSpec["cloud"], runId: string, command: string[], blobBlockBytes?: number, more: Partial<RunScriptRecovery> = {}): RunScriptSpec {
  return {
    cloud, taskName: "nn", runId, nodes: 1, gpusPerNode: 8, command, env: { HGPU_RESUMED_FROM: "set-by-the-task" }, mounts: [],
    placementJson: '{"cloud":"x"}', deadline: "2099-01-01T00:00:00Z",
    recovery: { checkpointPath: n.checkpoints, restartCount: 1, ...(blobBlockBytes ? { blobBlockBytes } : {}), ...more },
  };
}

/** A restart: restores step-0020 (not the half-written step-0030), trains to 35 and publishes step-0030 as sequence 3. */
async function restart(store: RunStore, n: NodeDir, standInUrl: string, cloud: RunScriptSpec["cloud"], base: string, blobBlockBytes?: number) {
  await seed(store, base);
  const r = await runNode(n, runScript(spec(n, cloud, "r-2", trainingWorkload(n, { maxSteps: 35 }), blobBlockBytes)), standInUrl);
  expect(r.code).toBe(0);
  // the workload saw the restored checkpoint only, with the environment of the contract (not the task's own value)
  expect(n.read("workload.env")).toBe(`resumed=[step-0020] restarts=1 dir=${n.checkpoints}\n`);
  // and nothing else: no half-written step-0030, no older step-0010, no temporary folder left
  expect(n.read("workload.found")).toBe("step-0020\n");
  expect(n.read("ckpt/step-0020/model.pt")).toBe(MODEL_20.toString());
  expect(n.read("ckpt/step-0020/shards/optim-0.pt")).toBe(OPTIM_20);
  expect(n.read("task.log")).toContain("hgpu: restored checkpoint step-0020 (restart 1)");
  // it wrote step-0030 again: published as sequence 3 with its own files only, the stale ones left out
  const m = JSON.parse((await store.get(`${base}checkpoints/step-0030/manifest.json`))!.toString()) as Manifest;
  expect(m).toMatchObject({ name: "step-0030", sequence: 3, upload: "upload-3", restartCount: 1, files: [{ path: "model.pt", bytes: 3000 }, { path: "shards/optim-0.pt", bytes: "optimizer at 30".length }] });
  expect((await store.get(`${base}checkpoints/step-0030/upload-3/model.pt`))!.toString()).toBe(n.read("ckpt/step-0030/model.pt"));
  // step-0020, restored, is not uploaded again
  expect((await store.list(`${base}checkpoints/step-0020/`)).sort()).toEqual([`${base}checkpoints/step-0020/manifest.json`, `${base}checkpoints/step-0020/upload-2/model.pt`, `${base}checkpoints/step-0020/upload-2/shards/optim-0.pt`]);
  const status = JSON.parse((await store.get(`${base}status.json`))!.toString()) as Status;
  expect(status).toMatchObject({ exitCode: 0, reason: "completed", restartCount: 1, resumedFrom: "step-0020", checkpoint: "step-0030" });
}

describe("checkpoints on S3", () => {
  let store: RunStore & { url: string };
  beforeAll(async () => void (store = await s3Store()), 30_000);
  afterAll(() => store.stop());

  it("a restart restores the latest published checkpoint, skips the half-written one, and publishes the next", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    await restart(store, n, standIn.url, { kind: "aws", bucket: "runs", prefix: "runs/r-2", groupName: "g" }, "runs/r-2/");
  });

  it("a published checkpoint whose files are gone: the one before it is restored", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    const base = "runs/r-3/";
    await seed(store, base);
    await store.put(`${base}checkpoints/step-0025/manifest.json`, JSON.stringify({ name: "step-0025", sequence: 3, upload: "upload-3", files: [{ path: "model.pt", bytes: 10 }], restartCount: 0 }));
    const r = await runNode(n, runScript(spec(n, { kind: "aws", bucket: "runs", prefix: "runs/r-3", groupName: "g" }, "r-3", trainingWorkload(n, { maxSteps: 20 }))), standIn.url);
    expect(r.code).toBe(0);
    expect(n.read("task.log")).toContain("hgpu: checkpoint step-0025: model.pt is missing or not 10 bytes");
    expect(n.read("task.log")).toContain("hgpu: checkpoint step-0025 could not be restored: trying an older one");
    expect(n.read("workload.env")).toContain("resumed=[step-0020]");
  });

  it("a fresh run: nothing to restore, HGPU_RESUMED_FROM empty, checkpoints published from sequence 1", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    const r = await runNode(n, runScript({ ...spec(n, { kind: "aws", bucket: "runs", prefix: "runs/r-4", groupName: "g" }, "r-4", trainingWorkload(n, { maxSteps: 20 })), recovery: { checkpointPath: n.checkpoints } }), standIn.url);
    expect(r.code).toBe(0);
    expect(n.read("workload.env")).toBe(`resumed=[] restarts=0 dir=${n.checkpoints}\n`);
    const sequences = await Promise.all(["step-0010", "step-0020"].map(async (c) => (JSON.parse((await store.get(`runs/r-4/checkpoints/${c}/manifest.json`))!.toString()) as Manifest).sequence));
    expect(sequences).toEqual([1, 2]);
  });

  it("a manifest that cannot be read fails the run as restore-failed (95), rather than starting over", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    await store.put("runs/r-5/checkpoints/step-0010/manifest.json", "{ not json");
    await store.put("runs/r-5/checkpoints/SEEDED", "");
    const r = await runNode(n, runScript(spec(n, { kind: "aws", bucket: "runs", prefix: "runs/r-5", groupName: "g" }, "r-5", trainingWorkload(n, { maxSteps: 1 }))), standIn.url);
    expect(r.code).toBe(95);
    expect(JSON.parse((await store.get("runs/r-5/status.json"))!.toString())).toMatchObject({ exitCode: 95, reason: "restore-failed" });
    expect(n.read("workload.env")).toBe("");
  });
});

describe("checkpoints on Blob storage", () => {
  let store: RunStore & { url: string; sas: string };
  beforeAll(async () => void (store = await blobStore()), 30_000);
  afterAll(() => store.stop());

  it("a restart restores the latest published checkpoint; files larger than a block go up in blocks; each manifest after its files", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    // blocks of 1000 bytes: the 3000-byte model goes in 3 (Put Block, Put Block List)
    await restart(store, n, standIn.url, { kind: "azure", blobBaseUrl: `${standIn.url}/runs/r-2` }, "r-2/", 1000);
    const puts = standIn.log.events.filter((e) => e.startsWith("PUT runs/r-2/checkpoints/"));
    expect(puts).toEqual(["PUT runs/r-2/checkpoints/step-0030/upload-3/shards/optim-0.pt", "PUT runs/r-2/checkpoints/step-0030/manifest.json"]);
    expect(standIn.log.events.filter((e) => e.startsWith("PUT runs/r-2/status.json"))).toHaveLength(1);
  });
});

describe("the rendered script", () => {
  const base: RunScriptSpec = {
    cloud: { kind: "aws", bucket: "b", prefix: "runs/r", groupName: "g" }, taskName: "nn", runId: "r", nodes: 2, gpusPerNode: 8,
    image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"], env: {}, mounts: [], placementJson: "{}", deadline: "2099-01-01T00:00:00Z",
  };
  const recovery = { checkpointPath: "/fsx/checkpoints", restartCount: "${var.restart_count}" };

  it.each([["aws", base], ["azure", { ...base, cloud: { kind: "azure" as const, blobBaseUrl: "https://a.blob.core.windows.net/runs/r" } }]])("is bash without template syntax of its own (%s)", (_cloud, s) => {
    const script = runScript({ ...s, recovery });
    expect(spawnSync("bash", ["-n"], { input: script, encoding: "utf8" }).stderr).toBe("");
    // the one ${ is the Terraform reference it was given
    expect(script.replace("${var.restart_count}", "")).not.toMatch(/\$\{|%\{/);
  });

  it("mounts the checkpoint folder into the container at the same path, and hands the workload the contract's variables after the task's env", () => {
    const script = runScript({ ...base, recovery });
    expect(script).toContain("-v '/fsx/checkpoints:/fsx/checkpoints'");
    expect(script.indexOf(". /opt/hgpu/env.sh")).toBeLessThan(script.indexOf('export HGPU_CHECKPOINT_DIR="$CKPT_DIR"'));
    expect(script).toContain("HGPU_CHECKPOINT_DIR=%s\\nHGPU_RESTART_COUNT=%s\\nHGPU_RESUMED_FROM=%s\\n' \"$CKPT_DIR\" \"$RESTART_COUNT\" \"$RESUMED_FROM\" >> /opt/hgpu/env.list");
  });

  it("without recovery: no checkpoint, notice or test hook beyond the metadata address", () => {
    const script = runScript(base);
    expect(script).not.toMatch(/HGPU_CHECKPOINT_DIR|notice|ckpt_|HGPU_TEST_POLL/);
    expect(script).toContain("IMDS=$(printenv HGPU_TEST_METADATA_URL || echo http://169.254.169.254)");
  });
});

/** Resolves once the node's log has `text` (it is written as the script runs). */
async function logged(n: NodeDir, text: string, withinMs = 40_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!n.read("task.log").includes(text)) {
    if (Date.now() > until) throw new Error(`the node never logged ${JSON.stringify(text)}; its log:\n${n.read("task.log")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const WAITING = "hgpu: restart 1: waiting for the launcher to seed the checkpoints (checkpoints/SEEDED)";

/**
 * A restart waits for the launcher's SEEDED marker before it restores (the launcher copies the
 * previous attempt's checkpoint in after the apply): a marker that comes late is waited for; one that
 * never comes stops the run as restore-failed; a first attempt waits for nothing. The stand-ins look
 * every 0.5 s (HGPU_TEST_POLL_SECONDS), so a 1-minute wait is 6 looks, 3 s.
 */
describe.each([
  ["S3", "aws" as const],
  ["Blob storage", "azure" as const],
])("the launcher's seed marker on %s", (_name, kind) => {
  let store: RunStore & { url: string; sas?: string };
  beforeAll(async () => void (store = kind === "aws" ? await s3Store() : await blobStore()), 30_000);
  afterAll(() => store.stop());
  const where = (standInUrl: string, run: string): { cloud: RunScriptSpec["cloud"]; base: string } =>
    kind === "aws"
      ? { cloud: { kind: "aws", bucket: "runs", prefix: `runs/${run}`, groupName: "g" }, base: `runs/${run}/` }
      : { cloud: { kind: "azure", blobBaseUrl: `${standInUrl}/runs/${run}` }, base: `${run}/` };

  it("a marker that comes after the node started waiting: the node restores once it is there", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    const { cloud, base } = where(standIn.url, "s-1");
    await seed(store, base, false);
    const running = runNode(n, runScript(spec(n, cloud, "s-1", trainingWorkload(n, { maxSteps: 25 }), undefined, { seedWaitMinutes: 2 })), standIn.url);
    await logged(n, WAITING);
    // the node waits: no workload yet
    expect(n.read("workload.env")).toBe("");
    await store.put(`${base}checkpoints/SEEDED`, "");
    const r = await running;
    expect(r.code).toBe(0);
    const log = n.read("task.log");
    expect(log.indexOf("hgpu: the launcher seeded the checkpoints of restart 1")).toBeGreaterThan(log.indexOf(WAITING));
    expect(log).toContain("hgpu: restored checkpoint step-0020 (restart 1)");
    expect(n.read("workload.env")).toBe(`resumed=[step-0020] restarts=1 dir=${n.checkpoints}\n`);
  });

  it("no marker within seedWaitMinutes: restore-failed (95), the workload never starts, the log says the launcher never seeded", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    const { cloud, base } = where(standIn.url, "s-2");
    await seed(store, base, false);
    const started = Date.now();
    const r = await runNode(n, runScript(spec(n, cloud, "s-2", trainingWorkload(n, { maxSteps: 25 }), undefined, { seedWaitMinutes: 1 })), standIn.url);
    expect(r.code).toBe(95);
    // 6 looks, 0.5 s apart
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(n.read("task.log")).toContain("hgpu: the launcher never seeded the checkpoints: no checkpoints/SEEDED in the run store after 1 minutes (restart 1)");
    expect(n.read("task.log")).not.toContain("hgpu: restored checkpoint");
    expect(n.read("workload.env")).toBe("");
    expect(JSON.parse((await store.get(`${base}status.json`))!.toString())).toMatchObject({ exitCode: 95, reason: "restore-failed", restartCount: 1, resumedFrom: null });
  });

  it("a first attempt (restart 0) waits for no marker: it restores what is published at once", async (ctx) => {
    const { node: n, standIn } = await setUp(ctx, store);
    const { cloud, base } = where(standIn.url, "s-3");
    await seed(store, base, false);
    // a 30-minute wait would outlast the test
    const r = await runNode(n, runScript(spec(n, cloud, "s-3", trainingWorkload(n, { maxSteps: 25 }), undefined, { restartCount: 0 })), standIn.url);
    expect(r.code).toBe(0);
    expect(n.read("task.log")).not.toContain("seed");
    expect(n.read("workload.env")).toBe(`resumed=[step-0020] restarts=0 dir=${n.checkpoints}\n`);
  });
});
