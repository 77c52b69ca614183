/** AWS evasions: other routes to a GPU, other routes to a group, resources no Aspect visited, other stacks, modules. */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { NetworkInterfaceSgAttachment } from "@cdktf/provider-aws/lib/network-interface-sg-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Aspects, Fn, TerraformHclModule, TerraformLocal, TerraformVariable, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { GpuPolicies } from "../../../../lib/team/policies";
import { SAFE_INSTANCE, awsStack, gpuTemplate, raw, type RedTeamRow } from "./fixtures";

const NOT_VERIFIABLE = "which the pack cannot verify: use a literal value or suppress with a reason";
const OPEN_SSH = { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] };
const NO_PUBLIC_IP_TEMPLATE = "GPU nodes have no public IP: a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: " +
  "add network_interfaces { device_index = 0, associate_public_ip_address = false }";

/** An Aspect that, visiting the launch template, adds an open ingress rule to the GPU group (a sibling it has already passed). */
class OpensSshLater implements IAspect {
  constructor(private readonly group: SecurityGroup) {}
  public visit(node: IConstruct): void {
    if (node.node.id !== "lt" || node.node.scope?.node.tryFindChild("late-ssh")) return;
    new VpcSecurityGroupIngressRule(node.node.scope!, "late-ssh", { securityGroupId: this.group.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 22, toPort: 22 });
  }
}

