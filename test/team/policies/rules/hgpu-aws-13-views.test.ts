/**
 * HGPU-AWS-13 on plain views: which resource types have their pre-shared keys, user data and
 * launch specifications read, and how each attribute is decoded.
 */
import { describe, expect, it } from "vitest";
import { awsNoPlainSecrets } from "../../../../lib/team/policies/rules/hgpu-aws-13";
import { ENCODED_SCRIPT as encoded, GH, GITHUB, checkOne, flagged } from "./secret-fixtures";

const check = (type: string, config: Record<string, unknown>) => checkOne(awsNoPlainSecrets, type, config);

describe("HGPU-AWS-13 on one resource", () => {
  it.each<[string, string, Record<string, unknown>, unknown]>([
    ["both pre-shared keys of a VPN connection", "aws_vpn_connection", { tunnel1_preshared_key: "abcdef123456", tunnel2_preshared_key: "${var.other}" }, flagged(
      "tunnel1_preshared_key is a literal key in the code (abcd... (12 characters)): use a sensitive variable or a secret store's data source",
      "tunnel2_preshared_key is variable other, which the stack does not declare, so the pack cannot verify it",
    )],
    ["a pre-shared key attribute on another type", "aws_customer_gateway", { tunnel1_preshared_key: "abcdef123456" }, "compliant"],
    ["an instance's user_data (plain) and user_data_base64 (decoded)", "aws_instance", { user_data: encoded, user_data_base64: encoded }, flagged(`user_data (base64-encoded text) holds ${GH}`, `user_data_base64 holds ${GH}`)],
    ["a launch template's user_data (decoded)", "aws_launch_template", { user_data: encoded }, flagged(`user_data holds ${GH}`)],
    ["user data on a type without it", "aws_s3_bucket", { user_data: encoded }, "compliant"],
    ["a spot fleet's launch specifications (plain text)", "aws_spot_fleet_request", { launch_specification: [{ ami: "ami-1" }, { user_data: encoded }] }, flagged(`launch_specification[1].user_data (base64-encoded text) holds ${GH}`)],
    ["a spot fleet's one launch specification", "aws_spot_fleet_request", { launch_specification: { user_data: `GH=${GITHUB}` } }, flagged(`launch_specification[0].user_data holds ${GH}`)],
    ["a spot fleet without launch specifications", "aws_spot_fleet_request", { iam_fleet_role: "arn:aws:iam::1:role/f" }, "compliant"],
    ["launch specifications on another type", "aws_ec2_fleet", { launch_specification: [{ user_data: `GH=${GITHUB}` }] }, "compliant"],
    ["tags of any AWS resource", "aws_s3_bucket", { tags: { token: GITHUB } }, flagged(`tags "token" holds ${GH}`)],
  ])("%s", (_what, type, config, expected) => {
    expect(check(type, config)).toEqual(expected);
  });
});
