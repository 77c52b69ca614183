import { isFalse, nonCompliant, show } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-AZ-5: storage accounts are private and TLS-only. */
export const azureStoragePrivateTls: PolicyRule = {
  id: "HGPU-AZ-5",
  level: "error",
  title: "Storage accounts are private and TLS-only",
  explanation:
    "Every azurerm_storage_account sets allow_nested_items_to_be_public = false (the provider's default allows public " +
    "containers), keeps min_tls_version at TLS1_2 or above (the default) and does not turn https_traffic_only_enabled off.",
  appliesTo: ["azurerm_storage_account"],
  check(account) {
    const c = account.config;
    const problems: string[] = [];
    if (!isFalse(c.allow_nested_items_to_be_public)) problems.push(`allow_nested_items_to_be_public is ${show(c.allow_nested_items_to_be_public)}, use false`);
    if (c.min_tls_version !== undefined && !["TLS1_2", "TLS1_3"].includes(String(c.min_tls_version))) problems.push(`min_tls_version is ${show(c.min_tls_version)}, use "TLS1_2"`);
    if (isFalse(c.https_traffic_only_enabled) || isFalse(c.enable_https_traffic_only)) problems.push("https_traffic_only_enabled is false");
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};
