/**
 * The Azure GPU node finder read directly on plain stack views: which resources are GPU nodes,
 * where their network security groups can come from, and which groups guard them, in one stack
 * and across the stacks of an app.
 */
import { describe, expect, it } from "vitest";
import {
  azureGpuNodes, isAzureGpuSize, nodesGuardedBy, nsgGuards, nsgOfRule, nsgsOnPath,
} from "../../../../lib/team/policies/rules/azure-gpu-nodes";
import type { L1View, StackView } from "../../../../lib/team/policies/types";
import { res, view, type Spec } from "./plain-view";

const whats = (stack: StackView) => azureGpuNodes(stack).map((n) => n.what);
const NSG = "${azurerm_network_security_group.g.id}";

describe("isAzureGpuSize", () => {
  it.each([
    ["a catalog size", "Standard_ND96isr_H100_v5", true],
    ["a catalog size of another cloud", "p5.48xlarge", true],
    ["an N-series size the catalog lacks", "Standard_NV12", true],
    ["an N-series size in lower case", "standard_ng8ads_v620", true],
    ["Standard_N alone", "Standard_N", false],
    ["Standard_N and a digit", "Standard_N6", false],
    ["an N-series size inside a longer text", "x-Standard_NV12", false],
    ["a general-purpose size", "Standard_D4s_v5", false],
    ["a number", 42, false],
    ["a list holding a GPU size", ["Standard_NV12"], false],
    ["an expression", "${var.size}", true],
  ])("%s", (_what, value, gpu) => {
    expect(isAzureGpuSize(value)).toBe(gpu);
  });
  it("reads a variable with a literal default as its default", () => {
    const variables = { cpu: { hasDefault: true, default: "Standard_D4s_v5", sensitive: false }, gpu: { hasDefault: true, default: "Standard_NV12", sensitive: false } };
    const stack = view("s", [], { variables });
    expect([isAzureGpuSize("${var.cpu}", stack), isAzureGpuSize("${var.gpu}", stack), isAzureGpuSize("${var.cpu}")]).toEqual([false, true, true]);
  });
});

