import { blocks, isObject, isWithin, nonCompliant, numberOf, resourcesOfType } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-AWS-6: every GpuTask's Auto Scaling group has a cloud-side deadline. */
export const awsTaskDeadline: PolicyRule = {
  id: "HGPU-AWS-6",
  level: "error",
  title: "GPU tasks have a finite deadline",
  explanation:
    "A task's capacity must disappear at a deadline even when the nodes and the launcher are gone. Each aws_autoscaling_group " +
    "inside a GpuTask needs, in the same task, an aws_scheduler_schedule with a one-time at(...) expression whose target input " +
    "names the group and sets its capacity to 0. Groups outside a GpuTask are not judged.",
  appliesTo: ["aws_autoscaling_group"],
  check(group) {
    if (group.taskPath === undefined) return "not-applicable";
    const name = group.config.name;
    const schedules = resourcesOfType(group.stack, "aws_scheduler_schedule").filter((s) => isWithin(s.path, group.taskPath!));
    const stopsGroup = schedules.some((s) => {
      const expression = s.config.schedule_expression;
      return typeof expression === "string" && expression.startsWith("at(") && blocks(s.config.target).some((t) => setsToZero(t.input, name));
    });
    if (stopsGroup) return "compliant";
    return nonCompliant(schedules.length === 0
      ? `no aws_scheduler_schedule in task ${group.taskPath} removes the capacity at a deadline`
      : `no one-time aws_scheduler_schedule in task ${group.taskPath} sets group ${String(name)} to 0 at its deadline`);
  },
};

function setsToZero(input: unknown, groupName: unknown): boolean {
  if (typeof input !== "string") return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return false;
  }
  if (!isObject(parsed) || parsed.AutoScalingGroupName !== groupName) return false;
  return numberOf(parsed.MaxSize) === 0 || numberOf(parsed.DesiredCapacity) === 0;
}
