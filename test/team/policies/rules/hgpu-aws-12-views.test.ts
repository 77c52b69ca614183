/**
 * HGPU-AWS-12 on plain views: which resources name every role, and which statements may pass one.
 */
import { describe, expect, it } from "vitest";
import { awsNoPassRoleOnAll, isEveryRole } from "../../../../lib/team/policies/rules/hgpu-aws-12";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";

const check = (policy: unknown) => awsNoPassRoleOnAll.check(
  { type: "aws_iam_policy", name: "p", address: "aws_iam_policy.p", path: "s/p", taggable: true, config: { policy }, stack: EMPTY_STACK },
  { requiredTags: [] },
);
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const flagged = (...details: string[]) => ({ status: "non-compliant", detail: details.join("; ") });

describe("HGPU-AWS-12 on one policy", () => {
  it("knows a resource that names every role", () => {
    expect(["*", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role*", "arn:aws-cn:iam::123456789012:*"].map(isEveryRole)).toEqual([true, true, true, true]);
    expect(["xarn:aws:iam::1:role/*", "arn:aws:iam::1:role/*x", "arn:aws:iam::1:role/ml-*", "arn:aws:s3:::*"].map(isEveryRole)).toEqual([false, false, false, false]);
  });

  it.each<[string, unknown, unknown]>([
    ["a policy from a variable", "${var.p}", flagged('policy is "${var.p}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["a Deny with an action from a variable", doc({ Effect: "Deny", Action: ["${var.a}"], Resource: "*" }), "compliant"],
    ["a NotAction that takes iam:PassRole back", doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }), "compliant"],
    ["an Allow with one action from a variable", doc({ Effect: "Allow", Action: ["s3:GetObject", "${var.a}"], Resource: "arn:aws:s3:::b/*" }), flagged('Statement[0] Action ["s3:GetObject","${var.a}"] is an expression that may allow iam:PassRole, which the pack cannot verify: use literal actions or suppress with a reason')],
    ["two statements passing every role", doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }, { Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::1:role/*" }), flagged(
      'Statement[0] allows iam:PassRole (Action ["iam:PassRole"]) on every role (Resource "*"): name the roles it may pass',
      'Statement[1] allows iam:PassRole (Action ["iam:*"]) on every role (Resource "arn:aws:iam::1:role/*"): name the roles it may pass',
    )],
  ])("%s", (_what, policy, expected) => {
    expect(check(policy)).toEqual(expected);
  });
});