describe("azureGpuNodes", () => {
  it.each([
    ["azurerm_linux_virtual_machine_scale_set", { sku: "Standard_NV12" }, { size: "Standard_NV12" }, "GPU scale set"],
    ["azurerm_windows_virtual_machine_scale_set", { sku: "Standard_NV12" }, { size: "Standard_NV12" }, "GPU scale set"],
    ["azurerm_orchestrated_virtual_machine_scale_set", { sku_name: "Standard_NV12" }, { sku: "Standard_NV12" }, "GPU scale set"],
    ["azurerm_linux_virtual_machine", { size: "Standard_NV12" }, { vm_size: "Standard_NV12" }, "GPU VM"],
    ["azurerm_windows_virtual_machine", { size: "Standard_NV12" }, { sku: "Standard_NV12" }, "GPU VM"],
    ["azurerm_virtual_machine", { vm_size: "Standard_NV12" }, { size: "Standard_NV12" }, "GPU VM"],
    ["azurerm_kubernetes_cluster_node_pool", { vm_size: "Standard_NV12" }, { size: "Standard_NV12" }, "GPU node pool"],
    ["azurerm_kubernetes_cluster", { default_node_pool: [{ vm_size: "Standard_NV12" }] }, { vm_size: "Standard_NV12" }, "GPU node pool"],
  ])("%s: its size attribute makes it a GPU node, another attribute does not", (type, gpu, other, kind) => {
    const stack = view("s", [[type, "gpu", gpu], [type, "cpu", { ...gpu, ...Object.fromEntries(Object.keys(gpu).map((k) => [k, k === "default_node_pool" ? [{ vm_size: "Standard_D4s_v5" }] : "Standard_D4s_v5"])) }], [type, "other", other]]);
    expect(whats(stack)).toEqual([`${kind} ${type}.gpu`]);
  });
  it("a resource of another type with a GPU-looking size is no node", () => {
    expect(whats(view("s", [["azurerm_storage_account", "x", { sku: "Standard_NV12", size: "Standard_NV12", vm_size: "Standard_NV12", sku_name: "Standard_NV12" }]]))).toEqual([]);
  });
  it("a scale set: the groups set on its interfaces and the subnets of their IP configurations", () => {
    const stack = view("s", [["azurerm_linux_virtual_machine_scale_set", "v", { sku: "Standard_NV12", network_interface: [
      { network_security_group_id: NSG, ip_configuration: [{ subnet_id: "sub-1" }, { subnet_id: "sub-2" }] },
      { ip_configuration: [{ subnet_id: "sub-3" }] },
    ] }]]);
    const [node] = azureGpuNodes(stack);
    expect({ ...node, resource: node!.resource.address }).toEqual({
      what: "GPU scale set azurerm_linux_virtual_machine_scale_set.v", resource: "azurerm_linux_virtual_machine_scale_set.v",
      groups: [NSG], subnets: ["sub-1", "sub-2", "sub-3"], interfaces: [],
    });
  });
  it("a VM: its interfaces and the subnets of the interfaces it uses (a list or a single ID)", () => {
    const stack = view("s", [
      ["azurerm_network_interface", "a", { ip_configuration: [{ subnet_id: "sub-a" }, { subnet_id: "sub-a2" }] }],
      ["azurerm_network_interface", "b", { ip_configuration: [{ subnet_id: "sub-b" }] }],
      ["azurerm_network_interface", "c", { ip_configuration: [{ subnet_id: "sub-c" }] }],
      ["azurerm_linux_virtual_machine", "list", { size: "Standard_NV12", network_interface_ids: ["${azurerm_network_interface.a.id}", "${azurerm_network_interface.c.id}"] }],
      ["azurerm_virtual_machine", "one", { vm_size: "Standard_NV12", network_interface_ids: "${azurerm_network_interface.b.id}" }],
    ]);
    expect(azureGpuNodes(stack).map((n) => ({ ...n, resource: n.resource.address }))).toEqual([
      { what: "GPU VM azurerm_linux_virtual_machine.list", resource: "azurerm_linux_virtual_machine.list", groups: [], subnets: ["sub-a", "sub-a2", "sub-c"], interfaces: ["${azurerm_network_interface.a.id}", "${azurerm_network_interface.c.id}"] },
      { what: "GPU VM azurerm_virtual_machine.one", resource: "azurerm_virtual_machine.one", groups: [], subnets: ["sub-b"], interfaces: ["${azurerm_network_interface.b.id}"] },
    ]);
  });
  it("node pools: the subnet of the pool, or of the cluster's default pool", () => {
    const stack = view("s", [
      ["azurerm_kubernetes_cluster", "k", { vnet_subnet_id: "wrong", default_node_pool: [{ vm_size: "Standard_NV12", vnet_subnet_id: "sub-k" }] }],
      ["azurerm_kubernetes_cluster_node_pool", "p", { vm_size: "Standard_NV12", vnet_subnet_id: "sub-p", default_node_pool: [{ vnet_subnet_id: "wrong" }] }],
    ]);
    expect(azureGpuNodes(stack).map((n) => ({ ...n, resource: n.resource.address }))).toEqual([
      { what: "GPU node pool azurerm_kubernetes_cluster.k", resource: "azurerm_kubernetes_cluster.k", groups: [], subnets: ["sub-k"], interfaces: [] },
      { what: "GPU node pool azurerm_kubernetes_cluster_node_pool.p", resource: "azurerm_kubernetes_cluster_node_pool.p", groups: [], subnets: ["sub-p"], interfaces: [] },
    ]);
  });
});

const NSG_SPEC: Spec = ["azurerm_network_security_group", "g", { name: "gpu", resource_group_name: "rg" }];
const subnetAssoc = (name: string, subnet: unknown, nsg: unknown = NSG): Spec => ["azurerm_subnet_network_security_group_association", name, { subnet_id: subnet, network_security_group_id: nsg }];
const nicAssoc = (name: string, nic: unknown, nsg: unknown = NSG): Spec => ["azurerm_network_interface_security_group_association", name, { network_interface_id: nic, network_security_group_id: nsg }];
const pool = (name: string, subnet: unknown): Spec => ["azurerm_kubernetes_cluster_node_pool", name, { vm_size: "Standard_NV12", vnet_subnet_id: subnet }];
const guarded = (stack: StackView) => nodesGuardedBy(res(stack, "azurerm_network_security_group.g")).map((n) => `${n.stack.path}: ${n.node.what}`);

