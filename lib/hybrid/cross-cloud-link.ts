import { type CustomerGateway, VpnConnection, type VpnConnectionConfig } from "../engine/aws";
import { LocalNetworkGateway, VirtualNetworkGatewayConnection } from "../engine/azurerm";
import { Token } from "../engine/core";
import { Construct } from "constructs";
import { nameTags } from "../aws/names";
import { AwsNetwork } from "../aws/network";
import { providerRegion } from "../aws/provider";
import { AwsVpnGateway } from "../aws/vpn-gateway";
import { AzureNetwork } from "../azure/network";
import { AzureVpnGateway, type AzureVpnGatewaySku, type GatewayInstance } from "../azure/vpn-gateway";
import { AddressPlan, registerAddresses } from "../core/address-plan";
import { AWS_DEFAULT_GATEWAY_ASN, DEFAULT_AZURE_GATEWAY_ASN } from "../core/asn";
import { formatIpv4, parseCidr, tryParseCidr } from "../core/cidr";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { Validator } from "../core/validate";
import type { IGpuCluster } from "../core/contracts";
import { admitOn, type AdmitOptions } from "./admit";
import { AZURE_APIPA_TEXT, blockInAzureApipaRange, freeTunnelCidrs } from "./apipa";
import { checkAsn } from "./asn";
import { newCustomerGateway } from "./customer-gateway";
import { AWS_TUNNEL_GBPS, TUNNEL_CRYPTO, awsTunnelOptions } from "./tunnel-crypto";

/** Props of {@link CrossCloudLink}. */
export interface CrossCloudLinkProps {
  /** The AWS side: its VPC gets a virtual private gateway with route propagation. */
  readonly aws: AwsNetwork;
  /** The Azure side: its VNet gets an active-active VPN gateway with BGP. */
  readonly azure: AzureNetwork;
  /** Azure VPN gateway SKU. @default "VpnGw2AZ" */
  readonly azureGatewaySku?: AzureVpnGatewaySku;
  /**
   * ASN of the AWS virtual private gateway: a private ASN (64512-65534 or 4200000000-4294967294)
   * that Azure accepts from a peer (not 65515 or 65517-65520).
   * @default 64512
   */
  readonly awsAsn?: number;
  /**
   * ASN of the Azure VPN gateway, other than `awsAsn`: one Azure lets a gateway have (65515, its
   * default, or one outside 8074, 8075, 12076 and 65516-65520) and AWS accepts for a customer
   * gateway in the VPC's region (not 7224; not 9059 in eu-west-1, 10124 in ap-northeast-1,
   * 17943 in ap-southeast-1).
   * @default 65000
   */
  readonly azureAsn?: number;
  /**
   * Inside CIDRs of the four tunnels, /30s in Azure's APIPA range 169.254.21.0-169.254.22.255,
   * in the order: connection to Azure instance 0 (tunnel 1, tunnel 2), then to instance 1
   * (tunnel 1, tunnel 2). AWS takes the first address of each /30, Azure the second.
   * @default - the first set no other tunnel of the app uses: 169.254.21.0/30, 169.254.22.0/30,
   * 169.254.21.4/30, 169.254.22.4/30 for the first link, then 8 addresses further on
   */
  readonly tunnelInsideCidrs?: readonly [string, string, string, string];
}

/** One of the four tunnels, with both ends. */
export interface LinkTunnel {
  /** Azure gateway instance the tunnel ends on. */
  readonly azureInstance: GatewayInstance;
  /** Tunnel 1 or 2 of the AWS VPN connection. */
  readonly awsTunnel: 1 | 2;
  readonly insideCidr: string;
  /** BGP address of the AWS end (first address of the /30). */
  readonly awsBgpAddress: string;
  /** Custom APIPA BGP address of the Azure end (second address of the /30). */
  readonly azureBgpAddress: string;
  readonly awsConnection: VpnConnection;
  readonly localNetworkGateway: LocalNetworkGateway;
  readonly azureConnection: VirtualNetworkGatewayConnection;
}

