/**
 * BGP ASN rules, each in one place: the range every ASN must be in, IANA's reservations, the
 * private ranges an AWS virtual private gateway takes, and the numbers each cloud keeps for itself
 * in each role (gateway, peer). Pure: constructs pass the roles an ASN plays and get the first
 * problem, or undefined.
 */

/** The ASNs any BGP speaker here may have: 1 to 4294967294 (0 and 4294967295 are reserved). */
export const ASN_RANGE = { min: 1, max: 4294967294 } as const;

/** The private ASN ranges (RFC 6996): 64512-65534 and 4200000000-4294967294. */
export const PRIVATE_ASN_RANGES: readonly (readonly [number, number])[] = [
  [64512, 65534],
  [4200000000, 4294967294],
];

/** What to use instead of an ASN outside the private ranges. */
export const PRIVATE_ASN_RULE = "use a private ASN: 64512-65534 or 4200000000-4294967294";

/** True when an ASN is a whole number in a private range (see {@link PRIVATE_ASN_RANGES}). */
export function isPrivateAsn(asn: number): boolean {
  return Number.isInteger(asn) && PRIVATE_ASN_RANGES.some(([lo, hi]) => asn >= lo && asn <= hi);
}

/**
 * ASN ranges IANA reserves, which Azure refuses for gateways and peers alike: 0, 23456 (AS_TRANS),
 * 64496-64511 and 65536-65551 (documentation), 65535 and 4294967295 (last of each size).
 */
export const IANA_RESERVED_ASNS: readonly (readonly [number, number])[] = [
  [0, 0],
  [23456, 23456],
  [64496, 64511],
  [65535, 65551],
  [4294967295, 4294967295],
];

/** True when IANA reserves the ASN (see {@link IANA_RESERVED_ASNS}). */
export function isIanaReservedAsn(asn: number): boolean {
  return IANA_RESERVED_ASNS.some(([lo, hi]) => asn >= lo && asn <= hi);
}

/** What to use instead of an ASN IANA reserves. */
export const IANA_ASN_RULE = "use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551";

/**
 * ASNs Azure reserves (VPN Gateway FAQ, "What ASNs can I use?"): public 8074, 8075 and 12076,
 * private 65515 and 65517-65520. No on-premises peer (local network gateway) may use them; a VPN
 * gateway may use 65515, its default, and none of the others.
 */
export const AZURE_RESERVED_ASNS: readonly number[] = [8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520];

/** The ASN Amazon gives a virtual private gateway by default, and the library's default for one. */
export const AWS_DEFAULT_GATEWAY_ASN = 64512;

/** What a VPN gateway's ASN must be: a number known at synth, not a Terraform expression. */
export const GATEWAY_ASN_KNOWN_RULE =
  "use a number: a VPN gateway's ASN is checked at synth against the ASNs of the links and sites that peer with it, so it cannot come from a Terraform expression";

/** The library's default ASN for an Azure VPN gateway: private, other than AWS's default, and one Azure lets a gateway have. */
export const DEFAULT_AZURE_GATEWAY_ASN = 65000;

/** The ASN Azure gives a VPN gateway by default: valid for the gateway, reserved for everyone else. */
export const AZURE_DEFAULT_GATEWAY_ASN = 65515;

/**
 * ASNs an Azure VPN gateway may not have: Azure's reserved ASNs except its own default 65515,
 * and 65516, outside the FAQ's usable private ranges (64512-65514 and 65521-65534) as well.
 */
const AZURE_GATEWAY_REFUSED_ASNS: readonly number[] = [...AZURE_RESERVED_ASNS.filter((a) => a !== AZURE_DEFAULT_GATEWAY_ASN), 65516];

/** Why Azure would refuse an ASN for a VPN gateway, or undefined when it accepts it. */
export function azureGatewayAsnProblem(asn: number): string | undefined {
  return AZURE_GATEWAY_REFUSED_ASNS.includes(asn)
    ? "use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself"
    : undefined;
}

