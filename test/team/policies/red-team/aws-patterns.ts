/** Risky AWS patterns, including evasions (tokens, Fn.* values, overrides, other routes to a GPU). */
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, TerraformVariable } from "cdktf";
import { SAFE_INSTANCE, awsStack, gpuTemplate, raw, type RedTeamRow } from "./fixtures";

const NOT_VERIFIABLE = "which the pack cannot verify: use a literal value or suppress with a reason";

export const AWS_PATTERNS: readonly RedTeamRow[] = [
  {
    name: "GPU launch template interface asks for a public IP",
    build: (app) => { gpuTemplate(awsStack(app), { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] }); },
    expect: [["error", "HGPU-AWS-1", "s/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0] set associate_public_ip_address to true"]],
  },
  {
    name: "public IP from a variable whose default is true (a token the pack resolves)",
    build: (app) => {
      const stack = awsStack(app);
      const pub = new TerraformVariable(stack, "public", { type: "bool", default: true });
      gpuTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: pub.stringValue }] });
    },
    expect: [["error", "HGPU-AWS-1", "s/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0] set associate_public_ip_address to true"]],
  },
  {
    name: "public IP from a variable without a default",
    build: (app) => {
      const stack = awsStack(app);
      const pub = new TerraformVariable(stack, "public", { type: "string" });
      gpuTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: pub.stringValue }] });
    },
    expect: [["error", "HGPU-AWS-1", `s/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0].associate_public_ip_address is "\${var.public}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "GPU instance that leaves its public IP to the subnet",
    build: (app) => { new Instance(awsStack(app), "vm", { ami: "ami-1", instanceType: "p4d.24xlarge", metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } }); },
    expect: [["error", "HGPU-AWS-1", "s/vm: HGPU-AWS-1 GPU nodes have no public IP: a GPU node without associate_public_ip_address leaves the public IP to the subnet's map_public_ip_on_launch: set associate_public_ip_address = false"]],
  },
  {
    name: "Spot instance request for a GPU with a public IP",
    build: (app) => { raw(awsStack(app), "spot", "aws_spot_instance_request", { ...SAFE_INSTANCE, instance_type: "p5.48xlarge", associate_public_ip_address: true }); },
    expect: [["error", "HGPU-AWS-1", "s/spot: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true"]],
  },
  {
    name: "GPU launch configuration with a public IP and IMDSv1",
    build: (app) => {
      raw(awsStack(app), "lc", "aws_launch_configuration", { image_id: "ami-1", instance_type: "g6e.12xlarge", associate_public_ip_address: true, metadata_options: { http_tokens: "optional" }, root_block_device: { encrypted: true } });
    },
    expect: [
      ["error", "HGPU-AWS-1", "s/lc: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true"],
      ["error", "HGPU-AWS-2", 's/lc: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"'],
    ],
  },
  {
    name: "Spot fleet launch specification: GPU, public IP, no IMDSv2, unencrypted volume",
    build: (app) => {
      raw(awsStack(app), "fleet", "aws_spot_fleet_request", {
        iam_fleet_role: "arn:aws:iam::123456789012:role/fleet", target_capacity: 2,
        launch_specification: [{ ami: "ami-1", instance_type: "p4d.24xlarge", associate_public_ip_address: true, ebs_block_device: [{ device_name: "/dev/sdb", encrypted: false }], root_block_device: { encrypted: true } }],
      });
    },
    expect: [
      ["error", "HGPU-AWS-1", "s/fleet: HGPU-AWS-1 GPU nodes have no public IP: launch_specification[0] sets associate_public_ip_address to true"],
      ["error", "HGPU-AWS-2", 's/fleet: HGPU-AWS-2 IMDSv2 is required: launch_specification[0] cannot require IMDSv2 (a launch specification has no metadata_options): launch from a launch template with http_tokens "required", or set aws_ec2_instance_metadata_defaults with http_tokens "required"'],
      ["error", "HGPU-AWS-3", "s/fleet: HGPU-AWS-3 Disks are encrypted: launch_specification[0].ebs_block_device[0] (/dev/sdb) not encrypted"],
    ],
  },
  {
    name: "Elastic IP on a GPU instance",
    build: (app) => {
      const stack = awsStack(app);
      const vm = new Instance(stack, "vm", { ami: "ami-1", instanceType: "p5.48xlarge", associatePublicIpAddress: false, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
      new Eip(stack, "eip", { domain: "vpc", instance: vm.id });
    },
    expect: [["error", "HGPU-AWS-1", "s/eip: HGPU-AWS-1 GPU nodes have no public IP: gives GPU instance aws_instance.vm a public (Elastic) IP"]],
  },
  {
    name: "IMDSv1 by an addOverride on the library-style template",
    build: (app) => { gpuTemplate(awsStack(app)).addOverride("metadata_options.http_tokens", "optional"); },
    expect: [["error", "HGPU-AWS-2", 's/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"']],
  },
  {
    name: "IMDS tokens from a function call (Fn.lower)",
    build: (app) => { gpuTemplate(awsStack(app), { metadataOptions: { httpTokens: Fn.lower("REQUIRED") } }); },
    expect: [["error", "HGPU-AWS-2", `s/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "\${lower(\\"REQUIRED\\")}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "Spot instance request without metadata options",
    build: (app) => { raw(awsStack(app), "spot", "aws_spot_instance_request", { ami: "ami-1", instance_type: "g5.xlarge", associate_public_ip_address: false, root_block_device: { encrypted: true } }); },
    expect: [["error", "HGPU-AWS-2", 's/spot: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is not set, use "required"']],
  },
  {
    name: "disk encryption from a variable without a default",
    build: (app) => {
      const stack = awsStack(app);
      const enc = new TerraformVariable(stack, "encrypt", { type: "string" });
      gpuTemplate(stack, { blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: enc.stringValue } }] });
    },
    expect: [["error", "HGPU-AWS-3", `s/lt: HGPU-AWS-3 Disks are encrypted: block_device_mappings[0].ebs.encrypted is "\${var.encrypt}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "block device mappings as a dynamic block",
    build: (app) => {
      const lt = gpuTemplate(awsStack(app), { blockDeviceMappings: [] });
      lt.addOverride("dynamic.block_device_mappings", { for_each: "${var.disks}", content: { device_name: "${block_device_mappings.value}", ebs: { encrypted: false } } });
    },
    expect: [["error", "HGPU-AWS-3", `s/lt: HGPU-AWS-3 Disks are encrypted: dynamic.block_device_mappings is {"for_each":"\${var.disks}","content":{"device_name":"\${block_device_mappings.value}","ebs":{"encrypted":false}}}, ${NOT_VERIFIABLE}`]],
  },
  {
    name: "EFS encryption from a conditional expression",
    build: (app) => {
      const stack = awsStack(app);
      const prod = new TerraformVariable(stack, "prod", { type: "bool" });
      new EfsFileSystem(stack, "efs", { encrypted: Fn.conditional(prod.booleanValue, true, false) as unknown as boolean });
    },
    expect: [["error", "HGPU-AWS-4", `s/efs: HGPU-AWS-4 Buckets and file systems are encrypted at rest: encrypted is "\${var.prod ? true : false}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "public access block settings from Fn.tobool",
    build: (app) => {
      const stack = awsStack(app);
      const b = new S3Bucket(stack, "bucket", { bucketPrefix: "runs-" });
      const block = new TerraformVariable(stack, "block", { type: "string" });
      new S3BucketPublicAccessBlock(stack, "pab", { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: Fn.tobool(block.stringValue) as unknown as boolean, ignorePublicAcls: true, restrictPublicBuckets: true });
    },
    expect: [["error", "HGPU-AWS-5", `s/bucket: HGPU-AWS-5 Buckets are private and TLS-only: block_public_policy is "\${tobool(var.block)}", ${NOT_VERIFIABLE}; no bucket policy denies requests with aws:SecureTransport false`]],
  },
  {
    name: "bucket policy from a variable without a default",
    build: (app) => {
      const stack = awsStack(app);
      const b = new S3Bucket(stack, "bucket", { bucketPrefix: "runs-" });
      new S3BucketPublicAccessBlock(stack, "pab", { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      new S3BucketPolicy(stack, "bucket-policy", { bucket: b.id, policy: new TerraformVariable(stack, "policy", { type: "string" }).stringValue });
    },
    expect: [["error", "HGPU-AWS-5", `s/bucket: HGPU-AWS-5 Buckets are private and TLS-only: no bucket policy denies requests with aws:SecureTransport false; policy is "\${var.policy}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "GPU group open to 0.0.0.0/0 on SSH",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "IPv6 world spelled ::0/0",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      new VpcSecurityGroupIngressRule(stack, "v6", { securityGroupId: sg.id, cidrIpv6: "::0/0", ipProtocol: "tcp", fromPort: 29400, toPort: 29400 });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", "s/v6: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from ::0/0 (tcp 29400), on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "split prefixes in one rule (0.0.0.0/1 + 128.0.0.0/1)",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      new SecurityGroupRule(stack, "split", { type: "ingress", securityGroupId: sg.id, fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", "s/split: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/1, 128.0.0.0/1 (tcp 22), which together cover the whole IPv4 space, on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "split prefixes across two rule resources of one GPU group",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      new VpcSecurityGroupIngressRule(stack, "low", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/1", ipProtocol: "-1" });
      new VpcSecurityGroupIngressRule(stack, "high", { securityGroupId: sg.id, cidrIpv4: "128.0.0.0/1", ipProtocol: "-1" });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [
      ["error", "HGPU-AWS-9", "s/low: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/1 (all traffic), which with the group's other ingress (aws_vpc_security_group_ingress_rule.high from 128.0.0.0/1) covers the whole IPv4 space, on the group of GPU launch template aws_launch_template.lt"],
      ["error", "HGPU-AWS-9", "s/high: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 128.0.0.0/1 (all traffic), which with the group's other ingress (aws_vpc_security_group_ingress_rule.low from 0.0.0.0/1) covers the whole IPv4 space, on the group of GPU launch template aws_launch_template.lt"],
    ],
  },
  {
    name: "world CIDR through a variable's default",
    build: (app) => {
      const stack = awsStack(app);
      const cidr = new TerraformVariable(stack, "admin_cidr", { type: "string", default: "0.0.0.0/0" });
      const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: [cidr.stringValue] }] });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22), on the group of GPU launch template aws_launch_template.lt"]],
  },
  {
    name: "CIDR computed by Fn.cidrsubnet",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      new SecurityGroupRule(stack, "computed", { type: "ingress", securityGroupId: sg.id, fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: [Fn.cidrsubnet("0.0.0.0/0", 0, 0)] });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", `s/computed: HGPU-AWS-9 Security groups admit nothing from the internet: cidr_blocks is ["\${cidrsubnet(\\"0.0.0.0/0\\", 0, 0)}"], ${NOT_VERIFIABLE}, on the group of GPU launch template aws_launch_template.lt`]],
  },
  {
    name: "ingress as a dynamic block on a GPU group",
    build: (app) => {
      const stack = awsStack(app);
      const sg = new SecurityGroup(stack, "sg", { name: "nodes" });
      sg.addOverride("dynamic.ingress", { for_each: "${var.rules}", content: { from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: "${ingress.value}" } });
      gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    },
    expect: [["error", "HGPU-AWS-9", `s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: dynamic.ingress is {"for_each":"\${var.rules}","content":{"from_port":22,"to_port":22,"protocol":"tcp","cidr_blocks":"\${ingress.value}"}}, ${NOT_VERIFIABLE}, on the group of GPU launch template aws_launch_template.lt`]],
  },
];
