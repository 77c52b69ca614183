/**
 * `hgpu launch` on an owned pool, against a real one-node Slurm (munged, slurmctld, slurmd started
 * by test/onprem/slurm-cluster.ts, one cluster for the file) and the real terraform binary, with the
 * stacks of test/onprem/slurm-fixture-app.cjs. Cases run concurrently on the cluster's 8 GPUs: a
 * blocking job holds one for the whole file, the cases take one or two each.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { EXIT, launch, type LaunchOptions } from "../../lib/launch/launcher";
import { readRunRecords, type RunRecord } from "../../lib/launch/run-record";
import { viewRun } from "../../lib/launch/runs";
import { localStateResources } from "../../lib/launch/state-location";
import { slurmTestsRun, startSlurmCluster, type SlurmCluster } from "../onprem/slurm-cluster";
import { hasTerraform, hgpu, hgpuRun, P1, root, until } from "./harness";

const POOL = "onprem/dc1//dgx";
const app = `node ${join(__dirname, "../onprem/slurm-fixture-app.cjs")}`;
const runs = hasTerraform && slurmTestsRun("test/launch/slurm-launch.system.test.ts");
let cluster: SlurmCluster;

interface Job {
  command: string[];
  partition?: string;
  gpusPerNode?: number;
  timeLimitMinutes?: number;
  maxQueueWaitMinutes?: number;
}

/** A project launching the fixture stack: the pool first, then P1 (a terraform_data "cloud"). */
function project(ctx: Pick<TestContext, "onTestFinished" | "onTestFailed">, job: Job, placements = [POOL, P1]) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-slurm-launch-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // What the launcher printed explains a failure.
  ctx.onTestFailed(() => console.log(`--- ${dir}\n${out.join("")}`));
  const env = cluster.env({ HGPU_TEST_SCENARIO: JSON.stringify({ dir, placements, job: { shared: join(cluster.shared, dir.split("/").at(-1)!), ...job } }) });
  const out: string[] = [];
  const options: LaunchOptions = { stack: "task", app, cwd: dir, env, pollMs: 1000, destroyBackoffMs: 50, sink: { isTTY: false, write: (t) => void out.push(t) } };
  const record = () => readRunRecords(join(dir, ".hgpu", "runs"))[0]!;
  return {
    dir, env, options,
    printed: () => out.join(""),
    record,
    /** What the task's state holds now. */
    state: () => localStateResources(join(dir, "terraform.task.tfstate")) ?? [],
    /** Slurm's jobs of this project's launches (by their names). */
    jobs: () => cluster.run("squeue", ["--noheader", "--format=%j|%T"]).stdout.split("\n").filter((l) => l.startsWith(`hgpu-${record()?.runId ?? "none"}`)),
  };
}

