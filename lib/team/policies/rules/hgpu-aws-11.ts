import { nonCompliant, show } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, isUnresolvedValue, referencedElement, resolveLiterals } from "../values";

/** AWS managed policies that grant (or can grant themselves) the run of the account. */
export const ADMIN_MANAGED_POLICIES: readonly string[] = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** The attributes that attach managed policies, by resource type. */
const ATTACHING: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role: "managed_policy_arns",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
  aws_iam_group_policy_attachments_exclusive: "policy_arns",
  aws_ssoadmin_managed_policy_attachment: "managed_policy_arn",
};

/** An AWS managed policy ARN in any partition (`arn:aws:`, `arn:aws-us-gov:`, `arn:aws-cn:`, or the partition as an expression): its name. */
const AWS_MANAGED = /^arn:[^:]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/** HGPU-AWS-11: no administrator-grade AWS managed policy is attached. */
export const awsNoAdminPolicies: PolicyRule = {
  id: "HGPU-AWS-11",
  level: "error",
  title: "No administrator managed policies",
  explanation:
    "AdministratorAccess and PowerUserAccess let their holder do (nearly) anything in the account; IAMFullAccess lets it grant " +
    "itself the rest. None of them may be attached by an aws_iam_role_policy_attachment, aws_iam_user_policy_attachment, " +
    "aws_iam_group_policy_attachment, aws_iam_policy_attachment, an aws_iam_role's managed_policy_arns, the *_policy_attachments_exclusive " +
    "resources or an aws_ssoadmin_managed_policy_attachment, in any partition (arn:aws, arn:aws-us-gov, arn:aws-cn, or the partition " +
    "from an aws_partition data source), named directly or through an aws_iam_policy data source (by arn or name). A policy ARN that " +
    "is an expression the pack cannot resolve is reported as unverifiable. Attach a customer managed policy with the actions and " +
    "resources the principal needs (HGPU-AWS-10 judges it).",
  appliesTo: Object.keys(ATTACHING),
  check(resource) {
    const attribute = ATTACHING[resource.type]!;
    const raw = resource.config[attribute];
    if (raw === undefined || raw === null) return "compliant";
    const resolved = resolveLiterals(raw, resource.stack);
    const items = Array.isArray(resolved) ? resolved : [resolved];
    const problems: string[] = [];
    items.forEach((item, i) => {
      const where = Array.isArray(resolved) ? `${attribute}[${i}]` : attribute;
      const name = managedPolicyName(item, resource);
      if (name === undefined) problems.push(cannotVerifyText(where, item));
      else if (name !== null && ADMIN_MANAGED_POLICIES.includes(name)) problems.push(`${where} attaches the AWS managed policy ${name} (${show(item)}): attach a policy with the actions and resources needed`);
    });
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};

/**
 * The name of the AWS managed policy `value` attaches; null when it is not an AWS managed policy
 * (a customer managed policy, a policy of the stack); undefined when it is an expression the pack
 * cannot resolve.
 */
function managedPolicyName(value: unknown, resource: L1View): string | null | undefined {
  if (typeof value !== "string") return undefined;
  const ref = referencedElement(value, resource.stack);
  if (ref) {
    if (ref.element.type === "aws_iam_policy" && !ref.element.address.startsWith("data.")) return null;
    if (ref.element.address.startsWith("data.aws_iam_policy.") && ref.attribute === "arn") {
      const c = ref.element.config;
      const arn = resolveLiterals(c.arn, ref.stack);
      if (typeof arn === "string") return managedPolicyName(arn, resource);
      const name = resolveLiterals(c.name, ref.stack);
      return typeof name === "string" && !isUnresolvedValue(name) ? name : undefined;
    }
    return undefined;
  }
  const m = AWS_MANAGED.exec(value);
  if (m) return isUnresolvedValue(m[1]) ? undefined : m[1]!;
  // A customer managed policy: an ARN whose account is not "aws" (the account may be an expression).
  if (/^arn:[^:]*:iam::(?!aws:)[^:]*:policy\//.test(value) && !isUnresolvedValue(value.replace(/^arn:[^:]*:iam::[^:]*:/, ""))) return null;
  return undefined;
}
