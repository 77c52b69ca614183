/**
 * The red team: risky patterns written next to the library's constructs, each of which must produce
 * its finding (rule, level, exact message), including the evasions (tokens and Fn.* values,
 * addOverride, later Aspects, second stacks, security-group attachments, split prefixes, modules).
 * Every pattern is built in a fresh app after GpuPolicies.applyTo(app), so every stack is one
 * created after the call; the app is synthesized, and it must fail exactly when an error is expected.
 */
import { TerraformStack, Testing, type App } from "cdktf";
import { describe, expect, it } from "vitest";
import { buildApp as awsOnly } from "../../../examples/aws-only/main";
import { buildApp as azureOnly } from "../../../examples/azure-only/main";
import { buildApp as hybridTraining } from "../../../examples/hybrid-training/main";
import { buildApp as teamStacks } from "../../../examples/team-stacks/main";
import { GpuPolicies, type PolicyFinding } from "../../../lib/team/policies";
import { AWS_EVASIONS } from "./red-team/aws-evasions";
import { AWS_PATTERNS } from "./red-team/aws-patterns";
import { AZURE_PATTERNS } from "./red-team/azure-patterns";
import type { RedTeamRow } from "./red-team/fixtures";
import { NEW_RULE_PATTERNS } from "./red-team/new-rules";

const ROWS: readonly RedTeamRow[] = [...AWS_PATTERNS, ...AWS_EVASIONS, ...AZURE_PATTERNS, ...NEW_RULE_PATTERNS];

/** Synthesizes the app (with the pack applied to it) and returns every finding of every stack, and the synth error if any. */
function judge(app: App, policies: GpuPolicies): { findings: PolicyFinding[]; error: string | undefined } {
  let error: string | undefined;
  try {
    app.synth();
  } catch (e) {
    error = (e as Error).message;
  }
  const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  return { findings: stacks.flatMap((s) => policies.findings(s)), error };
}

describe("red team: every risky pattern produces its finding", () => {
  it("has at least 40 patterns", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const app = Testing.app();
    const policies = GpuPolicies.applyTo(app, { requiredTags: [] });
    row.build(app);
    const { findings, error } = judge(app, policies);
    const rules = new Set(row.expect.map(([, rule]) => rule));
    const found = findings.filter((f) => rules.has(f.ruleId) && f.suppressedBecause === undefined).map((f) => [f.level, f.ruleId, f.message]);
    expect(found).toEqual(row.expect);
    // Errors fail synth with their message; warnings do not.
    for (const [level, , message] of row.expect) {
      if (level === "error") expect(error).toContain(message);
      else expect(error ?? "").not.toContain(message);
    }
  });
});

describe("red team: the examples produce no error finding", () => {
  it.each([
    ["aws-only", awsOnly], ["azure-only", azureOnly], ["hybrid-training", hybridTraining], ["team-stacks", teamStacks],
  ] as const)("%s", (_name, build) => {
    const app = build(Testing.app());
    const policies = new GpuPolicies({ requiredTags: [] });
    const { findings, error } = judge(app, policies);
    expect(error).toBeUndefined();
    expect(findings.filter((f) => f.level === "error").map((f) => f.message)).toEqual([]);
  });
});
