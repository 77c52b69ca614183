import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { checkLaunchStack } from "../../lib/launch/launch-stack";

const meta = (path: string) => ({ "//": { metadata: { path } } });
const TASK_OUTPUTS = { t_status_uri: { value: "s3://b/runs/x/status.json" }, t_placement: { value: { key: "aws/us-east-1/use1-az4/p5.48xlarge", usdPerHour: 55.04 } } };

function stack(ctx: TestContext, tf: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-stack-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ "//": { hgpu_tasks: { t: { path: "team/t" } } }, output: TASK_OUTPUTS, ...tf }));
  return join(dir, "cdk.tf.json");
}

describe("checkLaunchStack", () => {
  it("accepts a task's resources, data sources and providers, and reads its placement and price", (ctx) => {
    const file = stack(ctx, {
      provider: { aws: [{ region: "us-east-1" }] },
      data: { aws_partition: { p: meta("s/p") } },
      resource: { aws_vpc: { v: meta("s/team/t/network/vpc") }, aws_autoscaling_group: { g: meta("s/team/t/cluster/asg") } },
    });
    expect(checkLaunchStack(file, "s")).toEqual({ taskName: "t", placementKey: "aws/us-east-1/use1-az4/p5.48xlarge", usdPerHour: 55.04 });
  });

  it("refuses resources outside the task (a sibling whose path only starts like the task's too), without metadata, and modules, naming three and counting the rest", (ctx) => {
    const file = stack(ctx, {
      resource: {
        aws_vpc: { v: meta("s/team/t/network/vpc") },
        aws_autoscaling_group: { team: meta("s/team/cluster/asg"), twin: meta("s/team/t2/asg") },
        aws_s3_bucket: { raw: {} },
      },
      module: { vpc: { source: "terraform-aws-modules/vpc/aws" } },
    });
    expect(() => checkLaunchStack(file, "s")).toThrow(
      'hgpu launch: stack "s" holds resources outside its GpuTask "team/t": aws_autoscaling_group.team (s/team/cluster/asg), aws_autoscaling_group.twin (s/team/t2/asg), aws_s3_bucket.raw and 1 more. A launch destroys its whole stack',
    );
  });

  it("refuses a stack with two tasks, and one without task metadata", (ctx) => {
    const two = stack(ctx, { output: { ...TASK_OUTPUTS, u_status_uri: { value: "x" } } });
    expect(() => checkLaunchStack(two, "s")).toThrow('hgpu launch: stack "s" has 2 GpuTasks: launch a stack with exactly one GpuTask');
    const bare = stack(ctx, { "//": {} });
    expect(() => checkLaunchStack(bare, "s")).toThrow('hgpu launch: stack "s" does not record its GpuTask\'s construct path (//.hgpu_tasks): synthesize it with this version of the library');
  });
});