/**
 * A highly available site-to-site VPN between an AWS VPC and an Azure VNet, with BGP, as Microsoft
 * documents it ("How to connect AWS and Azure using a BGP-enabled VPN gateway"): an Azure VPN
 * gateway in active-active mode with two public IPs; an AWS virtual private gateway with route
 * propagation; one customer gateway and one VPN connection per Azure instance (four tunnels);
 * four local network gateways and four connections on Azure, each with the custom APIPA BGP
 * address that pairs with its AWS tunnel. Pre-shared keys are the ones AWS generates per tunnel,
 * fed to Azure by reference: no key is ever written in code. IKEv2, AES-256, SHA-256, DH 14.
 *
 * Bandwidth: each AWS tunnel carries about 1.25 Gbit/s, but a virtual private gateway has no ECMP:
 * it sends over one tunnel at a time, so the link carries at most 1.25 Gbit/s (per VGW, shared with
 * the VGW's other links) whatever the number of tunnels; the four tunnels are for availability. The
 * Azure gateway's SKU caps it further (VpnGw1AZ: 0.65 Gbit/s). For more, the documented next steps
 * are an AWS Transit Gateway with ECMP across more VPN connections (and Azure gateways of a larger
 * SKU), or a private interconnect: AWS Direct Connect and Azure ExpressRoute meeting at a
 * colocation or cloud exchange provider.
 *
 * Nothing reaches the GPU nodes over the link until a cluster admits it: `admit` opens ports on a
 * cluster of either side to the other side's network.
 *
 * ```ts
 * const link = new CrossCloudLink(stack, "link", { aws: awsNetwork, azure: azureNetwork });
 * link.admit(awsCluster, { ports: [22, [29400, 29500]] }).admit(azureCluster, { ports: "all" });
 * ```
 */
export class CrossCloudLink extends Construct {
  /** The AWS side. */
  public readonly awsNetwork: AwsNetwork;
  /** The Azure side. */
  public readonly azureNetwork: AzureNetwork;
  /** The four tunnels, instance 0 first. */
  public readonly tunnels: readonly LinkTunnel[];
  /** The AWS virtual private gateway (shared with other links and sites of the VPC). */
  public readonly awsGateway: AwsVpnGateway;
  /** The Azure VPN gateway (shared with other links and sites of the VNet). */
  public readonly azureGateway: AzureVpnGateway;
  /** Customer gateways for Azure instance 0 and instance 1. */
  public readonly customerGateways: readonly [CustomerGateway, CustomerGateway];
  /** AWS VPN connections to Azure instance 0 and instance 1. */
  public readonly awsConnections: readonly [VpnConnection, VpnConnection];
  /** Nominal bandwidth of the four AWS tunnels added up, Gbit/s (4 x 1.25); the VGW uses one at a time (see `aggregateGbps`). */
  public readonly awsTunnelsGbps: number;
  /**
   * What the link carries at most, Gbit/s: one AWS tunnel's 1.25 (a virtual private gateway has no
   * ECMP), capped by the Azure gateway SKU's aggregate.
   */
  public readonly aggregateGbps: number;

