import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOutdir } from "../../lib/report/report";
import { formatSummaries, summarizeStack } from "../../lib/report/summary";

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
      outputs: [{ name: "run-id", description: "the run id" }, { name: "bare" }],
      tasks: [],
    });
  });
  it("formats a short text summary", () => {
    expect(formatSummaries([summarizeStack("s", "stacks/s/cdk.tf.json", tf)])).toBe(
      [
        "stack s  (stacks/s/cdk.tf.json, backend s3)",
        "  providers: aws (us-east-1), aws.west (us-west-2), azurerm",
        "  resources: 3  aws_subnet x1, aws_vpc x2",
        "  data sources: 1  aws_ssm_parameter x1",
        "  output run-id: the run id",
        "  output bare",
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
    expect(text).toContain("  task nnt: 4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h\n    deadline: 720 minutes after apply (x)\n    next on capacity errors: 4 x p4d.24xlarge");
    expect(text).toContain("    3 candidates rejected, e.g. aws g5.xlarge: a; aws g5.2xlarge: b (hgpu summary --json lists all)");
  });
  it("says what the cloud deletes after the grace and what remains until a destroy", () => {
    const meta = { ...withTask["//"].hgpu_tasks.nnt, afterGrace: { minutes: 60, removes: ["the FSx for Lustre file system", "3 interface endpoints"], remains: "the VPC and the run bucket" } };
    const text = formatSummaries([summarizeStack("s", "f", { ...tf, "//": { hgpu_tasks: { nnt: meta } } })]);
    expect(text).toContain("    deadline: 720 minutes after apply (x)\n    60 minutes later the cloud deletes: the FSx for Lustre file system, 3 interface endpoints; until a destroy there remain the VPC and the run bucket\n");
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
