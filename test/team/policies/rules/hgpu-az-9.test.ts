/**
 * HGPU-AZ-9 read directly on plain stack views: internet sources, covering prefixes, VirtualNetwork
 * on groups that guard GPU nodes, unresolved fields, and Azure's default AllowVnetInBound rule.
 */
import { describe, expect, it } from "vitest";
import { azureNoOpenInbound } from "../../../../lib/team/policies/rules/hgpu-az-9";
import type { RuleResult, StackView } from "../../../../lib/team/policies/types";
import { res, view, type Spec } from "./plain-view";

const check = (stack: StackView, address: string): RuleResult => azureNoOpenInbound.check(res(stack, address), { requiredTags: [] });
const G = "azurerm_network_security_group.g";
const NSG = "${azurerm_network_security_group.g.id}";
const VNET_DENY = { name: "deny-vnet", direction: "Inbound", access: "Deny", source_address_prefix: "VirtualNetwork" };
const DEFAULT_RULE = "has no inbound Deny from VirtualNetwork, nor has any other group on its path, so Azure's default rule AllowVnetInBound (65000) admits every " +
  "peered and VPN-connected network on every port: deny VirtualNetwork below the rules that admit the cluster's own traffic";
const warn = (what: string) => ({ status: "non-compliant", detail: `the group of ${what} ${DEFAULT_RULE}`, level: "warning" });
const bad = (detail: string): RuleResult => ({ status: "non-compliant", detail });
const group = (rules: unknown[], extra?: Spec[3]): Spec => ["azurerm_network_security_group", "g", { name: "gpu", resource_group_name: "rg", security_rule: rules }, extra];
const pool: Spec = ["azurerm_kubernetes_cluster_node_pool", "p", { vm_size: "Standard_NV12", vnet_subnet_id: "/subnets/gpu" }];
const assoc: Spec = ["azurerm_subnet_network_security_group_association", "a", { subnet_id: "/subnets/gpu", network_security_group_id: NSG }];
const allow = (name: string, source: Record<string, unknown>, ports: Record<string, unknown> = { destination_port_range: "22" }) => ({ name, direction: "Inbound", access: "Allow", ...source, ...ports });

