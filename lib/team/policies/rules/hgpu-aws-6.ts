import { MAX_RUNTIME_MINUTES } from "../../../task/duration";
import { blocks, isObject, isWithin, nonCompliant, numberOf, resourcesOfType, show } from "../helpers";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerifyText, readValue } from "../values";
import { atExpressionOffset, minutesText, taskRecord, type TaskRecord } from "./task-records";

/** The EventBridge Scheduler universal target that calls UpdateAutoScalingGroup (`arn:<partition>:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup`). */
const UPDATE_GROUP_TARGET = "autoscaling:updateAutoScalingGroup";
/** What scheduleProblem returns for a schedule about another group. */
const NOT_NAMED = "its target input does not name the group";
/** Time zones in which an at(...) time reads as the task's UTC clock (Terraform's timestamp() is UTC). */
const UTC_ZONES = ["UTC", "Etc/UTC", "GMT", "Etc/GMT"];

/** HGPU-AWS-6: every GpuTask's Auto Scaling group has a cloud-side deadline. */
export const awsTaskDeadline: PolicyRule = {
  id: "HGPU-AWS-6",
  level: "error",
  title: "GPU tasks have a finite deadline",
  explanation:
    "A task's capacity must disappear at a deadline even when the nodes and the launcher are gone. Each aws_autoscaling_group " +
    "inside a GpuTask needs, in the same task, an aws_scheduler_schedule with a one-time at(...) expression, not DISABLED, whose " +
    `target arn ends in ${UPDATE_GROUP_TARGET} and whose input is JSON naming the group (AutoScalingGroupName equal to the group's ` +
    "literal name; a group with only name_prefix cannot be named) and taking its capacity to 0 in a request AWS accepts: MinSize 0 " +
    "(or a group min_size of 0), and MaxSize 0 or DesiredCapacity 0 (DesiredCapacity 0 below a MinSize above 0 is rejected at run " +
    "time). The deadline must fall within the task's maxRuntime: the at(...) time is timeadd(<the task's start marker>.output.at, " +
    "\"<N>m\") (formatted with formatdate) in UTC (schedule_expression_timezone unset or UTC), with N no later than the deadline the " +
    "task records (its <name>_deadline output, which may not exceed 14 days); a fixed time cannot be related to the task's start. " +
    "The group's max_size must equal the nodes the task planned (its <name>_placement output): more would let it grow past the " +
    "plan and its price. Groups outside a GpuTask are not judged here (HGPU-AWS-14).",
  appliesTo: ["aws_autoscaling_group"],
  check(group) {
    if (group.taskPath === undefined) return "not-applicable";
    const schedules = resourcesOfType(group.stack, "aws_scheduler_schedule").filter((s) => isWithin(s.path, group.taskPath!));
    if (schedules.length === 0) return nonCompliant(`no aws_scheduler_schedule in task ${group.taskPath} removes the capacity at a deadline`);
    const name = group.config.name;
    if (typeof name !== "string") {
      return nonCompliant(`the group has no literal name (name ${show(name)}${group.config.name_prefix !== undefined ? `, name_prefix ${show(group.config.name_prefix)}` : ""}), so no deadline schedule in task ${group.taskPath} can name it: set name`);
    }
    const record = taskRecord(group.stack, group.taskPath);
    if (typeof record === "string") return nonCompliant(record);
    if (record.deadlineMinutes > MAX_RUNTIME_MINUTES) {
      return nonCompliant(`task ${group.taskPath} records a deadline ${minutesText(record.deadlineMinutes)} after its start, past the ${minutesText(MAX_RUNTIME_MINUTES)} (14 days) a task may run`);
    }
    const naming = schedules.map((s) => ({ schedule: s, problem: scheduleProblem(s, group, name, record) })).filter((p) => p.problem !== NOT_NAMED);
    if (naming.length === 0) return nonCompliant(`no aws_scheduler_schedule in task ${group.taskPath} names group ${name} (AutoScalingGroupName of its target input)`);
    if (!naming.some((p) => p.problem === undefined)) {
      return nonCompliant(`no aws_scheduler_schedule in task ${group.taskPath} sets group ${name} to 0 at its deadline: ${naming.map((p) => `${p.schedule.address}: ${p.problem}`).join("; ")}`);
    }
    return sizeProblem(group, record);
  },
};

