import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { isEveryRole } from "../../../../lib/team/policies/rules/hgpu-aws-12";
import { awsStack } from "../helpers";
import { expected, findings } from "./findings";

const ID = "HGPU-AWS-12";
const flagged = (...lines: [string, string][]) => expected("error", ID, "IAM policies pass only named roles", ...lines);
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const TRUST = doc({ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" });

describe("HGPU-AWS-12 IAM policies pass only named roles", () => {
  it("Compliance: iam:PassRole on named roles (an ARN, a reference, a path prefix), and Deny statements", () => {
    const stack = awsStack();
    const role = new IamRole(stack, "target", { assumeRolePolicy: TRUST });
    new IamPolicy(stack, "named", { policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: ["arn:aws:iam::123456789012:role/scheduler-deadline", role.arn] }) });
    // boundary: a path prefix names a set of roles, not every role
    new IamPolicy(stack, "prefix", { policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/hgpu/*" }) });
    new IamPolicy(stack, "deny", { policy: doc({ Effect: "Deny", Action: "iam:PassRole", Resource: "*" }) });
    new IamPolicy(stack, "others", { policy: doc({ Effect: "Allow", Action: ["iam:GetRole", "ec2:Describe*"], Resource: "*" }) });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: iam:PassRole by name, iam:*, *, or a NotAction that leaves it out, on every role", () => {
    const stack = awsStack();
    new IamPolicy(stack, "star", { policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }) });
    new IamPolicy(stack, "iam-all", { policy: doc({ Sid: "Wide", Effect: "Allow", Action: ["iam:*"], Resource: "arn:aws:iam::123456789012:role/*" }) });
    new IamPolicy(stack, "not-action", { policy: doc({ Effect: "Allow", NotAction: "s3:*", Resource: "arn:aws-us-gov:iam::123456789012:*" }) });
    new IamPolicy(stack, "not-resource", { policy: doc({ Effect: "Allow", Action: "iam:Pass*", NotResource: "arn:aws:iam::123456789012:role/admin" }) });
    const document = new DataAwsIamPolicyDocument(stack, "document", { statement: [{ actions: ["*"], resources: ["*"] }] });
    new IamRolePolicy(stack, "from-document", { role: "r", policy: document.json });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/star", 'Statement[0] allows iam:PassRole (Action ["iam:PassRole"]) on every role (Resource "*"): name the roles it may pass'],
      ["s/iam-all", 'Statement[0] (Sid "Wide") allows iam:PassRole (Action ["iam:*"]) on every role (Resource "arn:aws:iam::123456789012:role/*"): name the roles it may pass'],
      ["s/not-action", 'Statement[0] allows iam:PassRole (NotAction ["s3:*"]) on every role (Resource "arn:aws-us-gov:iam::123456789012:*"): name the roles it may pass'],
      ["s/not-resource", 'Statement[0] allows iam:PassRole (Action ["iam:Pass*"]) on every role except ["arn:aws:iam::123456789012:role/admin"] (NotResource): name the roles it may pass'],
      ["s/from-document", 'data.aws_iam_policy_document.document statement[0] allows iam:PassRole (Action ["*"]) on every role (Resource "*"): name the roles it may pass'],
    ));
  });

  it("boundary: which resources name every role", () => {
    expect(["*", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::*:role/*", "arn:aws-cn:iam::123456789012:*", "arn:aws:iam::123456789012:role*"].filter((r) => !isEveryRole(r))).toEqual([]);
    expect(["arn:aws:iam::123456789012:role/hgpu/*", "arn:aws:iam::123456789012:role/deadline", "arn:aws:s3:::*"].filter(isEveryRole)).toEqual([]);
  });

  it("reports an action or a resource it cannot read as unverifiable", () => {
    const stack = awsStack();
    const action = new TerraformVariable(stack, "action", { type: "string" });
    const roles = new TerraformVariable(stack, "roles", { type: "string" });
    new IamPolicy(stack, "by-action", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: action.stringValue, Resource: "*" }] }) });
    new IamPolicy(stack, "resource", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: roles.stringValue }] }) });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/by-action", 'Statement[0] Action ["${var.action}"] is an expression that may allow iam:PassRole, which the pack cannot verify: use literal actions or suppress with a reason'],
      ["s/resource", 'Statement[0] allows iam:PassRole (Action ["iam:PassRole"]) on Resource "${var.roles}", an expression the pack cannot verify: use role ARNs or references to roles of the stack, or suppress with a reason'],
    ));
  });
});