/** Why Azure would refuse an ASN for an on-premises or other-cloud BGP peer, or undefined. */
export function azurePeerAsnProblem(asn: number): string | undefined {
  return AZURE_RESERVED_ASNS.includes(asn) ? "use an ASN Azure accepts from a BGP peer: not 8074, 8075, 12076, 65515 or 65517-65520, which Azure reserves" : undefined;
}

/**
 * ASNs AWS reserves for itself, which a customer gateway (the other end of a Site-to-Site VPN
 * connection) may not use, and where: 7224 in every region, 9059 in eu-west-1, 10124 in
 * ap-northeast-1, 17943 in ap-southeast-1 (Site-to-Site VPN User Guide, "Customer gateway
 * options"). Elsewhere AWS accepts any ASN from 1 to 4294967295.
 */
export const AWS_CUSTOMER_GATEWAY_RESERVED_ASNS: readonly { readonly asn: number; readonly region?: string }[] = [
  { asn: 7224 },
  { asn: 9059, region: "eu-west-1" },
  { asn: 10124, region: "ap-northeast-1" },
  { asn: 17943, region: "ap-southeast-1" },
];

/**
 * Why AWS would refuse an ASN for a customer gateway in `region`, or undefined when it accepts it.
 * `where` names the network the customer gateway connects to, for the message.
 */
export function customerGatewayAsnProblem(asn: number, region: string, where: string): string | undefined {
  const reserved = AWS_CUSTOMER_GATEWAY_RESERVED_ASNS.find((r) => r.asn === asn && (r.region === undefined || r.region === region));
  if (reserved === undefined) return undefined;
  return reserved.region === undefined
    ? `use an ASN other than ${asn}, which AWS reserves in every region`
    : `use an ASN other than ${asn}, which AWS reserves in ${region} (the region of ${where})`;
}

/**
 * Where an ASN is used, which decides which cloud's rules it must meet. Each cloud refuses
 * different numbers in different roles: Azure gives its own gateways 65515 by default but refuses
 * it from peers; AWS reserves 7224 everywhere and 9059, 10124 and 17943 in one region each.
 */
export interface AsnRoles {
  /** The ASN is an AWS virtual private gateway's (the Amazon side): private ranges only. @default false */
  readonly awsGateway?: boolean;
  /** The ASN is an Azure VPN gateway's own (65515, Azure's default, is fine). @default false */
  readonly azureGateway?: boolean;
  /** Azure VPN gateways peer with the ASN (a local network gateway's): Azure's reserved ASNs are refused. @default false */
  readonly azurePeer?: boolean;
  /**
   * AWS networks whose virtual private gateway peers with the ASN as a customer gateway's (their
   * region, and a name for the message): AWS's reserved ASNs of each region are refused.
   * @default - none
   */
  readonly awsCustomerGatewayIn?: readonly { readonly region: string; readonly where: string }[];
}

/**
 * The first rule an ASN breaks for the roles it plays, as what to use instead, or undefined when it
 * meets them all. An AWS gateway's ASN must be private (which also keeps it in range and clear of
 * IANA's reservations); any other is a whole number in {@link ASN_RANGE} outside IANA's
 * reservations. Then each cloud that sees it must accept it.
 */
export function asnProblem(asn: number, roles: AsnRoles): string | undefined {
  if (roles.awsGateway && !isPrivateAsn(asn)) return PRIVATE_ASN_RULE;
  if (!Number.isInteger(asn) || asn < ASN_RANGE.min || asn > ASN_RANGE.max) return `use a whole number from ${ASN_RANGE.min} to ${ASN_RANGE.max}`;
  if (isIanaReservedAsn(asn)) return IANA_ASN_RULE;
  const problems = [
    roles.azureGateway ? azureGatewayAsnProblem(asn) : undefined,
    roles.azurePeer ? azurePeerAsnProblem(asn) : undefined,
    ...(roles.awsCustomerGatewayIn ?? []).map((n) => customerGatewayAsnProblem(asn, n.region, n.where)),
  ];
  return problems.find((p) => p !== undefined);
}