// Generous timeouts: the cases share two cores with the rest of the suite. The cases run one after
// another: they share one node with 8 GPUs, and concurrent jobs made one wait for another's GPUs.
describe.runIf(runs)("hgpu launch on a real Slurm", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    cluster = await startSlurmCluster();
    // A job that holds one GPU for 30 minutes: a task that needs all 8 starts after it. It must run
    // before any case asks for an estimate (Slurm counts a job not yet scheduled as taking the node).
    const blocker = cluster.run("sbatch", ["--parsable", "--job-name=blocker", "--gpus-per-node=1", "--time=30", "--output=/dev/null", "--wrap", "sleep 1800"]).stdout.trim();
    await until(() => cluster.run("squeue", ["--noheader", `--jobs=${blocker}`, "--format=%T"]).stdout.trim() === "RUNNING", 30_000, "the blocking job to run");
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it("submits the job, streams node 0's log, reads the status and exits with the workload's code; nothing is left in the queue or in state", async (ctx) => {
    const t = project(ctx, { command: ["bash", "-c", "echo epoch 1 loss 2.3; echo epoch 2 loss 1.1; exit 3"], gpusPerNode: 2 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(3);
    expect(result.status).toMatchObject({ exitCode: 3, reason: "workload-failed", task: "task", nodes: 1 });
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[POOL, "succeeded"]]);
    // torchrun got the rendezvous on the job's first node and the job's 2 GPUs
    expect(t.printed()).toMatch(/ {2}\| torchrun: nnodes=1 nproc_per_node=2 rdzv=c10d@hgpunode:2\d{4} id=\S+ gpus=\d,\d\n/);
    expect(t.printed()).toContain("  | epoch 2 loss 1.1");
    expect(t.printed()).toMatch(/submitted Slurm job \d+ \(hgpu-[\w-]+-1\) to partition gpu/);
    expect(t.printed()).toContain("workload finished with exit code 3 (workload-failed)");
    expect(readFileSync(join(result.runDir, "node0.log"), "utf8")).toContain("epoch 1 loss 2.3");
    const attempt = t.record().attempts[0]!;
    expect(attempt.slurm).toMatchObject({ partition: "gpu", jobId: expect.stringMatching(/^\d+$/), gone: true });
    // the run's files on the shared file system, as on the clouds' object stores
    const runDir = attempt.slurm!.runDir;
    expect(JSON.parse(readFileSync(join(runDir, "status.json"), "utf8"))).toMatchObject({ exitCode: 3, slurmJobId: attempt.slurm!.jobId });
    expect(readFileSync(join(runDir, "logs", "node0.exit"), "utf8").trim()).toBe("3");
    expect(cluster.run("squeue", ["--noheader", `--jobs=${attempt.slurm!.jobId}`]).stdout.trim()).toBe("");
    expect(t.state()).toEqual([]);
    expect(t.record()).toMatchObject({ phase: "ended", outcome: "workload-failed", exitCode: 3, leftInState: [] });
  });

  it("runs the stack a GpuTask synthesizes on a pool: its job, its environment, its status", async (ctx) => {
    const t = project(ctx, { command: [] });
    const shared = join(cluster.shared, `${t.dir.split("/").at(-1)!}-task`);
    const taskApp = `node --import ${pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href} ${join(__dirname, "../onprem/slurm-task-app.ts")}`;
    const env = { ...t.env, HGPU_TEST_SHARED: shared, HGPU_TEST_COMMAND: JSON.stringify(["bash", "-c", "echo epochs=$EPOCHS data=[$DATA_PATH]; exit 5"]) };
    const result = await launch({ ...t.options, stack: "train", app: taskApp, env });
    expect(result.exitCode).toBe(5);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([["onprem/dc1//dgx", "succeeded"]]);
    expect(result.status).toMatchObject({ exitCode: 5, reason: "workload-failed", task: "nn", placement: { key: "onprem/dc1//dgx", cloud: "onprem" } });
    expect(t.printed()).toContain("  | epochs=2 data=[]");
    expect(t.printed()).toMatch(/ {2}\| torchrun: nnodes=1 nproc_per_node=1 rdzv=c10d@hgpunode:2\d{4} id=[0-9a-f-]{36} gpus=\d\n/);
    const slurm = t.record().attempts[0]!.slurm!;
    // the run's folder is the task's: <sharedPath>/hgpu-runs/<stack>/<task>/<run id>
    expect(slurm.runDir).toBe(join(shared, "hgpu-runs", "train", "nn", String(result.status!.runId)));
    expect(slurm.gone).toBe(true);
    expect(cluster.run("squeue", ["--noheader", `--jobs=${slurm.jobId}`]).stdout.trim()).toBe("");
    expect(localStateResources((t.record().attempts[0]!.state as { path: string }).path)).toEqual([]);
  });

  it("bursts to the next placement, before anything is applied, when Slurm expects the start past maxQueueWait", async (ctx) => {
    // The blocking job (beforeAll) holds one GPU for 30 minutes.
    const t = project(ctx, { command: ["true"], gpusPerNode: 8, maxQueueWaitMinutes: 10 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[POOL, "capacity"], [P1, "succeeded"]]);
    expect(result.attempts[0]!.errors[0]).toMatch(/^pool dgx: Slurm expects 1 node with 8 GPUs each in partition gpu to start at \S+, in (29|30|31) minutes, past maxQueueWait \(10 minutes; \d of 8 GPUs free now\)$/);
    expect(t.printed()).toContain(`no capacity on ${POOL}: pool dgx: Slurm expects`);
    // nothing was applied or submitted for the pool
    const [pool] = t.record().attempts;
    expect(pool!.applyStarted).toBeUndefined();
    expect(pool!.slurm).toBeUndefined();
    expect(t.printed()).toContain("  | cloud epoch 1");
    expect(t.state()).toEqual([]);
  });

  it("cancels a job still pending after maxQueueWait (its partition is down), waits until it is gone, and runs the next placement", async (ctx) => {
    const t = project(ctx, { command: ["true"], partition: "maint", maxQueueWaitMinutes: 0.05 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[POOL, "capacity"], [P1, "succeeded"]]);
    expect(result.attempts[0]!.errors[0]).toMatch(/^Slurm job \d+ was still pending \(PartitionDown\) after maxQueueWait \(0\.05 minutes\)$/);
    const [pool] = t.record().attempts;
    expect(pool!.slurm).toMatchObject({ partition: "maint", gone: true });
    expect(cluster.run("squeue", ["--noheader", `--jobs=${pool!.slurm!.jobId}`]).stdout.trim()).toBe("");
    expect(t.printed()).toMatch(/Slurm reports job \d+ gone/);
    expect(t.state()).toEqual([]);
  });

  it("Slurm's time limit stops a task that runs past maxRuntime, and the status says so", async (ctx) => {
    const t = project(ctx, { command: ["bash", "-c", "trap 'echo saving; exit 9' TERM; echo started; sleep 300 & wait"], timeLimitMinutes: 1 });
    const started = Date.now();
    const result = await launch(t.options);
    expect(result.exitCode).toBe(124);
    expect(result.status).toMatchObject({ exitCode: 124, reason: "time-limit" });
    expect(Date.now() - started).toBeLessThan(100_000);
    // warned before the limit, the workload got SIGTERM and could save its state
    expect(t.printed()).toContain("  | hgpu: Slurm's time limit (60 s) is near: stopping the workload");
    expect(t.printed()).toContain("  | saving");
    expect(t.printed()).toContain("workload finished with exit code 124 (time-limit)");
    // the node's wrapper outlived the TERM and recorded the workload's own exit code
    expect(readFileSync(join(t.record().attempts[0]!.slurm!.runDir, "logs", "node0.exit"), "utf8").trim()).toBe("9");
    expect(t.jobs()).toEqual([]);
    expect(t.record()).toMatchObject({ outcome: "workload-failed", exitCode: 124 });
  });

  it("a job killed outside the launcher (no status written) ends the wait, with a status from Slurm's record", async (ctx) => {
    const t = project(ctx, { command: ["bash", "-c", "echo running; sleep 300"] });
    const launched = launch(t.options);
    await until(() => t.printed().includes("  | running"), 120_000, "the job to run");
    const jobId = t.record().attempts[0]!.slurm!.jobId!;
    // SIGKILL to the batch script (as a node that dies would): nothing of the job writes its status
    const batch = cluster.run("scontrol", ["listpids", jobId]).stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f[2] === "batch");
    expect(batch.length).toBeGreaterThan(0);
    // A listed process of the step may end between the listing and the kill (ESRCH): at least one is killed.
    const killed = batch.filter(([pid]) => {
      try {
        return process.kill(Number(pid), "SIGKILL");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
        throw e;
      }
    });
    expect(killed.length).toBeGreaterThan(0);
    const result = await launched;
    // Slurm says the batch script died of SIGKILL: exit 137
    expect(result.status).toMatchObject({ exitCode: 137, reason: "workload-failed", slurmState: "FAILED", slurmJobId: jobId, reportedBy: "hgpu launch (from Slurm's record: the job wrote no status)" });
    expect(t.printed()).toContain(`Slurm job ${jobId} ended without a status (FAILED, `);
    expect(result.exitCode).toBe(137);
    expect(t.jobs()).toEqual([]);
  });

  it.for([
    ["SIGINT", EXIT.SIGINT],
    ["SIGTERM", EXIT.SIGTERM],
    ["SIGHUP", EXIT.SIGHUP],
  ] as const)("%s while the job runs: the job is cancelled, Slurm reports it gone, the launcher exits %i", async ([signal, code], ctx) => {
    const t = project(ctx, { command: ["bash", "-c", "echo running; sleep 300"] });
    const child = hgpu(["launch", "--stack", "task", "--app", app, "--poll-seconds", "1", "--destroy-backoff-seconds", "0.05"], t.dir, t.env);
    await until(() => child.output().includes("  | running"), 120_000, "the job to run");
    expect(t.jobs()).toEqual([expect.stringMatching(/\|RUNNING$/)]);
    child.kill(signal);
    expect(await child.exit).toBe(code);
    expect(child.output()).toMatch(/cancelling 1 Slurm job \d+ \(RUNNING\)/);
    expect(t.jobs()).toEqual([]);
    expect(t.state()).toEqual([]);
    expect(t.record()).toMatchObject({ phase: "ended", outcome: "interrupted", exitCode: code, leftInState: [] });
  });

  it("hgpu runs asks Slurm about a pool's job even when the attempt's state is remote (and not read)", async () => {
    const name = `hgpu-remote-state-${process.pid}`;
    const jobId = cluster.run("sbatch", ["--parsable", `--job-name=${name}`, "--partition=maint", "--gpus-per-node=1", "--time=5", "--output=/dev/null", "--wrap", "sleep 300"]).stdout.trim();
    const attempt = { n: 1, dir: "/nonexistent", applyStarted: true, state: { backend: "s3" as const, key: "k", description: "s3://team-state/k" }, slurm: { jobName: name, jobId, partition: "gpu", runDir: "/nonexistent", slurmConf: cluster.conf } };
    const record = { version: 1 as const, runId: "r1", stack: "task", app: "x", terraform: "terraform", project: "/nonexistent", runDir: "/nonexistent", startedAt: "2026-11-30T10:00:00Z", updatedAt: "2026-11-30T10:00:00Z", launcher: { pid: 999_999_999 }, phase: "running" as const, attempts: [attempt], leftInState: [], kept: [] };
    const view = await viewRun(record as RunRecord);
    expect(view.state).toBe("leftover");
    expect(view.left[0]!.resources).toEqual([expect.stringMatching(new RegExp(`^slurm job ${jobId} \\((PENDING|RUNNING)\\) in partition gpu: scancel ${jobId}$`)), "(remote state s3://team-state/k: hgpu runs --remote reads it)"]);
    cluster.run("scancel", [jobId]);
  });

  it("hgpu runs lists the job a killed launcher left, and hgpu destroy cancels it", async (ctx) => {
    const t = project(ctx, { command: ["bash", "-c", "echo running; sleep 300"] });
    const child = hgpu(["launch", "--stack", "task", "--app", app, "--poll-seconds", "1"], t.dir, t.env);
    await until(() => child.output().includes("  | running"), 120_000, "the job to run");
    child.kill("SIGKILL");
    await child.exit;
    const jobId = t.record().attempts[0]!.slurm!.jobId!;
    expect(t.jobs()).toEqual([expect.stringMatching(/\|RUNNING$/)]);
    const listed = await hgpuRun(["runs"], t.dir, t.env);
    expect(listed.output).toContain(`!!!   attempt 1: slurm job ${jobId} (RUNNING) in partition gpu: scancel ${jobId}`);
    expect(listed.output).toContain(`!!! remove them with: hgpu destroy ${t.record().runId}`);
    const destroyed = await hgpuRun(["destroy", t.record().runId, "--destroy-backoff-seconds", "0.05"], t.dir, t.env);
    expect(destroyed.code).toBe(0);
    expect(destroyed.output).toContain(`cancelling 1 Slurm job ${jobId} (RUNNING)`);
    expect(t.jobs()).toEqual([]);
    expect(t.state()).toEqual([]);
    expect(t.record()).toMatchObject({ phase: "ended", outcome: "abandoned" });
  });
});
