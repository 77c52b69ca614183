import { Annotations } from "../engine/core";
import { AzureGpuCluster } from "../azure/gpu-cluster";
import { AZURE_RDMA_RESERVED_CIDR } from "../azure/network";
import { overlaps } from "../core/cidr";
import { ValidationError } from "../core/errors";
import type { OnPremSite } from "./on-prem-site";
import { reachedAzureNetworks, reachedGateways } from "./reach";

/**
 * The checks of an on-prem site that need the whole app (run at synth):
 * - its ASN differs from every VPN gateway whose routes reach it through links, since BGP drops
 *   every route whose AS path already holds the receiver's own ASN (the gateways it connects to
 *   itself are checked when it is built);
 * - a warning for each block overlapping 172.16.0.0/16 when an InfiniBand cluster runs in an Azure
 *   network it reaches: those VMs route that block to their RDMA interface, not to the site.
 * Returns the error messages.
 */
export function siteProblems(site: OnPremSite): string[] {
  const problems: string[] = [];
  const gateways = reachedGateways(site, site.connectTo);
  for (const g of gateways) {
    if (g.via.length === 0 || g.asn !== site.bgpAsn) continue;
    problems.push(
      new ValidationError(
        site.node.path,
        "bgpAsn",
        site.bgpAsn,
        `use an ASN other than ${g.asn}, the ASN of ${g.network.node.path}'s ${g.kind}, whose routes reach the site through ${g.via.map((l) => l.node.path).join(" and ")}: BGP drops every route whose AS path holds the receiver's own ASN`,
      ).message,
    );
  }
  const azureNetworks = reachedAzureNetworks(gateways, site.connectTo);
  const clusters = site.node.root.node
    .findAll()
    .filter((c): c is AzureGpuCluster => c instanceof AzureGpuCluster && c.fabric.kind === "infiniband" && azureNetworks.includes(c.network));
  for (const [i, cidr] of site.cidrs.entries()) {
    if (clusters.length === 0 || !overlaps(cidr, AZURE_RDMA_RESERVED_CIDR)) continue;
    const names = clusters.map((c) => `${c.node.path} (in ${c.network.node.path})`).join(", ");
    const warning = `${site.node.path}: cidrs[${i}] ${cidr} overlaps ${AZURE_RDMA_RESERVED_CIDR}, which InfiniBand VMs reserve for their RDMA network: the nodes of ${names} cannot reach the site's addresses there`;
    if (!site.node.metadata.some((m) => m.data === warning)) Annotations.of(site).addWarning(warning);
  }
  return problems;
}
