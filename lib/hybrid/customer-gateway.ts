import { CustomerGateway } from "../engine/aws";
import type { Construct, IConstruct } from "constructs";
import { asnArg } from "./asn";

/** What identifies a customer gateway to AWS, and what it is created with. */
export interface CustomerGatewaySpec {
  /** The device's public address (a literal or a reference). */
  readonly ipAddress: string;
  /**
   * A stable key for that address within the app: the literal address, or the path of the
   * resource whose attribute it is. References cannot be compared at synth, so two different
   * keys may still be one address at apply.
   */
  readonly addressKey: string;
  readonly asn: number;
  /** The region the customer gateway is created in. */
  readonly region: string;
  readonly tags: Record<string, string>;
}

/** Per app: the customer gateway identities already created. */
const identities = new WeakMap<IConstruct, Set<string>>();

/**
 * Creates an AWS customer gateway (`ipsec.1`). AWS answers a second request with the same type,
 * address and ASN in a region with the first request's customer gateway instead of a new one, so
 * two such resources would be one object in AWS: destroying either stack would delete it under
 * the other. The first keeps AWS's plain identity (no change for existing deployments); every
 * later one with the same identity gets a `device_name` (its construct path), which the
 * Site-to-Site VPN guide documents as the way to make it a customer gateway of its own.
 */
export function newCustomerGateway(scope: Construct, id: string, spec: CustomerGatewaySpec): CustomerGateway {
  const root = scope.node.root;
  let seen = identities.get(root);
  if (!seen) {
    seen = new Set();
    identities.set(root, seen);
  }
  const key = `${spec.region}|${spec.addressKey}|${spec.asn}`;
  const path = `${scope.node.path}/${id}`;
  const again = seen.has(key);
  seen.add(key);
  return new CustomerGateway(scope, id, {
    type: "ipsec.1",
    ipAddress: spec.ipAddress,
    ...asnArg(spec.asn),
    ...(again ? { deviceName: path.slice(-255) } : {}),
    tags: spec.tags,
  });
}