export const AWS_EVASIONS: readonly RedTeamRow[] = [
  {
    name: "GPU group attached to the instance's primary interface by aws_network_interface_sg_attachment",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "extra", ingress: [OPEN_SSH] });
      const vm = new Instance(stack, "vm", { ami: "ami-1", instanceType: "p5.48xlarge", associatePublicIpAddress: false, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
      new NetworkInterfaceSgAttachment(stack, "attach", { securityGroupId: sg.id, networkInterfaceId: vm.primaryNetworkInterfaceId });
    },
    expect: [["error", "HGPU-AWS-9", "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU node interface (aws_network_interface_sg_attachment.attach)"]],
  },
  {
    name: "open group written in a platform stack, used by GPU nodes of a team stack (cross-stack reference)",
    build: (app) => {
      const platform = awsStack(app, "platform");
      const sg = new SecurityGroup(platform, "sg", { name: "shared", ingress: [OPEN_SSH] });
      new Instance(awsStack(app, "team"), "vm", { ami: "ami-1", instanceType: "p5.48xlarge", associatePublicIpAddress: false, vpcSecurityGroupIds: [sg.id], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
    },
    expect: [["error", "HGPU-AWS-9", "platform/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU instance aws_instance.vm in stack team"]],
  },
  {
    name: "open ingress rule written with stack.addOverride",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
      stack.addOverride("resource.aws_vpc_security_group_ingress_rule.hidden", { security_group_id: "${aws_security_group.sg.id}", cidr_ipv4: "0.0.0.0/0", ip_protocol: "-1" });
    },
    expect: [["error", "HGPU-AWS-9", "s/aws_vpc_security_group_ingress_rule.hidden: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (all traffic), on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "open ingress rule added by an Aspect that runs after the pack",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
      GpuPolicies.applyTo(stack, { requiredTags: [] });
      Aspects.of(stack).add(new OpensSshLater(sg));
    },
    expect: [["error", "HGPU-AWS-9", "s/late-ssh: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "GPU only through an Auto Scaling group's mixed-instance override (the template says t3.micro)",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [OPEN_SSH] });
      const lt = gpuTemplate(stack, { instanceType: "t3.micro", networkInterfaces: undefined, vpcSecurityGroupIds: [sg.id] });
      new AutoscalingGroup(stack, "asg", {
        minSize: 0, maxSize: 2, availabilityZones: ["us-east-1a"],
        mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: lt.id }, override: [{ instanceType: "p5.48xlarge" }] } },
      });
    },
    expect: [
      ["error", "HGPU-AWS-9", "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt"],
      ["error", "HGPU-AWS-1", `s/lt: HGPU-AWS-1 ${NO_PUBLIC_IP_TEMPLATE}`],
    ],
  },
  {
    name: "GPU only through an EC2 fleet override",
    build: (app) => {
      const stack = awsStack(app);
      const lt = gpuTemplate(stack, { instanceType: "t3.micro", networkInterfaces: undefined });
      raw(stack, "fleet", "aws_ec2_fleet", {
        launch_template_config: [{ launch_template_specification: { launch_template_id: lt.id, version: "$Latest" }, override: [{ instance_type: "p4d.24xlarge" }] }],
        target_capacity_specification: { default_target_capacity_type: "spot", total_target_capacity: 4 },
      });
    },
    expect: [["error", "HGPU-AWS-1", `s/lt: HGPU-AWS-1 ${NO_PUBLIC_IP_TEMPLATE}`]],
  },
  {
    name: "instance type from a variable without a default (cannot be shown not to be a GPU)",
    build: (app) => {
      const stack = awsStack(app);
      gpuTemplate(stack, { instanceType: new TerraformVariable(stack, "type", { type: "string" }).stringValue, networkInterfaces: undefined });
    },
    expect: [["error", "HGPU-AWS-1", `s/lt: HGPU-AWS-1 ${NO_PUBLIC_IP_TEMPLATE}`]],
  },
  {
    name: "GPU template's security groups from a variable",
    build: (app) => {
      const stack = awsStack(app);
      gpuTemplate(stack, { vpcSecurityGroupIds: new TerraformVariable(stack, "groups", { type: "list(string)" }).listValue });
    },
    expect: [["error", "HGPU-AWS-9", `s/lt: HGPU-AWS-9 Security groups admit nothing from the internet: vpc_security_group_ids is "\${var.groups}", ${NOT_VERIFIABLE} (the security groups of GPU launch template aws_launch_template.lt)`]],
  },
  {
    name: "open rule on a group found by a data source (the pack cannot tell whose it is)",
    build: (app) => {
      const stack = awsStack(app);
      const found = new DataAwsSecurityGroup(stack, "found", { name: "gpu-nodes" });
      new SecurityGroupRule(stack, "rule", { type: "ingress", securityGroupId: found.id, fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] });
    },
    expect: [["error", "HGPU-AWS-9", `s/rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (tcp 22); on a group the pack cannot identify: security_group_id is "\${data.aws_security_group.found.id}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "world CIDR assembled by Fn.join",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ ...OPEN_SSH, cidrBlocks: [Fn.join("", ["0.0.0.0", "/0"])] }] });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", `s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0].cidr_blocks is ["\${join(\\"\\", [\\"0.0.0.0\\", \\"/0\\"])}"], ${NOT_VERIFIABLE}, on the group of GPU launch template aws_launch_template.lt`]],
  },
  {
    name: "world CIDR through a local value",
    build: (app) => {
      const stack = awsStack(app);
      const anywhere = new TerraformLocal(stack, "anywhere", "::/0");
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      new SecurityGroupRule(stack, "rule", { type: "ingress", securityGroupId: sg.id, fromPort: 29400, toPort: 29400, protocol: "tcp", ipv6CidrBlocks: [anywhere.asString] });
      new Instance(stack, "vm", { ami: "ami-1", instanceType: "g6e.48xlarge", associatePublicIpAddress: false, vpcSecurityGroupIds: [sg.id], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
    },
    expect: [["error", "HGPU-AWS-9", "s/rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from ::/0 (tcp 29400), on the group of GPU instance aws_instance.vm"]],
  },
  {
    name: "GPU nodes in a second stack of the app",
    build: (app) => {
      awsStack(app, "first");
      raw(awsStack(app, "second"), "vm", "aws_instance", { ...SAFE_INSTANCE, instance_type: "p5en.48xlarge", metadata_options: { http_tokens: "optional" } });
    },
    expect: [["error", "HGPU-AWS-2", 'second/vm: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"']],
  },
  {
    name: "GPU nodes behind a Terraform module",
    build: (app) => {
      new TerraformHclModule(awsStack(app), "nodes", { source: "terraform-aws-modules/ec2-instance/aws", variables: { instance_type: "p5.48xlarge", associate_public_ip_address: true } });
    },
    expect: [["warning", "HGPU-TF-1", 's/nodes: HGPU-TF-1 Terraform modules are not judged: module nodes (source "terraform-aws-modules/ec2-instance/aws") is not judged: the pack sees its inputs, not the resources it creates; its inputs name GPU type p5.48xlarge']],
  },
];
