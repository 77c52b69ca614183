import { blocks, nonCompliant, strings } from "../helpers";
import type { PolicyRule } from "../types";

const ANYWHERE = new Set(["0.0.0.0/0", "0.0.0.0", "::/0", "*", "internet", "any"]);

/** HGPU-AZ-9: no network security group admits inbound traffic from the internet. */
export const azureNoOpenInbound: PolicyRule = {
  id: "HGPU-AZ-9",
  level: "error",
  title: "Network security groups admit nothing from the internet",
  explanation:
    "GPU nodes and file systems admit traffic only from their own networks. No inbound Allow rule of an " +
    "azurerm_network_security_group (security_rule) or azurerm_network_security_rule may have the source 0.0.0.0/0, ::/0, *, Internet or Any.",
  appliesTo: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(resource) {
    const rules = resource.type === "azurerm_network_security_rule" ? [resource.config] : blocks(resource.config.security_rule);
    const open = rules.filter((r) =>
      String(r.direction).toLowerCase() === "inbound" && String(r.access).toLowerCase() === "allow" &&
      [...strings(r.source_address_prefix), ...strings(r.source_address_prefixes)].some((s) => ANYWHERE.has(s.toLowerCase())));
    if (open.length === 0) return "compliant";
    return nonCompliant(open.map((r) => `rule ${String(r.name ?? "?")} allows inbound from ${[...strings(r.source_address_prefix), ...strings(r.source_address_prefixes)].join(", ")} to port ${String(r.destination_port_range ?? strings(r.destination_port_ranges).join(","))}`).join("; "));
  },
};
