import { CustomerGateway } from "@cdktf/provider-aws/lib/customer-gateway";
import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { nameTags } from "../aws/names";
import { AwsNetwork } from "../aws/network";
import { AwsVpnGateway } from "../aws/vpn-gateway";
import { AzureNetwork } from "../azure/network";
import { AzureVpnGateway } from "../azure/vpn-gateway";
import { registerAddresses } from "../core/address-plan";
import { cidrProblem, containsAddress, isPublicIpv4, parseIpv4 } from "../core/cidr";
import type { INetwork } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { Validator } from "../core/validate";
import { asnArg, checkAsn } from "./cross-cloud-link";
import { TUNNEL_CRYPTO, awsTunnelOptions } from "./tunnel-crypto";


/** Props of {@link OnPremSite}. */
export interface OnPremSiteProps {
  /** Short name of the site, e.g. `fra-dc1`: lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Public IPv4 address of the site's VPN device. */
  readonly publicIp: string;
  /** The site's private address blocks, checked against every network in the app. */
  readonly cidrs: readonly string[];
  /** BGP ASN of the site's VPN device (1-4294967294, not reserved by AWS or Azure). */
  readonly bgpAsn: number;
  /** Networks the site connects to (AWS and/or Azure). */
  readonly connectTo: readonly (AwsNetwork | AzureNetwork)[];
  /**
   * The device's BGP peer address for Azure. With it, Azure learns the site's routes over BGP;
   * without it, Azure routes the site's `cidrs` statically.
   * @default - static routes on Azure (AWS always uses BGP on its tunnels)
   */
  readonly azureBgpPeerAddress?: string;
  /**
   * Pre-shared key of the Azure connection: a reference (a sensitive variable, a secret store
   * lookup), never a literal. AWS generates its own keys per tunnel.
   * @default - a sensitive Terraform variable `<name>_vpn_shared_key` that `terraform plan` asks for
   */
  readonly azureSharedKey?: string;
}

/** What the site set up on AWS for one network. */
export interface OnPremAwsSide {
  readonly network: AwsNetwork;
  readonly customerGateway: CustomerGateway;
  readonly connection: VpnConnection;
}

/** What the site set up on Azure for one network. */
export interface OnPremAzureSide {
  readonly network: AzureNetwork;
  readonly localNetworkGateway: LocalNetworkGateway;
  readonly connection: VirtualNetworkGatewayConnection;
}

/**
 * A company data centre joined to AWS and/or Azure networks over site-to-site VPN: on AWS a
 * customer gateway and a BGP VPN connection (two tunnels) to the VPC's virtual private gateway;
 * on Azure a local network gateway and a connection to the VNet's VPN gateway (created if no link
 * created one). The site's blocks join the app's address plan, so an overlap with any cloud
 * network fails synth.
 *
 * ```ts
 * const dcAddress = new TerraformVariable(stack, "dc-address", { type: "string" });
 * new OnPremSite(stack, "dc", { name: "fra-dc1", publicIp: dcAddress.stringValue, cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [awsNet, azureNet] });
 * ```
 */
export class OnPremSite extends Construct implements INetwork {
  public readonly cloud = "onprem" as const;
  /** The site's name (its "region" in the cross-cloud contract). */
  public readonly region: string;
  /** The site's first block. */
  public readonly cidr: string;
  /** All the site's blocks. */
  public readonly cidrs: readonly string[];
  public readonly bgpAsn: number;
  public readonly publicIp: string;
  /** Per connected AWS network. */
  public readonly aws: readonly OnPremAwsSide[];
  /** Per connected Azure network. */
  public readonly azure: readonly OnPremAzureSide[];
  /** The variable holding the Azure pre-shared key, when the site created one. */
  public readonly sharedKeyVariable?: TerraformVariable;

