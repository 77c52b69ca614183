import { ApplicationSecurityGroup, NetworkSecurityGroup, type NetworkSecurityGroupSecurityRule } from "../engine/azurerm";
import { Token } from "../engine/core";
import type { Construct } from "constructs";
import { resolveAllowFrom, type AllowFrom } from "../core/allow-from";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { Validator } from "../core/validate";

/** Most allowFrom rules one cluster takes: a network security group holds 1000 rules, a few are the firewall's own. */
export const MAX_ALLOW_FROM_RULES = 990;
/** TCP ports Managed Lustre servers use towards their clients (Azure Managed Lustre network prerequisites). */
const LUSTRE_PORTS = ["988", "1019-1023"];

/** The inbound rule every NSG of the library ends with: nothing from the internet (priority 4000). */
export function denyInternetInbound(description: string): NetworkSecurityGroupSecurityRule {
  return { name: "deny-internet-inbound", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*", description };
}

/** What {@link NodeFirewall} needs to know of its cluster. */
export interface NodeFirewallProps {
  readonly resourceGroupName: string;
  readonly location: string;
  /** The storage subnet of a Managed Lustre file system the nodes mount, whose servers must reach them. */
  readonly lustreSubnetCidr?: string;
}

/**
 * The inbound firewall of an Azure GPU cluster's nodes: an application security group holding the
 * cluster's NICs and a network security group on them that admits the cluster itself (NCCL,
 * InfiniBand setup, torchrun's unauthenticated rendezvous), Azure's load balancer probes, the
 * Managed Lustre servers the nodes mount, and what `allowFrom` opens; everything else from the
 * virtual network (which, for Azure, includes peered networks, VPN-connected AWS VPCs and on-prem
 * sites) and from the internet is denied. Resources are created under the cluster's scope.
 */
export class NodeFirewall {
  /** The application security group of the cluster's NICs. */
  public readonly applicationSecurityGroup: ApplicationSecurityGroup;
  /** The network security group of the cluster's NICs. */
  public readonly networkSecurityGroup: NetworkSecurityGroup;
  private readonly ownRules: NetworkSecurityGroupSecurityRule[];
  private readonly closingRules: NetworkSecurityGroupSecurityRule[];
  private readonly allowed: NetworkSecurityGroupSecurityRule[] = [];

  constructor(private readonly scope: Construct, props: NodeFirewallProps) {
    const { resourceGroupName, location } = props;
    this.applicationSecurityGroup = new ApplicationSecurityGroup(scope, "asg", { name: nameFromPath(scope.node.path, NAME_RULES.azureGeneric, "nodes"), resourceGroupName, location });
    const cluster = [this.applicationSecurityGroup.id];
    const any = { sourcePortRange: "*", destinationAddressPrefix: "*" };
    this.ownRules = [
      { name: "allow-cluster-inbound", priority: 100, direction: "Inbound", access: "Allow", protocol: "*", sourceApplicationSecurityGroupIds: cluster, sourcePortRange: "*", destinationApplicationSecurityGroupIds: cluster, destinationPortRange: "*", description: "The cluster's own nodes (NCCL, rendezvous)" },
      { name: "allow-load-balancer-probes", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefix: "AzureLoadBalancer", ...any, destinationPortRange: "*", description: "Azure's health probes" },
      ...(props.lustreSubnetCidr !== undefined
        ? [{ name: "allow-lustre-servers", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: props.lustreSubnetCidr, ...any, destinationPortRanges: LUSTRE_PORTS, description: "Managed Lustre servers to their clients" }]
        : []),
    ];
    this.closingRules = [
      { name: "deny-virtual-network-inbound", priority: 3900, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "VirtualNetwork", ...any, destinationPortRange: "*", description: "Nothing else from the virtual network, its peers, VPN sites or linked clouds" },
      denyInternetInbound("Nothing from the internet reaches the GPU nodes"),
    ];
    this.networkSecurityGroup = new NetworkSecurityGroup(scope, "nsg", {
      name: nameFromPath(scope.node.path, NAME_RULES.azureNetworkSecurityGroup, "nodes"),
      resourceGroupName,
      location,
      securityRule: this.rules(),
    });
  }

  /** Admits `rule`'s traffic: one inbound rule (priorities from 1000 up), all protocols for `ports: "all"`, TCP otherwise. */
  public allowFrom(rule: AllowFrom): void {
    const n = this.allowed.length;
    const v = new Validator(this.scope.node.path, { isUnresolved: Token.isUnresolved });
    v.check(n < MAX_ALLOW_FROM_RULES, `allowFrom[${n}]`, rule?.description ?? "(one more rule)", `use at most ${MAX_ALLOW_FROM_RULES} allowFrom rules per cluster (a network security group holds 1000 rules): merge sources into fewer rules`);
    const traffic = resolveAllowFrom(v, `allowFrom[${n}]`, rule);
    this.allowed.push({
      name: `allow-from-${n}`, priority: 1000 + n, direction: "Inbound", access: "Allow",
      protocol: traffic.ports === "all" ? "*" : "Tcp",
      sourceAddressPrefixes: [...traffic.cidrs], sourcePortRange: "*", destinationAddressPrefix: "*",
      ...(traffic.ports === "all" ? { destinationPortRange: "*" } : { destinationPortRanges: traffic.ports.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)) }),
      description: traffic.description.slice(0, 140),
    });
    this.networkSecurityGroup.putSecurityRule(this.rules());
  }

  private rules(): NetworkSecurityGroupSecurityRule[] {
    return [...this.ownRules, ...this.allowed, ...this.closingRules];
  }
}
