import type { AwsNetwork } from "../aws/network";
import type { AsnRoles } from "../core/asn";
import type { Validator } from "../core/validate";

export { PRIVATE_ASN_RULE } from "../core/asn";

/** The roles of an ASN, with the AWS networks that see it as a customer gateway's given as networks. */
export interface AsnNetworkRoles extends Omit<AsnRoles, "awsCustomerGatewayIn"> {
  /**
   * AWS networks whose virtual private gateway peers with the ASN as a customer gateway's: AWS's
   * reserved ASNs of each network's region are refused.
   * @default - none
   */
  readonly awsCustomerGatewayOf?: readonly AwsNetwork[];
}

/** Checks a BGP ASN for the roles it plays with {@link Validator.asn} (the one ASN rule); returns the ASN. */
export function checkAsn(v: Validator, field: string, asn: number, roles: AsnNetworkRoles): number {
  const { awsCustomerGatewayOf, ...rest } = roles;
  return v.asn(field, asn, { ...rest, awsCustomerGatewayIn: (awsCustomerGatewayOf ?? []).map((n) => ({ region: n.region, where: n.node.path })) });
}

/** An AWS customer gateway's ASN argument: `bgp_asn` up to 2147483647, `bgp_asn_extended` above. */
export function asnArg(asn: number): { bgpAsn: string } | { bgpAsnExtended: string } {
  return asn <= 2147483647 ? { bgpAsn: String(asn) } : { bgpAsnExtended: String(asn) };
}
