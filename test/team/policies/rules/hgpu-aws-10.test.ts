import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Fn, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { isReadOnlyAction } from "../../../../lib/team/policies/rules/hgpu-aws-10";
import { awsStack } from "../helpers";
import { expected, findings } from "./findings";

const ID = "HGPU-AWS-10";
const flagged = (...lines: [string, string][]) => expected("error", ID, "IAM policies grant no wildcard access", ...lines);
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("HGPU-AWS-10 IAM policies grant no wildcard access", () => {
  it("Compliance: named resources, and read-only Describe/List/Get and agent actions on *", () => {
    const stack = awsStack();
    const bucket = new S3Bucket(stack, "bucket", {});
    new IamPolicy(stack, "scoped", { policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${bucket.arn}/runs/*` }) });
    new IamPolicy(stack, "peers", { policy: doc({ Sid: "FindPeers", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances", "ec2:List*", "iam:GetRole"], Resource: "*" }) });
    new IamPolicy(stack, "agent", { policy: doc({ Effect: "Allow", Action: ["cloudwatch:PutMetricData", "ssmmessages:OpenDataChannel"], Resource: "*" }) });
    new IamPolicy(stack, "deny", { policy: doc({ Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }) });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: every action, write actions on *, NotAction and NotResource allows", () => {
    const stack = awsStack();
    new IamPolicy(stack, "admin", { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) });
    new IamPolicy(stack, "writes", { policy: doc({ Sid: "Nodes", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:TerminateInstances", "s3:*"], Resource: ["*"] }) });
    new IamPolicy(stack, "not-action", { policy: doc({ Effect: "Allow", NotAction: ["iam:*"], Resource: "arn:aws:s3:::b/*" }) });
    new IamPolicy(stack, "not-resource", { policy: doc({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }) });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/admin", 'Statement[0] allows every action (Action "*")'],
      ["s/writes", 'Statement[0] (Sid "Nodes") allows ec2:TerminateInstances, s3:* on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions'],
      ["s/not-action", 'Statement[0] allows every action except ["iam:*"] (NotAction): list the actions it needs instead'],
      ["s/not-resource", 'Statement[0] allows ["s3:GetObject"] on every resource except ["arn:aws:s3:::secret/*"] (NotResource): list the resources instead'],
    ));
  });

  it("boundary: Get actions that read data or mint credentials are not read-only on *, a wildcard covering one neither", () => {
    expect(["ec2:DescribeInstances", "s3:ListBucket", "iam:GetRole", "ecr:GetAuthorizationToken", "sts:GetCallerIdentity", "s3:GetBucket*"].filter((a) => !isReadOnlyAction(a))).toEqual([]);
    expect(["s3:GetObject", "S3:getobject", "s3:Get*", "secretsmanager:GetSecretValue", "ssm:GetParameters", "sts:GetSessionToken", "ec2:RunInstances", "s3:*"].filter(isReadOnlyAction)).toEqual([]);
    const stack = awsStack();
    new IamPolicy(stack, "reads", { policy: doc({ Effect: "Allow", Action: ["s3:Get*", "secretsmanager:GetSecretValue"], Resource: "*" }) });
    expect(findings(stack, ID)).toEqual(flagged(["s/reads", 'Statement[0] allows s3:Get*, secretsmanager:GetSecretValue on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions']));
  });

  it("reads jsonencode (Fn.jsonencode), policy document data sources with their source documents, and inline policies of roles", () => {
    const stack = awsStack();
    const bucket = new S3Bucket(stack, "bucket", {});
    new IamPolicy(stack, "hcl", { policy: Fn.jsonencode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucket.arn}/*` }, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }] }) });
    const base = new DataAwsIamPolicyDocument(stack, "base", { statement: [{ actions: ["ec2:DescribeInstances"], resources: ["*"] }, { actions: ["ec2:CreateTags"], resources: ["*"] }] });
    const extended = new DataAwsIamPolicyDocument(stack, "extended", { sourcePolicyDocuments: [base.json], statement: [{ sid: "Wide", actions: ["sqs:SendMessage"], resources: ["*"] }] });
    const role = new IamRole(stack, "role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), inlinePolicy: [{ name: "inline", policy: doc({ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }) }] });
    new IamRolePolicy(stack, "from-document", { role: role.id, policy: extended.json });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/hcl", 'Statement[1] allows ec2:RunInstances on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions'],
      ["s/role", 'inline_policy[0] Statement[0] allows dynamodb:* on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions'],
      ["s/from-document", 'data.aws_iam_policy_document.extended statement[0] (sid "Wide") allows sqs:SendMessage on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions; ' +
        'data.aws_iam_policy_document.base statement[1] allows ec2:CreateTags on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions'],
    ));
  });

  it("resolves variable defaults, and reports actions and documents it cannot read as unverifiable", () => {
    const stack = awsStack();
    const wide = new TerraformVariable(stack, "wide", { type: "string", default: "*" });
    const unknown = new TerraformVariable(stack, "unknown", { type: "string" });
    const document = new TerraformVariable(stack, "document", { type: "string" });
    new IamPolicy(stack, "by-default", { policy: Fn.jsonencode({ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: wide.stringValue }] }) });
    new IamPolicy(stack, "by-variable", { policy: Fn.jsonencode({ Statement: [{ Effect: "Allow", Action: unknown.stringValue, Resource: "arn:aws:s3:::b/*" }] }) });
    new IamPolicy(stack, "whole", { policy: document.stringValue });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/by-default", 'Statement[0] allows s3:PutObject on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions'],
      ["s/by-variable", 'Statement[0] Action "${var.unknown}" is an expression the pack cannot verify: use literal actions or suppress with a reason'],
      ["s/whole", 'policy is "${var.document}", which the pack cannot verify: use a literal value or suppress with a reason'],
    ));
  });
});