describe("HGPU-AZ-9 inline rules", () => {
  it.each([
    ["an internet source", [allow("ssh", { source_address_prefix: "Internet" })], bad('rule ssh allows inbound from Internet to port 22')],
    ["a world prefix among others, ports as a list", [allow("web", { source_address_prefixes: ["10.0.0.0/8", "0.0.0.0/0"] }, { destination_port_ranges: ["80", "443"] })], bad("rule web allows inbound from 10.0.0.0/8, 0.0.0.0/0 to port 80,443")],
    ["no port", [allow("any", { source_address_prefix: "*" }, {})], bad("rule any allows inbound from * to port not set")],
    ["prefixes that cover IPv4", [allow("halves", { source_address_prefixes: ["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"] })], bad("rule halves allows inbound from 0.0.0.0/1, 128.0.0.0/1 to port 22, which together cover the whole IPv4 space")],
    ["prefixes that cover IPv4 and IPv6", [allow("all", { source_address_prefixes: ["0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"] })],
      bad("rule all allows inbound from 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1 to port 22, which together cover the whole IPv4 and IPv6 space")],
    ["an unnamed rule with an unresolved direction", [{ direction: "${var.d}", access: "Allow", source_address_prefix: "10.0.0.0/8" }],
      bad('rule ?: direction is "${var.d}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["an unnamed rule", [{ direction: "Inbound", access: "Allow", source_address_prefix: "Internet", destination_port_range: "22" }], bad("rule ? allows inbound from Internet to port 22")],
    ["an outbound rule", [{ ...allow("out", { source_address_prefix: "*" }), direction: "Outbound" }], "compliant"],
    ["a deny rule", [{ ...allow("deny", { source_address_prefix: "*" }), access: "Deny" }], "compliant"],
    ["private sources", [allow("private", { source_address_prefixes: ["10.0.0.0/8", "192.168.0.0/16"] })], "compliant"],
    ["VirtualNetwork on a group that guards no GPU node", [allow("vnet", { source_address_prefix: "VirtualNetwork" })], "compliant"],
    ["an unresolved direction", [{ ...allow("d", { source_address_prefix: "*" }), direction: "${var.direction}" }],
      bad('rule d: direction is "${var.direction}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["an unresolved access", [{ ...allow("a", { source_address_prefix: "*" }), access: "${var.access}" }],
      bad('rule a: access is "${var.access}", which the pack cannot verify: use a literal value or suppress with a reason')],
    ["an unresolved source beside an internet one", [allow("s", { source_address_prefixes: ["${var.cidr}", "Internet"] })],
      bad('rule s: source_address_prefixes is ["${var.cidr}","Internet"], which the pack cannot verify: use a literal value or suppress with a reason; rule s allows inbound from Internet to port 22')],
  ])("%s", (_what, rules, result) => {
    expect(check(view("s", [group(rules)]), G)).toEqual(result);
  });
  it("a dynamic security_rule block cannot be verified", () => {
    const stack = view("s", [["azurerm_network_security_group", "g", { dynamic: { security_rule: { for_each: "${var.rules}" } } }]]);
    expect(check(stack, G)).toEqual(bad('dynamic.security_rule is {"for_each":"${var.rules}"}, which the pack cannot verify: use a literal value or suppress with a reason'));
  });
});

describe("HGPU-AZ-9 on a group that guards GPU nodes", () => {
  it.each([
    ["VirtualNetwork allowed", [allow("vnet", { source_address_prefix: "VirtualNetwork" }), VNET_DENY], undefined,
      bad("rule vnet allows inbound from VirtualNetwork to port 22 on the group of GPU node pool azurerm_kubernetes_cluster_node_pool.p: VirtualNetwork covers every peered and VPN-connected network; allow the cluster's own application security group or named private ranges")],
    ["VirtualNetwork allowed on a cluster's group", [allow("vnet", { source_address_prefix: "VirtualNetwork" }), VNET_DENY], { azureClusterPath: "s/cluster" },
      bad("rule vnet allows inbound from VirtualNetwork to port 22 on the group of AzureGpuCluster s/cluster: VirtualNetwork covers every peered and VPN-connected network; allow the cluster's own application security group or named private ranges")],
    ["no Deny of VirtualNetwork", [], undefined, warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p")],
    ["no Deny of VirtualNetwork on a cluster's group", [], { azureClusterPath: "s/cluster" }, warn("AzureGpuCluster s/cluster")],
    ["a Deny of VirtualNetwork", [VNET_DENY], undefined, "compliant"],
    ["a Deny of any source among prefixes", [{ direction: "inbound", access: "deny", source_address_prefixes: ["10.0.0.0/8", "Any"] }], undefined, "compliant"],
    ["a Deny of *", [{ direction: "Inbound", access: "Deny", source_address_prefix: "*" }], undefined, "compliant"],
    ["an outbound Deny of VirtualNetwork", [{ ...VNET_DENY, direction: "Outbound" }], undefined, warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p")],
    ["an Allow of VirtualNetwork outbound", [{ ...VNET_DENY, access: "Allow", direction: "Outbound" }], undefined, warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p")],
    ["a Deny of a private range", [{ ...VNET_DENY, source_address_prefix: "10.0.0.0/8" }], undefined, warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p")],
  ])("%s", (_what, rules, extra, result) => {
    expect(check(view("s", [group(rules, extra), pool, assoc]), G)).toEqual(result);
  });
  it("a standalone Deny rule of the group counts; one of another group does not", () => {
    const rule = (nsgName: string): Spec => ["azurerm_network_security_rule", nsgName, { ...VNET_DENY, network_security_group_name: nsgName, resource_group_name: "rg" }];
    expect(check(view("s", [group([]), pool, assoc, rule("gpu")]), G)).toBe("compliant");
    expect(check(view("s", [group([]), pool, assoc, rule("other")]), G)).toEqual(warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p"));
    const allowVnet: Spec = ["azurerm_network_security_rule", "allow", { ...VNET_DENY, access: "Allow", network_security_group_name: "gpu", resource_group_name: "rg" }];
    expect(check(view("s", [group([]), pool, assoc, allowVnet]), G)).toEqual(warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p"));
  });
  it("a group whose GPU nodes are in another stack names that stack", () => {
    const net = view("net", [group([]), assoc], { others: () => [gpu] });
    const gpu = view("gpu", [pool], { others: () => [net] });
    expect(check(net, G)).toEqual(warn("GPU node pool azurerm_kubernetes_cluster_node_pool.p in stack gpu"));
  });
});

describe("HGPU-AZ-9 standalone rules", () => {
  const rule = (config: Record<string, unknown>): Spec => ["azurerm_network_security_rule", "r", { network_security_group_name: "gpu", resource_group_name: "rg", ...config }];
  it.each([
    ["an internet source", allow("ssh", { source_address_prefix: "0.0.0.0/0" }), bad("rule ssh allows inbound from 0.0.0.0/0 to port 22")],
    ["VirtualNetwork into the group of a GPU node", allow("vnet", { source_address_prefix: "VirtualNetwork" }),
      bad("rule vnet allows inbound from VirtualNetwork to port 22 on the group of GPU node pool azurerm_kubernetes_cluster_node_pool.p: VirtualNetwork covers every peered and VPN-connected network; allow the cluster's own application security group or named private ranges")],
    ["a private source (the group's default rule is the group's finding)", allow("private", { source_address_prefix: "10.0.0.0/8" }), "compliant"],
    ["a dynamic block is no standalone rule's concern", { ...allow("private", { source_address_prefix: "10.0.0.0/8" }), dynamic: { security_rule: {} } }, "compliant"],
  ])("%s", (_what, config, result) => {
    expect(check(view("s", [group([]), pool, assoc, rule(config)]), "azurerm_network_security_rule.r")).toEqual(result);
  });
  it("VirtualNetwork from a rule whose group is not in the stack", () => {
    expect(check(view("s", [pool, rule(allow("vnet", { source_address_prefix: "VirtualNetwork" }))]), "azurerm_network_security_rule.r")).toBe("compliant");
  });
});
