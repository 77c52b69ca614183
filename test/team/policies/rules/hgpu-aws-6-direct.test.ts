/**
 * HGPU-AWS-6 read directly on plain stack views of a task: which schedules count, the group's
 * name, the task's records, the schedule's time, zone, target and capacity, and max_size.
 */
import { describe, expect, it } from "vitest";
import { awsTaskDeadline } from "../../../../lib/team/policies/rules/hgpu-aws-6";
import type { RuleResult } from "../../../../lib/team/policies/types";
import { res, view, type Spec } from "./plain-view";

const M = "terraform_data.m";
const ARN = "arn:aws:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup";
const at = (minutes: number) => `at(\${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(${M}.output.at, "${minutes}m"))})`;
const input = (fields: Record<string, unknown>) => JSON.stringify({ AutoScalingGroupName: "gpu", ...fields });
const target = (fields: Record<string, unknown> = { MinSize: 0, MaxSize: 0 }, arn: unknown = ARN) => ({ arn, input: input(fields) });
interface Task {
  schedule2?: Record<string, unknown>; group?: Record<string, unknown>; schedule?: Record<string, unknown>; schedulePath?: string;
  markers?: number; deadline?: number;
}

/** The verdict on the group of a task "s/task" planned at 4 nodes with a 360-minute deadline, changed by `t`. */
function verdict(t: Task = {}): RuleResult {
  const specs: Spec[] = [
    ["aws_autoscaling_group", "g", { name: "gpu", min_size: 1, max_size: 4, ...t.group }, { path: "s/task/g", taskPath: "s/task" }],
    ["aws_scheduler_schedule", "sch", { schedule_expression: at(360), target: [target()], ...t.schedule }, { path: t.schedulePath ?? "s/task/sch" }],
    ...(t.schedule2 ? [["aws_scheduler_schedule", "sch2", { schedule_expression: at(360), target: [target()], ...t.schedule2 }, { path: "s/task/sch2" }] as Spec] : []),
    ...Array.from({ length: t.markers ?? 1 }, (_, i): Spec => ["terraform_data", i === 0 ? "m" : `m${i}`, { input: { task: "train" } }, { path: `s/task/started${i}` }]),
  ];
  const stack = view("s", specs, { outputs: { train_deadline: `\${timeadd(${M}.output.at, "${t.deadline ?? 360}m")}`, train_placement: { nodes: 4 } } });
  return awsTaskDeadline.check(res(stack, "aws_autoscaling_group.g"), { requiredTags: [] });
}
const bad = (detail: string): RuleResult => ({ status: "non-compliant", detail });
const zero = (problem: string) => bad(`no aws_scheduler_schedule in task s/task sets group gpu to 0 at its deadline: aws_scheduler_schedule.sch: ${problem}`);
const NOT_NAMED = bad("no aws_scheduler_schedule in task s/task names group gpu (AutoScalingGroupName of its target input)");

