import { DataAwsIamPolicy } from "@cdktf/provider-aws/lib/data-aws-iam-policy";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamPolicyAttachment } from "@cdktf/provider-aws/lib/iam-policy-attachment";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { awsNoAdminPolicies } from "../../../../lib/team/policies/rules/hgpu-aws-11";
import { awsStack } from "../helpers";
import { resourceAt, stackView } from "./aws-fixtures";
import { expected, findings } from "./findings";

const ID = "HGPU-AWS-11";
const flagged = (...lines: [string, string][]) => expected("error", ID, "No administrator managed policies", ...lines);
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const because = (where: string, name: string, arn: string) => `${where} attaches the AWS managed policy ${name} (${JSON.stringify(arn)}): attach a policy with the actions and resources needed`;

describe("HGPU-AWS-11 No administrator managed policies", () => {
  it("Compliance: narrow AWS managed policies and customer managed policies, in any partition", () => {
    const stack = awsStack();
    const partition = new DataAwsPartition(stack, "partition");
    const own = new IamPolicy(stack, "own", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) });
    new IamRole(stack, "role", { assumeRolePolicy: TRUST, managedPolicyArns: [`arn:${partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`, own.arn] });
    new IamRolePolicyAttachment(stack, "ecr", { role: "r", policyArn: "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" });
    new IamRolePolicyAttachment(stack, "job-function", { role: "r", policyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess" });
    // boundary: a customer managed policy that happens to be named AdministratorAccess is the account's own (HGPU-AWS-10 reads it)
    new IamRolePolicyAttachment(stack, "namesake", { role: "r", policyArn: "arn:aws:iam::123456789012:policy/AdministratorAccess" });
    // boundary: AWS managed policies whose names only start like an administrator's
    new IamRolePolicyAttachment(stack, "amplify", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify" });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: AdministratorAccess, PowerUserAccess and IAMFullAccess through every kind of attachment and partition", () => {
    const stack = awsStack();
    const partition = new DataAwsPartition(stack, "partition");
    new IamRolePolicyAttachment(stack, "admin", { role: "r", policyArn: `arn:${partition.partition}:iam::aws:policy/AdministratorAccess` });
    new IamUserPolicyAttachment(stack, "power", { user: "u", policyArn: "arn:aws-cn:iam::aws:policy/PowerUserAccess" });
    new IamGroupPolicyAttachment(stack, "iam", { group: "g", policyArn: "arn:aws-us-gov:iam::aws:policy/IAMFullAccess" });
    new IamPolicyAttachment(stack, "legacy", { name: "legacy", roles: ["r"], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    new IamRole(stack, "role", { assumeRolePolicy: TRUST, managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/PowerUserAccess"] });
    const looked = new DataAwsIamPolicy(stack, "looked-up", { name: "AdministratorAccess" });
    new IamRolePolicyAttachment(stack, "by-data", { role: "r", policyArn: looked.arn });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/admin", because("policy_arn", "AdministratorAccess", "arn:${data.aws_partition.partition.partition}:iam::aws:policy/AdministratorAccess")],
      ["s/by-data", because("policy_arn", "AdministratorAccess", "${data.aws_iam_policy.looked-up.arn}")],
      ["s/power", because("policy_arn", "PowerUserAccess", "arn:aws-cn:iam::aws:policy/PowerUserAccess")],
      ["s/iam", because("policy_arn", "IAMFullAccess", "arn:aws-us-gov:iam::aws:policy/IAMFullAccess")],
      ["s/legacy", because("policy_arn", "AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")],
      ["s/role", because("managed_policy_arns[1]", "PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess")],
    ));
  });

  it("resolves a variable's default, and reports an ARN it cannot read as unverifiable", () => {
    const stack = awsStack();
    const byDefault = new TerraformVariable(stack, "admin-arn", { type: "string", default: "arn:aws:iam::aws:policy/AdministratorAccess" });
    const unknown = new TerraformVariable(stack, "policy-arn", { type: "string" });
    new IamRolePolicyAttachment(stack, "by-default", { role: "r", policyArn: byDefault.stringValue });
    new IamRolePolicyAttachment(stack, "unknown", { role: "r", policyArn: unknown.stringValue });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/by-default", because("policy_arn", "AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")],
      ["s/unknown", 'policy_arn is "${var.policy-arn}", which the pack cannot verify: use a literal value or suppress with a reason'],
    ));
  });
});

describe("HGPU-AWS-11 policy ARNs, one by one", () => {
  const NV = "which the pack cannot verify: use a literal value or suppress with a reason";
  const data = (type: string, name: string, config: Record<string, unknown>) => ({ type, name, address: `data.${type}.${name}`, config });
  const judge = (policyArn: unknown) => {
    const view = stackView({ "aws_iam_policy.own": { policy: "{}" }, "aws_iam_role.r": {}, "aws_iam_role_policy_attachment.a": { role: "r", policy_arn: policyArn } }, {
      dataSources: [
        data("aws_iam_policy", "admin", { arn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
        data("aws_iam_policy", "power", { name: "PowerUserAccess" }),
        data("aws_iam_policy", "readonly", { name: "ReadOnlyAccess" }),
        data("aws_iam_policy", "unknown", { name: "${var.policy}" }),
        data("aws_iam_role", "role", { name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
      ],
    });
    return awsNoAdminPolicies.check(resourceAt(view, "aws_iam_role_policy_attachment.a"), { requiredTags: [] });
  };
  const admin = (name: string, arn: string) => ({ status: "non-compliant", detail: because("policy_arn", name, arn) });
  const unverifiable = (arn: unknown) => ({ status: "non-compliant", detail: `policy_arn is ${JSON.stringify(arn)}, ${NV}` });

  it.each([
    [undefined, "compliant"],
    [null, "compliant"],
    ["${aws_iam_policy.own.arn}", "compliant"],
    ["arn:aws:iam::123456789012:policy/own", "compliant"],
    ["arn:${data.aws_partition.p.partition}:iam::123456789012:policy/own", "compliant"],
    ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:policy/own", "compliant"],
    ["${data.aws_iam_policy.readonly.arn}", "compliant"],
    ["${data.aws_iam_policy.admin.arn}", admin("AdministratorAccess", "${data.aws_iam_policy.admin.arn}")],
    ["${data.aws_iam_policy.power.arn}", admin("PowerUserAccess", "${data.aws_iam_policy.power.arn}")],
    ["${data.aws_iam_policy.unknown.arn}", unverifiable("${data.aws_iam_policy.unknown.arn}")],
    ["${data.aws_iam_policy.admin.name}", unverifiable("${data.aws_iam_policy.admin.name}")],
    ["${data.aws_iam_role.role.arn}", unverifiable("${data.aws_iam_role.role.arn}")],
    ["${aws_iam_role.r.arn}", unverifiable("${aws_iam_role.r.arn}")],
    ["arn:aws:iam::123456789012:policy/${var.name}", unverifiable("arn:aws:iam::123456789012:policy/${var.name}")],
    ["my-arn:aws:iam::123456789012:policy/own", unverifiable("my-arn:aws:iam::123456789012:policy/own")],
    ["arn:aws:iam::aws:policy/${var.name}", unverifiable("arn:aws:iam::aws:policy/${var.name}")],
    [5, unverifiable(5)],
  ])("%j", (arn, expected) => {
    expect(judge(arn)).toEqual(expected);
  });

  it("reports each item of a list", () => {
    const view = stackView({ "aws_iam_role.r": { managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "${var.p}"] } });
    expect(awsNoAdminPolicies.check(resourceAt(view, "aws_iam_role.r"), { requiredTags: [] })).toEqual({
      status: "non-compliant",
      detail: `${because("managed_policy_arns[1]", "AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")}; managed_policy_arns[2] is "\${var.p}", ${NV}`,
    });
  });
});
