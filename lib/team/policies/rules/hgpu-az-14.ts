import { blocks, refersTo, resourcesOfType } from "../helpers";
import type { PolicyRule } from "../types";
import { findings, finiteSize, isGpuVmSize, MAX_GPU_GROUP_NODES } from "./gpu-groups";

/** HGPU-AZ-14: GPU scale sets outside a GpuTask have a finite size. */
export const azureFiniteGpuScaleSets: PolicyRule = {
  id: "HGPU-AZ-14",
  level: "warning",
  title: "GPU scale sets have a finite size",
  explanation:
    "A GPU scale set without a firm ceiling can grow to a bill nobody planned. Every azurerm_linux_virtual_machine_scale_set, " +
    "azurerm_windows_virtual_machine_scale_set and azurerm_orchestrated_virtual_machine_scale_set outside a GpuTask with a GPU " +
    "size (an N-series size, a size of the catalog, or an expression) has a finite instances count, and every " +
    "azurerm_monitor_autoscale_setting on it a finite capacity maximum: a literal number (or a variable with a literal default) " +
    `of at most ${MAX_GPU_GROUP_NODES} (MAX_GPU_GROUP_NODES; Azure caps a scale set at 1,000 VMs anyway). A count the pack cannot ` +
    "resolve is reported as unverifiable. Scale sets inside a GpuTask are held to the task's planned size by HGPU-AZ-6.",
  appliesTo: ["azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set"],
  check(scaleSet) {
    const c = scaleSet.config;
    if (scaleSet.taskPath !== undefined || !isGpuVmSize(c.sku ?? c.sku_name)) return "not-applicable";
    const problems = [c.instances === undefined ? undefined : finiteSize(scaleSet, "instances", c.instances, "the scale set")];
    for (const setting of resourcesOfType(scaleSet.stack, "azurerm_monitor_autoscale_setting").filter((a) => refersTo(a.config.target_resource_id, scaleSet))) {
      blocks(setting.config.profile).forEach((profile, i) => {
        const max = blocks(profile.capacity)[0]?.maximum;
        problems.push(finiteSize(scaleSet, `${setting.address} profile[${i}].capacity.maximum`, max, "the scale set"));
      });
    }
    return findings(problems);
  },
};