describe("HGPU-AWS-6 on a plain task", () => {
  it.each<[string, Task, RuleResult]>([
    ["a schedule that empties the group at the deadline", {}, "compliant"],
    ["a schedule outside the task", { schedulePath: "s/other/sch" }, bad("no aws_scheduler_schedule in task s/task removes the capacity at a deadline")],
    ["a group with only a name_prefix", { group: { name: undefined, name_prefix: "gpu-" } },
      bad('the group has no literal name (name not set, name_prefix "gpu-"), so no deadline schedule in task s/task can name it: set name')],
    ["a group with a name from an expression", { group: { name: 5 } }, bad("the group has no literal name (name 5), so no deadline schedule in task s/task can name it: set name")],
    ["two start markers", { markers: 2 }, bad("task s/task has 2 start markers (terraform_data with input.task), not 1, so its maxRuntime and planned size cannot be read")],
    ["a 14-day deadline", { deadline: 20160, schedule: { schedule_expression: at(20160) } }, "compliant"],
    ["a deadline past 14 days", { deadline: 20161, schedule: { schedule_expression: at(20161) } }, bad("task s/task records a deadline 20161 minutes after its start, past the 20160 minutes (14 days) a task may run")],
    ["a target input that is a list", { schedule: { target: [{ arn: ARN, input: [input({ MinSize: 0, MaxSize: 0 })] }] } }, NOT_NAMED],
    ["a target input that is not an object", { schedule: { target: [{ arn: ARN, input: "5" }] } }, NOT_NAMED],
    ["a target input that is not JSON", { schedule: { target: [{ arn: ARN, input: "{" }] } }, NOT_NAMED],
    ["a target for another group first", { schedule: { target: [target({ AutoScalingGroupName: "other", MinSize: 1 }), target()] } }, "compliant"],
    ["a target without input beside one", { schedule: { target: [{ arn: ARN }, target()] } }, "compliant"],
    ["a rate expression", { schedule: { schedule_expression: "rate(1 hour)" } }, zero('schedule_expression "rate(1 hour)" is not a one-time at(...) expression')],
    ["no expression", { schedule: { schedule_expression: undefined } }, zero("schedule_expression not set is not a one-time at(...) expression")],
    ["a disabled schedule", { schedule: { state: "disabled" } }, zero('state is "DISABLED"')],
    ["an enabled schedule", { schedule: { state: "ENABLED" } }, "compliant"],
    ["a fixed time", { schedule: { schedule_expression: "at(2026-01-01T00:00:00)" } },
      zero('schedule_expression "at(2026-01-01T00:00:00)" is a fixed time, not one relative to the task\'s start: the pack cannot show it falls within maxRuntime')],
    ["a time after the deadline", { schedule: { schedule_expression: at(361) } }, zero("it fires 361 minutes after the task's start, past its maxRuntime of 360 minutes")],
    ["two schedules, both late", { schedule: { schedule_expression: at(361) }, schedule2: { schedule_expression: at(400) } },
      bad("no aws_scheduler_schedule in task s/task sets group gpu to 0 at its deadline: aws_scheduler_schedule.sch: it fires 361 minutes after the task's start, past its maxRuntime of 360 minutes; aws_scheduler_schedule.sch2: it fires 400 minutes after the task's start, past its maxRuntime of 360 minutes")],
    ["two schedules, one in time", { schedule: { schedule_expression: at(361) }, schedule2: {} }, "compliant"],
    ["time zone Etc/UTC", { schedule: { schedule_expression_timezone: "Etc/UTC" } }, "compliant"],
    ["another time zone", { schedule: { schedule_expression_timezone: "Europe/Paris" } },
      zero('schedule_expression_timezone "Europe/Paris" reads the at(...) time in another zone than the task\'s UTC clock: use "UTC"')],
    ["another API", { schedule: { target: [target(undefined, "arn:aws:scheduler:::aws-sdk:autoscaling:setDesiredCapacity")] } },
      zero('target arn "arn:aws:scheduler:::aws-sdk:autoscaling:setDesiredCapacity" does not end in autoscaling:updateAutoScalingGroup')],
    ["no arn, and a MinSize of 1", { schedule: { target: [target(undefined, 5), target({ MinSize: 1, MaxSize: 0 })] } },
      zero('target arn 5 does not end in autoscaling:updateAutoScalingGroup; the input sets MinSize 1, use 0')],
    ["MinSize left at the group's 1", { schedule: { target: [target({ MaxSize: 0 })] } },
      zero("the input leaves MinSize at the group's min_size 1: set MinSize 0 (capacity cannot go below MinSize)")],
    ["MinSize left at the group's 0", { group: { min_size: 0 }, schedule: { target: [target({ MaxSize: 0 })] } }, "compliant"],
    ["DesiredCapacity 0", { schedule: { target: [target({ MinSize: 0, DesiredCapacity: 0 })] } }, "compliant"],
    ["neither MaxSize 0 nor DesiredCapacity 0", { schedule: { target: [target({ MinSize: 0, MaxSize: 2 })] } },
      zero("the input sets neither MaxSize 0 nor DesiredCapacity 0 (MaxSize 2, DesiredCapacity not set)")],
    ["MaxSize 0 with DesiredCapacity 2", { schedule: { target: [target({ MinSize: 0, MaxSize: 0, DesiredCapacity: 2 })] } },
      zero("the input sets MaxSize 0 with DesiredCapacity 2, which AWS rejects")],
    ["MaxSize 0 with DesiredCapacity 0", { schedule: { target: [target({ MinSize: "0", MaxSize: "0", DesiredCapacity: "0" })] } }, "compliant"],
    ["max_size from a variable", { group: { max_size: "${var.max}" } }, bad('max_size is "${var.max}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["max_size past the plan", { group: { max_size: 8 } }, bad("max_size is 8, not the 4 nodes task s/task planned: set max_size to the planned size")],
  ])("%s", (_what, task, result) => {
    expect(verdict(task)).toEqual(result);
  });
});
