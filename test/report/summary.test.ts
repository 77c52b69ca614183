import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateStack } from "../../lib/report/estimate";
import { readOutdir } from "../../lib/report/report";
import { describeValue, formatSummaries, summarizeStack, wrapList } from "../../lib/report/summary";
import { synthPoolApp } from "../onprem/helpers";

const tf = {
  terraform: { backend: { s3: { bucket: "state" } } },
  provider: { aws: [{ region: "us-east-1" }, { region: "us-west-2", alias: "west" }], azurerm: [{ features: [{}] }] },
  resource: { aws_vpc: { a: {}, b: {} }, aws_subnet: { s1: {} } },
  data: { aws_ssm_parameter: { ami: {} } },
  output: { "run-id": { value: "x", description: "the run id" }, bare: { value: 1 } },
};

describe("summarizeStack", () => {
  it("counts resources and data sources by type and lists providers, backend and outputs", () => {
    expect(summarizeStack("s", "stacks/s/cdk.tf.json", tf)).toEqual({
      name: "s",
      file: "stacks/s/cdk.tf.json",
      backend: "s3",
      providers: ["aws (us-east-1)", "aws.west (us-west-2)", "azurerm"],
      resources: { aws_subnet: 1, aws_vpc: 2 },
      dataSources: { aws_ssm_parameter: 1 },
      outputs: [{ name: "run-id", description: "the run id", value: '"x"' }, { name: "bare", value: "1" }],
      tasks: [],
    });
  });
  it("formats a short text summary", () => {
    expect(formatSummaries([summarizeStack("s", "stacks/s/cdk.tf.json", tf)])).toBe(
      [
        "stack s  (stacks/s/cdk.tf.json, backend s3)",
        "  providers: aws (us-east-1), aws.west (us-west-2), azurerm",
        "  resources: 3",
        "    aws_subnet  1",
        "    aws_vpc     2",
        "  data sources: 1",
        "    aws_ssm_parameter  1",
        "  outputs: 2",
        '    run-id  the run id = "x"',
        "    bare    1",
      ].join("\n"),
    );
  });
  it("an empty stack is local and declares nothing", () => {
    expect(summarizeStack("e", "f", {})).toMatchObject({ backend: "local", providers: [], resources: {}, dataSources: {}, outputs: [] });
  });
});

describe("task summaries", () => {
  const withTask = {
    ...tf,
    "//": { hgpu_tasks: { nnt: { chosen: "4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h", next: ["4 x p4d.24xlarge (32 x A100) in aws us-east-1/use1-az1 at $87.8306/h"], rejected: ["aws g5.xlarge: a", "aws g5.2xlarge: b", "aws g5.4xlarge: c"], deadline: "720 minutes after apply (x)" } } },
  };
  it("shows the chosen placement, the failover order and the rejected candidates", () => {
    const s = summarizeStack("s", "f", withTask);
    expect(s.tasks).toEqual([{ name: "nnt", chosen: "4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h", next: ["4 x p4d.24xlarge (32 x A100) in aws us-east-1/use1-az1 at $87.8306/h"], rejected: ["aws g5.xlarge: a", "aws g5.2xlarge: b", "aws g5.4xlarge: c"], deadline: "720 minutes after apply (x)" }]);
    const text = formatSummaries([s]);
    expect(text).toContain("  task nnt: 4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h\n    deadline: 720 minutes after apply (x)\n    next on capacity errors:\n      2. 4 x p4d.24xlarge (32 x A100) in aws us-east-1/use1-az1 at $87.8306/h\n");
    expect(text).toContain("    3 candidates rejected (hgpu summary --json lists them all), e.g.:\n      aws g5.xlarge: a\n      aws g5.2xlarge: b\n");
    const one = formatSummaries([summarizeStack("s", "f", { "//": { hgpu_tasks: { nnt: { ...withTask["//"].hgpu_tasks.nnt, rejected: ["aws g5.xlarge: a"] } } } })]);
    expect(one).toContain("    1 candidate rejected (hgpu summary --json lists them all), e.g.:\n      aws g5.xlarge: a");
    const none = formatSummaries([summarizeStack("s", "f", { "//": { hgpu_tasks: { nnt: { ...withTask["//"].hgpu_tasks.nnt, rejected: [] } } } })]);
    expect(none).toContain("    no candidate rejected");
  });
  it("says what the cloud deletes after the grace and what remains until a destroy", () => {
    const meta = { ...withTask["//"].hgpu_tasks.nnt, afterGrace: { minutes: 60, removes: ["the FSx for Lustre file system", "3 interface endpoints"], remains: "the VPC and the run bucket" } };
    const text = formatSummaries([summarizeStack("s", "f", { ...tf, "//": { hgpu_tasks: { nnt: meta } } })]);
    expect(text).toContain("    deadline: 720 minutes after apply (x)\n    60 minutes later the cloud deletes: the FSx for Lustre file system, 3 interface endpoints;\n    until a destroy there remain: the VPC and the run bucket\n");
    const given = { ...meta, afterGrace: { ...meta.afterGrace, removes: [] } };
    expect(formatSummaries([summarizeStack("s", "f", { ...tf, "//": { hgpu_tasks: { nnt: given } } })])).toContain("60 minutes later the cloud deletes: nothing else (the task was given its network and storage);");
  });
});

