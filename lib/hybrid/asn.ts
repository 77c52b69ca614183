import { Token } from "../engine/core";
import type { AwsNetwork } from "../aws/network";
import { customerGatewayAsnProblem, isPrivateAsn } from "../aws/vpn-gateway";
import { IANA_ASN_RULE, azureGatewayAsnProblem, azurePeerAsnProblem, isIanaReservedAsn } from "../azure/vpn-gateway";
import type { Validator } from "../core/validate";

/** What to use instead of an ASN outside the private ranges. */
export const PRIVATE_ASN_RULE = "use a private ASN: 64512-65534 or 4200000000-4294967294";

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
   * AWS networks whose virtual private gateway peers with the ASN as a customer gateway's: AWS's
   * reserved ASNs of each network's region are refused.
   * @default - none
   */
  readonly awsCustomerGatewayOf?: readonly AwsNetwork[];
}

/**
 * Checks a BGP ASN for the roles it plays: a whole number from 1 to 4294967294, outside IANA's
 * reserved ranges, and accepted by each cloud that sees it. Returns the ASN.
 */
export function checkAsn(v: Validator, field: string, asn: number, roles: AsnRoles): number {
  if (Token.isUnresolved(asn)) return asn;
  v.integer(field, asn, { min: 1, max: 4294967294 });
  v.check(!isIanaReservedAsn(asn), field, asn, IANA_ASN_RULE);
  if (roles.awsGateway) v.check(isPrivateAsn(asn), field, asn, PRIVATE_ASN_RULE);
  const problems = [
    roles.azureGateway ? azureGatewayAsnProblem(asn) : undefined,
    roles.azurePeer ? azurePeerAsnProblem(asn) : undefined,
    ...(roles.awsCustomerGatewayOf ?? []).map((n) => customerGatewayAsnProblem(asn, n.region, n.node.path)),
  ];
  const problem = problems.find((p) => p !== undefined);
  if (problem !== undefined) v.fail(field, asn, problem);
  return asn;
}

/** An AWS customer gateway's ASN argument: `bgp_asn` up to 2147483647, `bgp_asn_extended` above. */
export function asnArg(asn: number): { bgpAsn: string } | { bgpAsnExtended: string } {
  return asn <= 2147483647 ? { bgpAsn: String(asn) } : { bgpAsnExtended: String(asn) };
}
