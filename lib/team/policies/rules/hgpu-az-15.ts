import { isFalse, nonCompliant, show } from "../helpers";
import type { PolicyRule } from "../types";
import { cannotVerify, cannotVerifyText, readValue } from "../values";

/** HGPU-AZ-15: storage accounts take no shared keys and hold no public containers. */
export const azureStorageNoSharedKeys: PolicyRule = {
  id: "HGPU-AZ-15",
  level: "error",
  title: "Storage accounts take no shared keys and hold no public containers",
  explanation:
    "An account key (or a SAS signed with it) opens every container of the account to whoever holds it, never expires and " +
    "leaves no identity in the logs. Every azurerm_storage_account sets shared_access_key_enabled = false (the provider's " +
    "default is true), so that only Entra ID identities with data-plane roles get in; the provider then needs " +
    "storage_use_azuread = true for data-plane calls. No azurerm_storage_container may set container_access_type to \"blob\" or " +
    "\"container\" (anonymous reads); leave it \"private\" (the default). An account's allow_nested_items_to_be_public is " +
    "HGPU-AZ-5's. A value the pack cannot resolve is reported as unverifiable.",
  appliesTo: ["azurerm_storage_account", "azurerm_storage_container"],
  check(resource) {
    const c = resource.config;
    if (resource.type === "azurerm_storage_container") {
      if (c.container_access_type === undefined) return "compliant";
      const access = readValue(c.container_access_type, resource.stack);
      if (access.kind !== "literal") return cannotVerify("error", "container_access_type", c.container_access_type);
      return access.value === "private" ? "compliant" : nonCompliant(`container_access_type is ${show(access.value)}: anyone may read its blobs without credentials; use "private"`);
    }
    const keys = readValue(c.shared_access_key_enabled, resource.stack);
    if (keys.kind === "literal" && isFalse(keys.value)) return "compliant";
    if (keys.kind !== "literal") return nonCompliant(cannotVerifyText("shared_access_key_enabled", c.shared_access_key_enabled));
    return nonCompliant(`shared_access_key_enabled is ${show(keys.value)}${keys.value === undefined ? " (the provider's default is true)" : ""}: set it to false and grant identities data-plane roles`);
  },
};
