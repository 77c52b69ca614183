/**
 * HGPU-AZ-6 with a deadline action that names the scale set by the ID built from its resource
 * group's ID and its name (so that the deadline exists before the scale set), as a GpuTask's does.
 */
import type { LinuxVirtualMachineScaleSet } from "@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set";
import type { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
import type { LogicAppTriggerRecurrence } from "@cdktf/provider-azurerm/lib/logic-app-trigger-recurrence";
import { MonitorAutoscaleSetting } from "@cdktf/provider-azurerm/lib/monitor-autoscale-setting";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../../../lib/azure/network";
import type { TerraformData } from "../../../../lib/engine/terraform-data";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { messages, SSH_KEY } from "../helpers";
import { expected, findings } from "./findings";

/** A GpuTask in a given network (its deadline is the only Logic App that touches the scale set), its deadline action calling `uri`. */
function task(uri: (group: ResourceGroup, scaleSet: LinuxVirtualMachineScaleSet) => string) {
  const stack = new TerraformStack(Testing.app(), "s");
  const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
  const t = new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], azure: { sshPublicKey: SSH_KEY } });
  const group = t.node.findChild("compute") as ResourceGroup;
  const scaleSet = (t.cluster as AzureGpuCluster).scaleSet;
  (t.node.findChild("deadline-action") as LogicAppActionCustom).addOverride("body", JSON.stringify({ type: "Http", inputs: { method: "PATCH", uri: uri(group, scaleSet), body: { sku: { capacity: 0 } } } }));
  return stack;
}

const FLAGGED = ["s/task/cluster/vmss: HGPU-AZ-6 GPU tasks have a finite deadline: no Logic App action in task s/task that runs at the deadline refers to the scale set"];

describe("HGPU-AZ-6 with a scale set named by an ID built from its parts", () => {
  it("Compliance: its resource group's ID and its own name", () => {
    expect(messages(task((g) => `https://management.azure.com${g.id}/providers/Microsoft.Compute/virtualMachineScaleSets/s-task-cluster?api-version=2023-09-01`), "HGPU-AZ-6")).toEqual([]);
  });
  it("Compliance: a reference to the scale set", () => {
    expect(messages(task((_g, ss) => `https://management.azure.com${ss.id}?api-version=2023-09-01`), "HGPU-AZ-6")).toEqual([]);
  });
  it.each([
    ["another name", (g: ResourceGroup) => `https://management.azure.com${g.id}/providers/Microsoft.Compute/virtualMachineScaleSets/s-other-cluster?api-version=2023-09-01`],
    ["a name that only starts like it", (g: ResourceGroup) => `https://management.azure.com${g.id}/providers/Microsoft.Compute/virtualMachineScaleSets/s-task-cluster-2?api-version=2023-09-01`],
    ["another resource group", () => "https://management.azure.com/subscriptions/x/resourceGroups/other/providers/Microsoft.Compute/virtualMachineScaleSets/s-task-cluster?api-version=2023-09-01"],
  ])("Noncompliance: %s", (_what, uri) => {
    expect(messages(task(uri), "HGPU-AZ-6")).toEqual(FLAGGED);
  });
});

describe("HGPU-AZ-6 deadline within maxRuntime, scale set at its planned size", () => {
  /** A 6-hour GpuTask on Azure in a given network, with its deadline trigger, start marker and scale set. */
  function azureTask() {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
    const t = new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], maxRuntime: "6h", azure: { sshPublicKey: SSH_KEY } });
    const trigger = t.node.findChild("deadline-trigger") as LogicAppTriggerRecurrence;
    const marker = `terraform_data.${(t.node.findChild("started") as TerraformData).friendlyUniqueId}`;
    return { stack, task: t, trigger, marker, scaleSet: (t.cluster as AzureGpuCluster).scaleSet };
  }
  const start = (marker: string, duration: string) => `\${formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", timeadd(${marker}.output.at, "${duration}"))}`;
  const late = (trigger: LogicAppTriggerRecurrence, problem: string) => expected("error", "HGPU-AZ-6", "GPU tasks have a finite deadline",
    ["s/task/cluster/vmss", `no Logic App in task s/task that refers to the scale set starts within its maxRuntime: azurerm_logic_app_trigger_recurrence.${trigger.friendlyUniqueId}: ${problem}`]);

  it("Compliance: a GpuTask as built, and (boundary) a trigger at exactly maxRuntime in UTC", () => {
    expect(findings(azureTask().stack, "HGPU-AZ-6")).toEqual([]);
    const { stack, trigger, marker } = azureTask();
    trigger.addOverride("start_time", start(marker, "360m"));
    trigger.addOverride("time_zone", "UTC");
    expect(findings(stack, "HGPU-AZ-6")).toEqual([]);
  });

  it("Noncompliance: a trigger past maxRuntime, at a fixed time, or read in another time zone", () => {
    const past = azureTask();
    past.trigger.addOverride("start_time", start(past.marker, "7h"));
    expect(findings(past.stack, "HGPU-AZ-6")).toEqual(late(past.trigger, "it starts 420 minutes after the task's start, past its maxRuntime of 360 minutes"));

    const fixed = azureTask();
    fixed.trigger.addOverride("start_time", "2030-01-01T00:00:00Z");
    expect(findings(fixed.stack, "HGPU-AZ-6")).toEqual(late(fixed.trigger, `start_time "2030-01-01T00:00:00Z" is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime`));

    const zone = azureTask();
    zone.trigger.addOverride("time_zone", "Pacific Standard Time");
    expect(findings(zone.stack, "HGPU-AZ-6")).toEqual(late(zone.trigger, `time_zone "Pacific Standard Time" reads start_time in another zone than the task's UTC clock: leave it unset or use "UTC"`));
  });

  it("Noncompliance: instances other than the planned size, and an autoscale setting that lets the scale set grow past it", () => {
    const { stack, task, scaleSet } = azureTask();
    const planned = task.chosen.nodes;
    scaleSet.addOverride("instances", planned + 2);
    new MonitorAutoscaleSetting(stack, "scaling", {
      name: "scaling", resourceGroupName: "rg", location: "eastus", targetResourceId: scaleSet.id,
      profile: [{ name: "default", capacity: { default: planned, minimum: 0, maximum: planned + 8 } }],
    });
    expect(findings(stack, "HGPU-AZ-6")).toEqual(expected("error", "HGPU-AZ-6", "GPU tasks have a finite deadline", ["s/task/cluster/vmss",
      `instances is ${planned + 2}, not the ${planned} nodes task s/task planned; azurerm_monitor_autoscale_setting.scaling profile[0] lets it grow to ${planned + 8} instances, past the ${planned} nodes task s/task planned`]));
  });
});
