import { type CustomerGateway, VpnConnection } from "../engine/aws";
import { LocalNetworkGateway, VirtualNetworkGatewayConnection } from "../engine/azurerm";
import { DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Token, Tokenization } from "../engine/core";
import { Construct } from "constructs";
import { nameTags } from "../aws/names";
import { AwsNetwork } from "../aws/network";
import { providerRegion } from "../aws/provider";
import { AwsVpnGateway } from "../aws/vpn-gateway";
import { AzureNetwork } from "../azure/network";
import { AzureVpnGateway } from "../azure/vpn-gateway";
import { AddressPlan, registerAddresses, type AddressEntry } from "../core/address-plan";
import { AZURE_REFUSED_RANGES, cidrProblem, containsAddress, isPublicIpv4, overlaps, parseIpv4 } from "../core/cidr";
import type { IGpuCluster, INetwork } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { SHORT_NAME, SHORT_NAME_RULE, Validator } from "../core/validate";
import { admitOn, type AdmitOptions } from "./admit";
import { APIPA_RANGE, AZURE_APIPA_TEXT, freeApipaPair, inAzureApipaRange, isApipaAddress } from "./apipa";
import { checkAsn } from "./asn";
import { newCustomerGateway } from "./customer-gateway";
import { siteProblems } from "./site-checks";
import { TUNNEL_CRYPTO, awsTunnelOptions } from "./tunnel-crypto";

/** Props of {@link OnPremSite}. */
export interface OnPremSiteProps {
  /** Short name of the site, e.g. `fra-dc1`: lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Public IPv4 address of the site's VPN device; one site per device and network. */
  readonly publicIp: string;
  /**
   * The site's private address blocks, checked against every network in the app; never in
   * 169.254.0.0/16 (tunnel addresses), nor, with an Azure network, in a range Azure reserves.
   */
  readonly cidrs: readonly string[];
  /**
   * BGP ASN of the site's VPN device: 1-4294967294 outside IANA's reserved ranges, accepted by
   * the clouds it connects to (Azure: not 8074, 8075, 12076, 65515 or 65517-65520; AWS: not
   * 7224, nor 9059 in eu-west-1, 10124 in ap-northeast-1, 17943 in ap-southeast-1), and other
   * than the ASN of every VPN gateway whose routes reach it, links included.
   */
  readonly bgpAsn: number;
  /** Networks the site connects to (AWS and/or Azure), each once. */
  readonly connectTo: readonly (AwsNetwork | AzureNetwork)[];
  /**
   * The device's BGP peer address for Azure: an address inside the site's `cidrs`, or an APIPA
   * address (169.254.x.x, any one no tunnel of the app uses). With an APIPA address, each Azure
   * gateway answers on custom APIPA addresses of its own (`azureApipaAddresses`), and the device
   * must open the BGP sessions (Azure does not, from APIPA addresses).
   * @default - static routes on Azure: the gateway routes the site's `cidrs` (AWS always uses BGP on its tunnels)
   */
  readonly azureBgpPeerAddress?: string;
  /**
   * With an APIPA `azureBgpPeerAddress`: the custom APIPA BGP addresses the Azure gateways answer
   * the device on, in 169.254.21.0-169.254.22.255 (Azure's range), two per Azure network in
   * `connectTo` order: instance 0, then instance 1. Configure them as the device's BGP neighbours.
   * @default - per Azure network, the first two addresses of the highest /30 of Azure's range that
   * no tunnel or site of the app uses (169.254.22.253 and 169.254.22.254 for the first)
   */
  readonly azureApipaAddresses?: readonly string[];
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
  /** With an APIPA BGP peer address: the gateway's instance 0 and instance 1 addresses the device peers with. */
  readonly azureBgpAddresses?: readonly [string, string];
}