  constructor(scope: Construct, id: string, props: CrossCloudLinkProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    v.check(props.aws instanceof AwsNetwork, "aws", props.aws?.node?.path ?? props.aws, "use an AwsNetwork");
    v.check(props.azure instanceof AzureNetwork, "azure", props.azure?.node?.path ?? props.azure, "use an AzureNetwork");
    this.awsNetwork = props.aws;
    this.azureNetwork = props.azure;
    const twin = this.node.root.node.findAll().find(
      (c): c is CrossCloudLink => c !== this && c instanceof CrossCloudLink && c.awsNetwork === props.aws && c.azureNetwork === props.azure,
    );
    v.check(
      twin === undefined,
      "azure",
      props.azure.node.path,
      `use a network that no other CrossCloudLink joins to ${props.aws.node.path}: ${twin?.node.path} already does (its customer gateways would be this link's too, since AWS answers an identical request with the existing one, and destroying either link would cut the other)`,
    );
    const stackRegion = providerRegion(this);
    v.check(stackRegion === undefined || stackRegion === props.aws.region, "aws", props.aws.node.path, `use a network in ${stackRegion}, the region of the stack's AWS provider, which creates the link's customer gateways and VPN connections (or build the link in a stack whose provider is in ${props.aws.region})`);
    const awsAsn = props.awsAsn ?? AWS_DEFAULT_GATEWAY_ASN;
    const azureAsn = props.azureAsn ?? DEFAULT_AZURE_GATEWAY_ASN;
    // Each ASN is also the other cloud's peer ASN, so both clouds' rules apply to each.
    checkAsn(v, "awsAsn", awsAsn, { awsGateway: true, azurePeer: true });
    checkAsn(v, "azureAsn", azureAsn, { azureGateway: true, awsCustomerGatewayOf: [props.aws] });
    v.check(awsAsn !== azureAsn, "azureAsn", azureAsn, `use an ASN other than awsAsn ${awsAsn}: the two gateways speak eBGP`);

    this.awsGateway = AwsVpnGateway.of(props.aws, { asn: awsAsn });
    this.azureGateway = AzureVpnGateway.of(props.azure, { ...(props.azureGatewaySku ? { sku: props.azureGatewaySku } : {}), asn: azureAsn });
    const cidrs = props.tunnelInsideCidrs ?? defaultInsideCidrs(this, v);
    checkInsideCidrs(v, cidrs);

    // Tunnel layout: index 0..3 = [instance 0 tunnel 1, instance 0 tunnel 2, instance 1 tunnel 1, instance 1 tunnel 2].
    const ends = cidrs.map((c) => {
      const block = parseCidr(c);
      return { cidr: c, aws: formatIpv4(block.network + 1), azure: formatIpv4(block.network + 2) };
    });
    this.azureGateway.addApipaAddresses(0, [ends[0]!.azure, ends[1]!.azure]);
    this.azureGateway.addApipaAddresses(1, [ends[2]!.azure, ends[3]!.azure]);
    registerAddresses(this, ends.map((e, i) => ({ field: `tunnelInsideCidrs[${i}]`, cidr: e.cidr, kind: "tunnel" as const })));

    const azure = props.azure;
    const azureName = (suffix: string) => nameFromPath(this.node.path, NAME_RULES.azureGeneric, suffix);
    const instances: GatewayInstance[] = [0, 1];
    const customerGateways = instances.map((i) =>
      newCustomerGateway(this, `cgw-azure-${i}`, {
        ipAddress: this.azureGateway.publicIps[i].ipAddress,
        addressKey: this.azureGateway.publicIps[i].node.path,
        asn: azureAsn,
        region: props.aws.region,
        tags: nameTags(this, `azure-instance-${i}`),
      }),
    ) as [CustomerGateway, CustomerGateway];
    const awsConnections = instances.map((i) => {
      const config: VpnConnectionConfig = {
        type: "ipsec.1",
        vpnGatewayId: this.awsGateway.gateway.id,
        customerGatewayId: customerGateways[i].id,
        staticRoutesOnly: false,
        tunnel1InsideCidr: ends[i * 2]!.cidr,
        tunnel2InsideCidr: ends[i * 2 + 1]!.cidr,
        ...awsTunnelOptions(1),
        ...awsTunnelOptions(2),
        tags: nameTags(this, `azure-instance-${i}`),
        ...this.awsGateway.attachedBefore(this),
      };
      return new VpnConnection(this, `vpn-azure-${i}`, config);
    }) as [VpnConnection, VpnConnection];

    const tunnels: LinkTunnel[] = [];
    for (const i of instances) {
      for (const t of [1, 2] as const) {
        const end = ends[i * 2 + t - 1]!;
        const conn = awsConnections[i];
        const outside = t === 1 ? conn.tunnel1Address : conn.tunnel2Address;
        const psk = t === 1 ? conn.tunnel1PresharedKey : conn.tunnel2PresharedKey;
        const lng = new LocalNetworkGateway(this, `lng-${i}-${t}`, {
          name: azureName(`aws-${i}-${t}`),
          resourceGroupName: azure.resourceGroupName,
          location: azure.location,
          gatewayAddress: outside,
          bgpSettings: { asn: awsAsn, bgpPeeringAddress: end.aws },
        });
        // Instance 0's tunnels answer on the primary custom address, instance 1's on the secondary;
        // the other field must still name an address of the other instance.
        const primary = i === 0 ? end.azure : ends[0]!.azure;
        const secondary = i === 1 ? end.azure : ends[2]!.azure;
        const connection = new VirtualNetworkGatewayConnection(this, `connection-${i}-${t}`, {
          name: azureName(`aws-${i}-${t}`),
          resourceGroupName: azure.resourceGroupName,
          location: azure.location,
          type: "IPsec",
          virtualNetworkGatewayId: this.azureGateway.gateway.id,
          localNetworkGatewayId: lng.id,
          sharedKey: psk,
          enableBgp: true,
          connectionProtocol: "IKEv2",
          customBgpAddresses: { primary, secondary },
          ipsecPolicy: { ...TUNNEL_CRYPTO.azure },
        });
        tunnels.push({
          azureInstance: i,
          awsTunnel: t,
          insideCidr: end.cidr,
          awsBgpAddress: end.aws,
          azureBgpAddress: end.azure,
          awsConnection: conn,
          localNetworkGateway: lng,
          azureConnection: connection,
        });
      }
    }
    this.customerGateways = customerGateways;
    this.awsConnections = awsConnections;
    this.tunnels = tunnels;
    this.awsTunnelsGbps = tunnels.length * AWS_TUNNEL_GBPS;
    this.aggregateGbps = Math.min(AWS_TUNNEL_GBPS, this.azureGateway.gbps);
  }

