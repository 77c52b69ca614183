import { nonCompliant, show } from "../helpers";
import type { PolicyRule, StackView } from "../types";
import { isUnresolvedValue } from "../values";
import { IAM_POLICY_TYPES, iamDocuments, isEveryAction, unresolvedItems, wildcard, type IamStatement } from "./iam-documents";

/**
 * Get actions that read data or hand out credentials rather than describe configuration: with
 * `Resource "*"` they read every bucket, secret or parameter of the account, so they are not
 * "read-only" in this rule's sense. A wildcard that covers one of them (`s3:Get*`) counts as one.
 */
export const DATA_READ_ACTIONS: readonly string[] = [
  "s3:GetObject", "s3:GetObjectVersion", "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
  "ssm:GetParametersByPath", "ssm:GetParameterHistory", "kms:GetParametersForImport", "sts:GetFederationToken",
  "sts:GetSessionToken", "dynamodb:GetItem", "dynamodb:GetRecords", "kinesis:GetRecords", "logs:GetLogEvents",
  "ecr:GetDownloadUrlForLayer", "lambda:GetFunction", "glue:GetConnection", "codecommit:GetFile", "sqs:GetQueueUrl",
];

/**
 * Write actions that take no resource ARN (AWS documents them with `*` only) and touch no data or
 * permissions: the CloudWatch agent's metrics, X-Ray traces and the SSM agent's channels. Exact
 * names only: `ssmmessages:*` is still flagged.
 */
export const ANY_RESOURCE_ACTIONS: readonly string[] = [
  "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint",
  "ec2messages:GetMessages", "ec2messages:SendReply",
];

/** Whether an action (pattern) only reads configuration: Describe*, List* or Get*, covering no DATA_READ_ACTIONS. */
export function isReadOnlyAction(action: string): boolean {
  const name = action.split(":")[1] ?? "";
  if (!/^(describe|list|get)/i.test(name)) return false;
  const pattern = wildcard(action);
  return !DATA_READ_ACTIONS.some((a) => pattern.test(a));
}

/** HGPU-AWS-10: identity policies grant no wildcard write access. */
export const awsNoWildcardIam: PolicyRule = {
  id: "HGPU-AWS-10",
  level: "error",
  title: "IAM policies grant no wildcard access",
  explanation:
    "A node or task role that may do anything, or write anything, turns one compromised process into a compromised account. " +
    "No Allow statement of an identity policy (aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy, " +
    "an aws_iam_role's inline_policy, aws_ssoadmin_permission_set_inline_policy; written as JSON, jsonencode or an " +
    "aws_iam_policy_document with its source and override documents) may: allow every action (Action \"*\" or \"*:*\"); use " +
    "NotAction or NotResource (an allow-list turned inside out); or allow, on Resource \"*\", an action that is not read-only. " +
    "Read-only means Describe*, List* and Get* actions, except Get actions that read data or mint credentials (DATA_READ_ACTIONS: " +
    "s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter*, sts:GetSessionToken and others; a wildcard covering one, " +
    "such as s3:Get*, counts). A few agent actions that AWS offers only on \"*\" (ANY_RESOURCE_ACTIONS: cloudwatch:PutMetricData, " +
    "X-Ray and SSM agent channels) are accepted, by exact name. iam:PassRole is HGPU-AWS-12's. Conditions are not weighed. An action, " +
    "or (for an action that is not read-only) a resource, that is an expression the pack cannot resolve is reported as unverifiable. " +
    "Name the resources (ARNs of the task's own bucket prefix, group, file system) and the actions. Resource policies (bucket, " +
    "key and trust policies) are not judged here.",
  appliesTo: IAM_POLICY_TYPES,
  check(resource) {
    const { statements, unverifiable } = iamDocuments(resource);
    const problems = [...unverifiable, ...statements.flatMap((s) => statementProblems(s, resource.stack))];
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};

function statementProblems(s: IamStatement, stack: StackView): string[] {
  if (s.effect !== "Allow") return isUnresolvedValue(s.effect) ? [`${s.where} Effect is ${show(s.effect)}, which the pack cannot verify: use a literal value or suppress with a reason`] : [];
  const out: string[] = [];
  if (s.notActions !== undefined) out.push(`${s.where} allows every action except ${show(s.notActions)} (NotAction): list the actions it needs instead`);
  if (s.notResources !== undefined) out.push(`${s.where} allows ${s.notActions !== undefined ? "them" : show(s.actions)} on every resource except ${show(s.notResources)} (NotResource): list the resources instead`);
  const every = s.actions.filter(isEveryAction);
  if (every.length > 0) out.push(`${s.where} allows every action (Action ${show(every[0])})`);
  const unknownActions = s.actions.filter((a) => isUnresolvedValue(a));
  for (const a of unknownActions) out.push(`${s.where} Action ${show(a)} is an expression the pack cannot verify: use literal actions or suppress with a reason`);
  const writes = s.actions.filter((a) => !isUnresolvedValue(a) && !isEveryAction(a) && !isReadOnlyAction(a) && !/^iam:passrole$/i.test(a) && !ANY_RESOURCE_ACTIONS.some((x) => x.toLowerCase() === a.toLowerCase()));
  if (writes.length === 0 || s.notResources !== undefined) return out;
  if (s.resources.includes("*")) {
    out.push(`${s.where} allows ${writes.join(", ")} on every resource (Resource "*"): name the resources, or keep "*" for read-only Describe*, List* and Get* actions`);
  }
  for (const r of unresolvedItems(s.resources, stack)) out.push(`${s.where} Resource ${show(r)} for ${writes.join(", ")} is an expression the pack cannot verify: use literal ARNs or references to resources of the stack, or suppress with a reason`);
  return out;
}
