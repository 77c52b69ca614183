import { VpnGateway } from "@cdktf/provider-aws/lib/vpn-gateway";
import { VpnGatewayAttachment } from "@cdktf/provider-aws/lib/vpn-gateway-attachment";
import { VpnGatewayRoutePropagation } from "@cdktf/provider-aws/lib/vpn-gateway-route-propagation";
import { Construct } from "constructs";
import { Validator } from "../core/validate";
import { nameTags } from "./names";
import type { AwsNetwork } from "./network";

/** Props of {@link AwsVpnGateway}. */
export interface AwsVpnGatewayProps {
  /**
   * The gateway's BGP ASN: a private ASN, 64512-65534 or 4200000000-4294967294.
   * @default 64512 (Amazon's default)
   */
  readonly asn?: number;
}

/** True when an ASN is in a private range (RFC 6996): 64512-65534 or 4200000000-4294967294. */
export function isPrivateAsn(asn: number): boolean {
  return Number.isInteger(asn) && ((asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294));
}

/**
 * The virtual private gateway of an {@link AwsNetwork}: attached to the VPC, with route propagation
 * into every private route table, so routes learned over BGP from Azure or an on-prem site reach
 * the subnets. One per network: links and sites share it through {@link AwsVpnGateway.of}.
 */
export class AwsVpnGateway extends Construct {
  /**
   * The network's gateway, created as its child `vpn-gateway` on first use. A second caller
   * asking for another ASN gets an error, since one VPC has one virtual private gateway.
   */
  public static of(network: AwsNetwork, props: AwsVpnGatewayProps = {}): AwsVpnGateway {
    const existing = network.node.tryFindChild("vpn-gateway") as AwsVpnGateway | undefined;
    if (!existing) return new AwsVpnGateway(network, "vpn-gateway", props);
    const asn = props.asn ?? existing.asn;
    new Validator(network.node.path).check(asn === existing.asn, "awsAsn", asn, `use ${existing.asn}, the ASN of the VPC's virtual private gateway that another link or site already set up`);
    return existing;
  }

  /** The gateway's BGP ASN. */
  public readonly asn: number;
  /** The virtual private gateway. */
  public readonly gateway: VpnGateway;
  /** Its attachment to the VPC; VPN connections wait for it. */
  public readonly attachment: VpnGatewayAttachment;

  private constructor(network: AwsNetwork, id: string, props: AwsVpnGatewayProps) {
    super(network, id);
    const v = new Validator(this.node.path);
    this.asn = props.asn ?? 64512;
    v.check(isPrivateAsn(this.asn), "awsAsn", this.asn, "use a private ASN: 64512-65534 or 4200000000-4294967294");
    this.gateway = new VpnGateway(this, "vgw", { amazonSideAsn: String(this.asn), tags: nameTags(network, "vgw") });
    this.attachment = new VpnGatewayAttachment(this, "attachment", { vpcId: network.vpc.id, vpnGatewayId: this.gateway.id });
    for (const [zone, rt] of Object.entries(network.privateRouteTables)) {
      new VpnGatewayRoutePropagation(this, `propagation-${zone}`, { routeTableId: rt.id, vpnGatewayId: this.gateway.id, dependsOn: [this.attachment] });
    }
  }
}