  /**
   * Opens `options.ports` on a GPU cluster of either side to the whole address space of the other
   * side (`cluster.allowFrom`): security group rules on AWS, network security group rules on Azure.
   * Returns the link, so calls chain.
   *
   * ```ts
   * link.admit(awsCluster, { ports: [22, [29400, 29500]], description: "SSH and rendezvous from Azure" });
   * ```
   * @throws ValidationError when the cluster is in neither of the link's networks
   */
  public admit(cluster: IGpuCluster, options: AdmitOptions): this {
    const other = cluster?.network === this.awsNetwork ? this.azureNetwork : this.awsNetwork;
    admitOn(this, cluster, [this.awsNetwork, this.azureNetwork], other, options, "the link joins", `from ${other.node.path} over ${this.node.path}`);
    return this;
  }
}

/** The first set of four /30s (8 addresses apart per link) that no tunnel in the app uses yet. */
function defaultInsideCidrs(scope: Construct, v: Validator): [string, string, string, string] {
  const taken = AddressPlan.of(scope).entries.filter((e) => e.kind === "tunnel").map((e) => e.cidr);
  return freeTunnelCidrs(taken) ?? v.fail("tunnelInsideCidrs", undefined, `set them: the Azure gateway's APIPA range ${AZURE_APIPA_TEXT} is used up`);
}

function checkInsideCidrs(v: Validator, cidrs: readonly string[]): void {
  v.check(Array.isArray(cidrs) && cidrs.length === 4, "tunnelInsideCidrs", cidrs, "use four /30 blocks: instance 0 tunnel 1 and 2, then instance 1 tunnel 1 and 2");
  for (const [i, c] of cidrs.entries()) {
    // the tunnel addresses are split into both ends and registered in the address plan at synth
    if (Token.isUnresolved(c)) v.fail(`tunnelInsideCidrs[${i}]`, c, "use a literal /30 such as 169.254.21.0/30 (both tunnel ends are computed from it at synth), not a Terraform reference or variable");
    const block = tryParseCidr(c);
    v.check(
      block !== undefined && block.prefix === 30 && blockInAzureApipaRange(c),
      `tunnelInsideCidrs[${i}]`,
      c,
      `use a /30 inside ${AZURE_APIPA_TEXT}, the APIPA range Azure accepts, e.g. 169.254.21.0/30`,
    );
  }
  v.check(new Set(cidrs).size === cidrs.length, "tunnelInsideCidrs", cidrs, "use four different /30 blocks");
}
