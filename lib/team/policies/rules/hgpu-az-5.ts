import { block, isFalse, nonCompliant, refersTo, resourcesOfType, show } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, readValue } from "../values";

/** HGPU-AZ-5: storage accounts are private and TLS-only. */
export const azureStoragePrivateTls: PolicyRule = {
  id: "HGPU-AZ-5",
  level: "error",
  title: "Storage accounts are private and TLS-only",
  explanation:
    "Every azurerm_storage_account sets allow_nested_items_to_be_public = false (the provider's default allows public " +
    "containers), keeps min_tls_version at TLS1_2 or above (the default) and does not turn https_traffic_only_enabled off; " +
    "those are errors. Its endpoints should also not accept connections from every network: public_network_access_enabled = " +
    "false (private endpoints), or a network_rules block (or an azurerm_storage_account_network_rules) with default_action " +
    "\"Deny\" and the networks allowed listed. The provider's defaults (public network access on, default_action \"Allow\") " +
    "leave the account reachable from the internet, with credentials still required, which is a warning. A setting the pack cannot " +
    "resolve is an error.",
  appliesTo: ["azurerm_storage_account"],
  check(account) {
    const problems: string[] = [];
    const c = literalConfig(account, ["allow_nested_items_to_be_public", "min_tls_version", "https_traffic_only_enabled", "enable_https_traffic_only", "public_network_access_enabled"], problems);
    if (!isFalse(c.allow_nested_items_to_be_public) && !unknown(c.allow_nested_items_to_be_public)) problems.push(`allow_nested_items_to_be_public is ${show(c.allow_nested_items_to_be_public)}, use false`);
    if (c.min_tls_version !== undefined && !unknown(c.min_tls_version) && !["TLS1_2", "TLS1_3"].includes(String(c.min_tls_version))) problems.push(`min_tls_version is ${show(c.min_tls_version)}, use "TLS1_2"`);
    if (isFalse(c.https_traffic_only_enabled) || isFalse(c.enable_https_traffic_only)) problems.push("https_traffic_only_enabled is false");
    const network = networkExposure(account, c, problems);
    if (problems.length > 0) return nonCompliant([...problems, ...(network ? [network] : [])].join("; "));
    return network ? nonCompliant(network, "warning") : "compliant";
  },
};

const UNKNOWN = Symbol("unknown");

function unknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The attributes' literal values (variable defaults resolved); an attribute the pack cannot resolve reads as UNKNOWN and adds a problem. */
function literalConfig(resource: L1View, attributes: readonly string[], problems: string[], prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attr of attributes) {
    const raw = resource.config[attr];
    const read = readValue(raw, resource.stack);
    if (read.kind === "literal") out[attr] = read.value;
    else {
      out[attr] = UNKNOWN;
      problems.push(cannotVerifyText(`${prefix}${attr}`, raw));
    }
  }
  return out;
}

/** Why the account's endpoints accept connections from every network, or undefined when they do not. */
function networkExposure(account: L1View, c: Readonly<Record<string, unknown>>, problems: string[]): string | undefined {
  if (isFalse(c.public_network_access_enabled) || unknown(c.public_network_access_enabled)) return undefined;
  const inline = block(account.config.network_rules);
  const separate = resourcesOfType(account.stack, "azurerm_storage_account_network_rules").filter((r) => refersTo(r.config.storage_account_id, account));
  const actions: unknown[] = [];
  for (const [raw, where] of [[inline?.default_action, "network_rules.default_action"], ...separate.map((r) => [r.config.default_action, `${r.address} default_action`])] as [unknown, string][]) {
    if (raw === undefined) continue;
    const read = readValue(raw, account.stack);
    if (read.kind !== "literal") problems.push(cannotVerifyText(where, raw));
    else actions.push(read.value);
  }
  if (actions.some((a) => String(a).toLowerCase() === "deny")) return undefined;
  if (problems.some((p) => p.includes("default_action"))) return undefined;
  const rules = actions.length === 0 ? "no network_rules" : `network_rules default_action ${actions.map(show).join(", ")}`;
  return `public_network_access_enabled is ${show(c.public_network_access_enabled)} with ${rules}: the account accepts connections from every network ` +
    "(set public_network_access_enabled = false, or network_rules default_action \"Deny\")";
}
