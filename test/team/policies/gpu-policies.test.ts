import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { HybridTrainingStack, TrainingTaskStack } from "../../../examples/hybrid-training/main";
import { AwsGpuCluster } from "../../../lib/aws/gpu-cluster";
import { AwsLustreStorage } from "../../../lib/aws/lustre-storage";
import { AwsNetwork } from "../../../lib/aws/network";
import { AzureGpuCluster } from "../../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../../lib/azure/network";
import { GpuTask } from "../../../lib/task/gpu-task";
import { DEFAULT_REQUIRED_TAGS, GPU_POLICY_RULES, GpuPolicies, evaluateGpuPolicies } from "../../../lib/team/policies";
import { TeamStack } from "../../../lib/team/team-stack";
import { SSH_KEY, allAnnotations, annotations, awsStack, azureStack, validationErrorOf } from "./helpers";
import { synthErrorsOf } from "../../helpers";

const PUBLIC_IP = "s/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0] set associate_public_ip_address to true";
const IMDS_V1 = 's/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"';

/** A launch template with two error findings (public IP, IMDSv1). */
function badTemplate(scope: Construct): LaunchTemplate {
  return new LaunchTemplate(scope, "lt", {
    instanceType: "g5.xlarge",
    metadataOptions: { httpTokens: "optional" },
    blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }],
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }],
  });
}

function withPolicies(stack: TerraformStack, options: ConstructorParameters<typeof GpuPolicies>[0] = { requiredTags: [] }): TerraformStack {
  Aspects.of(stack).add(new GpuPolicies(options));
  return stack;
}

describe("GpuPolicies: the pack", () => {
  it("has unique IDs, a level, a title, an explanation and resource types on every rule", () => {
    const ids = GPU_POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of GPU_POLICY_RULES) {
      expect(rule.id).toMatch(/^HGPU-(AWS|AZ|TF)-\d+$/);
      expect(["error", "warning"]).toContain(rule.level);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(80);
      expect(rule.appliesTo.length).toBeGreaterThan(0);
    }
    expect(GPU_POLICY_RULES.filter((r) => r.level === "warning").map((r) => r.id)).toEqual(expect.arrayContaining(["HGPU-AWS-8", "HGPU-AZ-4", "HGPU-TF-1"]));
    expect(DEFAULT_REQUIRED_TAGS).toEqual(["team", "cost-center", "managed-by"]);
  });
});

describe("GpuPolicies: errors fail synth", () => {
  it("lists every error finding in the Testing.synth(stack, true) failure", () => {
    const stack = withPolicies(awsStack());
    badTemplate(stack);
    const message = synthErrorsOf(() => Testing.synth(stack, true));
    expect(message).toEqual([PUBLIC_IP, IMDS_V1]);
  });

  it("fails app.synth() the same way (applied to every stack of the app with applyTo)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    badTemplate(stack);
    GpuPolicies.applyTo(app, { requiredTags: [] });
    const message = synthErrorsOf(() => app.synth());
    expect(message).toContain(PUBLIC_IP);
    expect(message).toContain(IMDS_V1);
  });

  it("applyTo leaves a stack that already has the pack (a TeamStack) alone: each finding is reported once", () => {
    const app = Testing.app();
    const team = new TeamStack(app, "team", { team: "ml", costCenter: "cc-1", environment: "dev", backend: { type: "local" }, aws: { region: "us-east-1" } });
    badTemplate(team);
    const plain = new TerraformStack(app, "plain");
    new AwsProvider(plain, "aws", { region: "us-east-1" });
    GpuPolicies.applyTo(app, { requiredTags: [] });
    expect(Aspects.of(team).all.filter((a) => a instanceof GpuPolicies)).toHaveLength(1);
    expect(Aspects.of(plain).all.filter((a) => a instanceof GpuPolicies)).toHaveLength(1);
    const messages = synthErrorsOf(() => app.synth());
    expect(messages.filter((m) => m === IMDS_V1.replace("s/lt", "team/lt"))).toHaveLength(1);
  });

  it("is not reached through Aspects.of(app): cdktf 0.21 invokes Aspects from each stack down", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    badTemplate(stack);
    Aspects.of(app).add(new GpuPolicies({ requiredTags: [] }));
    expect(() => app.synth()).not.toThrow();
  });

  it("passes a compliant stack", () => {
    const stack = withPolicies(awsStack());
    new LaunchTemplate(stack, "lt", { metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it("judges the synthesized JSON: addOverride on an L1 and resources written with stack.addOverride", () => {
    const stack = withPolicies(awsStack());
    const lt = new LaunchTemplate(stack, "lt", { metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }] });
    lt.addOverride("metadata_options.http_tokens", "optional");
    stack.addOverride("resource.aws_instance.raw", { ami: "ami-1", associate_public_ip_address: true, metadata_options: { http_tokens: "required" }, root_block_device: { encrypted: true } });
    const message = synthErrorsOf(() => Testing.synth(stack, true));
    expect(message).toContain(IMDS_V1);
    expect(message).toContain("s/aws_instance.raw: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true");
  });

  it("judges only the subtree the Aspect was added to", () => {
    const stack = awsStack();
    badTemplate(stack);
    const team = new Construct(stack, "team");
    new Instance(team, "vm", { ami: "ami-1", associatePublicIpAddress: true, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
    Aspects.of(team).add(new GpuPolicies({ requiredTags: [] }));
    const message = synthErrorsOf(() => Testing.synth(stack, true));
    // the template outside the subtree, with the same problems, is not judged
    expect(message).toEqual(["s/team/vm: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true"]);
  });
});

describe("GpuPolicies: warnings", () => {
  it("become warning annotations on the resource and do not fail synth", () => {
    const stack = withPolicies(awsStack());
    const lt = new LaunchTemplate(stack, "lt", {
      instanceType: "p5.48xlarge", metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }],
      networkInterfaces: [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "efa", associatePublicIpAddress: "false" }],
    });
    new AutoscalingGroup(stack, "asg", { minSize: 2, maxSize: 2, availabilityZones: ["us-east-1a"], launchTemplate: { id: lt.id } });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    Testing.synth(stack, true); // a second synth adds no duplicate
    expect(annotations(lt, "warn")).toEqual(["s/lt: HGPU-AWS-8 Multi-node GPU clusters use their full fabric: 1 of 32 network cards of p5.48xlarge carry an EFA interface, for 2 nodes"]);
  });
});

