import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Aspects, Testing, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { formatReport, readOutdir, reportStacks } from "../../../lib/report/report";
import { formatSummaries, summarizeStack } from "../../../lib/report/summary";
import { GpuPolicies } from "../../../lib/team/policies";
import { recordSuppression, suppressionsIn } from "../../../lib/team/policies/suppressions";
import { TeamStack } from "../../../lib/team/team-stack";
import { annotations, awsStack, validationErrorOf } from "./helpers";
import { synthErrorsOf } from "../../helpers";

const REASON = "bastion hosts, reviewed in SEC-123";
const IMDS = (path: string) => `${path}: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is "optional", use "required"`;

/** A stack with two templates that break HGPU-AWS-2 (one under a construct "team") and a raw instance that does too. */
function twoTemplates(): { stack: TerraformStack; a: LaunchTemplate; b: LaunchTemplate } {
  const stack = awsStack();
  const lt = (scope: Construct, id: string) => new LaunchTemplate(scope, id, { metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }] });
  const a = lt(stack, "a");
  const b = lt(new Construct(stack, "team"), "b");
  stack.addOverride("resource.aws_instance.raw", { ami: "ami-1", metadata_options: { http_tokens: "optional" }, root_block_device: { encrypted: true } });
  Aspects.of(stack).add(new GpuPolicies({ requiredTags: [] }));
  return { stack, a, b };
}

