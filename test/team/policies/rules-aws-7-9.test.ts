/** HGPU-AWS-7, -8 and -9 (HGPU-AWS-1 to -6 are in rules-aws.test.ts). */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { FsxLustreFileSystem } from "@cdktf/provider-aws/lib/fsx-lustre-file-system";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Aspects, Fn, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster, networkInterfaces } from "../../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../../lib/aws/network";
import { GpuPolicies, evaluateGpuPolicies } from "../../../lib/team/policies";
import { awsStack, messages } from "./helpers";
import { synthErrorsOf } from "../../helpers";

/** A launch template that passes every AWS rule; `props` replace parts of it. */
function goodTemplate(stack: TerraformStack, props: Partial<LaunchTemplateConfig> = {}, id = "lt"): LaunchTemplate {
  return new LaunchTemplate(stack, id, {
    instanceType: "g5.xlarge",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
    blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 200, encrypted: "true" } }],
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }],
    ...props,
  });
}

describe("HGPU-AWS-7 Required tags are present", () => {
  const required = { requiredTags: ["team", "cost-center", "managed-by"] };

  it("passes when the resource's tags and the provider's default_tags together carry every key", () => {
    const stack = awsStack({ defaultTags: [{ tags: { team: "ml", "cost-center": "cc-1" } }] });
    new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16", tags: { "managed-by": "cdktf-hybrid-gpu" } });
    new AutoscalingGroup(stack, "asg", { minSize: 1, maxSize: 1, availabilityZones: ["us-east-1a"] }); // no tags attribute: not judged
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([]);
  });

  it("reads the aliased provider's default_tags for a resource on that provider", () => {
    const stack = awsStack();
    const west = new AwsProvider(stack, "west", { alias: "west", region: "us-west-2", defaultTags: [{ tags: { team: "ml", "cost-center": "cc-1", "managed-by": "x" } }] });
    new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16", provider: west });
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([]);
  });

  it("flags missing keys, and is off with requiredTags []", () => {
    const stack = awsStack({ defaultTags: [{ tags: { team: "ml" } }] });
    new SecurityGroup(stack, "sg", { name: "nodes" });
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([
      "s/sg: HGPU-AWS-7 Required tags are present: missing tags cost-center, managed-by (own tags plus the provider's default_tags)",
    ]);
    expect(messages(stack, "HGPU-AWS-7", { requiredTags: [] })).toEqual([]);
  });

  it("requires the keys in a launch template's tag_specifications for instance and volume: default_tags do not reach launched nodes", () => {
    const stack = awsStack({ defaultTags: [{ tags: { team: "ml", "cost-center": "cc-1", "managed-by": "x" } }] });
    const all = { team: "ml", "cost-center": "cc-1", "managed-by": "x" };
    goodTemplate(stack, { tagSpecifications: [{ resourceType: "instance", tags: all }, { resourceType: "volume", tags: all }, { resourceType: "network-interface", tags: { Name: "n" } }] }, "tagged");
    goodTemplate(stack, {}, "untagged");
    goodTemplate(stack, { tagSpecifications: [{ resourceType: "instance", tags: all }, { resourceType: "volume", tags: { Name: "n", team: "ml" } }] }, "partial");
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([
      "s/untagged: HGPU-AWS-7 Required tags are present: no tag_specifications for resource_type instance (the provider's default_tags do not reach launched instances): add one with team, cost-center, managed-by; " +
        "no tag_specifications for resource_type volume (the provider's default_tags do not reach launched volumes): add one with team, cost-center, managed-by",
      "s/partial: HGPU-AWS-7 Required tags are present: missing tags cost-center, managed-by in tag_specifications for resource_type volume (the provider's default_tags do not reach launched volumes)",
    ]);
  });

  it("passes the library's AwsGpuCluster once synth has merged the provider's default tags into its tag_specifications", () => {
    const stack = awsStack({ defaultTags: [{ tags: { team: "ml", "cost-center": "cc-1", "managed-by": "cdktf-hybrid-gpu" } }] });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2 });
    Testing.synth(stack); // runs the Aspects, the cluster's tagging included
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([]);
  });

  it("counts keys named in a tags expression", () => {
    const stack = awsStack();
    new SecurityGroup(stack, "sg", { name: "nodes", tags: Fn.merge([{ team: "ml", "cost-center": "cc" }, { "managed-by": "x" }]) as unknown as Record<string, string> });
    expect(messages(stack, "HGPU-AWS-7", required)).toEqual([]);
  });
});

describe("HGPU-AWS-8 Multi-node GPU clusters use their full fabric", () => {
  function cluster(interfaces: LaunchTemplateConfig["networkInterfaces"], nodes: number): TerraformStack {
    const stack = awsStack();
    const lt = goodTemplate(stack, { instanceType: "p5.48xlarge", networkInterfaces: interfaces });
    new AutoscalingGroup(stack, "asg", { minSize: nodes, maxSize: nodes, desiredCapacity: nodes, availabilityZones: ["us-east-1a"], launchTemplate: { id: lt.id, version: "$Latest" } });
    return stack;
  }

  it("passes an EFA interface on each of p5.48xlarge's 32 network cards", () => {
    expect(messages(cluster(networkInterfaces(Array.from({ length: 32 }, (_, i) => i), "sg-1"), 4), "HGPU-AWS-8")).toEqual([]);
  });

  it("does not judge a single node, or a template no group uses", () => {
    expect(messages(cluster([{ deviceIndex: 0 }], 1), "HGPU-AWS-8")).toEqual([]);
    const stack = awsStack();
    goodTemplate(stack, { instanceType: "p5.48xlarge" });
    expect(messages(stack, "HGPU-AWS-8")).toEqual([]);
  });

  it("warns when fewer cards than the type has carry EFA", () => {
    const interfaces = [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "efa" }, { networkCardIndex: 1, deviceIndex: 0, interfaceType: "efa-only" }, { networkCardIndex: 1, deviceIndex: 1, interfaceType: "efa-only" }];
    const stack = cluster(interfaces, 4);
    expect(messages(stack, "HGPU-AWS-8")).toEqual(["s/lt: HGPU-AWS-8 Multi-node GPU clusters use their full fabric: 2 of 32 network cards of p5.48xlarge carry an EFA interface, for 4 nodes"]);
  });
});