/** Whether the group's max_size is the task's planned size. */
function sizeProblem(group: L1View, record: TaskRecord): RuleResult {
  const raw = group.config.max_size;
  const read = readValue(raw, group.stack);
  if (read.kind !== "literal") return nonCompliant(cannotVerifyText("max_size", raw));
  const max = numberOf(read.value);
  if (max === record.plannedNodes) return "compliant";
  return nonCompliant(`max_size is ${show(read.value)}, not the ${record.plannedNodes} nodes task ${group.taskPath} planned: set max_size to the planned size`);
}

/** Why `schedule` does not take `group` to zero at a deadline within maxRuntime (NOT_NAMED when it is about another group), or undefined when it does. */
function scheduleProblem(schedule: L1View, group: L1View, name: string, record: TaskRecord): string | undefined {
  const c = schedule.config;
  const targets = blocks(c.target);
  const inputs = targets.map((t) => parseInput(t.input));
  if (!inputs.some((i) => i?.AutoScalingGroupName === name)) return NOT_NAMED;
  const expression = c.schedule_expression;
  if (typeof expression !== "string" || !expression.startsWith("at(")) return `schedule_expression ${show(expression)} is not a one-time at(...) expression`;
  if (typeof c.state === "string" && c.state.toUpperCase() === "DISABLED") return 'state is "DISABLED"';
  const offset = atExpressionOffset(expression, record.marker);
  if (typeof offset === "string") return offset;
  if (offset > record.deadlineMinutes) return `it fires ${minutesText(offset)} after the task's start, past its maxRuntime of ${minutesText(record.deadlineMinutes)}`;
  const zone = c.schedule_expression_timezone;
  if (zone !== undefined && !UTC_ZONES.includes(String(zone))) return `schedule_expression_timezone ${show(zone)} reads the at(...) time in another zone than the task's UTC clock: use "UTC"`;
  const problems: string[] = [];
  for (const target of targets) {
    const input = parseInput(target.input);
    if (input?.AutoScalingGroupName !== name) continue;
    const arn = target.arn;
    if (typeof arn !== "string" || !arn.endsWith(UPDATE_GROUP_TARGET)) {
      problems.push(`target arn ${show(arn)} does not end in ${UPDATE_GROUP_TARGET}`);
      continue;
    }
    const capacity = capacityProblem(input, group);
    if (capacity === undefined) return undefined;
    problems.push(capacity);
  }
  return problems.join("; ");
}

/** Why an UpdateAutoScalingGroup input does not (validly) take the group to 0, or undefined when it does. */
function capacityProblem(input: Readonly<Record<string, unknown>>, group: L1View): string | undefined {
  const min = input.MinSize === undefined ? numberOf(group.config.min_size) : numberOf(input.MinSize);
  const max = numberOf(input.MaxSize);
  const desired = numberOf(input.DesiredCapacity);
  if (min !== 0) {
    return input.MinSize === undefined
      ? `the input leaves MinSize at the group's min_size ${show(group.config.min_size)}: set MinSize 0 (capacity cannot go below MinSize)`
      : `the input sets MinSize ${show(input.MinSize)}, use 0`;
  }
  if (max !== 0 && desired !== 0) return `the input sets neither MaxSize 0 nor DesiredCapacity 0 (MaxSize ${show(input.MaxSize)}, DesiredCapacity ${show(input.DesiredCapacity)})`;
  if (input.DesiredCapacity !== undefined && desired !== 0) return `the input sets MaxSize 0 with DesiredCapacity ${show(input.DesiredCapacity)}, which AWS rejects`;
  return undefined;
}

function parseInput(input: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof input !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