describe("nodesGuardedBy", () => {
  it("a group set on a scale set's interface guards it; another group does not", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_network_security_group", "h", {}],
      ["azurerm_linux_virtual_machine_scale_set", "v", { sku: "Standard_NV12", network_interface: [{ network_security_group_id: NSG }] }],
      ["azurerm_linux_virtual_machine_scale_set", "w", { sku: "Standard_NV12", network_interface: [{ network_security_group_id: "${azurerm_network_security_group.h.id}" }] }],
    ]);
    expect(guarded(stack)).toEqual(["s: GPU scale set azurerm_linux_virtual_machine_scale_set.v"]);
  });
  it("a group associated with a subnet guards the nodes in that subnet, by reference or by the same literal ID", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_subnet", "a", {}], ["azurerm_subnet", "b", {}],
      subnetAssoc("sa", "${azurerm_subnet.a.id}"), subnetAssoc("lit", "/subnets/one"), subnetAssoc("expr", "${var.subnet}"),
      subnetAssoc("other", "${azurerm_subnet.b.id}", "${azurerm_network_security_group.h.id}"),
      pool("by-ref", "${azurerm_subnet.a.id}"), pool("by-name", "${azurerm_subnet.a.name}"), pool("other-subnet", "${azurerm_subnet.b.id}"),
      pool("same-literal", "/subnets/one"), pool("other-literal", "/subnets/two"), pool("same-expression", "${var.subnet}"),
      pool("literal-of-ref", "${azurerm_subnet.a.id}x"), pool("no-subnet", undefined), subnetAssoc("number", 7), pool("same-number", 7),
    ]);
    expect(guarded(stack)).toEqual([
      "s: GPU node pool azurerm_kubernetes_cluster_node_pool.by-ref",
      "s: GPU node pool azurerm_kubernetes_cluster_node_pool.same-literal",
    ]);
  });
  it("a group associated with an interface guards the VMs that use it", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_network_interface", "a", {}], ["azurerm_network_interface", "b", {}], ["azurerm_network_interface", "c", {}],
      nicAssoc("na", "${azurerm_network_interface.a.id}"), nicAssoc("nc", "${azurerm_network_interface.c.id}"), nicAssoc("nb", "${azurerm_network_interface.b.id}", "${azurerm_network_security_group.h.id}"),
      ["azurerm_linux_virtual_machine", "va", { size: "Standard_NV12", network_interface_ids: ["${azurerm_network_interface.b.id}", "${azurerm_network_interface.a.id}"] }],
      ["azurerm_linux_virtual_machine", "vb", { size: "Standard_NV12", network_interface_ids: ["${azurerm_network_interface.b.id}"] }],
    ]);
    expect(guarded(stack)).toEqual(["s: GPU VM azurerm_linux_virtual_machine.va"]);
  });
  it("a group with no GPU node in its stack guards those of another stack that use its subnet through a cross-stack reference", () => {
    const remote = "${data.terraform_remote_state.cross-stack-reference-input-net.outputs.sub}";
    const gpu = view("gpu", [["azurerm_subnet", "a", {}], pool("remote", remote), pool("local-same-address", "${azurerm_subnet.a.id}"), pool("remote-name", "${data.terraform_remote_state.cross-stack-reference-input-net.outputs.subname}")], { others: () => [net] });
    const net = view("net", [NSG_SPEC, ["azurerm_subnet", "a", {}], subnetAssoc("sa", "${azurerm_subnet.a.id}")], { outputs: { sub: "${azurerm_subnet.a.id}", subname: "${azurerm_subnet.a.name}" }, others: () => [gpu] });
    expect(guarded(net)).toEqual(["gpu: GPU node pool azurerm_kubernetes_cluster_node_pool.remote"]);
    const g = res(net, "azurerm_network_security_group.g");
    expect(nsgGuards(g)).toBe("GPU node pool azurerm_kubernetes_cluster_node_pool.remote in stack gpu");
  });
  it("a group guarding nodes of its own stack looks no further", () => {
    const home = view("home", [NSG_SPEC, subnetAssoc("sa", "/subnets/one"), pool("here", "/subnets/one")], { others: () => [other] });
    const other = view("other", [pool("there", "/subnets/one")], { others: () => [home] });
    expect(guarded(home)).toEqual(["home: GPU node pool azurerm_kubernetes_cluster_node_pool.here"]);
    expect(nsgGuards(res(home, "azurerm_network_security_group.g"))).toBe("GPU node pool azurerm_kubernetes_cluster_node_pool.here");
  });
});

