import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../lib/azure/network";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { validationErrorOf, resources, synth } from "../helpers";

const base: GpuTaskProps = { name: "train", gpus: 16, clouds: ["azure"], command: ["train.py"], dataPath: "/data", dataSource: "https://mldata.blob.core.windows.net/sets/imagenet", maxRuntime: "6h" };

function make(props: Partial<GpuTaskProps> = {}, givenNetwork = false) {
  const stack = new TerraformStack(Testing.app(), "s");
  const network = givenNetwork ? { network: new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" }) } : {};
  const task = new GpuTask(stack, "task", { ...base, ...network, ...props });
  return { task, tf: synth(stack) };
}
const byName = (tf: unknown, type: string, name: string) => resources(tf, type).find((r) => r.name === name);

describe("Azure deadline: a task with its own network", () => {
  const { task, tf } = make({ notify: "ml-oncall@example.com" });

  it("teardownGrace after the deadline, a second Logic App deletes the scale set, then the network's whole resource group", () => {
    expect(resources(tf, "azurerm_logic_app_workflow").map((w) => w.name).sort()).toEqual(["s-task-deadline", "s-task-grace"]);
    expect(byName(tf, "azurerm_logic_app_trigger_recurrence", "at-grace").start_time).toMatch(/^\$\{formatdate\("YYYY-MM-DD'T'hh:mm:ss'Z'", timeadd\(timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "360m"\), "60m"\)\)\}$/);
    const first = byName(tf, "azurerm_logic_app_action_custom", "delete-scale-set").body as string;
    const second = byName(tf, "azurerm_logic_app_action_custom", "delete-network-group").body as string;
    expect(first).toMatch(/"method" = "DELETE", "uri" = "https:\/\/management\.azure\.com\$\{azurerm_resource_group\.task_compute_[0-9A-F]+\.id\}\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/s-task-cluster\?api-version=2023-09-01"/);
    expect(second).toMatch(/"method" = "DELETE", "uri" = "https:\/\/management\.azure\.com\$\{azurerm_resource_group\.task_network_rg_[0-9A-F]+\.id\}\?api-version=2021-04-01"/);
    // the group goes after the scale set, whether that succeeded or not
    expect(second).toContain('"runAfter" = {"delete-scale-set" = ["Succeeded", "Failed", "TimedOut"]}');
    expect(task.teardown.afterGrace).toEqual(["the scale set", "the network's resource group (NAT gateway, public IP, VNet, Managed Lustre, run account)"]);
  });

  it("its roles: delete the scale set in the compute group; delete within the task's own network group, nothing else", () => {
    const roles = resources(tf, "azurerm_role_definition").filter((r) => /after its deadline/.test(r.description)).sort((a, b) => a.description.localeCompare(b.description));
    expect(roles.map((r) => [r.permissions[0].actions, r.scope])).toEqual([
      [["Microsoft.Compute/virtualMachineScaleSets/read", "Microsoft.Compute/virtualMachineScaleSets/delete"], expect.stringMatching(/azurerm_resource_group\.task_compute_/)],
      [["*/read", "*/delete"], expect.stringMatching(/^\$\{azurerm_resource_group\.task_network_rg_[0-9A-F]+\.id\}$/)],
    ]);
    const grants = resources(tf, "azurerm_role_assignment").filter((a) => /task_grace(-network)?-role_/.test(a.role_definition_id ?? ""));
    expect(grants.map((a) => a.principal_id)).toEqual([expect.stringMatching(/logic_app_workflow\.task_grace_/), expect.stringMatching(/logic_app_workflow\.task_grace_/)]);
  });

  it("with notify: a failed run of either Logic App raises an alert that e-mails it", () => {
    const [group] = resources(tf, "azurerm_monitor_action_group");
    expect(group.email_receiver).toEqual([{ name: "notify", email_address: "ml-oncall@example.com", use_common_alert_schema: true }]);
    const alerts = resources(tf, "azurerm_monitor_metric_alert");
    expect(alerts.map((a) => a.scopes)).toEqual([[expect.stringMatching(/logic_app_workflow\.task_deadline_/)], [expect.stringMatching(/logic_app_workflow\.task_grace_/)]]);
    for (const alert of alerts) expect(alert.criteria).toEqual([{ metric_namespace: "Microsoft.Logic/workflows", metric_name: "RunsFailed", aggregation: "Total", operator: "GreaterThan", threshold: 0 }]);
  });

  it("a step whose target is already gone (404) succeeds; any other failure fails the run, which the alert watches", () => {
    for (const [step, last] of [["deadline", "scale-to-zero"], ["grace", "delete-network-group"]]) {
      const check = resources(tf, "azurerm_logic_app_action_custom").find((a) => a.name === "fail-unless-gone" && a.logic_app_id.includes(`task_${step}_`));
      expect(check.body).toContain(`"expression" = {"and" = [{"not" = {"equals" = ["@outputs('${last}')?['statusCode']", 404]}}]}`);
      expect(check.body).toContain('"type" = "Terminate", "inputs" = {"runStatus" = "Failed"');
      expect(check.body).toContain(`"runAfter" = {"${last}" = ["Failed", "TimedOut"]}`);
    }
  });
});

describe("Azure deadline: a task in a given network", () => {
  it("with Managed Lustre of its own: the grace deletes that file system alone, under a role on it", () => {
    const { task, tf } = make({}, true);
    const action = byName(tf, "azurerm_logic_app_action_custom", "delete");
    expect(action.body).toMatch(/"uri" = "https:\/\/management\.azure\.com\$\{azurerm_managed_lustre_file_system\.task_data_amlfs_[0-9A-F]+\.id\}\?api-version=2024-03-01"/);
    const role = resources(tf, "azurerm_role_definition").find((r) => /Managed Lustre/.test(r.description));
    expect(role.permissions[0].actions).toEqual(["Microsoft.StorageCache/amlFilesystems/read", "Microsoft.StorageCache/amlFilesystems/delete"]);
    // a custom role is defined at a resource group (never assignable at a single resource) and assigned on the file system
    expect(role.scope).toMatch(/^\$\{azurerm_resource_group\.net_rg_[0-9A-F]+\.id\}$/);
    expect(role.assignable_scopes).toEqual([role.scope]);
    expect(resources(tf, "azurerm_role_assignment").find((a) => /task_grace-role_/.test(a.role_definition_id ?? "")).scope).toMatch(/^\$\{azurerm_managed_lustre_file_system\.task_data_amlfs_[0-9A-F]+\.id\}$/);
    expect(task.teardown.afterGrace).toEqual(["the Managed Lustre file system"]);
    expect(resources(tf, "azurerm_role_definition").some((r) => r.permissions[0].actions.includes("*/delete"))).toBe(false);
  });

  it("without storage: only the scale set goes, at the deadline; nobody is alerted without notify", () => {
    const { tf, task } = make({ dataPath: undefined, dataSource: undefined }, true);
    expect(resources(tf, "azurerm_logic_app_workflow").map((w) => w.name)).toEqual(["s-task-deadline"]);
    expect(resources(tf, "azurerm_monitor_metric_alert")).toEqual([]);
    expect(task.teardown.afterGrace).toEqual([]);
  });

  it("refuses an SNS topic as notify on Azure", () => {
    expect(validationErrorOf(() => make({ notify: "arn:aws:sns:us-east-1:123456789012:ml-oncall" }))).toBe('s/task: notify "arn:aws:sns:us-east-1:123456789012:ml-oncall" is not valid: use an e-mail address: an SNS topic ARN is for tasks on AWS');
  });
});
