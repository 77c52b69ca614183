import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOutdir } from "../../lib/report/report";
import { describeValue, formatSummaries, summarizeStack, wrapList } from "../../lib/report/summary";

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
