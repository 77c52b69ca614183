import type { TerraformStack } from "cdktf";
import { evaluateGpuPolicies, type GpuPoliciesOptions, type RuleLevel } from "../../../../lib/team/policies";

/** One finding as the rule tests assert it: its level and its whole message. */
export interface Found {
  readonly level: RuleLevel;
  readonly message: string;
}

/** The findings (level and message) of one rule on a stack, tag rules off unless `options` says otherwise. */
export function findings(stack: TerraformStack, ruleId: string, options: GpuPoliciesOptions = { requiredTags: [] }): Found[] {
  return evaluateGpuPolicies(stack, options).filter((f) => f.ruleId === ruleId).map((f) => ({ level: f.level, message: f.message }));
}

/** The expected findings of a rule: `error` (or `warning`) lines `<path>: <rule id> <title>: <detail>`. */
export function expected(level: RuleLevel, ruleId: string, title: string, ...lines: readonly (readonly [path: string, detail: string])[]): Found[] {
  return lines.map(([path, detail]) => ({ level, message: `${path}: ${ruleId} ${title}: ${detail}` }));
}

