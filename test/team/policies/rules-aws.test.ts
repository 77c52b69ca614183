import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EipAssociation } from "@cdktf/provider-aws/lib/eip-association";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Fn, TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster, networkInterfaces } from "../../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../../lib/aws/network";
import { GpuTask } from "../../../lib/task/gpu-task";
import { GPU_POLICY_RULES } from "../../../lib/team/policies";
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

  it("reads the string forms Terraform converts to booleans: \"1\" is true, \"0\" is false", () => {
    const stack = awsStack();
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "0" }] }, "off");
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }, { deviceIndex: 1, associatePublicIpAddress: "1" }] }, "on");
    expect(messages(stack, "HGPU-AWS-1")).toEqual(["s/on: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[1] set associate_public_ip_address to true"]);
  });

  it("requires an explicit false on a GPU template's only interface, or interfaces at all (the subnet must not decide)", () => {
    const stack = awsStack();
    goodTemplate(stack, { networkInterfaces: [{ deviceIndex: 0 }] }, "unset");
    goodTemplate(stack, { networkInterfaces: undefined }, "none");
    goodTemplate(stack, { instanceType: "p5.48xlarge", networkInterfaces: [{ deviceIndex: 1, associatePublicIpAddress: "false" }] }, "secondary");
    const byGroup = goodTemplate(stack, { instanceType: undefined, networkInterfaces: undefined }, "by-group");
    new AutoscalingGroup(stack, "asg", {
      minSize: 1, maxSize: 1, availabilityZones: ["us-east-1a"],
      mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: byGroup.id }, override: [{ instanceType: "p4d.24xlarge" }] } },
    });
    expect(messages(stack, "HGPU-AWS-1")).toEqual([
      "s/unset: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0] (device_index 0) leaves associate_public_ip_address unset, so the subnet's map_public_ip_on_launch decides: set it to false",
      "s/none: HGPU-AWS-1 GPU nodes have no public IP: a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: add network_interfaces { device_index = 0, associate_public_ip_address = false }",
      "s/secondary: HGPU-AWS-1 GPU nodes have no public IP: the only network interface has device_index 1: use device_index 0 with associate_public_ip_address = false",
      "s/by-group: HGPU-AWS-1 GPU nodes have no public IP: a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: add network_interfaces { device_index = 0, associate_public_ip_address = false }",
    ]);
  });

  it("accepts several interfaces (EC2 assigns no public IPv4 then), and does not require the explicit false of non-GPU templates", () => {
    const stack = awsStack();
    goodTemplate(stack, { instanceType: "p5.48xlarge", networkInterfaces: networkInterfaces(Array.from({ length: 32 }, (_, i) => i), "sg-1") });
    goodTemplate(stack, { instanceType: "m7i.large", networkInterfaces: undefined }, "cpu");
    expect(messages(stack, "HGPU-AWS-1")).toEqual([]);
  });

  it("passes the library's AwsGpuCluster with one interface (explicit false) and with EFA interfaces", () => {
    const stack = awsStack();
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "single", { network, instanceType: "g5.xlarge", nodes: 1 });
    new AwsGpuCluster(stack, "efa", { network, instanceType: "g5.12xlarge", nodes: 2 });
    new AwsGpuCluster(stack, "p5", { network, instanceType: "p5.48xlarge", nodes: 2 });
    expect(messages(stack, "HGPU-AWS-1")).toEqual([]);
  });

  it("flags Elastic IPs on GPU instances and on interfaces attached to them, not the NAT gateway's or a CPU instance's", () => {
    const stack = awsStack();
    const gpu = new Instance(stack, "gpu", { ami: "ami-1", instanceType: "p4d.24xlarge", associatePublicIpAddress: false });
    const cpu = new Instance(stack, "cpu", { ami: "ami-1", instanceType: "t3.micro" });
    const nic = new NetworkInterface(stack, "nic", { subnetId: "subnet-1", attachment: [{ instance: gpu.id, deviceIndex: 1 }] });
    new Eip(stack, "eip-gpu", { domain: "vpc", instance: gpu.id });
    new Eip(stack, "eip-nic", { domain: "vpc", networkInterface: nic.id });
    const spare = new Eip(stack, "eip-spare", { domain: "vpc" });
    new EipAssociation(stack, "assoc-gpu", { allocationId: spare.allocationId, instanceId: gpu.id });
    new EipAssociation(stack, "assoc-nic", { allocationId: spare.allocationId, networkInterfaceId: nic.id });
    new Eip(stack, "eip-nat", { domain: "vpc" });
    new Eip(stack, "eip-cpu", { domain: "vpc", instance: cpu.id });
    expect(messages(stack, "HGPU-AWS-1")).toEqual([
      "s/eip-gpu: HGPU-AWS-1 GPU nodes have no public IP: gives GPU instance aws_instance.gpu a public (Elastic) IP",
      "s/eip-nic: HGPU-AWS-1 GPU nodes have no public IP: gives network interface aws_network_interface.nic of a GPU instance a public (Elastic) IP",
      "s/assoc-gpu: HGPU-AWS-1 GPU nodes have no public IP: gives GPU instance aws_instance.gpu a public (Elastic) IP",
      "s/assoc-nic: HGPU-AWS-1 GPU nodes have no public IP: gives network interface aws_network_interface.nic of a GPU instance a public (Elastic) IP",
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
      "s/lt2: HGPU-AWS-3 Disks are encrypted: no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on the default aws provider",
      "s/vm: HGPU-AWS-3 Disks are encrypted: ebs_block_device[0] (/dev/sdf) not encrypted",
      "s/vol: HGPU-AWS-3 Disks are encrypted: encrypted is not true",
    ]);
  });

  it("reads the string forms Terraform converts to booleans: encrypted \"1\" is true, \"0\" is not", () => {
    const stack = awsStack();
    goodTemplate(stack, { blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 200, encrypted: "1" } }] }, "one");
    goodTemplate(stack, { blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 200, encrypted: "0" } }] }, "zero");
    expect(messages(stack, "HGPU-AWS-3")).toEqual(["s/zero: HGPU-AWS-3 Disks are encrypted: block_device_mappings[0] (/dev/sda1) not encrypted"]);
  });

  it("counts encryption by default only for templates and instances of the same provider configuration (region)", () => {
    const stack = awsStack();
    const west = new AwsProvider(stack, "west", { alias: "west", region: "us-west-2" });
    new EbsEncryptionByDefault(stack, "ebs-default-west", { enabled: true, provider: west });
    goodTemplate(stack, { blockDeviceMappings: [], provider: west }, "lt-west");
    goodTemplate(stack, { blockDeviceMappings: [] }, "lt-east");
    new Instance(stack, "vm-east", { ami: "ami-1", metadataOptions: { httpTokens: "required" } });
    expect(messages(stack, "HGPU-AWS-3")).toEqual([
      "s/lt-east: HGPU-AWS-3 Disks are encrypted: no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on the default aws provider",
      "s/vm-east: HGPU-AWS-3 Disks are encrypted: root_block_device not encrypted",
    ]);
    const east = awsStack();
    const eastWest = new AwsProvider(east, "west", { alias: "west", region: "us-west-2" });
    new EbsEncryptionByDefault(east, "ebs-default", { enabled: true });
    goodTemplate(east, { blockDeviceMappings: [], provider: eastWest }, "lt-west");
    expect(messages(east, "HGPU-AWS-3")).toEqual([
      "s/lt-west: HGPU-AWS-3 Disks are encrypted: no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on provider aws.west",
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

  it("says in its explanation that S3 encrypts new objects by default and that the explicit configuration is a policy choice", () => {
    const rule = GPU_POLICY_RULES.find((r) => r.id === "HGPU-AWS-4")!;
    expect(rule.explanation).toContain("SSE-S3 (AES256) by default since January 2023");
    expect(rule.explanation).toContain("requiring it is a policy choice");
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

  it("reads a jsonencode(...) policy statement by statement: Deny and aws:SecureTransport false in the same statement's Bool condition", () => {
    const policy = (statements: object[]) => {
      const stack = awsStack();
      const b = bucket(stack, { tlsPolicy: false });
      new S3BucketPolicy(stack, "policy", { bucket: b.id, policy: Fn.jsonencode({ Version: "2012-10-17", Statement: statements }) });
      return messages(stack, "HGPU-AWS-5");
    };
    const tlsOnly = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } };
    expect(policy([tlsOnly])).toEqual([]);
    expect(policy([{ Sid: "Reads", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }, tlsOnly])).toEqual([]);
    const failing = ["s/bucket: HGPU-AWS-5 Buckets are private and TLS-only: no bucket policy denies requests with aws:SecureTransport false"];
    // "Deny" in one statement, SecureTransport false in another (an Allow): no TLS-only statement.
    expect(policy([
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "*" },
    ])).toEqual(failing);
    expect(policy([{ ...tlsOnly, Condition: { Bool: { "aws:SecureTransport": "true" } } }])).toEqual(failing);
    expect(policy([{ ...tlsOnly, Condition: { StringEquals: { "aws:SecureTransport": "false" } } }])).toEqual(failing);
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
    expect(messages(stack, "HGPU-AWS-6")).toEqual([expect.stringMatching(new RegExp(
      `^s/task/cluster/asg: HGPU-AWS-6 GPU tasks have a finite deadline: no aws_scheduler_schedule in task s/task sets group ${group} to 0 at its deadline: ` +
      'aws_scheduler_schedule\\.task_deadline_\\w+: schedule_expression "rate\\(1 hour\\)" is not a one-time at\\(\\.\\.\\.\\) expression$'))]);

    const other = awsTask();
    (other.task.node.findChild("deadline") as SchedulerSchedule).addOverride("target.input", JSON.stringify({ AutoScalingGroupName: "someone-else", MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }));
    expect(messages(other.stack, "HGPU-AWS-6")).toEqual([`s/task/cluster/asg: HGPU-AWS-6 GPU tasks have a finite deadline: no aws_scheduler_schedule in task s/task names group ${group} (AutoScalingGroupName of its target input)`]);
  });

  /** The finding on the task's group after overriding one attribute of its deadline schedule. */
  function withSchedule(path: string, value: unknown): string[] {
    const { stack, task } = awsTask();
    (task.node.findChild("deadline") as SchedulerSchedule).addOverride(path, value);
    return messages(stack, "HGPU-AWS-6");
  }
  const group = AwsGpuCluster.autoScalingGroupName("s/task/cluster");
  const because = (problem: string) => [expect.stringMatching(new RegExp(
    `^s/task/cluster/asg: HGPU-AWS-6 GPU tasks have a finite deadline: no aws_scheduler_schedule in task s/task sets group ${group} to 0 at its deadline: aws_scheduler_schedule\\.task_deadline_\\w+: ${problem}$`))];

  it("flags DesiredCapacity 0 alone while the group's min_size is above 0 (AWS rejects it), and other inputs that cannot empty the group", () => {
    const { stack } = awsTask();
    const minSize = (stack.toTerraform() as { resource: { aws_autoscaling_group: Record<string, { min_size: number }> } }).resource.aws_autoscaling_group;
    expect(Object.values(minSize)[0]!.min_size).toBeGreaterThan(0);
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, DesiredCapacity: 0 }))).toEqual(
      because("the input leaves MinSize at the group's min_size \\d+: set MinSize 0 \\(capacity cannot go below MinSize\\)"));
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, MinSize: 1, MaxSize: 0 }))).toEqual(because("the input sets MinSize 1, use 0"));
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, MinSize: 0 }))).toEqual(
      because("the input sets neither MaxSize 0 nor DesiredCapacity 0 \\(MaxSize not set, DesiredCapacity not set\\)"));
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, MinSize: 0, MaxSize: 0, DesiredCapacity: 2 }))).toEqual(
      because("the input sets MaxSize 0 with DesiredCapacity 2, which AWS rejects"));
  });

  it("accepts MinSize 0 with MaxSize 0 (AWS lowers the desired capacity with the maximum), or with DesiredCapacity 0", () => {
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, MinSize: 0, MaxSize: 0 }))).toEqual([]);
    expect(withSchedule("target.input", JSON.stringify({ AutoScalingGroupName: group, MinSize: 0, DesiredCapacity: 0 }))).toEqual([]);
  });

  it("flags a DISABLED schedule and a target that does not call UpdateAutoScalingGroup", () => {
    expect(withSchedule("state", "DISABLED")).toEqual(because('state is "DISABLED"'));
    expect(withSchedule("target.arn", "arn:aws:scheduler:::aws-sdk:autoscaling:describeAutoScalingGroups")).toEqual(
      because('target arn "arn:aws:scheduler:::aws-sdk:autoscaling:describeAutoScalingGroups" does not end in autoscaling:updateAutoScalingGroup'));
    expect(withSchedule("state", "ENABLED")).toEqual([]);
  });

  it("flags a task group with only name_prefix: no schedule can name it (undefined no longer matches a missing AutoScalingGroupName)", () => {
    const { stack, task } = awsTask();
    new AutoscalingGroup(task, "extra", { namePrefix: "extra-", minSize: 0, maxSize: 1, availabilityZones: ["us-east-1a"] });
    new SchedulerSchedule(task, "extra-deadline", {
      scheduleExpression: "at(2030-01-01T00:00:00)", flexibleTimeWindow: { mode: "OFF" },
      target: { arn: "arn:aws:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup", roleArn: "arn:aws:iam::1:role/r", input: JSON.stringify({ MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }) },
    });
    expect(messages(stack, "HGPU-AWS-6")).toEqual([
      's/task/extra: HGPU-AWS-6 GPU tasks have a finite deadline: the group has no literal name (name not set, name_prefix "extra-"), so no deadline schedule in task s/task can name it: set name',
    ]);
  });
});