/**
 * A company data centre joined to AWS and/or Azure networks over site-to-site VPN: on AWS a
 * customer gateway and a BGP VPN connection (two tunnels) to the VPC's virtual private gateway;
 * on Azure a local network gateway and a connection to the VNet's VPN gateway (created if no link
 * created one), over BGP when `azureBgpPeerAddress` is given. The site's blocks and APIPA
 * addresses join the app's address plan, so an overlap with any cloud network or tunnel fails synth.
 *
 * Nothing reaches the GPU nodes from the site until a cluster admits it: `admit` opens ports on a
 * cluster of a connected network to every block of the site.
 *
 * ```ts
 * const dcAddress = new TerraformVariable(stack, "dc-address", { type: "string" });
 * const dc = new OnPremSite(stack, "dc", {
 *   name: "fra-dc1",
 *   publicIp: dcAddress.stringValue,
 *   cidrs: ["192.168.0.0/16"],
 *   bgpAsn: 65100,
 *   connectTo: [awsNet, azureNet],
 * });
 * dc.admit(awsCluster, { ports: [22] });
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
  /** The networks the site connects to. */
  public readonly connectTo: readonly (AwsNetwork | AzureNetwork)[];
  /** The device's BGP peer address for Azure, when it peers over BGP there. */
  public readonly azureBgpPeerAddress?: string;
  /** Per connected AWS network. */
  public readonly aws: readonly OnPremAwsSide[];
  /** Per connected Azure network. */
  public readonly azure: readonly OnPremAzureSide[];
  /** The variable holding the Azure pre-shared key, when the site created one. */
  public readonly sharedKeyVariable?: TerraformVariable;

  constructor(scope: Construct, id: string, props: OnPremSiteProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    this.region = v.matches("name", props.name, SHORT_NAME, SHORT_NAME_RULE);
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
      v.check(!overlaps(c, APIPA_RANGE), `cidrs[${i}]`, c, `use a block outside ${APIPA_RANGE}, the link-local range: it is never routed, and both clouds take VPN tunnel addresses from it`);
    });
    this.cidrs = [...props.cidrs];
    this.cidr = this.cidrs[0]!;
    v.nonEmptyList("connectTo", props.connectTo);
    for (const [i, n] of props.connectTo.entries()) {
      v.check(n instanceof AwsNetwork || n instanceof AzureNetwork, `connectTo[${i}]`, (n as Construct)?.node?.path ?? n, "use an AwsNetwork or an AzureNetwork");
      v.check(props.connectTo.indexOf(n) === i, `connectTo[${i}]`, n.node.path, "list each network once");
    }
    this.connectTo = [...props.connectTo];
    const awsNetworks = props.connectTo.filter((n): n is AwsNetwork => n instanceof AwsNetwork);
    const azureNetworks = props.connectTo.filter((n): n is AzureNetwork => n instanceof AzureNetwork);
    const stackRegion = providerRegion(this);
    for (const n of awsNetworks) {
      const field = `connectTo[${props.connectTo.indexOf(n)}]`;
      v.check(stackRegion === undefined || stackRegion === n.region, field, n.node.path, `use a network in ${stackRegion}, the region of the stack's AWS provider, which creates the site's customer gateway and VPN connections (or build the site in a stack whose provider is in ${n.region})`);
    }
    if (azureNetworks.length > 0) {
      props.cidrs.forEach((c, i) => {
        const reserved = AZURE_REFUSED_RANGES.find((r) => overlaps(c, r));
        v.check(reserved === undefined, `cidrs[${i}]`, c, `use a block outside ${reserved}, which Azure reserves (the site connects to ${azureNetworks[0]!.node.path})`);
      });
    }
    this.bgpAsn = checkAsn(v, "bgpAsn", props.bgpAsn, { azurePeer: azureNetworks.length > 0, awsCustomerGatewayOf: awsNetworks });
    checkDuplicateDevice(this, v, props.publicIp);

    // BGP on Azure: the device's address, and the custom APIPA addresses Azure answers it on.
    const peer = props.azureBgpPeerAddress;
    let azureBgp: (readonly [string, string])[] = [];
    const entries: Omit<AddressEntry, "owner">[] = this.cidrs.map((c, i) => ({ field: `cidrs[${i}]`, cidr: c, kind: "network" as const }));
    if (peer !== undefined) {
      v.check(this.cidrs.some((c) => containsAddress(c, peer)) || isApipaAddress(peer), "azureBgpPeerAddress", peer, "use an address inside the site's cidrs or an APIPA address (169.254.x.x)");
      this.azureBgpPeerAddress = peer;
    }
    const apipa = peer !== undefined && isApipaAddress(peer) && azureNetworks.length > 0;
    if (props.azureApipaAddresses !== undefined) {
      v.check(apipa, "azureApipaAddresses", props.azureApipaAddresses, "leave them out, or set azureBgpPeerAddress to the device's APIPA address on an Azure network: Azure answers on custom APIPA addresses only to a peer that uses one");
    }
    if (apipa) {
      entries.push({ field: "azureBgpPeerAddress", cidr: `${peer}/32`, value: peer, kind: "tunnel" });
      azureBgp = apipaAddresses(this, v, props.azureApipaAddresses, azureNetworks.length, `${peer}/32`);
      azureBgp.forEach((pair, n) => pair.forEach((a, i) => entries.push({ field: `azureApipaAddresses[${n * 2 + i}]`, cidr: `${a}/32`, value: a, kind: "tunnel" })));
    }
    registerAddresses(this, entries);
    this.node.addValidation({ validate: () => siteProblems(this) });

    const awsSides: OnPremAwsSide[] = [];
    const azureSides: OnPremAzureSide[] = [];
    for (const network of props.connectTo) {
      if (network instanceof AwsNetwork) {
        const gateway = AwsVpnGateway.of(network);
        v.check(gateway.asn !== this.bgpAsn, "bgpAsn", this.bgpAsn, `use an ASN other than ${gateway.asn}, the ASN of ${network.node.path}'s virtual private gateway`);
        const sid = `aws-${network.node.id}`;
        const customerGateway = newCustomerGateway(this, `${sid}-cgw`, { ipAddress: this.publicIp, addressKey: this.publicIp, asn: this.bgpAsn, region: network.region, tags: nameTags(this, props.name) });
        const connection = new VpnConnection(this, `${sid}-vpn`, {
          type: "ipsec.1",
          vpnGatewayId: gateway.gateway.id,
          customerGatewayId: customerGateway.id,
          staticRoutesOnly: false,
          ...awsTunnelOptions(1),
          ...awsTunnelOptions(2),
          tags: nameTags(this, props.name),
          ...gateway.attachedBefore(this),
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
        checkSharedKey(this, v, sharedKey);
        const sid = `azure-${network.node.id}`;
        const name = nameFromPath(this.node.path, NAME_RULES.azureGeneric, network.node.id);
        const bgp = peer !== undefined;
        const pair = azureBgp[azureNetworks.indexOf(network)];
        if (pair) {
          gateway.addApipaAddresses(0, [pair[0]]);
          gateway.addApipaAddresses(1, [pair[1]]);
        }
        // With BGP, Azure routes to the peer address itself: the address space stays empty (an APIPA address may not be in it).
        const localNetworkGateway = new LocalNetworkGateway(this, `${sid}-lng`, {
          name,
          resourceGroupName: network.resourceGroupName,
          location: network.location,
          gatewayAddress: this.publicIp,
          ...(bgp ? { bgpSettings: { asn: this.bgpAsn, bgpPeeringAddress: peer } } : { addressSpace: [...this.cidrs] }),
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
          ...(pair ? { customBgpAddresses: { primary: pair[0], secondary: pair[1] } } : {}),
          ipsecPolicy: { ...TUNNEL_CRYPTO.azure },
        });
        azureSides.push({ network, localNetworkGateway, connection, ...(pair ? { azureBgpAddresses: pair } : {}) });
      }
    }
    this.aws = awsSides;
    this.azure = azureSides;
  }

  /**
   * Opens `options.ports` on a GPU cluster of a network the site connects to, from every block
   * of the site (`cluster.allowFrom`): security group rules on AWS, network security group rules
   * on Azure. Returns the site, so calls chain.
   *
   * ```ts
   * site.admit(azureCluster, { ports: [22], description: "SSH from the data centre" });
   * ```
   * @throws ValidationError when the cluster is in none of the site's `connectTo` networks
   */
  public admit(cluster: IGpuCluster, options: AdmitOptions): this {
    admitOn(this, cluster, this.connectTo, this, options, "the site connects to", `from on-prem site ${this.region} (${this.node.path})`);
    return this;
  }
}