describe("readOutdir", () => {
  it("reads every stack the manifest lists", (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-summary-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "stacks/s"), { recursive: true });
    writeFileSync(join(dir, "stacks/s/cdk.tf.json"), JSON.stringify(tf));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: { s: { synthesizedStackPath: "stacks/s/cdk.tf.json" } } }));
    expect(readOutdir(dir).map((s) => summarizeStack(s.name, s.file, s.tf as Record<string, unknown>).name)).toEqual(["s"]);
  });
  it("says when there is nothing to summarize", (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-summary-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    expect(() => readOutdir(dir)).toThrow(`${join(dir, "manifest.json")} not found: synthesize the app first`);
  });
});

describe("summary details", () => {
  it.each([
    ["${aws_s3_bucket.runs.bucket}", "known after apply"],
    [{ a: "${x.y}" }, "known after apply"],
    [65.152, "65.152"],
    [true, "true"],
    ["s3://runs", '"s3://runs"'],
    ["x".repeat(100), `"${"x".repeat(76)}..."`],
    [{ summary: "4 x g5.48xlarge in aws us-east-1", nodes: 4 }, "4 x g5.48xlarge in aws us-east-1"],
    [{ cloud: "aws", nodes: 4 }, "an object: cloud, nodes"],
    [[1, 2, 3], "a list of 3"],
    [null, "null"],
  ])("an output's value %j reads %j", (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
  it("shows each output by name and meaning, with its value unless the meaning says it", () => {
    const text = formatSummaries([summarizeStack("s", "f", { output: {
      deadline: { value: "${timeadd(x, \"720m\")}", description: "When the cloud removes the capacity" },
      placement: { value: { summary: "2 x p5.48xlarge in aws us-east-1" }, description: "best placement: 2 x p5.48xlarge in aws us-east-1" },
      price: { value: 65.152, description: "USD/hour" },
    } })]);
    expect(text).toContain(["  outputs: 3", "    deadline   When the cloud removes the capacity (known after apply)", "    placement  best placement: 2 x p5.48xlarge in aws us-east-1", "    price      USD/hour = 65.152"].join("\n"));
  });
  it("wraps a list at the width, continuation lines indented under the first item", () => {
    expect(wrapList("    deletes: ", ["aaaa", "bbbb", "cccc"], ", ", ";", 24)).toEqual(["    deletes: aaaa, bbbb,", "      cccc;"]);
    expect(wrapList("    x: ", ["a".repeat(30)], ", ", ".", 20)).toEqual([`    x: ${"a".repeat(30)}.`]);
    for (const line of wrapList("  l: ", Array.from({ length: 40 }, (_, i) => `item ${i}`), ", ", "", 50)) expect(line.length).toBeLessThanOrEqual(50);
  });
});

describe("owned pools in the summary and the estimate", () => {
  let out: string;
  let stacks: ReturnType<typeof readOutdir>;
  beforeAll(() => {
    out = synthPoolApp();
    stacks = readOutdir(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const tfOf = (name: string) => stacks.find((s) => s.name === name)!;

  it("lists the stack's pools: site, partition, size, fabric, cost, PUE and grid", () => {
    const s = summarizeStack("platform", "f", tfOf("platform").tf as Record<string, unknown>);
    expect(s.pools).toEqual([{
      name: "dgx-a", site: "fra-dc1", partition: "gpu", submitHost: "login1.dc.example.com", nodes: 4, gpusPerNode: 8, accelerator: "H100",
      fabric: "infiniband 3200 Gbps/node", usdPerGpuHour: 1.8, costBasis: "stated", pue: 1.3, gridKgCo2ePerKwh: 0.35,
    }]);
    expect(formatSummaries([s])).toContain([
      "  pool dgx-a at fra-dc1: Slurm partition gpu via login1.dc.example.com, 4 x 8 x H100, infiniband 3200 Gbps/node",
      "    $1.8/GPU-h (stated); PUE 1.3, grid 0.35 kgCO2e/kWh",
    ].join("\n"));
    expect(summarizeStack("train", "f", tfOf("train").tf as Record<string, unknown>).pools).toBeUndefined();
  });

  it("a task on the pool: its failover is worded for the queue, and its deadline is Slurm's", () => {
    const s = summarizeStack("train", "f", tfOf("train").tf as Record<string, unknown>);
    expect(s.tasks[0]).toMatchObject({ name: "nnt", chosen: "4 x pool dgx-a (32 x H100) in onprem fra-dc1 at $57.6/h", owned: { pool: "dgx-a", maxQueueWaitMinutes: 10 } });
    const text = formatSummaries([s]);
    expect(text).toContain("  task nnt: 4 x pool dgx-a (32 x H100) in onprem fra-dc1 at $57.6/h\n    deadline: 600 minutes after the job starts (Slurm's time limit (sbatch --time=600, TERM 10 minutes before) on pool dgx-a; hgpu launch cancels the job (scancel) on every other way out)\n");
    expect(text).toContain("    next when pool dgx-a cannot start it within 10 minutes, or on capacity errors:\n      2. ");
  });

  it("estimates the pool (owned: not in the stack's cost) and charges the task the nodes it uses", () => {
    const platform = estimateStack(tfOf("platform").tf);
    // 4 nodes x 7782.2976 W = 31.1292 kW; x 0.35 = 10.8952 kg/h; x 1.3 = 14.1638 kg/h with the PUE; 32 GPUs x $1.8 = $57.6/h
    expect(platform.pools).toEqual([{
      name: "dgx-a", site: "fra-dc1", partition: "gpu", nodes: 4, gpusPerNode: 8, gpus: 32, accelerator: "H100", fabricGbpsPerNode: 3200,
      usdPerGpuHour: 1.8, costBasis: "stated", usdPerHour: 57.6, powerKw: 31.1292, pue: 1.3, gridKgCo2ePerKwh: 0.35, kgCo2ePerHour: 10.8952, facilityKgCo2ePerHour: 14.1638,
    }]);
    expect(platform.cost.computeUsdPerHour).toBe(0);
    const [task] = estimateStack(tfOf("train").tf).tasks;
    expect(task).toMatchObject({ name: "nnt", pool: "dgx-a", maxRuntimeHours: 10, clusters: [], usdPerHour: 57.6, usd: 576, kwh: 311.29, kgCo2e: 108.95 });
  });

  it("warns of a pool record it cannot read", () => {
    const e = estimateStack({ "//": { hgpu_pools: { broken: { name: "broken" } } } });
    expect(e.pools).toEqual([]);
    expect(e.warnings).toEqual([expect.stringMatching(/^pool broken: its record lacks nodes, gpuMemoryGiB, .*site, fabric, scheduler$/)]);
  });
});
