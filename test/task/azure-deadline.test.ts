import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { errorOf, resources, synth } from "../helpers";

const base: GpuTaskProps = { name: "train", gpus: 16, clouds: ["azure"], command: ["train.py"], dataPath: "/data", dataSource: "https://mldata.blob.core.windows.net/sets/imagenet", maxRuntime: "6h" };

function make(props: Partial<GpuTaskProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { ...base, ...props });
  return { task, tf: synth(stack) };
}

describe("Azure deadline", () => {
  const { task, tf } = make({ notify: "ml-oncall@example.com" });
  const workflows = Object.fromEntries(resources(tf, "azurerm_logic_app_workflow").map((w) => [w.name, w]));

  it("teardownGrace after the deadline, a second Logic App deletes the Managed Lustre file system the task created, with a role on that file system alone", () => {
    expect(Object.keys(workflows).sort()).toEqual(["s-task-deadline", "s-task-grace"]);
    const trigger = resources(tf, "azurerm_logic_app_trigger_recurrence").find((t) => t.name === "at-grace");
    expect(trigger.start_time).toMatch(/^\$\{formatdate\("YYYY-MM-DD'T'hh:mm:ss'Z'", timeadd\(timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "360m"\), "60m"\)\)\}$/);
    const action = resources(tf, "azurerm_logic_app_action_custom").find((a) => a.name === "delete");
    expect(action.body).toMatch(/"method" = "DELETE"/);
    expect(action.body).toMatch(/"uri" = "https:\/\/management\.azure\.com\$\{azurerm_managed_lustre_file_system\.task_data_amlfs_[0-9A-F]+\.id\}\?api-version=2024-03-01"/);
    const role = resources(tf, "azurerm_role_definition").find((r) => /Managed Lustre/.test(r.description));
    expect(role.permissions[0].actions).toEqual(["Microsoft.StorageCache/amlFilesystems/read", "Microsoft.StorageCache/amlFilesystems/delete"]);
    expect(role.scope).toMatch(/^\$\{azurerm_managed_lustre_file_system\.task_data_amlfs_[0-9A-F]+\.id\}$/);
    expect(resources(tf, "azurerm_role_assignment").find((a) => /task_grace-role_/.test(a.role_definition_id ?? ""))).toMatchObject({ scope: role.scope, principal_id: expect.stringMatching(/logic_app_workflow\.task_grace_[0-9A-F]+\.identity\[0\]\.principal_id/) });
    expect(task.teardown.afterGrace).toEqual(["the Managed Lustre file system"]);
  });

  it("with notify: a failed run of either Logic App raises an alert that e-mails it", () => {
    const [group] = resources(tf, "azurerm_monitor_action_group");
    expect(group.email_receiver).toEqual([{ name: "notify", email_address: "ml-oncall@example.com", use_common_alert_schema: true }]);
    const [alert] = resources(tf, "azurerm_monitor_metric_alert");
    expect(alert.scopes).toHaveLength(2);
    expect(alert.criteria).toEqual([{ metric_namespace: "Microsoft.Logic/workflows", metric_name: "RunsFailed", aggregation: "Total", operator: "GreaterThan", threshold: 0 }]);
  });

  it("without storage of its own: only the scale set goes, and nobody is alerted without notify", () => {
    const { tf: bare, task: t } = make({ dataPath: undefined, dataSource: undefined });
    expect(resources(bare, "azurerm_logic_app_workflow").map((w) => w.name)).toEqual(["s-task-deadline"]);
    expect(resources(bare, "azurerm_monitor_metric_alert")).toEqual([]);
    expect(t.teardown.afterGrace).toEqual([]);
  });

  it("refuses an SNS topic as notify on Azure", () => {
    expect(errorOf(() => make({ notify: "arn:aws:sns:us-east-1:123456789012:ml-oncall" }))).toBe('s/task: notify "arn:aws:sns:us-east-1:123456789012:ml-oncall" is not valid: use an e-mail address on Azure (an SNS topic ARN is for tasks on AWS)');
  });
});
