/**
 * Every way an Azure stack gets GPU nodes (Linux and Windows VMs, the legacy azurerm_virtual_machine,
 * the three scale-set kinds, AKS node pools) and which network security groups guard them: one on a
 * scale set's interface, one associated with a VM's interface, or one associated with the subnet a GPU
 * node is in, in this stack or, through a cdktf cross-stack reference, another stack of the app.
 */
import { getOffering } from "../../../catalog/catalog";
import { block, blocks, refersTo, resourcesOfType } from "../helpers";
import type { L1View, StackView } from "../types";
import { isUnresolvedValue, referencedElement, resolveLiterals } from "../values";

/** The scale-set resource types. */
export const SCALE_SET_TYPES: readonly string[] = [
  "azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set",
];
/** The single-VM resource types. */
export const VM_TYPES: readonly string[] = ["azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine"];

/**
 * Whether an Azure VM size is a GPU size: one of the catalog's, or of the N series (`Standard_NC…`,
 * `Standard_ND…`, `Standard_NV…`, `Standard_NG…`). Variables with a literal default are read as their
 * default (given `stack`); any other expression counts.
 */
export function isAzureGpuSize(value: unknown, stack?: StackView): boolean {
  const resolved = stack ? resolveLiterals(value, stack) : value;
  if (typeof resolved !== "string") return false;
  if (isUnresolvedValue(resolved)) return true;
  return getOffering(resolved) !== undefined || /^Standard_N[A-Z]/i.test(resolved);
}

/** The size attribute of a GPU-capable resource, or undefined for other types. */
function sizeOf(resource: L1View): unknown {
  const c = resource.config;
  switch (resource.type) {
    case "azurerm_linux_virtual_machine_scale_set":
    case "azurerm_windows_virtual_machine_scale_set":
      return c.sku;
    case "azurerm_orchestrated_virtual_machine_scale_set":
      return c.sku_name;
    case "azurerm_linux_virtual_machine":
    case "azurerm_windows_virtual_machine":
      return c.size;
    case "azurerm_virtual_machine":
    case "azurerm_kubernetes_cluster_node_pool":
      return c.vm_size;
    case "azurerm_kubernetes_cluster":
      return block(c.default_node_pool)?.vm_size;
    default:
      return undefined;
  }
}

/** A GPU node of an Azure stack with where its network security groups can come from. */
export interface AzureGpuNode {
  /** What it is, e.g. `GPU scale set azurerm_linux_virtual_machine_scale_set.vmss`. */
  readonly what: string;
  /** The resource that declares it. */
  readonly resource: L1View;
  /** Network security group IDs set on its interfaces. */
  readonly groups: readonly unknown[];
  /** Subnet IDs it is in. */
  readonly subnets: readonly unknown[];
  /** Network interface IDs it uses (VMs). */
  readonly interfaces: readonly unknown[];
}

/** Every GPU node of the stack. */
export function azureGpuNodes(stack: StackView): AzureGpuNode[] {
  const out: AzureGpuNode[] = [];
  for (const r of stack.resources) {
    const size = sizeOf(r);
    if (!isAzureGpuSize(size, stack)) continue;
    const c = r.config;
    if (SCALE_SET_TYPES.includes(r.type)) {
      const nics = blocks(c.network_interface);
      out.push({
        what: `GPU scale set ${r.address}`, resource: r, groups: nics.map((n) => n.network_security_group_id).filter((g) => g !== undefined),
        subnets: nics.flatMap((n) => blocks(n.ip_configuration).map((ip) => ip.subnet_id)), interfaces: [],
      });
    } else if (VM_TYPES.includes(r.type)) {
      const interfaces = Array.isArray(c.network_interface_ids) ? c.network_interface_ids : [c.network_interface_ids];
      const nics = resourcesOfType(stack, "azurerm_network_interface").filter((n) => interfaces.some((id) => refersTo(id, n)));
      out.push({ what: `GPU VM ${r.address}`, resource: r, groups: [], subnets: nics.flatMap((n) => blocks(n.config.ip_configuration).map((ip) => ip.subnet_id)), interfaces });
    } else {
      const pool = r.type === "azurerm_kubernetes_cluster" ? block(c.default_node_pool) : c;
      out.push({ what: `GPU node pool ${r.address}`, resource: r, groups: [], subnets: [pool?.vnet_subnet_id], interfaces: [] });
    }
  }
  return out;
}

