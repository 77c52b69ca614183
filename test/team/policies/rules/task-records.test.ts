/**
 * What a GpuTask records in the plan, read directly: Go durations, time expressions relative to the
 * start marker, one-time schedule expressions, and the task record of a plain stack view.
 */
import { describe, expect, it } from "vitest";
import { atExpressionOffset, goDurationMinutes, inTask, taskRecord, timeOffsetMinutes } from "../../../../lib/team/policies/rules/task-records";
import type { L1View, StackView } from "../../../../lib/team/policies/types";

const M = "terraform_data.started";

describe("goDurationMinutes", () => {
  it.each([
    ["90m", 90], ["2h", 120], ["1h30m", 90], ["-1h", -60], ["+15m", 15], ["90s", 1.5], ["1.5h", 90], ["1.25h", 75],
    ["60000ms", 1], ["60000000us", 1], ["60000000µs", 1], ["60000000000ns", 1], ["1h0.5m", 60.5],
    ["90", undefined], ["x90m", undefined], ["90mx", undefined], ["1.h", undefined], ["", undefined],
  ])("%s", (text, minutes) => {
    expect(goDurationMinutes(text)).toBe(minutes);
  });
});

describe("timeOffsetMinutes", () => {
  it.each([
    [`${M}.output.at`, 0],
    [`${M}.output["at"]`, 0],
    [`lookup(${M}.output, "at", "")`, 0],
    [`timeadd(${M}.output.at, "90m")`, 90],
    [`  timeadd(${M}.output.at, "90m")  `, 90],
    [`timeadd(timeadd(${M}.output.at, "1h"), "-15m")`, 45],
    [`timeadd(${M}.output.at, "90m",)`, 90],
    [`formatdate("YYYY", timeadd(${M}.output.at, "1h"))`, 60],
    [`formatdate("YYYY, MM", ${M}.output.at)`, 0],
    [`formatdate("a\\",b", ${M}.output.at)`, 0],
    [`formatdate("{[(", ${M}.output.at)`, 0],
    [`formatdate("YYYY")`, undefined],
    [`formatdate("YYYY, ${M}.output.at)`, undefined],
    [`timeadd(${M}.output.at, "90m", "x")`, undefined],
    [`timeadd(${M}.output.at)`, undefined],
    [`nottimeadd(${M}.output.at, "90m")`, undefined],
    [`timeadd(${M}.output.at, "90m") + x`, undefined],
    [`timeadd(${M}.output.at, "90m"x)`, undefined],
    [`timeadd(${M}.output.at, x"90m")`, undefined],
    [`timeadd(${M}.output.at, "soon")`, undefined],
    [`timeadd(terraform_data.other.output.at, "90m")`, undefined],
    [`timeadd(timestamp(), "90m")`, undefined],
  ])("%s", (expression, minutes) => {
    expect(timeOffsetMinutes(expression, M)).toBe(minutes);
  });
});

describe("atExpressionOffset", () => {
  const fixed = (e: string) => `schedule_expression ${JSON.stringify(e)} is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime`;
  const notAt = (e: string) => `schedule_expression ${JSON.stringify(e)} is not an at(...) time the pack can relate to the task's start`;
  it.each([
    [`at(\${timeadd(${M}.output.at, "30m")})`, 30],
    [` at(\${timeadd(${M}.output.at, "30m")}) `, 30],
    [`xat(\${timeadd(${M}.output.at, "30m")})`, notAt(`xat(\${timeadd(${M}.output.at, "30m")})`)],
    [`at(\${timeadd(${M}.output.at, "30m")})x`, notAt(`at(\${timeadd(${M}.output.at, "30m")})x`)],
    ["at(2026-01-01T00:00)", fixed("at(2026-01-01T00:00)")],
    ["at(2026-01-01T00:00:00)", fixed("at(2026-01-01T00:00:00)")],
    [" at(2026-01-01T00:00) ", fixed(" at(2026-01-01T00:00) ")],
    ["xat(2026-01-01T00:00)", notAt("xat(2026-01-01T00:00)")],
    ["at(2026-01-01T00:00)x", notAt("at(2026-01-01T00:00)x")],
    ["rate(1 hour)", notAt("rate(1 hour)")],
    ["at(${timestamp()})", `schedule_expression "at(\${timestamp()})" is not a time after the task's start marker ${M} (timeadd(${M}.output.at, "<minutes>m"))`],
  ])("%s", (expression, result) => {
    expect(atExpressionOffset(expression, M)).toBe(result);
  });
});

