/**
 * What "open to the world" means for a source of inbound traffic: a prefix of the whole IPv4 or
 * IPv6 space (`0.0.0.0/0`, `::/0`, `::0/0`, `0:0::/0`, or one with host bits set such as
 * `10.0.0.0/0`), a service tag or wildcard that stands for every address (`*`, `Any`, `Internet`,
 * `AzureCloud`, whose addresses anyone with an Azure subscription can use), and a set of prefixes
 * that together cover a whole space (`0.0.0.0/1` + `128.0.0.0/1`). Pure.
 */

/** Source tags and wildcards that admit every address (compared without case). */
export const WORLD_TAGS: readonly string[] = ["*", "any", "internet", "azurecloud", "0.0.0.0"];

/** An address range of one IP version, as BigInt bounds. */
export interface AddressRange {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses an IPv4 or IPv6 prefix (`a.b.c.d/p`, `x:y::/p`, or an address as a single host); host bits are masked away as the clouds do. */
export function parsePrefix(text: string): AddressRange | undefined {
  const [address, prefixText, extra] = text.trim().split("/");
  if (address === undefined || extra !== undefined) return undefined;
  const v4 = parseV4(address);
  const version = v4 !== undefined ? 4 : 6;
  const value = v4 ?? parseV6(address);
  if (value === undefined) return undefined;
  const bits = BITS[version];
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix <= bits)) return undefined; // NaN (not 1 to 3 digits) fails too
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  return { version, first, last: first + (1n << hostBits) - 1n };
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256n + BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | undefined {
  // Each group is checked below (1 to 4 hex digits, or a trailing dotted IPv4 address).
  if (text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  if (!h || !t) return undefined;
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined;
  return [...h, ...Array<number>(Math.max(0, missing)).fill(0), ...t].reduce((acc, g) => (acc << 16n) + BigInt(g), 0n);
}

/** Whether a single source admits every address: a world tag, or a prefix of a whole space. */
export function isWorldSource(source: string): boolean {
  if (WORLD_TAGS.includes(source.trim().toLowerCase())) return true;
  const range = parsePrefix(source);
  return range !== undefined && range.first === 0n && range.last === (1n << BigInt(BITS[range.version])) - 1n;
}

/** The IP versions whose whole space `sources` cover together (prefixes only; tags are judged by {@link isWorldSource}). */
export function coveredSpaces(sources: readonly string[]): (4 | 6)[] {
  const ranges = sources.map(parsePrefix).filter((r): r is AddressRange => r !== undefined);
  return ([4, 6] as const).filter((version) => {
    const sorted = ranges.filter((r) => r.version === version).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let next = 0n;
    for (const r of sorted) {
      if (r.first > next) return false;
      if (r.last + 1n > next) next = r.last + 1n;
    }
    return next === 1n << BigInt(BITS[version]);
  });
}

/** Private and link-local ranges (RFC 1918, CGNAT, loopback, link-local, IPv6 ULA and link-local): a source inside them is not the internet. */
const NOT_INTERNET = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"]
  .map((p) => parsePrefix(p)!);

/** Whether a prefix reaches beyond private and link-local ranges (so it holds internet addresses); tags and unparsable text count. */
export function reachesInternet(source: string): boolean {
  const range = parsePrefix(source);
  if (!range) return true;
  return !NOT_INTERNET.some((p) => p.version === range.version && p.first <= range.first && range.last <= p.last);
}

/** A space name for messages. */
export function spaceName(version: 4 | 6): string {
  return version === 4 ? "IPv4" : "IPv6";
}
