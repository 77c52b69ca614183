/**
 * HGPU-AZ-6 read directly on plain stack views of a task: which trigger and action pair count,
 * the task's records, the trigger's start time and zone, and the scale set's size.
 */
import { describe, expect, it } from "vitest";
import { azureTaskDeadline } from "../../../../lib/team/policies/rules/hgpu-az-6";
import type { RuleResult } from "../../../../lib/team/policies/types";
import { res, view, type Spec } from "./plain-view";

const M = "terraform_data.m";
const SS = "azurerm_linux_virtual_machine_scale_set.vmss";
const start = (minutes: number) => `\${formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", timeadd(${M}.output.at, "${minutes}m"))}`;
interface Task {
  trigger2?: Record<string, unknown>; trigger?: Record<string, unknown>; triggerPath?: string; action?: Record<string, unknown>;
  markers?: number; deadline?: number;
  instances?: unknown; autoscale?: Record<string, unknown>[]; taskPath?: string;
}

/** The verdict on the scale set of a task "s/task" planned at 4 nodes with a 360-minute deadline, changed by `t`. */
function verdict(t: Task = {}): RuleResult {
  const specs: Spec[] = [
    ["azurerm_linux_virtual_machine_scale_set", "vmss", { sku: "Standard_NV12", instances: "instances" in t ? t.instances : 4 }, { path: "s/task/vmss", taskPath: "taskPath" in t ? t.taskPath : "s/task" }],
    ["azurerm_logic_app_trigger_recurrence", "t", { logic_app_id: "${azurerm_logic_app_workflow.w.id}", start_time: start(360), ...t.trigger }, { path: t.triggerPath ?? "s/task/t" }],
    ["azurerm_logic_app_action_custom", "a", { logic_app_id: "${azurerm_logic_app_workflow.w.id}", body: `{"uri":"\${${SS}.id}"}`, ...t.action }, { path: "s/task/a" }],
    ...(t.trigger2 ? [["azurerm_logic_app_trigger_recurrence", "t2", { logic_app_id: "${azurerm_logic_app_workflow.w.id}", ...t.trigger2 }, { path: "s/task/t2" }] as Spec] : []),
    ...Array.from({ length: t.markers ?? 1 }, (_, i): Spec => ["terraform_data", i === 0 ? "m" : `m${i}`, { input: { task: "train" } }, { path: `s/task/started${i}` }]),
    ...(t.autoscale ?? []).map((config, i): Spec => ["azurerm_monitor_autoscale_setting", `as${i}`, config]),
  ];
  const stack = view("s", specs, { outputs: { train_deadline: `\${timeadd(${M}.output.at, "${t.deadline ?? 360}m")}`, train_placement: { nodes: 4 } } });
  return azureTaskDeadline.check(res(stack, SS), { requiredTags: [] });
}
const bad = (detail: string): RuleResult => ({ status: "non-compliant", detail });
const late = (problem: string) => bad(`no Logic App in task s/task that refers to the scale set starts within its maxRuntime: azurerm_logic_app_trigger_recurrence.t: ${problem}`);
const NO_TRIGGER = bad("no azurerm_logic_app_trigger_recurrence with a start_time in task s/task removes the capacity at a deadline");
const NO_ACTION = bad("no Logic App action in task s/task that runs at the deadline refers to the scale set");
const CANNOT = "which the pack cannot verify: use a literal value or suppress with a reason";

