/**
 * HGPU-AWS-6 holds a task's deadline to its maxRuntime (the time its start marker records plus the
 * minutes its `<name>_deadline` output promises) and its group's max_size to its planned size.
 */
import type { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import type { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../../../lib/aws/gpu-cluster";
import type { TerraformData } from "../../../../lib/engine/terraform-data";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { goDurationMinutes, timeOffsetMinutes } from "../../../../lib/team/policies/rules/task-records";
import { expected, findings } from "./findings";

const ID = "HGPU-AWS-6";
const TITLE = "GPU tasks have a finite deadline";
const GROUP = AwsGpuCluster.autoScalingGroupName("s/task/cluster");

/** A 6-hour GpuTask on AWS, with its deadline schedule, start marker and group. */
function awsTask() {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["aws"], command: ["train.py"], maxRuntime: "6h" });
  const schedule = task.node.findChild("deadline") as SchedulerSchedule;
  const marker = `terraform_data.${(task.node.findChild("started") as TerraformData).friendlyUniqueId}`;
  const group = (task.cluster as AwsGpuCluster).autoScalingGroup as AutoscalingGroup;
  return { stack, task, schedule, marker, group };
}

/** The finding about the deadline schedule's `problem`. */
function scheduleFinding(schedule: SchedulerSchedule, problem: string) {
  return expected("error", ID, TITLE, ["s/task/cluster/asg", `no aws_scheduler_schedule in task s/task sets group ${GROUP} to 0 at its deadline: aws_scheduler_schedule.${schedule.friendlyUniqueId}: ${problem}`]);
}
const at = (marker: string, duration: string) => `at(\${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(${marker}.output.at, "${duration}"))})`;

describe("HGPU-AWS-6 deadline within maxRuntime, group at its planned size", () => {
  it("Compliance: a GpuTask as built, and a schedule that fires earlier than its deadline", () => {
    expect(findings(awsTask().stack, ID)).toEqual([]);
    const { stack, schedule, marker } = awsTask();
    schedule.addOverride("schedule_expression", at(marker, "2h"));
    expect(findings(stack, ID)).toEqual([]);
  });

  it("boundary: a schedule at exactly maxRuntime (360 minutes, written as 5h60m) in UTC passes", () => {
    const { stack, schedule, marker } = awsTask();
    schedule.addOverride("schedule_expression", at(marker, "5h60m"));
    schedule.addOverride("schedule_expression_timezone", "Etc/UTC");
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: a schedule past maxRuntime, at a fixed time, on another clock, or read in another time zone", () => {
    const late = awsTask();
    late.schedule.addOverride("schedule_expression", at(late.marker, "361m"));
    expect(findings(late.stack, ID)).toEqual(scheduleFinding(late.schedule, "it fires 361 minutes after the task's start, past its maxRuntime of 360 minutes"));

    const fixed = awsTask();
    fixed.schedule.addOverride("schedule_expression", "at(2030-01-01T00:00:00)");
    expect(findings(fixed.stack, ID)).toEqual(scheduleFinding(fixed.schedule, `schedule_expression "at(2030-01-01T00:00:00)" is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime`));

    const clock = awsTask();
    clock.schedule.addOverride("schedule_expression", `at(\${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(timestamp(), "60m"))})`);
    expect(findings(clock.stack, ID)).toEqual(scheduleFinding(clock.schedule,
      `schedule_expression "at(\${formatdate(\\"YYYY-MM-DD'T'hh:mm:ss\\", timeadd(timestamp(), \\"60m\\"))})" is not a time after the task's start marker ${clock.marker} (timeadd(${clock.marker}.output.at, "<minutes>m"))`));

    const zone = awsTask();
    zone.schedule.addOverride("schedule_expression_timezone", "America/Los_Angeles");
    expect(findings(zone.stack, ID)).toEqual(scheduleFinding(zone.schedule, `schedule_expression_timezone "America/Los_Angeles" reads the at(...) time in another zone than the task's UTC clock: use "UTC"`));
  });

  it("Noncompliance: a recorded deadline past 14 days", () => {
    const { stack, task, marker } = awsTask();
    (task.node.findChild("deadline-output") as TerraformOutput).addOverride("value", `\${timeadd(${marker}.output.at, "20161m")}`);
    expect(findings(stack, ID)).toEqual(expected("error", ID, TITLE, ["s/task/cluster/asg", "task s/task records a deadline 20161 minutes after its start, past the 20160 minutes (14 days) a task may run"]));
  });

  it("Noncompliance: a group whose max_size is not the planned size, or cannot be read", () => {
    const { stack, task, group } = awsTask();
    const planned = task.chosen.nodes;
    group.addOverride("max_size", planned + 1);
    expect(findings(stack, ID)).toEqual(expected("error", ID, TITLE, ["s/task/cluster/asg", `max_size is ${planned + 1}, not the ${planned} nodes task s/task planned: set max_size to the planned size`]));

    const unknown = awsTask();
    const nodes = new TerraformVariable(unknown.stack, "nodes", { type: "number" });
    unknown.group.addOverride("max_size", nodes.numberValue);
    expect(findings(unknown.stack, ID)).toEqual(expected("error", ID, TITLE, ["s/task/cluster/asg", 'max_size is "${var.nodes}", which the pack cannot verify: use a literal value or suppress with a reason']));
  });
});

describe("task time expressions", () => {
  const marker = "terraform_data.task_started_1";
  it.each([
    [`${marker}.output.at`, 0],
    [`${marker}.output["at"]`, 0],
    [`lookup(${marker}.output, "at", "")`, 0],
    [`timeadd(${marker}.output.at, "720m")`, 720],
    [`timeadd(timeadd(${marker}.output.at, "1h"), "-30m")`, 30],
    [`formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", timeadd(${marker}.output.at, "90s"))`, 1.5],
  ])("reads %s as %d minutes after the start", (expression, minutes) => {
    expect(timeOffsetMinutes(expression, marker)).toBe(minutes);
  });
  it.each([["timestamp()"], ['timeadd(timestamp(), "1h")'], [`timeadd(terraform_data.other.output.at, "1h")`], [`timeadd(${marker}.output.at, var.minutes)`]])("cannot relate %s to the start", (expression) => {
    expect(timeOffsetMinutes(expression, marker)).toBeUndefined();
  });
  it("reads Go durations", () => {
    expect([goDurationMinutes("1h30m"), goDurationMinutes("-5m"), goDurationMinutes("7200s"), goDurationMinutes("2d"), goDurationMinutes("")]).toEqual([90, -5, 120, undefined, undefined]);
  });
});