describe("GpuPolicies: suppression", () => {
  it("turns a suppressed error into an info annotation with the reason", () => {
    const stack = withPolicies(awsStack());
    const lt = badTemplate(stack);
    GpuPolicies.suppress(lt, "HGPU-AWS-1", "bastion template, reviewed in SEC-123");
    GpuPolicies.suppress(lt, "HGPU-AWS-2", "legacy agent needs IMDSv1 until 2025-01");
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(annotations(lt, "info")).toEqual([
      `${PUBLIC_IP} (suppressed: bastion template, reviewed in SEC-123)`,
      `${IMDS_V1} (suppressed: legacy agent needs IMDSv1 until 2025-01)`,
    ]);
  });

  it("applies a suppression on a construct to every resource under it, for that rule only", () => {
    const stack = withPolicies(awsStack());
    const group = new Construct(stack, "group");
    badTemplate(group);
    GpuPolicies.suppress(group, "HGPU-AWS-1", "bastion hosts, reviewed in SEC-123");
    const message = synthErrorsOf(() => Testing.synth(stack, true));
    expect(message).toEqual(['s/group/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"']);
  });

  it("refuses a suppression on the app: it would silence the rule in every stack", () => {
    const stack = awsStack();
    expect(validationErrorOf(() => GpuPolicies.suppress(stack.node.scope!, "HGPU-AWS-1", "a long enough reason"))).toBe(
      'App: scope "(the app)" is not valid for suppressing HGPU-AWS-1: suppress on a stack or a construct in one: a suppression on the app would silence the rule in every stack');
  });

  it("requires a reason of at least 20 characters and a known rule ID", () => {
    const stack = awsStack();
    const lt = badTemplate(stack);
    expect(validationErrorOf(() => GpuPolicies.suppress(lt, "HGPU-AWS-1", "reviewed in SEC-123"))).toBe(
      's/lt: reason "reviewed in SEC-123" is not valid for suppressing HGPU-AWS-1: say in at least 20 characters why HGPU-AWS-1 does not apply here');
    expect(() => GpuPolicies.suppress(lt, "HGPU-AWS-1", "reviewed in SEC-1234")).not.toThrow();
    expect(validationErrorOf(() => GpuPolicies.suppress(lt, "HGPU-AWS-1", undefined as unknown as string))).toBe(
      "s/lt: reason (missing) is not valid for suppressing HGPU-AWS-1: say in at least 20 characters why HGPU-AWS-1 does not apply here");
    expect(validationErrorOf(() => GpuPolicies.suppress(lt, "HGPU-AWS-99", "a long enough reason"))).toMatch(
      /^s\/lt: ruleId "HGPU-AWS-99" is not valid for a policy suppression: use a rule ID of the pack: HGPU-AWS-1, HGPU-AWS-2, /);
  });
});

