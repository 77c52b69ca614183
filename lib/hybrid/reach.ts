import type { IConstruct } from "constructs";
import { AwsNetwork } from "../aws/network";
import { AwsVpnGateway } from "../aws/vpn-gateway";
import { AzureNetwork } from "../azure/network";
import { AzureVpnGateway } from "../azure/vpn-gateway";
import { CrossCloudLink } from "./cross-cloud-link";

/** A VPN gateway that BGP routes reach a set of networks from, and how. */
export interface ReachedGateway {
  /** The network whose gateway it is. */
  readonly network: AwsNetwork | AzureNetwork;
  /** `"virtual private gateway"` (AWS) or `"VPN gateway"` (Azure), for messages. */
  readonly kind: string;
  readonly asn: number;
  /** The links crossed to get there, nearest first; empty for one of the starting networks. */
  readonly via: readonly CrossCloudLink[];
}

/**
 * Every VPN gateway of the app whose routes reach `start` (the networks a site connects to): their
 * own gateways, then through CrossCloudLinks (anywhere in the app) every gateway linked to them,
 * and so on, since both clouds' gateways pass the routes they learn on to their other BGP peers.
 * Gateways not created yet are skipped; call it at synth, when the tree is complete.
 */
export function reachedGateways(scope: IConstruct, start: readonly (AwsNetwork | AzureNetwork)[]): ReachedGateway[] {
  const links = scope.node.root.node.findAll().filter((c): c is CrossCloudLink => c instanceof CrossCloudLink);
  const seen = new Set<IConstruct>();
  const queue: { network: AwsNetwork | AzureNetwork; via: CrossCloudLink[] }[] = [];
  for (const network of start) {
    if (seen.has(network)) continue;
    seen.add(network);
    queue.push({ network, via: [] });
  }
  const out: ReachedGateway[] = [];
  while (queue.length > 0) {
    const { network, via } = queue.shift()!;
    const gateway = network instanceof AwsNetwork ? AwsVpnGateway.tryOf(network) : AzureVpnGateway.tryOf(network);
    if (gateway === undefined) continue;
    out.push({ network, kind: network instanceof AwsNetwork ? "virtual private gateway" : "VPN gateway", asn: gateway.asn, via });
    for (const link of links) {
      const other = link.awsNetwork === network ? link.azureNetwork : link.azureNetwork === network ? link.awsNetwork : undefined;
      if (other === undefined || seen.has(other)) continue;
      seen.add(other);
      queue.push({ network: other, via: [...via, link] });
    }
  }
  return out;
}

/** The Azure networks among reached gateways (and the starting ones), for rules about what runs there. */
export function reachedAzureNetworks(gateways: readonly ReachedGateway[], start: readonly (AwsNetwork | AzureNetwork)[]): AzureNetwork[] {
  const all = [...start, ...gateways.map((g) => g.network)].filter((n): n is AzureNetwork => n instanceof AzureNetwork);
  return [...new Set(all)];
}
