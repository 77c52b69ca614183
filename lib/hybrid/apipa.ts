import { contains, containsAddress, formatIpv4, overlaps, parseCidr, parseIpv4 } from "../core/cidr";

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
  return parseIpv4(address) !== undefined && containsAddress(APIPA_RANGE, address);
}

/** True for an IPv4 address in Azure's custom APIPA range, 169.254.21.0-169.254.22.255. */
export function inAzureApipaRange(address: string): boolean {
  return parseIpv4(address) !== undefined && AZURE_APIPA_RANGES.some((r) => containsAddress(r, address));
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
