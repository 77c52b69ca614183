import { isWithin, namesAzureResource, nonCompliant, refersTo, resourcesOfType, strings } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-AZ-6: every GpuTask's scale set has a cloud-side deadline. */
export const azureTaskDeadline: PolicyRule = {
  id: "HGPU-AZ-6",
  level: "error",
  title: "GPU tasks have a finite deadline",
  explanation:
    "A task's capacity must disappear at a deadline even when the nodes and the launcher are gone. Each scale set inside a " +
    "GpuTask needs, in the same task, a Logic App with an azurerm_logic_app_trigger_recurrence that starts at the deadline " +
    "(start_time) and an action whose body refers to the scale set (setting its capacity to 0), by reference or by the ID built from its " +
    "resource group's ID and its name (so the deadline can exist before the scale set). Scale sets outside a GpuTask are not judged.",
  appliesTo: ["azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set"],
  check(scaleSet) {
    const task = scaleSet.taskPath;
    if (task === undefined) return "not-applicable";
    const inTask = (type: string) => resourcesOfType(scaleSet.stack, type).filter((r) => isWithin(r.path, task));
    const triggers = inTask("azurerm_logic_app_trigger_recurrence").filter((t) => typeof t.config.start_time === "string");
    const actions = inTask("azurerm_logic_app_action_custom").filter((a) => refersTo(a.config.body, scaleSet) || namesAzureResource(a.config.body, scaleSet, "Microsoft.Compute/virtualMachineScaleSets"));
    const paired = actions.some((a) => triggers.some((t) => strings(t.config.logic_app_id).some((id) => id === a.config.logic_app_id)));
    if (paired) return "compliant";
    if (triggers.length === 0) return nonCompliant(`no azurerm_logic_app_trigger_recurrence with a start_time in task ${task} removes the capacity at a deadline`);
    return nonCompliant(`no Logic App action in task ${task} that runs at the deadline refers to the scale set`);
  },
};
