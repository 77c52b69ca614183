/** HGPU-TF-1 read directly on plain module views: the GPU types a module's literal inputs name. */
import { describe, expect, it } from "vitest";
import { moduleNotJudged } from "../../../../lib/team/policies/rules/hgpu-tf-1";
import type { RuleResult } from "../../../../lib/team/policies/types";
import { view } from "./plain-view";

const check = (config: Record<string, unknown>): RuleResult => moduleNotJudged.check(view("s", [["module", "m", config]]).resources[0]!, { requiredTags: [] });
const NOT_JUDGED = 'module m (source "./gpu") is not judged: the pack sees its inputs, not the resources it creates';

describe("HGPU-TF-1 read directly", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["no GPU type", { source: "./gpu", size: "Standard_D4s_v5", count: 3, none: null }, NOT_JUDGED],
    ["GPU types at any depth, each once", { source: "./gpu", size: "Standard_NV12", nodes: [{ type: "p3.2xlarge" }, "Standard_NV12"], none: null },
      `${NOT_JUDGED}; its inputs name GPU types Standard_NV12, p3.2xlarge`],
    ["one AWS type in a list", { source: "./gpu", types: ["p3.2xlarge"] }, `${NOT_JUDGED}; its inputs name GPU type p3.2xlarge`],
    ["an expression is not guessed at", { source: "./gpu", size: "${var.size}", other: "x-${var.size}" }, NOT_JUDGED],
  ])("%s", (_what, config, detail) => {
    expect(check(config)).toEqual({ status: "non-compliant", detail });
  });
});
