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
