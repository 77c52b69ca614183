import { App, Testing, type TerraformStack } from "cdktf";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, OwnedFirstStack, OwnedFirstTaskStack } from "../../examples/owned-first/main";
import { checkLaunchStack } from "../../lib/launch/launch-stack";
import { placementKey } from "../../lib/planner/planner";
import { estimateStack } from "../../lib/report/estimate";
import { readOutdir } from "../../lib/report/report";
import { summarizeStack } from "../../lib/report/summary";
import type { TerraformJson } from "../../lib/report/terraform-json";
import { appTopology, id } from "../../lib/report/topology";
import { EXCLUDE_PLACEMENTS_CONTEXT } from "../../lib/task/gpu-task";
import { GpuPolicies } from "../../lib/team/policies/gpu-policies";

/** Builds the example with the pack applied, runs every validation (the pack included) and synthesizes it into a temporary folder. */
function synthExample(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-owned-first-"));
  const app = buildApp(new App({ outdir, context }));
  const stacks = app.node.children as TerraformStack[];
  for (const stack of stacks) Testing.synth(stack, true);
  app.synth();
  const pack = new GpuPolicies({ requiredTags: [] });
  const findings = Object.fromEntries(stacks.map((s) => [s.node.id, pack.findings(s).map((f) => `${f.ruleId} ${f.path}: ${f.message}`)]));
  return { outdir, app, findings, stacks: readOutdir(outdir) };
}

let owned: ReturnType<typeof synthExample>;
let burst: ReturnType<typeof synthExample>;
beforeAll(() => {
  owned = synthExample();
  burst = synthExample({ [EXCLUDE_PLACEMENTS_CONTEXT]: ["onprem/fra-dc1//dgx-h100"] });
}, 120_000);
afterAll(() => {
  rmSync(owned.outdir, { recursive: true, force: true });
  rmSync(burst.outdir, { recursive: true, force: true });
});
/** The parts of a synthesized stack these tests read. */
type StackJson = TerraformJson & {
  readonly resource: Record<string, Record<string, unknown>>;
  readonly output: Record<string, { readonly value: { readonly next: readonly string[] } }>;
};
const tfOf = (run: typeof owned, name: string) => run.stacks.find((s) => s.name === name)!.tf as StackJson;
const taskOf = (run: typeof owned) => (run.app.node.findChild("owned-first-task") as OwnedFirstTaskStack).task;

describe("examples/owned-first", () => {
  it("synthesizes both stacks with the policy pack applied and no finding", () => {
    expect(owned.stacks.map((s) => s.name)).toEqual(["owned-first", "owned-first-task"]);
    expect(owned.findings).toEqual({ "owned-first": [], "owned-first-task": [] });
    expect(burst.findings).toEqual({ "owned-first": [], "owned-first-task": [] });
  });

  it("declares the site joined to AWS and Azure, and its Slurm pool, with no cloud resource for the pool", () => {
    const platform = owned.app.node.findChild("owned-first") as OwnedFirstStack;
    expect(platform.site.aws).toHaveLength(1);
    expect(platform.site.azure).toHaveLength(1);
    expect(platform.pool.record).toMatchObject({ name: "dgx-h100", site: { name: "fra-dc1", stack: "owned-first", path: "datacentre" }, scheduler: { partition: "gpu", account: "ml-research", submitHost: "login1.fra-dc1.example.com" }, gridKgCo2ePerKwh: 0.338 });
    // (8 x 700 + 224 x 3.5 + 2048 x 0.392) x 1.1 = 7905.4976 W;
    // $2,000,000 / (4 y x 8760 h x 32 GPUs x 0.7) = 2.548108 + 7.9054976 kW / 8 x 1.35 x $0.15 = 0.200108 -> $2.7482 per GPU-hour
    expect(platform.pool.nodeWatts).toBeCloseTo(7905.4976, 6);
    expect(platform.pool.usdPerGpuHour).toBe(2.7482);
    const types = Object.keys(tfOf(owned, "owned-first").resource);
    expect(types.some((t) => /instance|scale_set|autoscaling/.test(t))).toBe(false);
  });

  it("places the seed's task on the pool first (prefer: owned): no cloud compute, the Slurm job as an output", () => {
    const task = taskOf(owned);
    expect(placementKey(task.chosen)).toBe("onprem/fra-dc1//dgx-h100");
    expect(`${task.chosen}`).toBe("4 x pool dgx-h100 (32 x H100) in onprem fra-dc1 at $87.9424/h");
    const tf = tfOf(owned, "owned-first-task");
    expect(Object.keys(tf.resource)).toEqual(["terraform_data"]);
    expect(tf.output.neural_network_training_slurm_job.value).toMatchObject({ pool: "dgx-h100", nodes: 4, gpusPerNode: 8, timeLimitMinutes: 720, maxQueueWaitMinutes: 10, container: { kind: "pyxis" } });
    // the failover order: AWS, where dataSource is
    expect(task.placements[1]!.cloud).toBe("aws");
    expect(tf.output.neural_network_training_slurm_job.value.next[0]).toBe(placementKey(task.placements[1]!));
  });

  it("is a stack hgpu launch accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-owned-first-launch-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(tfOf(owned, "owned-first-task")));
      expect(checkLaunchStack(join(dir, "cdk.tf.json"), "owned-first-task")).toMatchObject({ taskName: "neural_network_training", placementKey: "onprem/fra-dc1//dgx-h100", usdPerHour: 87.9424 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bursts to the cloud when the launcher excludes the pool", () => {
    const task = taskOf(burst);
    expect(task.chosen.cloud).toBe("aws");
    expect(task.rejected).toContainEqual(expect.objectContaining({ cloud: "onprem", instanceType: "dgx-h100", reason: "excluded (excludePlacements), e.g. after it could not start the job in time in an earlier attempt" }));
    const tf = tfOf(burst, "owned-first-task");
    expect(Object.values(tf.resource.aws_autoscaling_group)).toHaveLength(1);
    expect(tf.output.neural_network_training_slurm_job).toBeUndefined();
  });

  it("shows the pool in the summary, the estimate and the topology (inside its site)", () => {
    const platform = tfOf(owned, "owned-first");
    expect(summarizeStack("owned-first", "f", platform).pools?.[0]).toMatchObject({ name: "dgx-h100", site: "fra-dc1", partition: "gpu", usdPerGpuHour: 2.7482, pue: 1.35 });
    expect(estimateStack(platform).pools[0]).toMatchObject({ name: "dgx-h100", gpus: 32, usdPerHour: 87.9424 });
    expect(estimateStack(tfOf(owned, "owned-first-task")).tasks[0]).toMatchObject({ pool: "dgx-h100", usdPerHour: 87.9424, usd: 1055.31 });
    const t = appTopology(owned.stacks);
    const pool = t.nodes.find((n) => n.kind === "pool")!;
    expect(t.groups.find((g) => g.id === pool.parent)?.title).toBe("site fra-dc1 (owned-first/datacentre)");
    expect(t.edges).toContainEqual(expect.objectContaining({ to: id("pool", "dgx-h100"), kind: "runs-on" }));
  });

  it("is not the main example (cdktf.json keeps hybrid-training)", () => {
    expect(JSON.parse(readFileSync(join(__dirname, "../../cdktf.json"), "utf8")).app).toBe("npx tsx examples/hybrid-training/main.ts");
  });
});
