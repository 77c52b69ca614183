import { MAX_RUNTIME_MINUTES } from "../../../task/duration";
import { blocks, isWithin, namesAzureResource, nonCompliant, numberOf, refersTo, resourcesOfType, show, strings } from "../helpers";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerifyText, readValue } from "../values";
import { minutesText, taskRecord, timeOffsetMinutes, type TaskRecord } from "./task-records";

/** HGPU-AZ-6: every GpuTask's scale set has a cloud-side deadline. */
export const azureTaskDeadline: PolicyRule = {
  id: "HGPU-AZ-6",
  level: "error",
  title: "GPU tasks have a finite deadline",
  explanation:
    "A task's capacity must disappear at a deadline even when the nodes and the launcher are gone. Each scale set inside a " +
    "GpuTask needs, in the same task, a Logic App with an azurerm_logic_app_trigger_recurrence that starts at the deadline " +
    "(start_time) and an action whose body refers to the scale set (setting its capacity to 0), by reference or by the ID built from its " +
    "resource group's ID and its name (so the deadline can exist before the scale set). The deadline must fall within the task's " +
    "maxRuntime: start_time is timeadd(<the task's start marker>.output.at, \"<N>m\") (formatted with formatdate), in UTC (time_zone " +
    "unset or UTC), with N no later than the deadline the task records (its <name>_deadline output, which may not exceed 14 days). " +
    "The scale set's instances must equal the nodes the task planned (its <name>_placement output), and no " +
    "azurerm_monitor_autoscale_setting may let it grow past them. Scale sets outside a GpuTask are not judged here (HGPU-AZ-14).",
  appliesTo: ["azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set"],
  check(scaleSet) {
    const task = scaleSet.taskPath;
    if (task === undefined) return "not-applicable";
    const inTask = (type: string) => resourcesOfType(scaleSet.stack, type).filter((r) => isWithin(r.path, task));
    const triggers = inTask("azurerm_logic_app_trigger_recurrence").filter((t) => typeof t.config.start_time === "string");
    const actions = inTask("azurerm_logic_app_action_custom").filter((a) => refersTo(a.config.body, scaleSet) || namesAzureResource(a.config.body, scaleSet, "Microsoft.Compute/virtualMachineScaleSets"));
    const paired = triggers.filter((t) => actions.some((a) => strings(t.config.logic_app_id).some((id) => id === a.config.logic_app_id)));
    if (paired.length === 0) {
      if (triggers.length === 0) return nonCompliant(`no azurerm_logic_app_trigger_recurrence with a start_time in task ${task} removes the capacity at a deadline`);
      return nonCompliant(`no Logic App action in task ${task} that runs at the deadline refers to the scale set`);
    }
    const record = taskRecord(scaleSet.stack, task);
    if (typeof record === "string") return nonCompliant(record);
    if (record.deadlineMinutes > MAX_RUNTIME_MINUTES) {
      return nonCompliant(`task ${task} records a deadline ${minutesText(record.deadlineMinutes)} after its start, past the ${minutesText(MAX_RUNTIME_MINUTES)} (14 days) a task may run`);
    }
    const problems = paired.map((t) => ({ trigger: t, problem: triggerProblem(t, record) }));
    if (!problems.some((p) => p.problem === undefined)) {
      return nonCompliant(`no Logic App in task ${task} that refers to the scale set starts within its maxRuntime: ${problems.map((p) => `${p.trigger.address}: ${p.problem}`).join("; ")}`);
    }
    return sizeProblem(scaleSet, record);
  },
};

/** Why a recurrence trigger does not start within the task's maxRuntime, or undefined when it does. */
function triggerProblem(trigger: L1View, record: TaskRecord): string | undefined {
  const start = String(trigger.config.start_time);
  const inner = /^\$\{([\s\S]*)\}$/.exec(start.trim())?.[1];
  const offset = inner === undefined ? undefined : timeOffsetMinutes(inner, record.marker);
  if (offset === undefined) {
    return /^\d{4}-\d\d-\d\dT/.test(start)
      ? `start_time ${show(start)} is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime`
      : `start_time ${show(start)} is not a time after the task's start marker ${record.marker} (timeadd(${record.marker}.output.at, "<minutes>m"))`;
  }
  if (offset > record.deadlineMinutes) return `it starts ${minutesText(offset)} after the task's start, past its maxRuntime of ${minutesText(record.deadlineMinutes)}`;
  const zone = trigger.config.time_zone;
  if (zone !== undefined && !["UTC", "Coordinated Universal Time"].includes(String(zone))) return `time_zone ${show(zone)} reads start_time in another zone than the task's UTC clock: leave it unset or use "UTC"`;
  return undefined;
}

/** Whether the scale set's instances, and any autoscale setting on it, keep to the task's planned size. */
function sizeProblem(scaleSet: L1View, record: TaskRecord): RuleResult {
  const problems: string[] = [];
  const raw = scaleSet.config.instances;
  const read = readValue(raw, scaleSet.stack);
  if (read.kind !== "literal") problems.push(cannotVerifyText("instances", raw));
  else if (numberOf(read.value) !== record.plannedNodes) problems.push(`instances is ${show(read.value)}, not the ${record.plannedNodes} nodes task ${scaleSet.taskPath} planned`);
  const settings = resourcesOfType(scaleSet.stack, "azurerm_monitor_autoscale_setting").filter((a) => refersTo(a.config.target_resource_id, scaleSet));
  for (const setting of settings) {
    for (const [i, profile] of blocks(setting.config.profile).entries()) {
      const maximum = blocks(profile.capacity)[0]?.maximum;
      const max = readValue(maximum, scaleSet.stack);
      if (max.kind !== "literal") problems.push(cannotVerifyText(`${setting.address} profile[${i}].capacity.maximum`, maximum));
      else if ((numberOf(max.value) ?? Infinity) > record.plannedNodes) problems.push(`${setting.address} profile[${i}] lets it grow to ${show(max.value)} instances, past the ${record.plannedNodes} nodes task ${scaleSet.taskPath} planned`);
    }
  }
  return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
}
