import { isTrue, nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";
import { cannotVerifyText, readValue } from "../values";

/** HGPU-AZ-4: storage accounts encrypt at rest twice (infrastructure encryption). */
export const azureStorageEncrypted: PolicyRule = {
  id: "HGPU-AZ-4",
  level: "warning",
  title: "Storage accounts use infrastructure encryption",
  explanation:
    "Azure Storage always encrypts at rest with service-managed keys; infrastructure_encryption_enabled = true adds a second, " +
    "independent layer and can only be chosen when the account is created (a warning, since the first layer is always on). " +
    "Managed Lustre always encrypts at rest, so it always complies.",
  appliesTo: ["azurerm_storage_account", "azurerm_managed_lustre_file_system"],
  check(resource) {
    if (resource.type === "azurerm_managed_lustre_file_system") return "compliant";
    const raw = resource.config.infrastructure_encryption_enabled;
    const read = readValue(raw, resource.stack);
    if (read.kind !== "literal") return nonCompliant(cannotVerifyText("infrastructure_encryption_enabled", raw));
    return isTrue(read.value) ? "compliant" : nonCompliant("infrastructure_encryption_enabled is not true");
  },
};