/** The Azure instances' APIPA addresses, one pair per Azure network: given (and checked) or picked. */
function apipaAddresses(site: OnPremSite, v: Validator, given: readonly string[] | undefined, networks: number, device: string): (readonly [string, string])[] {
  if (given !== undefined) {
    v.check(Array.isArray(given) && given.length === networks * 2, "azureApipaAddresses", given, `use ${networks * 2} addresses, two per Azure network in connectTo (instance 0, then instance 1)`);
    given.forEach((a, i) => v.check(inAzureApipaRange(a), `azureApipaAddresses[${i}]`, a, `use an address in ${AZURE_APIPA_TEXT}, the range Azure takes custom APIPA BGP addresses from`));
    return Array.from({ length: networks }, (_, n) => [given[n * 2]!, given[n * 2 + 1]!] as const);
  }
  const taken = [device, ...AddressPlan.of(site).entries.filter((e) => e.kind === "tunnel").map((e) => e.cidr)];
  const pairs: (readonly [string, string])[] = [];
  for (let n = 0; n < networks; n++) {
    const pair = freeApipaPair(taken) ?? v.fail("azureApipaAddresses", undefined, `set them: Azure's APIPA range ${AZURE_APIPA_TEXT} has no free /30 left`);
    pairs.push(pair);
    taken.push(`${pair[0]}/32`, `${pair[1]}/32`);
  }
  return pairs;
}