describe("HGPU-AZ-6 on a plain task", () => {
  it.each<[string, Task, RuleResult]>([
    ["a deadline trigger and action at the deadline", {}, "compliant"],
    ["a scale set outside a task", { taskPath: undefined }, "not-applicable"],
    ["a trigger outside the task", { triggerPath: "s/other/t" }, NO_TRIGGER],
    ["a trigger without a start_time", { trigger: { start_time: 5 } }, NO_TRIGGER],
    ["an action of another Logic App", { action: { logic_app_id: "${azurerm_logic_app_workflow.x.id}" } }, NO_ACTION],
    ["an action that does not name the scale set", { action: { body: "{}" } }, NO_ACTION],
    ["a trigger naming two Logic Apps, the action's second", { trigger: { logic_app_id: ["${azurerm_logic_app_workflow.x.id}", "${azurerm_logic_app_workflow.w.id}"] } }, "compliant"],
    ["a trigger naming its Logic App in a list", { trigger: { logic_app_id: ["${azurerm_logic_app_workflow.w.id}"] } }, "compliant"],
    ["two start markers", { markers: 2 }, bad("task s/task has 2 start markers (terraform_data with input.task), not 1, so its maxRuntime and planned size cannot be read")],
    ["a 14-day deadline", { deadline: 20160, trigger: { start_time: start(20160) } }, "compliant"],
    ["a deadline past 14 days", { deadline: 20161, trigger: { start_time: start(20161) } }, bad("task s/task records a deadline 20161 minutes after its start, past the 20160 minutes (14 days) a task may run")],
    ["a start after the deadline", { trigger: { start_time: start(361) } }, late("it starts 361 minutes after the task's start, past its maxRuntime of 360 minutes")],
    ["a start before the deadline, spaced", { trigger: { start_time: ` ${start(300)} ` } }, "compliant"],
    ["a fixed start", { trigger: { start_time: "2026-01-01T00:00:00Z" } }, late('start_time "2026-01-01T00:00:00Z" is a fixed time, not one relative to the task\'s start: the pack cannot show it falls within maxRuntime')],
    ["a fixed start after text", { trigger: { start_time: "x2026-01-01T00:00:00Z" } }, late(`start_time "x2026-01-01T00:00:00Z" is not a time after the task's start marker ${M} (timeadd(${M}.output.at, "<minutes>m"))`)],
    ["an expression after text", { trigger: { start_time: `x${start(300)}` } }, late(`start_time ${JSON.stringify(`x${start(300)}`)} is not a time after the task's start marker ${M} (timeadd(${M}.output.at, "<minutes>m"))`)],
    ["an expression before text", { trigger: { start_time: `${start(300)}x` } }, late(`start_time ${JSON.stringify(`${start(300)}x`)} is not a time after the task's start marker ${M} (timeadd(${M}.output.at, "<minutes>m"))`)],
    ["two triggers, both late", { trigger: { start_time: start(361) }, trigger2: { start_time: start(400) } },
      bad("no Logic App in task s/task that refers to the scale set starts within its maxRuntime: azurerm_logic_app_trigger_recurrence.t: it starts 361 minutes after the task's start, past its maxRuntime of 360 minutes; azurerm_logic_app_trigger_recurrence.t2: it starts 400 minutes after the task's start, past its maxRuntime of 360 minutes")],
    ["two triggers, one in time", { trigger: { start_time: start(361) }, trigger2: { start_time: start(300) } }, "compliant"],
    ["time_zone UTC", { trigger: { time_zone: "UTC" } }, "compliant"],
    ["time_zone Coordinated Universal Time", { trigger: { time_zone: "Coordinated Universal Time" } }, "compliant"],
    ["another time_zone", { trigger: { time_zone: "W. Europe Standard Time" } }, late('time_zone "W. Europe Standard Time" reads start_time in another zone than the task\'s UTC clock: leave it unset or use "UTC"')],
    ["instances from a variable", { instances: "${var.n}" }, bad(`instances is "\${var.n}", ${CANNOT}`)],
    ["instances unset", { instances: undefined }, bad("instances is not set, not the 4 nodes task s/task planned")],
    ["fewer instances", { instances: 3 }, bad("instances is 3, not the 4 nodes task s/task planned")],
  ])("%s", (_what, task, result) => {
    expect(verdict(task)).toEqual(result);
  });
  it.each<[string, Record<string, unknown>[], RuleResult]>([
    ["an autoscale maximum at the planned size", [{ target_resource_id: `\${${SS}.id}`, profile: [{ capacity: [{ maximum: 4 }] }] }], "compliant"],
    ["an autoscale maximum past it, in a second profile", [{ target_resource_id: `\${${SS}.id}`, profile: [{ capacity: [{ maximum: 2 }] }, { capacity: [{ maximum: 5 }] }] }],
      bad("azurerm_monitor_autoscale_setting.as0 profile[1] lets it grow to 5 instances, past the 4 nodes task s/task planned")],
    ["an autoscale maximum from a variable", [{ target_resource_id: `\${${SS}.id}`, profile: [{ capacity: [{ maximum: "${var.max}" }] }] }],
      bad(`azurerm_monitor_autoscale_setting.as0 profile[0].capacity.maximum is "\${var.max}", ${CANNOT}`)],
    ["an autoscale profile without capacity", [{ target_resource_id: `\${${SS}.id}`, profile: [{}] }],
      bad("azurerm_monitor_autoscale_setting.as0 profile[0] lets it grow to not set instances, past the 4 nodes task s/task planned")],
    ["an autoscale setting of another scale set", [{ target_resource_id: "${azurerm_linux_virtual_machine_scale_set.other.id}", profile: [{ capacity: [{ maximum: 50 }] }] }], "compliant"],
  ])("%s", (_what, autoscale, result) => {
    expect(verdict({ autoscale })).toEqual(result);
  });
});
