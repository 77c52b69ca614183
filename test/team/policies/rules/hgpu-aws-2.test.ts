import { describe, expect, it } from "vitest";
import { awsImdsV2 } from "../../../../lib/team/policies/rules/hgpu-aws-2";
import { resourceAt, stackView } from "./aws-fixtures";

const NV = "which the pack cannot verify: use a literal value or suppress with a reason";
const finding = (detail: string) => ({ status: "non-compliant", detail });

function verdict(address: string, resources: Record<string, Record<string, unknown>>): unknown {
  return awsImdsV2.check(resourceAt(stackView(resources), address), { requiredTags: [] });
}

describe("HGPU-AWS-2 on plain stack views", () => {
  it.each([
    ["tokens required", { metadata_options: { http_tokens: "required" } }, "compliant"],
    ["the endpoint disabled", { metadata_options: { http_endpoint: "disabled", http_tokens: "optional" } }, "compliant"],
    ["tokens optional", { metadata_options: { http_endpoint: "enabled", http_tokens: "optional" } }, finding('metadata_options.http_tokens is "optional", use "required"')],
    ["no metadata_options", {}, finding('metadata_options.http_tokens is not set, use "required"')],
    ["tokens from an expression", { metadata_options: { http_tokens: "${var.tokens}" } }, { status: "non-compliant", detail: `metadata_options.http_tokens is "\${var.tokens}", ${NV}`, level: "error" }],
    ["the endpoint from an expression and tokens optional", { metadata_options: { http_endpoint: "${var.endpoint}", http_tokens: "optional" } }, finding(`metadata_options.http_endpoint is "\${var.endpoint}", ${NV}`)],
    ["the endpoint from an expression and tokens required", { metadata_options: { http_endpoint: "${var.endpoint}", http_tokens: "required" } }, "compliant"],
    ["dynamic metadata_options", { dynamic: { metadata_options: { for_each: "${var.m}" } } }, { status: "non-compliant", detail: `dynamic.metadata_options is {"for_each":"\${var.m}"}, ${NV}`, level: "error" }],
  ])("a launch template with %s", (_, config, expected) => {
    expect(verdict("aws_launch_template.lt", { "aws_launch_template.lt": config })).toEqual(expected);
  });

  const SPOT = 'launch_specification[1, 2] cannot require IMDSv2 (a launch specification has no metadata_options): launch from a launch template with http_tokens "required", or set aws_ec2_instance_metadata_defaults with http_tokens "required"';
  it.each([
    ["CPU specifications only", { launch_specification: [{ instance_type: "t3.large" }] }, {}, "not-applicable"],
    ["GPU specifications", { launch_specification: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge" }, { instance_type: "p5.48xlarge" }] }, {}, finding(SPOT)],
    ["GPU specifications and IMDSv2 defaults", { launch_specification: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge" }, { instance_type: "p5.48xlarge" }] }, { "aws_ec2_instance_metadata_defaults.d": { http_tokens: "required" } }, "compliant"],
    ["GPU specifications and optional defaults", { launch_specification: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge" }, { instance_type: "p5.48xlarge" }] }, { "aws_ec2_instance_metadata_defaults.d": { http_tokens: "optional" } }, finding(SPOT)],
  ])("a Spot fleet with %s", (_, fleet, others, expected) => {
    expect(verdict("aws_spot_fleet_request.f", { "aws_spot_fleet_request.f": fleet, ...others })).toEqual(expected);
  });
});
