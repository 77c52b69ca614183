import { VpnGateway, VpnGatewayAttachment, VpnGatewayRoutePropagation } from "../engine/aws";
import { type TerraformResource, TerraformStack, Token } from "../engine/core";
import { Construct, type IConstruct } from "constructs";
import { AWS_DEFAULT_GATEWAY_ASN } from "../core/asn";
import { Validator } from "../core/validate";
import { nameTags } from "./names";
import type { AwsNetwork } from "./network";

// The ASN rules live in core/asn; this module's subpath keeps exporting those it always did.
export { AWS_CUSTOMER_GATEWAY_RESERVED_ASNS, customerGatewayAsnProblem, isPrivateAsn } from "../core/asn";

/** Props of {@link AwsVpnGateway}. */
export interface AwsVpnGatewayProps {
  /**
   * The gateway's BGP ASN: a private ASN, 64512-65534 or 4200000000-4294967294, as a number (not a
   * Terraform expression: it is checked against its peers' ASNs at synth).
   * @default 64512 (Amazon's default)
   */
  readonly asn?: number;
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
    const v = new Validator(network.node.path, { isUnresolved: Token.isUnresolved });
    const asn = v.asn("awsAsn", props.asn ?? existing.asn, { awsGateway: true });
    v.check(asn === existing.asn, "awsAsn", asn, `use ${existing.asn}, the ASN of the VPC's virtual private gateway that another link or site already set up`);
    return existing;
  }

  /** The network's gateway if a link or site created one, without creating it. */
  public static tryOf(network: AwsNetwork): AwsVpnGateway | undefined {
    const existing = network.node.tryFindChild("vpn-gateway");
    return existing instanceof AwsVpnGateway ? existing : undefined;
  }

  /** The gateway's BGP ASN. */
  public readonly asn: number;
  /** The virtual private gateway. */
  public readonly gateway: VpnGateway;
  /** Its attachment to the VPC; VPN connections wait for it. */
  public readonly attachment: VpnGatewayAttachment;

  private constructor(network: AwsNetwork, id: string, props: AwsVpnGatewayProps) {
    super(network, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    this.asn = v.asn("awsAsn", props.asn ?? AWS_DEFAULT_GATEWAY_ASN, { awsGateway: true });
    this.gateway = new VpnGateway(this, "vgw", { amazonSideAsn: String(this.asn), tags: nameTags(network, "vgw") });
    this.attachment = new VpnGatewayAttachment(this, "attachment", { vpcId: network.vpc.id, vpnGatewayId: this.gateway.id });
    for (const [zone, rt] of Object.entries(network.privateRouteTables)) {
      new VpnGatewayRoutePropagation(this, `propagation-${zone}`, { routeTableId: rt.id, vpnGatewayId: this.gateway.id, dependsOn: [this.attachment] });
    }
  }

  /**
   * What a resource under `scope` that needs the gateway attached (a VPN connection) depends on:
   * the attachment, in the gateway's own stack; from another stack, that stack (Terraform cannot
   * depend on another state's resource, so the gateway's stack is deployed first).
   */
  public attachedBefore(scope: IConstruct): { dependsOn?: TerraformResource[] } {
    const own = TerraformStack.of(scope);
    const gateways = TerraformStack.of(this);
    if (own === gateways) return { dependsOn: [this.attachment] };
    own.addDependency(gateways);
    return {};
  }
}
