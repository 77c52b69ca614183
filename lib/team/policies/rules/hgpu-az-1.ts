import { block, blocks, isTrue, nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";
import { cannotVerifyText, readValue } from "../values";

/** HGPU-AZ-1: Azure nodes get no public IP address. */
export const azureNoPublicIp: PolicyRule = {
  id: "HGPU-AZ-1",
  level: "error",
  title: "GPU nodes have no public IP",
  explanation:
    "A public address puts a GPU VM on the internet. No ip_configuration of a scale set's network_interface may carry a " +
    "public_ip_address block, no azurerm_network_interface may set public_ip_address_id, and no AKS node pool " +
    "(azurerm_kubernetes_cluster_node_pool, or the default_node_pool of an azurerm_kubernetes_cluster) may set " +
    "node_public_ip_enabled (enable_node_public_ip before azurerm 4.0), nor leave it to a value the pack cannot resolve; nodes reach out through the NAT gateway.",
  appliesTo: [
    "azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set",
    "azurerm_network_interface", "azurerm_kubernetes_cluster_node_pool", "azurerm_kubernetes_cluster",
  ],
  check(resource) {
    const c = resource.config;
    if (resource.type === "azurerm_network_interface") {
      const withIp = blocks(c.ip_configuration)
        .map((ip, i) => ({ ip, i }))
        .filter(({ ip }) => ip.public_ip_address_id !== undefined && ip.public_ip_address_id !== null);
      return withIp.length === 0 ? "compliant" : nonCompliant(`ip_configuration[${withIp.map(({ i }) => i).join(", ")}] sets public_ip_address_id`);
    }
    if (resource.type === "azurerm_kubernetes_cluster_node_pool" || resource.type === "azurerm_kubernetes_cluster") {
      const pool = (resource.type === "azurerm_kubernetes_cluster" ? block(c.default_node_pool) : c) ?? {};
      const where = resource.type === "azurerm_kubernetes_cluster" ? "default_node_pool." : "";
      const keys = ["node_public_ip_enabled", "enable_node_public_ip"];
      const unknown = keys.filter((k) => readValue(pool[k], resource.stack).kind !== "literal");
      if (unknown.length > 0) return nonCompliant(unknown.map((k) => cannotVerifyText(`${where}${k}`, pool[k])).join("; "));
      const on = keys.filter((k) => isTrue(pool[k]));
      return on.length === 0 ? "compliant" : nonCompliant(`${on.map((k) => `${where}${k}`).join(", ")} ${on.length > 1 ? "are" : "is"} true: every node of the pool gets a public IP`);
    }
    const found: string[] = [];
    blocks(c.network_interface).forEach((nic, n) => blocks(nic.ip_configuration).forEach((ip, i) => {
      if (blocks(ip.public_ip_address).length > 0) found.push(`network_interface[${n}].ip_configuration[${i}]`);
    }));
    return found.length === 0 ? "compliant" : nonCompliant(`${found.join(", ")} ${found.length > 1 ? "have" : "has"} a public_ip_address`);
  },
};