describe("nsgGuards", () => {
  it("names the AzureGpuCluster that created the group, else nothing when it guards no node", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_network_security_group", "c", {}, { azureClusterPath: "s/cluster" }]]);
    expect([nsgGuards(res(stack, "azurerm_network_security_group.g")), nsgGuards(res(stack, "azurerm_network_security_group.c"))]).toEqual([undefined, "AzureGpuCluster s/cluster"]);
  });
});

describe("nsgsOnPath", () => {
  it("the group on the interface, those of the node's subnets and interfaces, in any stack, each once; data sources and other resources are skipped", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_network_security_group", "h", {}], ["azurerm_network_security_group", "unused", {}], ["azurerm_subnet", "a", {}], ["azurerm_network_interface", "n", {}],
      ["azurerm_linux_virtual_machine_scale_set", "v", { sku: "Standard_NV12", network_interface: [{ network_security_group_id: NSG, ip_configuration: [{ subnet_id: "/subnets/none" }, { subnet_id: "${azurerm_subnet.a.id}" }] }] }],
      subnetAssoc("again", "${azurerm_subnet.a.id}"), subnetAssoc("sub-h", "${azurerm_subnet.a.id}", "${azurerm_network_security_group.h.id}"),
      subnetAssoc("elsewhere", "/subnets/other", "${azurerm_network_security_group.unused.id}"),
      subnetAssoc("data", "${azurerm_subnet.a.id}", "${data.azurerm_network_security_group.d.id}"),
      subnetAssoc("not-a-group", "${azurerm_subnet.a.id}", "${azurerm_subnet.a.id}"),
      nicAssoc("nic", "${azurerm_network_interface.n.id}", "${azurerm_network_security_group.unused.id}"),
    ], { dataSources: [{ type: "azurerm_network_security_group", name: "d", address: "data.azurerm_network_security_group.d", config: {} }], others: () => [other] });
    const other = view("o", [NSG_SPEC, subnetAssoc("cross", "${data.terraform_remote_state.cross-stack-reference-input-s.outputs.sub}")], { outputs: {}, others: () => [stack] });
    (stack.outputs as Record<string, unknown>).sub = "${azurerm_subnet.a.id}";
    const [node] = azureGpuNodes(stack);
    expect(nsgsOnPath({ node: node!, stack }).map((g) => `${g.stack.path}: ${g.address}`)).toEqual([
      "s: azurerm_network_security_group.g", "s: azurerm_network_security_group.h", "o: azurerm_network_security_group.g",
    ]);
  });
  it("the groups associated with a VM's interfaces", () => {
    const stack = view("s", [NSG_SPEC, ["azurerm_network_security_group", "h", {}], ["azurerm_network_interface", "a", {}], ["azurerm_network_interface", "b", {}],
      ["azurerm_linux_virtual_machine", "vm", { size: "Standard_NV12", network_interface_ids: ["${azurerm_network_interface.a.id}"] }],
      nicAssoc("na", "${azurerm_network_interface.a.id}"), nicAssoc("nb", "${azurerm_network_interface.b.id}", "${azurerm_network_security_group.h.id}"),
    ]);
    const [node] = azureGpuNodes(stack);
    expect(nsgsOnPath({ node: node!, stack }).map((g) => g.address)).toEqual(["azurerm_network_security_group.g"]);
  });
});

describe("nsgOfRule", () => {
  const stack = () => view("s", [NSG_SPEC, ["azurerm_network_security_group", "h", { name: "gpu", resource_group_name: "rg2" }], ["azurerm_network_security_group", "nameless", { resource_group_name: "rg" }]]);
  it.each([
    ["a reference to the group", "${azurerm_network_security_group.h.name}", "rg", "azurerm_network_security_group.h"],
    ["its literal name in its resource group", "gpu", "rg", "azurerm_network_security_group.g"],
    ["its literal name in the other group's resource group", "gpu", "rg2", "azurerm_network_security_group.h"],
    ["its name in a third resource group", "gpu", "rg3", undefined],
    ["another name", "cpu", "rg", undefined],
    ["no name", undefined, "rg", undefined],
  ])("%s", (_what, name, group, expected) => {
    const s = stack();
    const rule: L1View = { type: "azurerm_network_security_rule", name: "r", address: "azurerm_network_security_rule.r", path: "s/r", taggable: false, stack: s, config: { network_security_group_name: name, resource_group_name: group } };
    expect(nsgOfRule(rule)?.address).toBe(expected);
  });
});
