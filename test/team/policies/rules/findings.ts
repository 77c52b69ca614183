import type { TerraformStack } from "cdktf";
import { evaluateGpuPolicies, ruleAppliesTo, synthesizeStackView, type GpuPoliciesOptions, type PolicyRule, type RuleLevel } from "../../../../lib/team/policies";

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

/**
 * The findings of one rule that is not (yet) in the pack, judged as GpuPolicies judges: every
 * resource of the stack's JSON the rule applies to, `<path>: <rule id> <title>: <detail>`.
 */
export function ruleFindings(stack: TerraformStack, rule: PolicyRule): Found[] {
  const out: Found[] = [];
  for (const resource of synthesizeStackView(stack).view.resources) {
    if (!ruleAppliesTo(rule, resource.type)) continue;
    const result = rule.check(resource, { requiredTags: [] });
    if (result === "compliant" || result === "not-applicable") continue;
    const detail = result === "non-compliant" ? rule.explanation : result.detail;
    out.push({ level: result === "non-compliant" ? rule.level : result.level ?? rule.level, message: `${resource.path}: ${rule.id} ${rule.title}: ${detail}` });
  }
  return out;
}
