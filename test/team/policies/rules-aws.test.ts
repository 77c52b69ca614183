import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster, networkInterfaces } from "../../../lib/aws/gpu-cluster";
import { GpuTask } from "../../../lib/task/gpu-task";
import { awsStack, messages } from "./helpers";

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

/** A bucket with encryption, a full public access block and a TLS-only policy (each can be left out). */
function bucket(stack: TerraformStack, parts: { encryption?: boolean; publicAccessBlock?: boolean; tlsPolicy?: boolean } = {}): S3Bucket {
  const b = new S3Bucket(stack, "bucket", { bucketPrefix: "runs-" });
  if (parts.encryption ?? true) {
    new S3BucketServerSideEncryptionConfigurationA(stack, "sse", { bucket: b.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
  }
  if (parts.publicAccessBlock ?? true) {
    new S3BucketPublicAccessBlock(stack, "pab", { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  }
  if (parts.tlsPolicy ?? true) {
    new S3BucketPolicy(stack, "policy", {
      bucket: b.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [b.arn, `${b.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }] }),
    });
  }
  return b;
}

describe("HGPU-AWS-1 GPU nodes have no public IP", () => {
  it("passes a launch template whose interfaces ask for no public IP", () => {
    const stack = awsStack();
    goodTemplate(stack);
    expect(messages(stack, "HGPU-AWS-1")).toEqual([]);
  });

  it("flags a launch template interface and an instance that ask for one", () => {
    const stack = awsStack();
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0 }, { deviceIndex: 1, associatePublicIpAddress: "true" }] });
    new Instance(stack, "vm", { ami: "ami-1", instanceType: "g5.xlarge", associatePublicIpAddress: true, metadataOptions: { httpTokens: "required" } });
    expect(messages(stack, "HGPU-AWS-1")).toEqual([
      "s/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[1] set associate_public_ip_address to true",
      "s/vm: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true",
    ]);
  });
});

describe("HGPU-AWS-2 IMDSv2 is required", () => {
  it("passes http_tokens required, and a disabled endpoint", () => {
    const stack = awsStack();
    goodTemplate(stack);
    goodTemplate(stack, { metadataOptions: { httpEndpoint: "disabled" } }, "lt2");
    expect(messages(stack, "HGPU-AWS-2")).toEqual([]);
  });

  it("flags optional tokens and missing metadata options", () => {
    const stack = awsStack();
    goodTemplate(stack, { metadataOptions: { httpTokens: "optional" } });
    new Instance(stack, "vm", { ami: "ami-1", instanceType: "g5.xlarge", rootBlockDevice: { encrypted: true } });
    expect(messages(stack, "HGPU-AWS-2")).toEqual([
      's/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"',
      's/vm: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is not set, use "required"',
    ]);
  });
});

describe("HGPU-AWS-3 Disks are encrypted", () => {
  it("passes encrypted mappings and volumes, and unmapped templates when encryption by default is on", () => {
    const stack = awsStack();
    goodTemplate(stack);
    new EbsVolume(stack, "vol", { availabilityZone: "us-east-1a", size: 100, encrypted: true });
    expect(messages(stack, "HGPU-AWS-3")).toEqual([]);
    const other = awsStack();
    goodTemplate(other, { blockDeviceMappings: [] });
    new EbsEncryptionByDefault(other, "ebs-default", { enabled: true });
    expect(messages(other, "HGPU-AWS-3")).toEqual([]);
  });

  it("flags unencrypted mappings, templates without mappings, instances and volumes", () => {
    const stack = awsStack();
    goodTemplate(stack, { blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 200 } }, { deviceName: "/dev/sdb", ebs: { encrypted: "true" } }] });
    goodTemplate(stack, { blockDeviceMappings: [] }, "lt2");
    new Instance(stack, "vm", { ami: "ami-1", rootBlockDevice: { encrypted: true }, ebsBlockDevice: [{ deviceName: "/dev/sdf", encrypted: false }] });
    new EbsVolume(stack, "vol", { availabilityZone: "us-east-1a", size: 100 });
    expect(messages(stack, "HGPU-AWS-3")).toEqual([
      "s/lt: HGPU-AWS-3 Disks are encrypted: block_device_mappings[0] (/dev/sda1) not encrypted",
      "s/lt2: HGPU-AWS-3 Disks are encrypted: no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default",
      "s/vm: HGPU-AWS-3 Disks are encrypted: ebs_block_device[0] (/dev/sdf) not encrypted",
      "s/vol: HGPU-AWS-3 Disks are encrypted: encrypted is not true",
    ]);
  });
});

describe("HGPU-AWS-4 Buckets and file systems are encrypted at rest", () => {
  it("passes a bucket with a server-side encryption configuration, and encrypted file systems", () => {
    const stack = awsStack();
    bucket(stack);
    new EfsFileSystem(stack, "efs", { encrypted: true });
    expect(messages(stack, "HGPU-AWS-4")).toEqual([]);
  });

  it("matches the configuration to its bucket by literal name too", () => {
    const stack = awsStack();
    new S3Bucket(stack, "named", { bucket: "ml-runs" });
    new S3BucketServerSideEncryptionConfigurationA(stack, "sse", { bucket: "ml-runs", rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    expect(messages(stack, "HGPU-AWS-4")).toEqual([]);
  });

  it("flags a bucket without one (another bucket's does not count), and an unencrypted EFS", () => {
    const stack = awsStack();
    bucket(stack);
    new S3Bucket(stack, "plain", { bucketPrefix: "plain-" });
    new EfsFileSystem(stack, "efs", {});
    expect(messages(stack, "HGPU-AWS-4")).toEqual([
      "s/plain: HGPU-AWS-4 Buckets and file systems are encrypted at rest: no aws_s3_bucket_server_side_encryption_configuration refers to the bucket",
      "s/efs: HGPU-AWS-4 Buckets and file systems are encrypted at rest: encrypted is not true",
    ]);
  });
});

describe("HGPU-AWS-5 Buckets are private and TLS-only", () => {
  it("passes a bucket with a full public access block and a TLS-only policy", () => {
    const stack = awsStack();
    bucket(stack);
    expect(messages(stack, "HGPU-AWS-5")).toEqual([]);
  });

  it("accepts the TLS-only statement from an aws_iam_policy_document", () => {
    const stack = awsStack();
    const b = bucket(stack, { tlsPolicy: false });
    const doc = new DataAwsIamPolicyDocument(stack, "tls-doc", {
      statement: [{ effect: "Deny", actions: ["s3:*"], resources: [b.arn], principals: [{ type: "*", identifiers: ["*"] }], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }],
    });
    new S3BucketPolicy(stack, "policy", { bucket: b.id, policy: doc.json });
    expect(messages(stack, "HGPU-AWS-5")).toEqual([]);
  });

  it("flags a missing block, a partial block and a missing TLS policy", () => {
    const stack = awsStack();
    bucket(stack, { publicAccessBlock: false, tlsPolicy: false });
    expect(messages(stack, "HGPU-AWS-5")).toEqual([
      "s/bucket: HGPU-AWS-5 Buckets are private and TLS-only: no aws_s3_bucket_public_access_block refers to the bucket; no bucket policy denies requests with aws:SecureTransport false",
    ]);
    const partial = awsStack();
    const b = bucket(partial, { publicAccessBlock: false });
    new S3BucketPublicAccessBlock(partial, "pab", { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true });
    expect(messages(partial, "HGPU-AWS-5")).toEqual([
      "s/bucket: HGPU-AWS-5 Buckets are private and TLS-only: the public access block leaves ignore_public_acls, restrict_public_buckets off",
    ]);
  });
});

describe("HGPU-AWS-6 GPU tasks have a finite deadline", () => {
  function awsTask(): { stack: TerraformStack; task: GpuTask } {
    const stack = new TerraformStack(Testing.app(), "s");
    const task = new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["aws"], command: ["train.py"], maxRuntime: "6h" });
    return { stack, task };
  }

  it("passes a GpuTask: its one-time schedule sets its group to 0", () => {
    expect(messages(awsTask().stack, "HGPU-AWS-6")).toEqual([]);
  });

  it("does not judge Auto Scaling groups outside a task", () => {
    const stack = awsStack();
    new AutoscalingGroup(stack, "asg", { minSize: 1, maxSize: 1, availabilityZones: ["us-east-1a"] });
    expect(messages(stack, "HGPU-AWS-6")).toEqual([]);
  });

  it("flags a task whose schedule recurs instead of firing once, and one whose schedule targets another group", () => {
    const { stack, task } = awsTask();
    const schedule = task.node.findChild("deadline") as SchedulerSchedule;
    schedule.addOverride("schedule_expression", "rate(1 hour)");
    const group = AwsGpuCluster.autoScalingGroupName("s/task/cluster");
    expect(messages(stack, "HGPU-AWS-6")).toEqual([`s/task/cluster/asg: HGPU-AWS-6 GPU tasks have a finite deadline: no one-time aws_scheduler_schedule in task s/task sets group ${group} to 0 at its deadline`]);

    const other = awsTask();
    (other.task.node.findChild("deadline") as SchedulerSchedule).addOverride("target.input", JSON.stringify({ AutoScalingGroupName: "someone-else", MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }));
    expect(messages(other.stack, "HGPU-AWS-6")).toHaveLength(1);
  });
});

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
    expect(messages(cluster(networkInterfaces(32, "sg-1"), 4), "HGPU-AWS-8")).toEqual([]);
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

  it("flags inline, classic and VPC ingress rules from anywhere", () => {
    const stack = awsStack();
    const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    new SecurityGroupRule(stack, "rule", { type: "ingress", securityGroupId: sg.id, fromPort: 8000, toPort: 8100, protocol: "tcp", ipv6CidrBlocks: ["::/0"] });
    new VpcSecurityGroupIngressRule(stack, "vpc-rule", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" });
    expect(messages(stack, "HGPU-AWS-9")).toEqual([
      "s/sg: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 22)",
      "s/rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from ::/0 (tcp 8000-8100)",
      "s/vpc-rule: HGPU-AWS-9 Security groups admit nothing from the internet: ingress from 0.0.0.0/0 (all traffic)",
    ]);
  });
});