describe("GpuPolicies: options", () => {
  it("skips excluded rules, and says so on the stack", () => {
    const stack = withPolicies(awsStack(), { requiredTags: [], exclude: ["HGPU-AWS-1", "HGPU-AWS-2"] });
    badTemplate(stack);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(annotations(stack, "info")).toEqual([
      "GpuPolicies: rules excluded for this stack: HGPU-AWS-1, HGPU-AWS-2",
      "GpuPolicies: requiredTags is empty, so HGPU-AWS-7 and HGPU-AZ-7 check no tags",
    ]);
  });

  it("says nothing on the stack when no rule is excluded and tags are required", () => {
    const stack = withPolicies(awsStack(), { requiredTags: ["team"] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(annotations(stack, "info")).toEqual([]);
  });

  it("rejects unknown rule IDs in exclude and empty tag keys", () => {
    expect(validationErrorOf(() => new GpuPolicies({ exclude: ["HGPU-AWS-42"] }))).toMatch(/^GpuPolicies: exclude "HGPU-AWS-42" is not valid: use rule IDs of the pack: HGPU-AWS-1, /);
    expect(validationErrorOf(() => new GpuPolicies({ requiredTags: ["team", ""] }))).toBe('GpuPolicies: requiredTags ["team",""] is not valid: use non-empty tag keys');
  });

  it("requires the default tags unless requiredTags says otherwise", () => {
    const stack = awsStack();
    new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16", tags: { team: "ml" } });
    expect(evaluateGpuPolicies(stack).map((f) => f.message)).toEqual([
      "s/vpc: HGPU-AWS-7 Required tags are present: missing tags cost-center, managed-by (own tags plus the provider's default_tags)",
    ]);
    expect(evaluateGpuPolicies(stack, { requiredTags: ["team"] })).toEqual([]);
  });
});

describe("GpuPolicies: the library's own constructs comply", () => {
  it("examples/hybrid-training: both stacks synthesize with no finding (requiredTags [])", () => {
    const app = Testing.app();
    const hybrid = new HybridTrainingStack(app, "hybrid-training");
    const task = new TrainingTaskStack(app, "training-task");
    const policies = GpuPolicies.applyTo(app, { requiredTags: [] });
    expect(() => app.synth()).not.toThrow();
    const findings = [...policies.findings(hybrid), ...policies.findings(task)];
    expect(findings.filter((f) => f.level === "error")).toEqual([]);
    // The same stacks with a bad resource added do fail: the policies really ran.
    badTemplate(task);
    expect(synthErrorsOf(() => app.synth())).toEqual([
      "training-task/lt: HGPU-AWS-1 GPU nodes have no public IP: network_interfaces[0] set associate_public_ip_address to true",
      'training-task/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"',
    ]);
    // Findings ("<path>: HGPU-... <title>: ..."), not the stack's note that requiredTags is empty.
    const finding = /: HGPU-(AWS|AZ)-\d+ /;
    for (const stack of [hybrid, task]) {
      expect(allAnnotations(stack, "warn").filter((m) => finding.test(m)).sort()).toEqual(findings.filter((f) => f.path.startsWith(`${stack.node.path}/`)).map((f) => f.message).sort());
      expect(allAnnotations(stack, "info").filter((m) => finding.test(m))).toEqual([]);
      expect(allAnnotations(stack, "info")).toContain("GpuPolicies: requiredTags is empty, so HGPU-AWS-7 and HGPU-AZ-7 check no tags");
    }
  });

  it("an AWS cluster with FSx, and an AWS GpuTask, pass every rule including tags when the provider carries the team tags", () => {
    const stack = awsStack({ defaultTags: [{ tags: { team: "ml", "cost-center": "cc-1", "managed-by": "cdktf-hybrid-gpu" } }] });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
    const storage = new AwsLustreStorage(stack, "data", { network, zone: "use1-az4", storageCapacityGiB: 4800, throughputPerTiB: 250 });
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 4, zone: "use1-az4", storage });
    new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["aws"], command: ["train.py"], regions: ["us-east-1"] });
    withPolicies(stack, {});
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(evaluateGpuPolicies(stack)).toEqual([]);
  });

  it("an Azure cluster and an Azure GpuTask pass every error rule (requiredTags []); the task's runs account draws the HGPU-AZ-5 network warning", () => {
    const stack = withPolicies(azureStack());
    const network = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus" });
    new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, sshPublicKey: SSH_KEY });
    new GpuTask(stack, "task", { name: "az-train", gpus: 16, clouds: ["azure"], command: ["train.py"], azure: { sshPublicKey: SSH_KEY } });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    // The runs account is read by the launcher from outside the VNet, so GpuTask leaves its public endpoint on.
    expect(evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AZ-5").map((f) => [f.level, f.ruleId, f.path])).toEqual([["warning", "HGPU-AZ-5", "s/task/runs"]]);
  });

  it("an AwsGpuCluster in a TeamStack passes HGPU-AWS-7: the team's tags reach its tag_specifications for instance and volume", () => {
    const stack = new TeamStack(Testing.app(), "vision", { team: "vision", costCenter: "cc-200", environment: "prod", backend: { type: "local" }, aws: { region: "us-east-1" } });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2 });
    const tf = JSON.parse(Testing.synth(stack, true));
    const template = Object.values(tf.resource.aws_launch_template)[0] as { tag_specifications: { resource_type: string; tags: Record<string, string> }[] };
    const specs = template.tag_specifications;
    for (const type of ["instance", "volume"]) {
      expect(Object.keys(specs.find((s) => s.resource_type === type)!.tags)).toEqual(expect.arrayContaining([...DEFAULT_REQUIRED_TAGS]));
    }
    expect(evaluateGpuPolicies(stack).filter((f) => f.ruleId === "HGPU-AWS-7")).toEqual([]);
    // A hand-written template in the same stack, whose volumes carry only a Name, fails.
    new LaunchTemplate(stack, "lt", {
      instanceType: "g5.xlarge", metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }],
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [cluster.securityGroup.id] }],
      tagSpecifications: [{ resourceType: "instance", tags: { ...stack.teamTags } }, { resourceType: "volume", tags: { Name: "scratch" } }],
    });
    expect(synthErrorsOf(() => Testing.synth(stack, true))).toContain(
      "vision/lt: HGPU-AWS-7 Required tags are present: missing tags team, cost-center, managed-by in tag_specifications for resource_type volume (the provider's default_tags do not reach launched volumes)");
  });

  it("without team tags, the library's resources fail the default required tags (HGPU-AWS-7, HGPU-AZ-7)", () => {
    const app = Testing.app();
    const hybrid = new HybridTrainingStack(app, "hybrid-training");
    const ids = new Set(evaluateGpuPolicies(hybrid).filter((f) => f.level === "error").map((f) => f.ruleId));
    expect([...ids].sort()).toEqual(["HGPU-AWS-7", "HGPU-AZ-7"]);
  });
});

