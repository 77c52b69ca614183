import { blocks, nonCompliant, resourcesOfType, show, strings } from "../helpers";
import { coveredSpaces, isWorldSource, reachesInternet, spaceName } from "../open-to-world";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerifyText, dynamicBlock, hasDynamicBlock, readList, readValue } from "../values";
import { nodesGuardedBy, nsgGuards, nsgOfRule, nsgsOnPath, type GuardedNode } from "./azure-gpu-nodes";

type Rule = Readonly<Record<string, unknown>>;

/** HGPU-AZ-9: no network security group admits inbound traffic from the internet, nor the whole virtual network to GPU nodes. */
export const azureNoOpenInbound: PolicyRule = {
  id: "HGPU-AZ-9",
  level: "error",
  title: "Network security groups admit nothing from the internet",
  explanation:
    "GPU nodes and file systems admit traffic only from their own networks. No inbound Allow rule of an " +
    "azurerm_network_security_group (security_rule) or azurerm_network_security_rule may have a source that is the whole " +
    "internet: 0.0.0.0/0, ::/0 (in any spelling), prefixes that together cover the whole IPv4 or IPv6 space, *, Any, Internet, " +
    "or AzureCloud (every Azure customer's addresses). On a group that guards GPU nodes (on a scale set's interface, associated " +
    "with a GPU VM's interface or with a GPU node's subnet, in this stack or another of the app, or created by an " +
    "AzureGpuCluster), an Allow from VirtualNetwork is an error too: the tag covers every peered network and every range " +
    "reached through a VPN gateway (other clouds, data centres, other teams); and a group that never denies VirtualNetwork leaves " +
    "Azure's default AllowVnetInBound rule admitting all of them, which is a warning. Sources, directions and accesses the pack " +
    "cannot resolve are errors.",
  appliesTo: ["azurerm_network_security_group", "azurerm_network_security_rule"],
  check(resource) {
    const standalone = resource.type === "azurerm_network_security_rule";
    const rules = standalone ? [resource.config] : blocks(resource.config.security_rule);
    const nsg = standalone ? nsgOfRule(resource) : resource;
    const problems: string[] = [];
    if (!standalone && hasDynamicBlock(resource.config, "security_rule")) {
      problems.push(cannotVerifyText("dynamic.security_rule", dynamicBlock(resource.config, "security_rule")));
    }
    const inbound = rules.flatMap((r) => inboundAllow(resource, r, problems));
    let nodes: GuardedNode[] | undefined;
    const guardedNodes = () => (nodes ??= nsg ? nodesGuardedBy(nsg) : []);
    const guarded = () => (nsg ? nsgGuards(nsg, guardedNodes()) : undefined);
    for (const { rule, sources } of inbound) {
      const world = sources.filter(isWorldSource);
      const covered = coveredSpaces(sources);
      const where = `rule ${String(rule.name ?? "?")} allows inbound from`;
      if (world.length > 0) problems.push(`${where} ${sources.join(", ")} to port ${ports(rule)}`);
      else if (covered.length > 0) {
        problems.push(`${where} ${sources.filter(reachesInternet).join(", ")} to port ${ports(rule)}, which together cover the whole ${covered.map(spaceName).join(" and ")} space`);
      } else if (sources.some((s) => s.toLowerCase() === "virtualnetwork") && guarded() !== undefined) {
        problems.push(`${where} VirtualNetwork to port ${ports(rule)} on the group of ${guarded()!}: VirtualNetwork covers every peered and VPN-connected network; ` +
          "allow the cluster's own application security group or named private ranges");
      }
    }
    if (problems.length > 0) return nonCompliant(problems.join("; "));
    return !standalone && nsg ? defaultVnetRule(nsg, guardedNodes()) : "compliant";
  },
};

/** The inbound Allow rules among `rules` with their literal sources; unresolvable fields go to `problems`. */
function inboundAllow(resource: L1View, rule: Rule, problems: string[]): { rule: Rule; sources: string[] }[] {
  const name = String(rule.name ?? "?");
  const field = (attr: string) => {
    const read = readValue(rule[attr], resource.stack);
    if (read.kind !== "literal") problems.push(`rule ${name}: ${cannotVerifyText(attr, rule[attr])}`);
    return read.kind === "literal" ? String(read.value ?? "").toLowerCase() : undefined;
  };
  const direction = field("direction");
  const access = field("access");
  if (direction === "outbound" || access === "deny") return [];
  const sources: string[] = [];
  for (const attr of ["source_address_prefix", "source_address_prefixes"]) {
    const items = readList(rule[attr], resource.stack);
    for (const item of items) if (item.kind === "literal") sources.push(...strings(item.value));
    if (items.some((i) => i.kind !== "literal")) problems.push(`rule ${name}: ${cannotVerifyText(attr, rule[attr])}`);
  }
  return direction === undefined || access === undefined ? [] : [{ rule, sources }];
}

/**
 * A warning for a GPU group when a GPU node it guards has no inbound Deny of VirtualNetwork on any
 * group of its path (its interface's or its subnet's): Azure's AllowVnetInBound then admits it.
 */
function defaultVnetRule(nsg: L1View, nodes: readonly GuardedNode[]): RuleResult {
  const open = nodes.find((n) => !nsgsOnPath(n).some(deniesVnet));
  if (!open) return "compliant";
  const what = nsg.azureClusterPath !== undefined ? `AzureGpuCluster ${nsg.azureClusterPath}` : open.stack === nsg.stack ? open.node.what : `${open.node.what} in stack ${open.stack.path}`;
  return nonCompliant(`the group of ${what} has no inbound Deny from VirtualNetwork, nor has any other group on its path, so Azure's default rule AllowVnetInBound (65000) admits every ` +
    "peered and VPN-connected network on every port: deny VirtualNetwork below the rules that admit the cluster's own traffic", "warning");
}

/** Whether a group (inline rules and standalone rules) denies inbound traffic from VirtualNetwork (or from everything). */
function deniesVnet(nsg: L1View): boolean {
  const rules = [
    ...blocks(nsg.config.security_rule),
    ...resourcesOfType(nsg.stack, "azurerm_network_security_rule").filter((r) => nsgOfRule(r) === nsg).map((r) => r.config),
  ];
  return rules.some((r) => String(r.direction).toLowerCase() === "inbound" && String(r.access).toLowerCase() === "deny" &&
    [...strings(r.source_address_prefix), ...strings(r.source_address_prefixes)].some((s) => ["virtualnetwork", "*", "any"].includes(s.toLowerCase())));
}

function ports(rule: Rule): string {
  return String(rule.destination_port_range ?? (strings(rule.destination_port_ranges).join(",") || show(rule.destination_port_range)));
}
