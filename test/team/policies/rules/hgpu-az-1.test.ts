/** HGPU-AZ-1 read directly on plain views: public IPs on interfaces, scale sets and AKS pools. */
import { describe, expect, it } from "vitest";
import { azureNoPublicIp } from "../../../../lib/team/policies/rules/hgpu-az-1";
import type { RuleResult } from "../../../../lib/team/policies/types";
import { view } from "./plain-view";

const check = (type: string, config: Record<string, unknown>): RuleResult => azureNoPublicIp.check(view("s", [[type, "x", config]]).resources[0]!, { requiredTags: [] });
const bad = (detail: string): RuleResult => ({ status: "non-compliant", detail });
const CANNOT = "which the pack cannot verify: use a literal value or suppress with a reason";
const PUBLIC = "every node of the pool gets a public IP";

describe("HGPU-AZ-1 read directly", () => {
  it.each<[string, string, Record<string, unknown>, RuleResult]>([
    ["an interface with public IPs on two configurations", "azurerm_network_interface",
      { ip_configuration: [{ public_ip_address_id: null }, { public_ip_address_id: "${azurerm_public_ip.p.id}" }, {}, { public_ip_address_id: "/ip" }] },
      bad("ip_configuration[1, 3] sets public_ip_address_id")],
    ["an interface without", "azurerm_network_interface", { ip_configuration: [{ public_ip_address_id: null }, {}] }, "compliant"],
    ["a pool with node_public_ip_enabled", "azurerm_kubernetes_cluster_node_pool", { node_public_ip_enabled: true }, bad(`node_public_ip_enabled is true: ${PUBLIC}`)],
    ["a pool with both keys", "azurerm_kubernetes_cluster_node_pool", { node_public_ip_enabled: true, enable_node_public_ip: "true" }, bad(`node_public_ip_enabled, enable_node_public_ip are true: ${PUBLIC}`)],
    ["a pool with both keys false", "azurerm_kubernetes_cluster_node_pool", { node_public_ip_enabled: false, enable_node_public_ip: false }, "compliant"],
    ["a pool with two expressions", "azurerm_kubernetes_cluster_node_pool", { node_public_ip_enabled: "${var.a}", enable_node_public_ip: "${var.b}" },
      bad(`node_public_ip_enabled is "\${var.a}", ${CANNOT}; enable_node_public_ip is "\${var.b}", ${CANNOT}`)],
    ["a pool with an expression", "azurerm_kubernetes_cluster_node_pool", { enable_node_public_ip: "${var.ip}" }, bad(`enable_node_public_ip is "\${var.ip}", ${CANNOT}`)],
    ["a cluster's default pool", "azurerm_kubernetes_cluster", { node_public_ip_enabled: false, default_node_pool: [{ node_public_ip_enabled: true }] }, bad(`default_node_pool.node_public_ip_enabled is true: ${PUBLIC}`)],
    ["a cluster's default pool with an expression", "azurerm_kubernetes_cluster", { default_node_pool: [{ node_public_ip_enabled: "${var.ip}" }] },
      bad(`default_node_pool.node_public_ip_enabled is "\${var.ip}", ${CANNOT}`)],
    ["a cluster without a default pool", "azurerm_kubernetes_cluster", { node_public_ip_enabled: true }, "compliant"],
    ["a scale set with two public addresses", "azurerm_linux_virtual_machine_scale_set",
      { network_interface: [{ ip_configuration: [{}, { public_ip_address: [{ name: "p" }] }] }, { ip_configuration: [{ public_ip_address: [{}] }] }] },
      bad("network_interface[0].ip_configuration[1], network_interface[1].ip_configuration[0] have a public_ip_address")],
    ["a scale set with one", "azurerm_orchestrated_virtual_machine_scale_set", { network_interface: [{ ip_configuration: [{ public_ip_address: [{}] }] }] },
      bad("network_interface[0].ip_configuration[0] has a public_ip_address")],
    ["a scale set without", "azurerm_windows_virtual_machine_scale_set", { network_interface: [{ ip_configuration: [{}] }] }, "compliant"],
  ])("%s", (_what, type, config, result) => {
    expect(check(type, config)).toEqual(result);
  });
});
