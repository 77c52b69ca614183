/**
 * Narrow suppressions of the policy pack, cdk-nag style: one rule, on a construct (and what is
 * under it) or on named resources of it, with a reason; a whole stack only when asked for in so
 * many words. Recorded as construct metadata, read back when a stack is judged.
 */
import { TerraformStack } from "../../engine/core";
import type { IConstruct } from "constructs";
import { ValidationError } from "../../core/errors";
import { isWithin } from "./helpers";
import { GPU_POLICY_RULES } from "./pack";

/** The construct metadata type under which {@link recordSuppression} records a suppression. */
export const POLICY_SUPPRESSION_METADATA = "hgpu:policy-suppression";

/** The fewest characters a suppression's reason may have. */
export const MIN_SUPPRESSION_REASON_LENGTH = 20;

/** Options of a suppression. */
export interface SuppressOptions {
  /**
   * The resources of the scope the suppression covers: Terraform addresses (`aws_security_group.bastion`)
   * or construct paths (`platform/bastion/sg`, which covers what is under it too).
   * @default - every resource under the scope (a stack as scope then needs `wholeStack: true`)
   */
  readonly appliesTo?: readonly string[];
  /**
   * Says that a suppression on a stack, without `appliesTo`, is meant to cover every resource of
   * the stack, resources written with `stack.addOverride` included. Only valid on a stack.
   * @default false - a suppression on a stack must name its resources with `appliesTo`
   */
  readonly wholeStack?: boolean;
}

/** A suppression recorded on a construct: the rule it silences, where and why. */
export interface PolicySuppression {
  /** The rule ID, e.g. `HGPU-AWS-3`. */
  readonly ruleId: string;
  /** Why the rule does not apply there. */
  readonly reason: string;
  /** Construct path of the construct the suppression was recorded on. */
  readonly scope: string;
  /** The addresses or construct paths it is narrowed to, when it is. */
  readonly appliesTo?: readonly string[];
  /** True when it covers a whole stack. */
  readonly wholeStack?: boolean;
}

/** The stack a construct is in (the innermost), or undefined for the app and constructs outside stacks. */
export function stackOf(node: IConstruct): TerraformStack | undefined {
  return node.node.scopes.slice().reverse().find((s): s is TerraformStack => TerraformStack.isStack(s));
}

/** Checks a suppression and records it on `scope` (see GpuPolicies.suppress). */
export function recordSuppression(scope: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
  const path = scope.node.path || "App";
  const forRule = `for suppressing ${ruleId}`;
  const ids = GPU_POLICY_RULES.map((r) => r.id);
  if (!ids.includes(ruleId)) throw new ValidationError(path, "ruleId", ruleId, `use a rule ID of the pack: ${ids.join(", ")}`, "for a policy suppression");
  if (typeof reason !== "string" || reason.trim().length < MIN_SUPPRESSION_REASON_LENGTH) {
    throw new ValidationError(path, "reason", reason, `say in at least ${MIN_SUPPRESSION_REASON_LENGTH} characters why ${ruleId} does not apply here`, forRule);
  }
  const stack = stackOf(scope);
  if (!stack) {
    throw new ValidationError(path, "scope", scope.node.path || "(the app)", "suppress on a stack or a construct in one: a suppression on the app would silence the rule in every stack", forRule);
  }
  const appliesTo = options.appliesTo;
  if (appliesTo !== undefined) {
    if (!Array.isArray(appliesTo) || appliesTo.length === 0 || appliesTo.some((a) => typeof a !== "string" || a.trim() === "")) {
      throw new ValidationError(path, "appliesTo", appliesTo, "list the Terraform addresses or construct paths the suppression covers (at least one, none empty)", forRule);
    }
  }
  if (options.wholeStack === true && scope !== stack) {
    throw new ValidationError(path, "wholeStack", true, `use wholeStack only on a stack: ${path} is a construct in stack ${stack.node.path}`, forRule);
  }
  if (scope === stack && appliesTo === undefined && options.wholeStack !== true) {
    throw new ValidationError(path, "scope", path, `suppress on the resource, or name resources with appliesTo; to silence ${ruleId} on every resource of the stack, pass { wholeStack: true }`, forRule);
  }
  const record: PolicySuppression = {
    ruleId, reason: reason.trim(), scope: scope.node.path,
    ...(appliesTo !== undefined ? { appliesTo: appliesTo.map((a) => a.trim()) } : {}),
    ...(options.wholeStack === true ? { wholeStack: true } : {}),
  };
  scope.node.addMetadata(POLICY_SUPPRESSION_METADATA, record);
}

/** Every suppression recorded in a stack (on the stack or any construct in it). */
export function suppressionsIn(stack: TerraformStack): PolicySuppression[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === POLICY_SUPPRESSION_METADATA).map((m) => m.data as PolicySuppression));
}

/**
 * Whether a suppression covers a resource (its construct path and Terraform address): the
 * resource is under the suppression's scope and, when the suppression is narrowed, one of its
 * `appliesTo` entries is the address or a construct path the resource is at or under.
 */
export function suppressionCovers(suppression: PolicySuppression, resource: { readonly path: string; readonly address: string }): boolean {
  if (!isWithin(resource.path, suppression.scope)) return false;
  if (suppression.appliesTo === undefined) return true;
  return suppression.appliesTo.some((entry) => entry === resource.address || isWithin(resource.path, entry));
}
