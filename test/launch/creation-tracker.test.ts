import { describe, expect, it } from "vitest";
import { CreationTracker } from "../../lib/launch/creation-tracker";
import type { TerraformEvent } from "../../lib/launch/terraform";

const ev = (type: string, addr: string, action = "create"): TerraformEvent => ({ type, hook: { resource: { addr }, action } });

describe("CreationTracker", () => {
  it("knows the first creation and what is being created: started and neither complete nor errored; deletions and data reads are not creations", () => {
    let first = 0;
    const t = new CreationTracker(() => first++);
    t.event({ type: "change_summary", changes: { add: 3, change: 0, remove: 0, operation: "plan" } });
    t.event(ev("apply_start", "data.aws_ssm_parameter.ami", "read"));
    expect([first, t.inFlight]).toEqual([0, []]);
    t.event(ev("apply_start", "terraform_data.deadline"));
    t.event(ev("apply_start", "terraform_data.node"));
    t.event(ev("apply_start", "terraform_data.old", "delete"));
    t.event(ev("apply_start", "data.aws_ssm_parameter.ami", "read"));
    t.event(ev("apply_start", "terraform_data.partial"));
    expect(first).toBe(1);
    expect(t.inFlight).toEqual(["terraform_data.deadline", "terraform_data.node", "terraform_data.partial"]);
    t.event(ev("apply_complete", "terraform_data.deadline"));
    t.event(ev("apply_errored", "terraform_data.partial"));
    t.event(ev("apply_progress", "terraform_data.node"));
    expect(t.inFlight).toEqual(["terraform_data.node"]);
    expect(first).toBe(1);
  });
});
