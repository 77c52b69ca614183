import { cidrProblem, contains, VPC_PRIVATE_RANGES } from "./cidr";
import type { INetwork } from "./contracts";
import type { Validator } from "./validate";

/** A port, or an inclusive `[from, to]` range of ports. */
export type PortRange = number | readonly [number, number];

/**
 * Traffic a GPU cluster admits from outside itself, e.g. from a network linked to its own or
 * from an on-prem site. A cluster admits nothing from outside by default.
 *
 * ```ts
 * cluster.allowFrom({ from: site, ports: [22, [29400, 29500]] });
 * new AwsGpuCluster(stack, "train", { ..., allowFrom: [{ from: azureNet, ports: "all" }] });
 * ```
 */
export interface AllowFrom {
  /**
   * Where the traffic comes from: a network of the app (`AwsNetwork`, `AzureNetwork`: its address
   * space; `OnPremSite`: every block of the site) or a private IPv4 CIDR block.
   */
  readonly from: INetwork | string;
  /**
   * `"all"` for every protocol and port, or TCP ports and inclusive ranges, e.g.
   * `[22, [29400, 29500]]` for SSH and a rendezvous range.
   */
  readonly ports: "all" | readonly PortRange[];
  /** Why the traffic is admitted, for the rule's description. @default - "from <source>" */
  readonly description?: string;
}

/** An {@link AllowFrom} resolved to blocks and port ranges. */
export interface AllowedTraffic {
  /** Source blocks. */
  readonly cidrs: readonly string[];
  /** `"all"`, or TCP port ranges. */
  readonly ports: "all" | readonly (readonly [number, number])[];
  /** The rule's description. */
  readonly description: string;
}

/** The blocks a network stands for: an on-prem site's every block, a cloud network's address space. */
export function networkBlocks(network: INetwork): readonly string[] {
  const cidrs = (network as INetwork & { readonly cidrs?: readonly string[] }).cidrs;
  return cidrs && cidrs.length > 0 ? cidrs : [network.cidr];
}

/**
 * Checks one `allowFrom` entry and resolves it. Sources must be private ranges (RFC 1918 or the
 * shared 100.64.0.0/10 range): GPU nodes are never opened to the internet.
 */
export function resolveAllowFrom(v: Validator, field: string, rule: AllowFrom): AllowedTraffic {
  const from = rule?.from;
  let cidrs: readonly string[];
  let label: string;
  if (typeof from === "string") {
    const problem = cidrProblem(from);
    if (problem) v.fail(`${field}.from`, from, problem);
    cidrs = [from];
    label = from;
  } else {
    v.check(from !== undefined && from !== null && typeof from.cidr === "string", `${field}.from`, from, "use a network of the app (AwsNetwork, AzureNetwork, OnPremSite) or a CIDR block such as 10.20.0.0/16");
    cidrs = networkBlocks(from);
    label = from.node.path;
  }
  for (const cidr of cidrs) {
    v.check(
      VPC_PRIVATE_RANGES.some((range) => contains(range, cidr)),
      `${field}.from`,
      cidr,
      "use a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): GPU nodes are never opened to the internet",
      typeof from === "string" ? undefined : `(a block of ${label})`,
    );
  }
  const ports = rule.ports;
  let ranges: "all" | (readonly [number, number])[];
  if (ports === "all") {
    ranges = "all";
  } else {
    v.check(Array.isArray(ports) && ports.length > 0, `${field}.ports`, ports, `use "all" or a non-empty list of ports and [from, to] ranges, e.g. [22, [29400, 29500]]`);
    ranges = ports.map((p, i) => {
      const [lo, hi] = typeof p === "number" ? [p, p] : [p?.[0], p?.[1]];
      const ok = Number.isInteger(lo) && Number.isInteger(hi) && lo! >= 1 && hi! <= 65535 && lo! <= hi!;
      v.check(ok, `${field}.ports[${i}]`, p, "use a port from 1 to 65535 or a [from, to] range with from <= to");
      return [lo!, hi!] as const;
    });
  }
  return { cidrs, ports: ranges, description: rule.description ?? `from ${label}` };
}
