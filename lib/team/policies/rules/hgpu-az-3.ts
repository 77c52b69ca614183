import { isTrue, nonCompliant, show } from "../helpers";
import type { PolicyRule } from "../types";
import { cannotVerify, readValue } from "../values";

/** HGPU-AZ-3: scale sets encrypt temp disks and caches at the host. */
export const azureEncryptionAtHost: PolicyRule = {
  id: "HGPU-AZ-3",
  level: "warning",
  title: "Scale sets encrypt at the host",
  explanation:
    "Managed disks are always encrypted at rest, but a VM's temp disk (the NVMe scratch a training job writes checkpoints and " +
    "shards to) and its OS and data disk caches are not, unless encryption at host is on. Every azurerm_linux_virtual_machine_scale_set, " +
    "azurerm_windows_virtual_machine_scale_set and azurerm_orchestrated_virtual_machine_scale_set should set " +
    "encryption_at_host_enabled = true (AzureGpuCluster: encryptionAtHost). The subscription needs the EncryptionAtHost feature " +
    "registered and the size must support it, so this is a warning. A value the pack cannot resolve is reported as unverifiable.",
  appliesTo: ["azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set"],
  check(scaleSet) {
    const raw = scaleSet.config.encryption_at_host_enabled;
    const read = readValue(raw, scaleSet.stack);
    if (read.kind !== "literal") return cannotVerify("warning", "encryption_at_host_enabled", raw);
    return isTrue(read.value) ? "compliant" : nonCompliant(`encryption_at_host_enabled is ${show(read.value)}: temp disks and disk caches are stored unencrypted; set it to true`);
  },
};
