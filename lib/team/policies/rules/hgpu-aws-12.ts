import { nonCompliant, show } from "../helpers";
import type { PolicyRule } from "../types";
import { isUnresolvedValue } from "../values";
import { IAM_POLICY_TYPES, iamDocuments, statementAllows, unresolvedItems } from "./iam-documents";

/** A resource that names every role: `*`, or an IAM ARN of every role (`role/*`) or every IAM resource (`*`) of an account. */
export function isEveryRole(resource: string): boolean {
  return resource === "*" || /^arn:[^:]*:iam::[^:]*:(\*|role\/?\*)$/.test(resource);
}

/** HGPU-AWS-12: no identity policy may pass every role. */
export const awsNoPassRoleOnAll: PolicyRule = {
  id: "HGPU-AWS-12",
  level: "error",
  title: "IAM policies pass only named roles",
  explanation:
    "iam:PassRole lets its holder hand a role to a service (EC2, Lambda, EventBridge Scheduler, SageMaker...), which then acts " +
    "with that role's rights: on every role, it is a path to the account's most powerful role. No Allow statement of an identity " +
    "policy (the documents HGPU-AWS-10 reads) may allow iam:PassRole (by name, or through iam:*, iam:Pass*, * or a NotAction that " +
    "leaves it out) on every role: Resource \"*\", an IAM ARN ending in :* or :role/*, or a NotResource. Conditions such as " +
    "iam:PassedToService limit the receiving service, not the roles, and are not weighed. Name the roles (their ARNs). A resource " +
    "that is an expression the pack cannot resolve is reported as unverifiable.",
  appliesTo: IAM_POLICY_TYPES,
  check(resource) {
    const { statements, unverifiable } = iamDocuments(resource);
    const problems: string[] = [...unverifiable];
    for (const s of statements) {
      if (s.effect !== "Allow") continue;
      const via = s.notActions !== undefined ? `NotAction ${show(s.notActions)}` : `Action ${show(s.actions)}`;
      const unknownAction = s.notActions === undefined && s.actions.some((a) => isUnresolvedValue(a));
      if (!statementAllows(s, "iam:PassRole")) {
        if (unknownAction) problems.push(`${s.where} Action ${show(s.actions)} is an expression that may allow iam:PassRole, which the pack cannot verify: use literal actions or suppress with a reason`);
        continue;
      }
      if (s.notResources !== undefined) {
        problems.push(`${s.where} allows iam:PassRole (${via}) on every role except ${show(s.notResources)} (NotResource): name the roles it may pass`);
        continue;
      }
      const every = s.resources.filter(isEveryRole);
      if (every.length > 0) problems.push(`${s.where} allows iam:PassRole (${via}) on every role (Resource ${show(every[0])}): name the roles it may pass`);
      for (const r of unresolvedItems(s.resources, resource.stack)) {
        problems.push(`${s.where} allows iam:PassRole (${via}) on Resource ${show(r)}, an expression the pack cannot verify: use role ARNs or references to roles of the stack, or suppress with a reason`);
      }
    }
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};
