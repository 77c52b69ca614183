import { contains, containsAddress, formatIpv4, overlaps, parseCidr } from "../core/cidr";

/** The link-local (APIPA) range: VPN tunnels take their inside addresses from it, on both clouds. */
export const APIPA_RANGE = "169.254.0.0/16";

/**
 * The blocks Azure accepts custom APIPA BGP addresses from, for a VPN gateway: 169.254.21.0 -
 * 169.254.22.255 ("Configure BGP for Azure VPN Gateway"). The on-premises end may use any APIPA
 * address; Azure's own end must be in these.
 */
export const AZURE_APIPA_RANGES: readonly string[] = ["169.254.21.0/24", "169.254.22.0/24"];

/** Azure's APIPA range in words, for messages. */
export const AZURE_APIPA_TEXT = "169.254.21.0-169.254.22.255";

/** True for an IPv4 address in 169.254.0.0/16. */
export function isApipaAddress(address: string): boolean {
  return containsAddress(APIPA_RANGE, address);
}

/** True for an IPv4 address in Azure's custom APIPA range, 169.254.21.0-169.254.22.255. */
export function inAzureApipaRange(address: string): boolean {
  return AZURE_APIPA_RANGES.some((r) => containsAddress(r, address));
}

/** True when a block lies inside Azure's custom APIPA range. */
export function blockInAzureApipaRange(cidr: string): boolean {
  return AZURE_APIPA_RANGES.some((r) => contains(r, cidr));
}

/**
 * A pair of addresses for the two instances of an Azure VPN gateway: the first and second
 * address of the highest /30 of Azure's APIPA range that overlaps none of `taken`. Links take
 * their tunnels from the bottom of the range, sites from the top, so adding one never moves the
 * other's defaults. Undefined when the range is full.
 */
export function freeApipaPair(taken: readonly string[]): [string, string] | undefined {
  const low = parseCidr(AZURE_APIPA_RANGES[0]!).network;
  for (let base = low + 512 - 4; base >= low; base -= 4) {
    const block = `${formatIpv4(base)}/30`;
    if (!taken.some((t) => overlaps(block, t))) return [formatIpv4(base + 1), formatIpv4(base + 2)];
  }
  return undefined;
}

/**
 * The four tunnel inside /30s of a link (instance 0 tunnel 1 and 2, then instance 1 tunnel 1 and
 * 2): the first set, from the bottom of Azure's APIPA range and 8 addresses apart per link
 * (169.254.21.0/30, 169.254.22.0/30, 169.254.21.4/30, 169.254.22.4/30, then 169.254.21.8/30, ...),
 * none of which overlaps `taken`. Undefined when the range is full.
 */
export function freeTunnelCidrs(taken: readonly string[]): [string, string, string, string] | undefined {
  for (let base = 0; base <= 248; base += 8) {
    const set: [string, string, string, string] = [`169.254.21.${base}/30`, `169.254.22.${base}/30`, `169.254.21.${base + 4}/30`, `169.254.22.${base + 4}/30`];
    if (!set.some((c) => taken.some((t) => overlaps(c, t)))) return set;
  }
  return undefined;
}