  constructor(scope: Construct, id: string, props: OnPremSiteProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    this.region = v.matches("name", props.name, /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "use 2-32 lowercase letters, digits and hyphens, starting with a letter");
    const twin = TerraformStack.of(this).node.findAll().find((c): c is OnPremSite => c !== this && c instanceof OnPremSite && c.region === props.name);
    v.check(twin === undefined, "name", props.name, `use a name no other OnPremSite of the stack has (${twin?.node.path} has it): the site's VPN key variable is named after it`);
    this.publicIp = props.publicIp;
    const ipOk = parseIpv4(props.publicIp) !== undefined;
    v.check(ipOk, "publicIp", props.publicIp, "use the IPv4 address of the site's VPN device, e.g. 20.30.40.50");
    v.check(isPublicIpv4(props.publicIp), "publicIp", props.publicIp, "use a public address: the clouds reach the device over the internet (private, shared, loopback, link-local, documentation and multicast ranges are refused)");
    v.nonEmptyList("cidrs", props.cidrs);
    props.cidrs.forEach((c, i) => {
      const problem = cidrProblem(c);
      if (problem) v.fail(`cidrs[${i}]`, c, problem);
    });
    this.cidrs = [...props.cidrs];
    this.cidr = this.cidrs[0]!;
    this.bgpAsn = checkAsn(v, "bgpAsn", props.bgpAsn);
    v.nonEmptyList("connectTo", props.connectTo);
    for (const [i, n] of props.connectTo.entries()) {
      v.check(n instanceof AwsNetwork || n instanceof AzureNetwork, `connectTo[${i}]`, (n as Construct)?.node?.path ?? n, "use an AwsNetwork or an AzureNetwork");
    }
    if (props.azureBgpPeerAddress !== undefined) {
      v.check(this.cidrs.some((c) => containsAddress(c, props.azureBgpPeerAddress!)) || containsAddress("169.254.0.0/16", props.azureBgpPeerAddress), "azureBgpPeerAddress", props.azureBgpPeerAddress, "use an address inside the site's cidrs or an APIPA address (169.254.x.x)");
    }
    registerAddresses(this, this.cidrs.map((c, i) => ({ field: `cidrs[${i}]`, cidr: c, kind: "network" as const })));

    const awsSides: OnPremAwsSide[] = [];
    const azureSides: OnPremAzureSide[] = [];
    for (const network of props.connectTo) {
      if (network instanceof AwsNetwork) {
        const gateway = AwsVpnGateway.of(network);
        v.check(gateway.asn !== this.bgpAsn, "bgpAsn", this.bgpAsn, `use an ASN other than ${gateway.asn}, the ASN of ${network.node.path}'s virtual private gateway`);
        const sid = `aws-${network.node.id}`;
        const customerGateway = new CustomerGateway(this, `${sid}-cgw`, { type: "ipsec.1", ipAddress: this.publicIp, ...asnArg(this.bgpAsn), tags: nameTags(this, props.name) });
        const connection = new VpnConnection(this, `${sid}-vpn`, {
          type: "ipsec.1",
          vpnGatewayId: gateway.gateway.id,
          customerGatewayId: customerGateway.id,
          staticRoutesOnly: false,
          ...awsTunnelOptions(1),
          ...awsTunnelOptions(2),
          tags: nameTags(this, props.name),
          dependsOn: [gateway.attachment],
        });
        awsSides.push({ network, customerGateway, connection });
      } else {
        const gateway = AzureVpnGateway.of(network);
        v.check(gateway.asn !== this.bgpAsn, "bgpAsn", this.bgpAsn, `use an ASN other than ${gateway.asn}, the ASN of ${network.node.path}'s VPN gateway`);
        let sharedKey = props.azureSharedKey;
        if (sharedKey === undefined) {
          const variable = (this.sharedKeyVariable ??= new TerraformVariable(this, "vpn-shared-key", {
            type: "string",
            sensitive: true,
            description: `Pre-shared key of the VPN between ${props.name} and Azure (configure the same on the site's device)`,
          }));
          variable.overrideLogicalId(`${props.name.replace(/-/g, "_")}_vpn_shared_key`);
          sharedKey = variable.stringValue;
        }
        v.check(Token.isUnresolved(sharedKey), "azureSharedKey", "(a literal string)", "pass a reference, e.g. a sensitive TerraformVariable or a Key Vault secret's value: VPN keys never go in code");
        const sid = `azure-${network.node.id}`;
        const name = nameFromPath(this.node.path, NAME_RULES.azureGeneric, network.node.id);
        const bgp = props.azureBgpPeerAddress !== undefined;
        const localNetworkGateway = new LocalNetworkGateway(this, `${sid}-lng`, {
          name,
          resourceGroupName: network.resourceGroupName,
          location: network.location,
          gatewayAddress: this.publicIp,
          ...(bgp ? { addressSpace: [`${props.azureBgpPeerAddress}/32`], bgpSettings: { asn: this.bgpAsn, bgpPeeringAddress: props.azureBgpPeerAddress! } } : { addressSpace: [...this.cidrs] }),
        });
        const connection = new VirtualNetworkGatewayConnection(this, `${sid}-connection`, {
          name,
          resourceGroupName: network.resourceGroupName,
          location: network.location,
          type: "IPsec",
          virtualNetworkGatewayId: gateway.gateway.id,
          localNetworkGatewayId: localNetworkGateway.id,
          sharedKey,
          enableBgp: bgp,
          connectionProtocol: "IKEv2",
          ipsecPolicy: { ...TUNNEL_CRYPTO.azure },
        });
        azureSides.push({ network, localNetworkGateway, connection });
      }
    }
    this.aws = awsSides;
    this.azure = azureSides;
  }
}