/** Whether two ID values name the same element: the same literal, or references to the same resource of the app. */
function sameId(a: unknown, aStack: StackView, b: unknown, bStack: StackView): boolean {
  const ra = referencedElement(a, aStack);
  const rb = referencedElement(b, bStack);
  if (ra && rb) {
    return ra.element.address === rb.element.address && ra.stack.path === rb.stack.path && ra.attribute === rb.attribute;
  }
  return typeof a === "string" && a === b && !isUnresolvedValue(a);
}

/** A GPU node with the stack it is in. */
export interface GuardedNode {
  readonly node: AzureGpuNode;
  readonly stack: StackView;
}

/**
 * The GPU nodes a network security group guards: those of the group's stack (or, when it has
 * none, of another stack of the app) that set it on an interface, use an interface it is
 * associated with, or are in a subnet it is associated with.
 */
export function nodesGuardedBy(nsg: L1View): GuardedNode[] {
  const home = nsg.stack;
  const id = `\${${nsg.address}.id}`;
  const subnets = resourcesOfType(home, "azurerm_subnet_network_security_group_association").filter((a) => refersTo(a.config.network_security_group_id, nsg)).map((a) => a.config.subnet_id);
  const interfaces = resourcesOfType(home, "azurerm_network_interface_security_group_association").filter((a) => refersTo(a.config.network_security_group_id, nsg)).map((a) => a.config.network_interface_id);
  const find = (stack: StackView) => azureGpuNodes(stack).filter((n) =>
    n.groups.some((g) => sameId(g, stack, id, home)) || n.subnets.some((s) => subnets.some((x) => sameId(s, stack, x, home))) ||
    n.interfaces.some((i) => interfaces.some((x) => sameId(i, stack, x, home)))).map((node) => ({ node, stack }));
  const local = find(home);
  return local.length > 0 ? local : home.otherStacks().flatMap(find);
}

/** What a network security group guards, for messages: the AzureGpuCluster that created it, or its first GPU node; undefined when none. */
export function nsgGuards(nsg: L1View, nodes: readonly GuardedNode[] = nodesGuardedBy(nsg)): string | undefined {
  if (nsg.azureClusterPath !== undefined) return `AzureGpuCluster ${nsg.azureClusterPath}`;
  const first = nodes[0];
  if (!first) return undefined;
  return first.stack === nsg.stack ? first.node.what : `${first.node.what} in stack ${first.stack.path}`;
}

/**
 * Every network security group on a GPU node's inbound path, in any stack of the app: the one on
 * its interface, those associated with its interfaces, and those associated with its subnets (Azure
 * applies the subnet's and the interface's groups both).
 */
export function nsgsOnPath(guarded: GuardedNode): L1View[] {
  const { node, stack } = guarded;
  const stacks = [stack, ...stack.otherStacks()];
  const out: L1View[] = [];
  const add = (value: unknown, from: StackView) => {
    const ref = referencedElement(value, from);
    if (ref && !ref.isDataSource && ref.element.type === "azurerm_network_security_group" && !out.includes(ref.element as L1View)) out.push(ref.element as L1View);
  };
  for (const g of node.groups) add(g, stack);
  for (const s of stacks) {
    for (const a of resourcesOfType(s, "azurerm_subnet_network_security_group_association")) {
      if (node.subnets.some((sub) => sameId(sub, stack, a.config.subnet_id, s))) add(a.config.network_security_group_id, s);
    }
    for (const a of resourcesOfType(s, "azurerm_network_interface_security_group_association")) {
      if (node.interfaces.some((i) => sameId(i, stack, a.config.network_interface_id, s))) add(a.config.network_security_group_id, s);
    }
  }
  return out;
}

/** The network security group of the stack a standalone rule belongs to (by its name and resource group), or undefined. */
export function nsgOfRule(rule: L1View): L1View | undefined {
  const name = rule.config.network_security_group_name;
  return resourcesOfType(rule.stack, "azurerm_network_security_group").find((n) =>
    refersTo(name, n) || (typeof name === "string" && name === n.config.name && (rule.config.resource_group_name === n.config.resource_group_name)));
}
