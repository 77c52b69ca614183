import type { IConstruct } from "constructs";
import type { PortRange } from "../core/allow-from";
import type { IGpuCluster, INetwork } from "../core/contracts";
import { Validator } from "../core/validate";

/** What a {@link CrossCloudLink} or {@link OnPremSite} opens on a cluster it connects. */
export interface AdmitOptions {
  /**
   * `"all"` for every protocol and port, or TCP ports and inclusive ranges, e.g.
   * `[22, [29400, 29500]]` for SSH and a rendezvous range.
   */
  readonly ports: "all" | readonly PortRange[];
  /**
   * Why the traffic is admitted, for the rule's description.
   * @default - "from <other network> over <link>" for a link, "from on-prem site <name> (<site path>)" for a site
   */
  readonly description?: string;
}

/**
 * Opens `options.ports` on `cluster` from `from` (the other side of a link, or a site), after
 * checking that the cluster is in one of the networks `owner` connects. The rules are the
 * cluster's own (`cluster.allowFrom`): security group rules on AWS, NSG rules on Azure.
 */
export function admitOn(
  owner: IConstruct,
  cluster: IGpuCluster,
  connected: readonly INetwork[],
  from: INetwork,
  options: AdmitOptions,
  what: string,
  description: string,
): void {
  const v = new Validator(owner.node.path);
  const network = cluster?.network;
  v.check(
    connected.some((n) => n === network),
    "cluster",
    cluster?.node?.path ?? cluster,
    `use a cluster in ${connected.map((n) => n.node.path).join(" or ")}, the networks ${what}${network ? ` (this one is in ${network.node.path})` : ""}`,
  );
  cluster.allowFrom({ from, ports: options?.ports, description: options?.description ?? description });
}