describe("HGPU-AWS-9 Security groups admit nothing from the internet", () => {
  it("passes self-referencing and private-range ingress", () => {
    const stack = awsStack();
    const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] });
    new VpcSecurityGroupIngressRule(stack, "self", { securityGroupId: sg.id, referencedSecurityGroupId: sg.id, ipProtocol: "-1" });
    new SecurityGroupRule(stack, "egress", { type: "egress", securityGroupId: sg.id, fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] });
    expect(messages(stack, "HGPU-AWS-9")).toEqual([]);
  });

  it("is an error for inline, classic and VPC ingress rules from anywhere on the group of a GPU launch template", () => {
    const stack = awsStack();
    const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [sg.id] }] });
    new SecurityGroupRule(stack, "rule", { type: "ingress", securityGroupId: sg.id, fromPort: 8000, toPort: 8100, protocol: "tcp", ipv6CidrBlocks: ["::/0"] });
    new VpcSecurityGroupIngressRule(stack, "vpc-rule", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" });
    const findings = evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AWS-9");
    expect(findings.map((f) => [f.level, f.message])).toEqual([
      ["error", "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt"],
      ["error", "s/rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from ::/0 (tcp 8000-8100), on the group of GPU launch template aws_launch_template.lt"],
      ["error", "s/vpc-rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (all traffic), on the group of GPU launch template aws_launch_template.lt"],
    ]);
  });

  it("is an error on the groups of FSx, EFS mount targets, GPU instances and an AwsGpuCluster, and on the default group when a GPU template names none", () => {
    const stack = awsStack();
    const open = [{ fromPort: 988, toPort: 988, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }];
    const fsxSg = new SecurityGroup(stack, "fsx-sg", { name: "fsx", ingress: open });
    new FsxLustreFileSystem(stack, "fsx", { subnetIds: ["subnet-1"], storageCapacity: 1200, deploymentType: "SCRATCH_2", securityGroupIds: [fsxSg.id] });
    const efsSg = new SecurityGroup(stack, "efs-sg", { name: "efs", ingress: open });
    const efs = new EfsFileSystem(stack, "efs", { encrypted: true });
    new EfsMountTarget(stack, "efs-mt", { fileSystemId: efs.id, subnetId: "subnet-1", securityGroups: [efsSg.id] });
    const vmSg = new SecurityGroup(stack, "vm-sg", { name: "vm" });
    new Instance(stack, "vm", { ami: "ami-1", instanceType: "p4d.24xlarge", vpcSecurityGroupIds: [vmSg.id] });
    new VpcSecurityGroupIngressRule(stack, "vm-ssh", { securityGroupId: vmSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 22, toPort: 22 });
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] });
    new DefaultSecurityGroup(stack, "default", { vpcId: "vpc-1", ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "g5.xlarge", nodes: 1 });
    new VpcSecurityGroupIngressRule(stack, "cluster-ssh", { securityGroupId: cluster.securityGroup.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 22, toPort: 22 });
    const findings = evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AWS-9");
    expect(findings.map((f) => [f.level, f.message])).toEqual([
      ["error", "s/fsx-sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 988), on the group of file system aws_fsx_lustre_file_system.fsx"],
      ["error", "s/efs-sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 988), on the group of EFS mount target aws_efs_mount_target.efs-mt"],
      ["error", "s/vm-ssh: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 22), on the group of GPU instance aws_instance.vm"],
      ["error", "s/cluster-ssh: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 22), on the group of AwsGpuCluster s/train"],
      ["error", "s/default: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (all traffic), on the group of GPU launch template aws_launch_template.lt"],
    ]);
  });

  it("only warns about other groups, e.g. a public load balancer's: synth does not fail", () => {
    const stack = awsStack();
    const alb = new SecurityGroup(stack, "alb", { name: "alb", ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    new VpcSecurityGroupIngressRule(stack, "alb-v6", { securityGroupId: alb.id, cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    new SecurityGroupRule(stack, "other", { type: "ingress", securityGroupId: "sg-0123456789abcdef0", fromPort: 80, toPort: 80, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] });
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-nodes"] }] });
    const findings = evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AWS-9");
    const note = " (the group is not attached to GPU nodes or shared storage of this app, so this is a warning)";
    expect(findings.map((f) => [f.level, f.message])).toEqual([
      ["warning", `s/alb: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 443)${note}`],
      ["warning", `s/alb-v6: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from ::/0 (tcp 443)${note}`],
      ["warning", `s/other: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 80)${note}`],
    ]);
    Aspects.of(stack).add(new GpuPolicies({ requiredTags: [] }));
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(alb.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data))).toEqual([`s/alb: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 443)${note}`]);
  });

  it("matches a literal group ID used by a GPU template as an error", () => {
    const stack = awsStack();
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-0123456789abcdef0"] }] });
    new SecurityGroupRule(stack, "rule", { type: "ingress", securityGroupId: "sg-0123456789abcdef0", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] });
    expect(evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AWS-9").map((f) => f.level)).toEqual(["error"]);
    expect(synthErrorsOf(() => { Aspects.of(stack).add(new GpuPolicies({ requiredTags: [] })); Testing.synth(stack, true); })).toEqual([
      "s/rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt",
    ]);
  });
});
