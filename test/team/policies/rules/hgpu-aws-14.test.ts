import { AutoscalingGroup, type AutoscalingGroupConfig } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../../../lib/aws/network";
import { MAX_GPU_GROUP_NODES } from "../../../../lib/team/policies/rules/gpu-groups";
import { awsFiniteGpuGroups } from "../../../../lib/team/policies/rules/hgpu-aws-14";
import { awsStack } from "../helpers";
import { resourceAt, stackView } from "./aws-fixtures";
import { expected, findings } from "./findings";

const ID = "HGPU-AWS-14";
const warned = (...lines: [string, string][]) => expected("warning", ID, "GPU groups have a finite size", ...lines);

function group(stack: TerraformStack, id: string, template: LaunchTemplate, props: Partial<AutoscalingGroupConfig>): AutoscalingGroup {
  return new AutoscalingGroup(stack, id, { minSize: 0, maxSize: 1, availabilityZones: ["us-east-1a"], launchTemplate: { id: template.id }, ...props });
}

describe("HGPU-AWS-14 GPU groups have a finite size", () => {
  it("Compliance: literal max_size up to the bound (the boundary included), an AwsGpuCluster, and CPU groups not judged", () => {
    const stack = awsStack();
    const gpu = new LaunchTemplate(stack, "gpu", { instanceType: "p5.48xlarge" });
    const cpu = new LaunchTemplate(stack, "cpu", { instanceType: "m7i.large" });
    group(stack, "at-bound", gpu, { maxSize: MAX_GPU_GROUP_NODES });
    group(stack, "cpu-group", cpu, { maxSize: 100000 });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "cluster", { network, instanceType: "g5.xlarge", nodes: 2 });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: past the bound (template, GPU override, launch configuration), or a max_size it cannot read", () => {
    const stack = awsStack();
    const gpu = new LaunchTemplate(stack, "gpu", { instanceType: "p4d.24xlarge" });
    const nodes = new TerraformVariable(stack, "nodes", { type: "number" });
    group(stack, "big", gpu, { maxSize: MAX_GPU_GROUP_NODES + 1 });
    new AutoscalingGroup(stack, "mixed", {
      minSize: 0, maxSize: 5000, availabilityZones: ["us-east-1a"],
      // the template is not in the stack: the GPU override alone makes it a GPU group
      mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-0123456789abcdef0" }, override: [{ instanceType: "g6.12xlarge" }] } },
    });
    const lc = new LaunchConfiguration(stack, "lc", { imageId: "ami-0abcdef1234567890", instanceType: "g5.48xlarge" });
    new AutoscalingGroup(stack, "legacy", { minSize: 0, maxSize: nodes.numberValue, availabilityZones: ["us-east-1a"], launchConfiguration: lc.name });
    expect(findings(stack, ID)).toEqual(warned(
      ["s/big", "max_size is 1001: the group may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"],
      ["s/mixed", "max_size is 5000: the group may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"],
      ["s/legacy", 'max_size is "${var.nodes}", which the pack cannot verify: use a literal value or suppress with a reason'],
    ));
  });
});

describe("HGPU-AWS-14 on plain stack views", () => {
  it("leaves a GPU group of a GpuTask to HGPU-AWS-6, and judges one outside", () => {
    const view = stackView({ "aws_launch_template.lt": { instance_type: "g5.xlarge" }, "aws_autoscaling_group.g": { launch_template: { id: "${aws_launch_template.lt.id}" }, max_size: 5000 } });
    const group = resourceAt(view, "aws_autoscaling_group.g");
    expect(awsFiniteGpuGroups.check({ ...group, taskPath: "app/task" }, { requiredTags: [] })).toBe("not-applicable");
    expect(awsFiniteGpuGroups.check(group, { requiredTags: [] })).toEqual({
      status: "non-compliant", detail: "max_size is 5000: the group may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run",
    });
  });
});
