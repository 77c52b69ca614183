/**
 * IPv4 address and CIDR math for networks, subnets and the hybrid address plan. Pure.
 *
 * Addresses are held as unsigned 32-bit integers; a block is its first address and prefix.
 * Parsing is strict: a CIDR with host bits set (`10.0.0.1/16`) is rejected, because every
 * cloud API either rejects it or silently rounds it, and neither is what the user meant.
 */

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  /** First address of the block, as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses a dotted-quad IPv4 address; undefined when malformed, spaces around it included (the
 * validated text goes to the clouds as it is).
 */
export function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith("0")) return undefined; // no octal-looking octets
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Formats an unsigned 32-bit integer as a dotted quad. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** Number of addresses in a block of the given prefix. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Why a text is not a canonical CIDR, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return "expected an IPv4 CIDR such as 10.0.0.0/16";
  const ip = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return "expected an IPv4 CIDR such as 10.0.0.0/16";
  }
  const prefix = Number(prefixText);
  const network = ip - (ip % blockSize(prefix));
  if (network !== ip) return `host bits are set: use ${formatIpv4(network)}/${prefix}`;
  return undefined;
}

/** Parses a canonical CIDR; undefined when malformed or when host bits are set. */
export function tryParseCidr(text: string): Cidr | undefined {
  if (cidrProblem(text) !== undefined) return undefined;
  const [ip, prefix] = text.split("/");
  return { network: parseIpv4(ip!)!, prefix: Number(prefix) };
}

/** Parses a canonical CIDR; throws a RangeError saying what is wrong. */
export function parseCidr(text: string): Cidr {
  const problem = cidrProblem(text);
  if (problem !== undefined) throw new RangeError(`${JSON.stringify(text)}: ${problem}`);
  return tryParseCidr(text)!;
}

/** Formats a block as `a.b.c.d/p`. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

function asCidr(c: Cidr | string): Cidr {
  return typeof c === "string" ? parseCidr(c) : c;
}

/** Last address of a block. */
export function lastAddress(c: Cidr | string): number {
  const b = asCidr(c);
  return b.network + blockSize(b.prefix) - 1;
}

/** True when `inner` lies wholly inside `outer` (a block contains itself). */
export function contains(outer: Cidr | string, inner: Cidr | string): boolean {
  const o = asCidr(outer);
  const i = asCidr(inner);
  return i.network >= o.network && lastAddress(i) <= lastAddress(o);
}

/** True when an address lies inside a block. */
export function containsAddress(block: Cidr | string, address: number | string): boolean {
  const b = asCidr(block);
  const a = typeof address === "string" ? parseIpv4(address) : address;
  if (a === undefined) return false;
  return a >= b.network && a <= lastAddress(b);
}

/** True when two blocks share at least one address. */
export function overlaps(a: Cidr | string, b: Cidr | string): boolean {
  const x = asCidr(a);
  const y = asCidr(b);
  return x.network <= lastAddress(y) && y.network <= lastAddress(x);
}

/** Most blocks one {@link split} call returns. */
export const MAX_SPLIT = 65_536;

/**
 * Splits a block into consecutive sub-blocks of `newPrefix`, in address order.
 * `count` limits how many are returned (default: all of them).
 */
export function split(block: Cidr | string, newPrefix: number, count?: number): string[] {
  const b = asCidr(block);
  if (!Number.isInteger(newPrefix) || newPrefix < b.prefix || newPrefix > 32) {
    throw new RangeError(`cannot split ${formatCidr(b)} into /${newPrefix} blocks: use a prefix from ${b.prefix} to 32`);
  }
  const available = 2 ** (newPrefix - b.prefix);
  const n = count ?? available;
  if (n > MAX_SPLIT) throw new RangeError(`${formatCidr(b)} split into /${newPrefix} gives ${n} blocks: pass a count of at most ${MAX_SPLIT}`);
  if (n > available) {
    throw new RangeError(`${formatCidr(b)} holds only ${available} /${newPrefix} blocks, ${n} were asked for`);
  }
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(formatCidr({ network: b.network + i * blockSize(newPrefix), prefix: newPrefix }));
  return out;
}

/**
 * The first block of size `prefix` inside `pool` that overlaps none of `taken`, scanning in
 * address order (so the answer is deterministic); undefined when the pool is full.
 */
export function allocate(pool: Cidr | string, prefix: number, taken: readonly (Cidr | string)[]): string | undefined {
  const p = asCidr(pool);
  // a prefix shorter than the pool's gives blocks larger than the pool: the loop finds none
  if (prefix > 32) return undefined;
  const used = taken.map(asCidr);
  const step = blockSize(prefix);
  let candidate = p.network;
  const end = lastAddress(p);
  while (candidate + step - 1 <= end) {
    const block: Cidr = { network: candidate, prefix };
    const clash = used.find((u) => overlaps(u, block));
    if (!clash) return formatCidr(block);
    // jump past the clash, rounded up to the next aligned block: every aligned block skipped
    // overlaps the clash too, so any clash (taken blocks need no order) leads to the lowest free block
    const next = lastAddress(clash) + 1;
    candidate = Math.ceil(next / step) * step;
  }
  return undefined;
}

const PRIVATE_OR_RESERVED: readonly string[] = [
  "0.0.0.0/8", // "this" network
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // carrier-grade NAT
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local
  "172.16.0.0/12", // RFC 1918
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // TEST-NET-1
  "192.168.0.0/16", // RFC 1918
  "198.18.0.0/15", // benchmarking
  "198.51.100.0/24", // TEST-NET-2
  "203.0.113.0/24", // TEST-NET-3
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, broadcast
];

/** True when an address is publicly routable (not private, shared, loopback, link-local, test, multicast or reserved). */
export function isPublicIpv4(address: string): boolean {
  const a = parseIpv4(address);
  if (a === undefined) return false;
  return !PRIVATE_OR_RESERVED.some((block) => containsAddress(block, a));
}

/** True when a block lies inside one of the RFC 1918 private ranges. */
export function isPrivateCidr(block: Cidr | string): boolean {
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((range) => contains(range, block));
}

/** RFC 1918 private ranges and the shared (carrier-grade NAT) range, which AWS also allows for a VPC. */
export const VPC_PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/** Ranges an Azure virtual network may not overlap (Azure refuses them). */
export const AZURE_REFUSED_RANGES = ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32", "168.63.129.16/32"] as const;

/** Docker's default bridge on the Deep Learning AMI and most GPU images: a network overlapping it cannot reach those addresses from the nodes. */
export const DOCKER_BRIDGE = "172.17.0.0/16";
