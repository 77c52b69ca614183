import type { IConstruct } from "constructs";
import { NAME_RULES, nameFromPath, type NameRule } from "../core/naming";

/** A name for an AWS resource: the construct path plus an optional suffix, fitting `rule`. */
export function awsName(scope: IConstruct, suffix?: string, rule: NameRule = NAME_RULES.awsSecurityGroup): string {
  return nameFromPath(scope.node.path, rule, suffix);
}

/** `{ Name: <path-derived name>, ...extra }`, for a resource's `tags`. */
export function nameTags(scope: IConstruct, suffix?: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { Name: awsName(scope, suffix), ...extra };
}

/**
 * A `name_prefix` for a security group: path-derived, short enough for Terraform's random suffix,
 * never starting with `sg-` (reserved by AWS). With a prefix, a replacement can be created before
 * the old group is destroyed.
 */
export function securityGroupNamePrefix(scope: IConstruct, suffix: string): string {
  const name = awsName(scope, suffix).slice(0, 200);
  return `${name.toLowerCase().startsWith("sg-") ? `x-${name}` : name}-`;
}
