import { describe, expect, it } from "vitest";
import { awsFullFabric } from "../../../../lib/team/policies/rules/hgpu-aws-8";
import { resourceAt, stackView } from "./aws-fixtures";

describe("HGPU-AWS-8 on plain stack views", () => {
  const verdict = (template: Record<string, unknown>, minSize = 2) => awsFullFabric.check(resourceAt(stackView({
    "aws_launch_template.lt": template,
    "aws_autoscaling_group.g": { launch_template: { id: "${aws_launch_template.lt.id}" }, min_size: minSize, desired_capacity: 1 },
  }), "aws_launch_template.lt"), { requiredTags: [] });
  const nics = (...types: [string, number][]) => types.map(([interface_type, network_card_index]) => ({ interface_type, network_card_index }));

  it.each([
    ["an instance type from an expression", { instance_type: 5 }, 2, "not-applicable"],
    ["a type the catalog does not list", { instance_type: "t3.large" }, 2, "not-applicable"],
    ["a GPU type without EFA", { instance_type: "g5.xlarge" }, 2, "not-applicable"],
    ["one node", { instance_type: "p4d.24xlarge" }, 1, "not-applicable"],
    ["EFA on every card", { instance_type: "p4d.24xlarge", network_interfaces: nics(["efa", 0], ["efa-only", 1], ["efa-only", 2], ["efa-only", 3]) }, 2, "compliant"],
    ["EFA on two cards of four", { instance_type: "p4d.24xlarge", network_interfaces: nics(["efa", 0], ["efa-only", 1], ["interface", 2], ["efa", 1]) }, 3,
      { status: "non-compliant", detail: "2 of 4 network cards of p4d.24xlarge carry an EFA interface, for 3 nodes" }],
  ])("a template with %s", (_, template, minSize, expected) => {
    expect(verdict(template, minSize)).toEqual(expected);
  });
});
