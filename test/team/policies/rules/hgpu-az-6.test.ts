/**
 * HGPU-AZ-6 with a deadline action that names the scale set by the ID built from its resource
 * group's ID and its name (so that the deadline exists before the scale set), as a GpuTask's does.
 */
import type { LinuxVirtualMachineScaleSet } from "@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set";
import type { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../../../lib/azure/network";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { messages, SSH_KEY } from "../helpers";

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