describe("GpuPolicies: brand, required tag keys, suppressions of a construct", () => {
  it("isGpuPolicies is true for a pack only, not for a function carrying the brand", () => {
    const branded = Object.assign(() => 1, { [Symbol.for("cdktf-hybrid-gpu.GpuPolicies")]: true });
    expect([GpuPolicies.isGpuPolicies(new GpuPolicies()), GpuPolicies.isGpuPolicies(branded), GpuPolicies.isGpuPolicies(null), GpuPolicies.isGpuPolicies({})])
      .toEqual([true, false, false, false]);
  });
  it("refuses a blank required tag key and one that is not text", () => {
    expect(validationErrorOf(() => new GpuPolicies({ requiredTags: ["team", "  "] }))).toBe('GpuPolicies: requiredTags ["team","  "] is not valid: use non-empty tag keys');
    expect(validationErrorOf(() => new GpuPolicies({ requiredTags: ["team", 5 as unknown as string] }))).toBe('GpuPolicies: requiredTags ["team",5] is not valid: use non-empty tag keys');
  });
  it("suppressionsOf lists the suppressions of the construct's stack recorded on it or above it", () => {
    const stack = awsStack();
    const a = new Construct(stack, "a");
    const b = new Construct(stack, "b");
    GpuPolicies.suppress(a, "HGPU-AWS-2", "bastion hosts, reviewed in SEC-123");
    GpuPolicies.suppress(stack, "HGPU-AWS-3", "whole stack, reviewed in SEC-124", { wholeStack: true });
    expect(GpuPolicies.suppressionsOf(a).map((s) => `${s.ruleId} ${s.scope}`)).toEqual(["HGPU-AWS-3 s", "HGPU-AWS-2 s/a"]);
    expect(GpuPolicies.suppressionsOf(b).map((s) => `${s.ruleId} ${s.scope}`)).toEqual(["HGPU-AWS-3 s"]);
    expect(GpuPolicies.suppressionsOf(stack.node.scope!)).toEqual([]);
  });
});
