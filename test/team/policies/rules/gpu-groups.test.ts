import { describe, expect, it } from "vitest";
import { findings, finiteSize, isGpuGroup, isGpuVmSize } from "../../../../lib/team/policies/rules/gpu-groups";
import { resourceAt, stackView } from "./aws-fixtures";

describe("isGpuGroup", () => {
  const group = (config: Record<string, unknown>) => isGpuGroup(resourceAt(stackView({
    "aws_launch_template.gpu": { instance_type: "g5.xlarge" },
    "aws_launch_template.gpu2": { instance_type: "p5.48xlarge" },
    "aws_launch_template.cpu": { instance_type: "t3.large" },
    "aws_launch_configuration.gpu": { instance_type: "g5.xlarge" },
    "aws_launch_configuration.cpu": { instance_type: "t3.large" },
    "aws_autoscaling_group.g": config,
  }), "aws_autoscaling_group.g"));

  it.each([
    ["a GPU template by id", { launch_template: { id: "${aws_launch_template.gpu2.id}" } }, true],
    ["a GPU template by name", { launch_template: { name: "${aws_launch_template.gpu.name}" } }, true],
    ["a CPU template", { launch_template: { id: "${aws_launch_template.cpu.id}" } }, false],
    ["a GPU template of a mixed policy by id", { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.gpu2.id}" } } } }, true],
    ["a GPU template of a mixed policy by name", { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_name: "${aws_launch_template.gpu.name}" } } } }, true],
    ["a GPU override", { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.cpu.id}" }, override: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge" }] } } }, true],
    ["CPU overrides", { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.cpu.id}" }, override: [{ instance_type: "t3.large" }] } } }, false],
    ["a GPU launch configuration", { launch_configuration: "${aws_launch_configuration.gpu.name}" }, true],
    ["a CPU launch configuration", { launch_configuration: "${aws_launch_configuration.cpu.name}" }, false],
    ["a launch configuration by literal name", { launch_configuration: "gpu" }, false],
  ])("with %s: %s", (_, config, expected) => {
    expect(group(config)).toBe(expected);
  });
});

describe("isGpuVmSize", () => {
  it.each([
    ["Standard_NC6s_v3", true], ["standard_nd96asr_v4", true], ["${var.size}", true], ["p5.48xlarge", true],
    ["Standard_D4s_v5", false], ["xStandard_NC6", false], ["Standard_N6", false], [5, false], [undefined, false],
  ])("%j: %s", (size, expected) => {
    expect(isGpuVmSize(size)).toBe(expected);
  });
});

describe("finiteSize and findings", () => {
  const size = (raw: unknown) => finiteSize(resourceAt(stackView({ "aws_autoscaling_group.g": {} }), "aws_autoscaling_group.g"), "max_size", raw, "the group");

  it.each([
    [1000, undefined],
    ["12", undefined],
    [1001, "max_size is 1001: the group may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"],
    ["many", 'max_size is "many", not a number'],
    ["${var.max}", 'max_size is "${var.max}", which the pack cannot verify: use a literal value or suppress with a reason'],
  ])("max_size %j", (raw, expected) => {
    expect(size(raw)).toBe(expected);
  });

  it("joins the problems found", () => {
    expect(findings([undefined, "a", undefined, "b"])).toEqual({ status: "non-compliant", detail: "a; b" });
    expect(findings([undefined])).toBe("compliant");
  });
});