/** A plain stack view at "s" with `resources` (type, path, config) and `outputs`. */
function view(resources: Array<[string, string, Record<string, unknown>]>, outputs: Record<string, unknown> = {}): StackView {
  const list: L1View[] = [];
  const stack: StackView = { path: "s", resources: list, dataSources: [], modules: [], providers: {}, variables: {}, locals: {}, outputs, otherStacks: () => [] };
  resources.forEach(([type, path, config], i) => list.push({ type, name: `r${i}`, address: `${type}.r${i}`, path, config, taggable: false, stack }));
  return stack;
}

describe("taskRecord", () => {
  const marker = (path = "s/task/started", input: unknown = { task: "my-job" }): [string, string, Record<string, unknown>] => ["terraform_data", path, { input }];
  const deadline = '${timeadd(terraform_data.r0.output.at, "120m")}';
  it("reads the deadline and planned size of a task whose name has a hyphen", () => {
    const stack = view([marker(), marker("s/task2/started"), marker("s/task/x", "plain"), marker("s/task/y", { task: 3 }), ["aws_instance", "s/task/i", { input: { task: "z" } }]],
      { my_job_deadline: ` ${deadline} `, my_job_placement: { nodes: 4 } });
    expect(taskRecord(stack, "s/task")).toEqual({ name: "my-job", marker: "terraform_data.r0", deadlineMinutes: 120, plannedNodes: 4 });
  });
  it.each([
    ["no marker", [], {}, "task s/task has 0 start markers (terraform_data with input.task), not 1, so its maxRuntime and planned size cannot be read"],
    ["two markers", [marker(), marker("s/task/again")], {}, "task s/task has 2 start markers (terraform_data with input.task), not 1, so its maxRuntime and planned size cannot be read"],
    ["no deadline", [marker()], { my_job_placement: { nodes: 4 } }, 'task s/task records no deadline relative to its start marker (output my_job_deadline is not set, not timeadd(terraform_data.r0.output.at, "<minutes>m"))'],
    ["a deadline after other text", [marker()], { my_job_deadline: `x${deadline}`, my_job_placement: { nodes: 4 } }, `task s/task records no deadline relative to its start marker (output my_job_deadline is ${JSON.stringify(`x${deadline}`)}, not timeadd(terraform_data.r0.output.at, "<minutes>m"))`],
    ["a deadline before other text", [marker()], { my_job_deadline: `${deadline}x`, my_job_placement: { nodes: 4 } }, `task s/task records no deadline relative to its start marker (output my_job_deadline is ${JSON.stringify(`${deadline}x`)}, not timeadd(terraform_data.r0.output.at, "<minutes>m"))`],
    ["a deadline that is not text", [marker()], { my_job_deadline: 120, my_job_placement: { nodes: 4 } }, 'task s/task records no deadline relative to its start marker (output my_job_deadline is 120, not timeadd(terraform_data.r0.output.at, "<minutes>m"))'],
    ["no placement", [marker()], { my_job_deadline: deadline }, "task s/task records no planned size (output my_job_placement has no nodes)"],
    ["a placement without nodes", [marker()], { my_job_deadline: deadline, my_job_placement: { clouds: 1 } }, "task s/task records no planned size (output my_job_placement has no nodes)"],
  ])("%s", (_what, resources, outputs, message) => {
    expect(taskRecord(view(resources as Array<[string, string, Record<string, unknown>]>, outputs), "s/task")).toBe(message);
  });
});

describe("inTask", () => {
  it("the resources of one type inside the task", () => {
    const stack = view([["aws_x", "s/task", {}], ["aws_x", "s/task/a", {}], ["aws_x", "s/task2/b", {}], ["aws_y", "s/task/c", {}], ["aws_x", "s/other", {}]]);
    expect(inTask(stack.resources[0]!, "s/task", "aws_x").map((r) => r.path)).toEqual(["s/task", "s/task/a"]);
  });
});