/**
 * One device is one site per network: refuses a second site with the same address on a shared
 * network, anywhere in the app. An address from a Terraform expression is the same as another site's
 * when it is the same expression (the same variable, say); different expressions are not compared.
 */
function checkDuplicateDevice(site: OnPremSite, v: Validator, publicIp: string): void {
  const shown = Token.isUnresolved(publicIp) ? "(an expression)" : publicIp;
  for (const other of site.node.root.node.findAll()) {
    if (other === site || !(other instanceof OnPremSite) || other.publicIp !== publicIp) continue;
    const shared = other.connectTo.find((n) => site.connectTo.includes(n));
    v.check(
      shared === undefined,
      "publicIp",
      shown,
      `use another VPN device's address: ${other.node.path} already connects ${Token.isUnresolved(publicIp) ? "the same expression" : publicIp} to ${shared?.node.path} (one device is one site per network; on AWS an identical customer gateway request returns the existing one, so destroying either site would cut the other)`,
    );
  }
}

/**
 * The Azure pre-shared key is a reference Terraform fills from outside the code: a sensitive
 * variable of the site's stack without a default, or one data source attribute (a Key Vault
 * secret's value, an SSM parameter's). A literal, an expression (`Fn.join` over literals), a
 * resource attribute, or a variable that is not sensitive or has a default could carry a key
 * written in code or show it in plan output. Messages never print the key or the expression.
 */
function checkSharedKey(scope: Construct, v: Validator, key: string): void {
  v.check(Token.isUnresolved(key), "azureSharedKey", "(a literal string)", "pass a reference, e.g. a sensitive TerraformVariable or a Key Vault secret's value: VPN keys never go in code");
  const stack = TerraformStack.of(scope);
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (token: string): unknown => Tokenization.resolve(token, { scope: stack, resolver, preparing: false });
  const resolved = resolve(key);
  const variable = stack.node.findAll().find((c): c is TerraformVariable => c instanceof TerraformVariable && resolve(c.stringValue) === resolved);
  if (variable) {
    const name = `variable ${variable.friendlyUniqueId}`;
    v.check(variable.sensitive === true, "azureSharedKey", `(${name}, not sensitive)`, "declare the variable with sensitive: true, so that Terraform keeps the key out of plan output and logs");
    v.check(variable.default === undefined, "azureSharedKey", `(${name}, with a default)`, "remove the variable's default and give the key at plan time (TF_VAR_<name> or a secret store): VPN keys never go in code");
    return;
  }
  const dataAttribute = /^\$\{data\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[\d+\])+\}$/;
  v.check(dataAttribute.test(String(resolved)), "azureSharedKey", "(an expression)", "pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code");
}