describe("GpuPolicies.suppress: narrow by default", () => {
  it("refuses a suppression on a whole stack without appliesTo or { wholeStack: true }", () => {
    const { stack } = twoTemplates();
    expect(validationErrorOf(() => GpuPolicies.suppress(stack, "HGPU-AWS-2", REASON))).toBe(
      's: scope "s" is not valid for suppressing HGPU-AWS-2: suppress on the resource, or name resources with appliesTo; to silence HGPU-AWS-2 on every resource of the stack, pass { wholeStack: true }');
  });

  it("refuses wholeStack below a stack, and an empty appliesTo", () => {
    const { a } = twoTemplates();
    expect(validationErrorOf(() => GpuPolicies.suppress(a, "HGPU-AWS-2", REASON, { wholeStack: true }))).toBe(
      "s/a: wholeStack true is not valid for suppressing HGPU-AWS-2: use wholeStack only on a stack: s/a is a construct in stack s");
    expect(validationErrorOf(() => GpuPolicies.suppress(a, "HGPU-AWS-2", REASON, { appliesTo: [] }))).toBe(
      "s/a: appliesTo [] is not valid for suppressing HGPU-AWS-2: list the Terraform addresses or construct paths the suppression covers (at least one, none empty)");
  });

  it("narrows a stack's suppression to the resources appliesTo names, by address (raw resources too) or construct path", () => {
    const { stack } = twoTemplates();
    GpuPolicies.suppress(stack, "HGPU-AWS-2", REASON, { appliesTo: ["aws_instance.raw", "s/team"] });
    expect(synthErrorsOf(() => Testing.synth(stack, true))).toEqual([IMDS("s/a")]);
    expect(annotations(stack, "info")).toContain(`${IMDS("s/aws_instance.raw")} (suppressed: ${REASON})`);
  });

  it("silences every resource of the stack with { wholeStack: true }, for that rule only", () => {
    const { stack } = twoTemplates();
    GpuPolicies.suppress(stack, "HGPU-AWS-2", REASON, { wholeStack: true });
    GpuPolicies.suppress(stack, "HGPU-AWS-1", "no GPU types in this stack at all", { wholeStack: true });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it("records every suppression with its reason and what it silenced in the stack's JSON, and the synth summary lists them", () => {
    const { stack, a } = twoTemplates();
    GpuPolicies.suppress(a, "HGPU-AWS-2", REASON);
    GpuPolicies.suppress(stack, "HGPU-AWS-2", "the raw instance is a build host, SEC-7", { appliesTo: ["aws_instance.raw"] });
    GpuPolicies.suppress(stack, "HGPU-AWS-3", "nothing to silence, kept to show it here", { appliesTo: ["aws_ebs_volume.none"] });
    expect(synthErrorsOf(() => Testing.synth(stack, true))).toContain(IMDS("s/team/b"));
    const tf = stack.toTerraform() as Record<string, unknown>;
    const summary = summarizeStack("s", "stacks/s/cdk.tf.json", tf);
    expect(summary.policies).toEqual({
      excluded: [],
      suppressions: [
        { ruleId: "HGPU-AWS-2", reason: "the raw instance is a build host, SEC-7", scope: "s", appliesTo: ["aws_instance.raw"], suppressed: [IMDS("s/aws_instance.raw")] },
        { ruleId: "HGPU-AWS-3", reason: "nothing to silence, kept to show it here", scope: "s", appliesTo: ["aws_ebs_volume.none"], suppressed: [] },
        { ruleId: "HGPU-AWS-2", reason: REASON, scope: "s/a", suppressed: [IMDS("s/a")] },
      ],
    });
    expect(formatSummaries([summary]).split("\n").filter((l) => l.includes("policy"))).toEqual([
      '  policy suppression HGPU-AWS-2 on s (aws_instance.raw), silences 1 finding: "the raw instance is a build host, SEC-7"',
      '  policy suppression HGPU-AWS-3 on s (aws_ebs_volume.none), silences nothing: "nothing to silence, kept to show it here"',
      `  policy suppression HGPU-AWS-2 on s/a, silences 1 finding: "${REASON}"`,
    ]);
  });
});

describe("the synth summary of an app", () => {
  it("lists a suppression from the synthesized JSON (what hgpu synth prints)", () => {
    const app = Testing.app();
    GpuPolicies.applyTo(app, { requiredTags: [] });
    const alb = new SecurityGroup(awsStack({}, app), "alb", { name: "alb", ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    GpuPolicies.suppress(alb, "HGPU-AWS-9", "public load balancer, reviewed in SEC-9");
    app.synth();
    const lines = formatReport(reportStacks(readOutdir(app.outdir))).split("\n").filter((l) => l.includes("policy"));
    expect(lines).toEqual(['  policy suppression HGPU-AWS-9 on s/alb, silences 1 finding: "public load balancer, reviewed in SEC-9"']);
  });
});

describe("policies: false on a TeamStack", () => {
  it("is a warning on the app and on the stack, and the summary says the pack is off", () => {
    const app = Testing.app();
    const stack = new TeamStack(app, "vision", { team: "vision", costCenter: "cc-200", environment: "prod", backend: { type: "local" }, aws: { region: "us-east-1" }, policies: false });
    new Instance(stack, "vm", { ami: "ami-1", instanceType: "p5.48xlarge", associatePublicIpAddress: true });
    const message = "vision: policies: false turns the GpuPolicies pack off for this stack: nothing judges its resources unless GpuPolicies.applyTo(app) covers it";
    expect(annotations(app, "warn")).toEqual([message]);
    expect(annotations(stack, "warn")).toEqual([message]);
    expect(() => app.synth()).not.toThrow();
    const summary = formatSummaries([summarizeStack("vision", "f", stack.toTerraform() as Record<string, unknown>)]);
    expect(summary).toContain(`  policies off: ${message}`);
  });
});

describe("recordSuppression: what is recorded", () => {
  const APPLIES = "list the Terraform addresses or construct paths the suppression covers (at least one, none empty)";
  it("trims the reason and the appliesTo entries, and marks a whole-stack suppression", () => {
    const stack = awsStack();
    const a = new Construct(stack, "a");
    recordSuppression(a, "HGPU-AWS-2", `  ${REASON}  `, { appliesTo: [" s/a/x ", "aws_instance.y"] });
    recordSuppression(stack, "HGPU-AWS-3", REASON, { wholeStack: true });
    recordSuppression(stack, "HGPU-AWS-4", REASON, { appliesTo: ["s/a"], wholeStack: false });
    expect(suppressionsIn(stack)).toEqual([
      { ruleId: "HGPU-AWS-3", reason: REASON, scope: "s", wholeStack: true },
      { ruleId: "HGPU-AWS-4", reason: REASON, scope: "s", appliesTo: ["s/a"] },
      { ruleId: "HGPU-AWS-2", reason: REASON, scope: "s/a", appliesTo: ["s/a/x", "aws_instance.y"] },
    ]);
  });
  it("refuses a reason that is long enough only with its spaces, and appliesTo entries that are empty or not text", () => {
    const stack = awsStack();
    const a = new Construct(stack, "a");
    expect(validationErrorOf(() => recordSuppression(a, "HGPU-AWS-2", `${" ".repeat(10)}nineteen characters${" ".repeat(10)}`)))
      .toBe(`s/a: reason "${" ".repeat(10)}nineteen characters${" ".repeat(10)}" is not valid for suppressing HGPU-AWS-2: say in at least 20 characters why HGPU-AWS-2 does not apply here`);
    recordSuppression(a, "HGPU-AWS-2", "twenty characters ok");
    expect(suppressionsIn(stack).map((x) => x.reason)).toEqual(["twenty characters ok"]);
    expect(validationErrorOf(() => recordSuppression(a, "HGPU-AWS-2", REASON, { appliesTo: ["s/a", "  "] })))
      .toBe(`s/a: appliesTo ["s/a","  "] is not valid for suppressing HGPU-AWS-2: ${APPLIES}`);
    expect(validationErrorOf(() => recordSuppression(a, "HGPU-AWS-2", REASON, { appliesTo: ["s/a", 5 as unknown as string] })))
      .toBe(`s/a: appliesTo ["s/a",5] is not valid for suppressing HGPU-AWS-2: ${APPLIES}`);
  });
});
