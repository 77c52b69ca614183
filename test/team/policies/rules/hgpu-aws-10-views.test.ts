/**
 * HGPU-AWS-10 on plain views: read-only actions, NotAction and NotResource, unresolved effects,
 * actions and resources, and the one action left to HGPU-AWS-12.
 */
import { describe, expect, it } from "vitest";
import { awsNoWildcardIam, isReadOnlyAction } from "../../../../lib/team/policies/rules/hgpu-aws-10";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";

const check = (...statements: unknown[]) => awsNoWildcardIam.check(
  { type: "aws_iam_policy", name: "p", address: "aws_iam_policy.p", path: "s/p", taggable: true, config: { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, stack: EMPTY_STACK },
  { requiredTags: [] },
);
const flagged = (...details: string[]) => ({ status: "non-compliant", detail: details.join("; ") });

describe("HGPU-AWS-10 on one policy", () => {
  it("tells read-only actions by the start of their name", () => {
    expect(["ec2:DescribeInstances", "s3:ListBucket", "iam:GetRole", "ec2:describe*"].map(isReadOnlyAction)).toEqual([true, true, true, true]);
    expect(["elasticloadbalancing:ModifyListener", "ec2:RunInstances", "describe", "s3:GetObject", "s3:Get*"].map(isReadOnlyAction)).toEqual([false, false, false, false, false]);
  });

  it.each<[string, unknown[], unknown]>([
    ["a Deny", [{ Effect: "Deny", Action: "*", Resource: "*" }], "compliant"],
    ["an Effect from a variable", [{ Effect: "${var.e}", Action: "*", Resource: "*" }], flagged('Statement[0] Effect is "${var.e}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["NotResource with Action", [{ Effect: "Allow", Action: ["s3:PutObject"], NotResource: ["arn:aws:s3:::b/*"] }], flagged('Statement[0] allows ["s3:PutObject"] on every resource except ["arn:aws:s3:::b/*"] (NotResource): list the resources instead')],
    ["NotResource with NotAction", [{ Effect: "Allow", NotAction: ["iam:*"], NotResource: ["arn:x"] }], flagged(
      'Statement[0] allows every action except ["iam:*"] (NotAction): list the actions it needs instead',
      'Statement[0] allows them on every resource except ["arn:x"] (NotResource): list the resources instead',
    )],
    ["NotResource with a write and Resource *", [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*", NotResource: "arn:x" }], flagged('Statement[0] allows ["s3:PutObject"] on every resource except ["arn:x"] (NotResource): list the resources instead')],
    ["iam:PassRole on *", [{ Effect: "Allow", Action: ["iam:PassRole", "cloudwatch:putmetricdata"], Resource: "*" }], "compliant"],
    ["actions that only look like iam:PassRole", [{ Effect: "Allow", Action: ["iam:PassRoleToService", "xiam:PassRole"], Resource: "*" }], flagged('Statement[0] allows iam:PassRoleToService, xiam:PassRole on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions')],
    ["two writes on a resource from a variable", [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "${var.r}" }], flagged('Statement[0] Resource "${var.r}" for s3:PutObject, s3:DeleteObject is an expression the pack cannot verify: use literal ARNs or references to resources of the stack, or suppress with a reason')],
    ["a write on a resource from a variable", [{ Effect: "Allow", Action: "s3:PutObject", Resource: ["arn:aws:s3:::b/*", "${var.r}"] }], flagged('Statement[0] Resource "${var.r}" for s3:PutObject is an expression the pack cannot verify: use literal ARNs or references to resources of the stack, or suppress with a reason')],
  ])("%s", (_what, statements, expected) => {
    expect(check(...statements)).toEqual(expected);
  });
});
