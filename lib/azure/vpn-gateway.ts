import { PublicIp, VirtualNetworkGateway } from "../engine/azurerm";
import { Lazy, Token } from "../engine/core";
import { Construct } from "constructs";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { azureLocation } from "../core/regions";
import { DEFAULT_AZURE_GATEWAY_ASN } from "../core/asn";
import { Validator } from "../core/validate";
import type { AzureNetwork } from "./network";

// The ASN rules live in core/asn; this module's subpath keeps exporting those it always did.
export {
  AZURE_DEFAULT_GATEWAY_ASN, AZURE_RESERVED_ASNS, IANA_ASN_RULE, IANA_RESERVED_ASNS, azureGatewayAsnProblem, azurePeerAsnProblem, isIanaReservedAsn,
} from "../core/asn";

/**
 * The "AZ" VPN gateway SKUs that support active-active and BGP: generation and aggregate tunnel
 * throughput (Gbit/s). VpnGw1AZ exists in Generation1 only. They are the only VpnGw SKUs Azure
 * creates since January 2025 (the non-AZ VpnGw1-5 are being retired), in every location: where a
 * location has no availability zones, the gateway is regional until it gets zones.
 */
export const AZURE_VPN_GATEWAY_SKUS = {
  VpnGw1AZ: { gbps: 0.65, generation: "Generation1" },
  VpnGw2AZ: { gbps: 1.25, generation: "Generation2" },
  VpnGw3AZ: { gbps: 2.5, generation: "Generation2" },
  VpnGw4AZ: { gbps: 5, generation: "Generation2" },
  VpnGw5AZ: { gbps: 10, generation: "Generation2" },
} as const;

/** A VPN gateway SKU ("AZ": zone-redundant where the location has zones). */
export type AzureVpnGatewaySku = keyof typeof AZURE_VPN_GATEWAY_SKUS;

/** Props of {@link AzureVpnGateway}. */
export interface AzureVpnGatewayProps {
  /**
   * SKU.
   * @default "VpnGw2AZ" (active-active, BGP, 1.25 Gbit/s; zone-redundant where the location has zones)
   */
  readonly sku?: AzureVpnGatewaySku;
  /**
   * The gateway's BGP ASN, as a number (not a Terraform expression: it is checked against its
   * peers' ASNs at synth).
   * @default 65000
   */
  readonly asn?: number;
}

/** Where a VPN gateway instance's custom APIPA BGP addresses go. */
export type GatewayInstance = 0 | 1;

/**
 * The VPN gateway of an {@link AzureNetwork}: route-based, active-active with BGP, in
 * its `GatewaySubnet`, with one Standard static public IP per instance, zone-redundant (zones 1,
 * 2 and 3) where the location has availability zones and regional (no zones, which Azure refuses
 * there) where it has none. Links and sites add the custom APIPA BGP addresses each instance
 * answers on; the gateway lists them all at synth. One per network: links and sites share it
 * through {@link AzureVpnGateway.of}.
 */
export class AzureVpnGateway extends Construct {
  /**
   * The network's gateway, created as its child `vpn-gateway` on first use. A second caller asking
   * for another SKU or ASN gets an error, since one VNet has one VPN gateway.
   */
  public static of(network: AzureNetwork, props: AzureVpnGatewayProps = {}): AzureVpnGateway {
    const existing = network.node.tryFindChild("vpn-gateway") as AzureVpnGateway | undefined;
    if (!existing) return new AzureVpnGateway(network, "vpn-gateway", props);
    const v = new Validator(network.node.path);
    v.check((props.sku ?? existing.sku) === existing.sku, "azureGatewaySku", props.sku, `use ${existing.sku}, the SKU of the VNet's gateway that another link or site already set up`);
    const asn = new Validator(network.node.path, { isUnresolved: Token.isUnresolved }).asn("azureAsn", props.asn ?? existing.asn, { azureGateway: true });
    v.check(asn === existing.asn, "azureAsn", props.asn, `use ${existing.asn}, the ASN of the VNet's gateway that another link or site already set up`);
    return existing;
  }

  /** The network's gateway if a link or site created one, without creating it. */
  public static tryOf(network: AzureNetwork): AzureVpnGateway | undefined {
    const existing = network.node.tryFindChild("vpn-gateway");
    return existing instanceof AzureVpnGateway ? existing : undefined;
  }

  public readonly sku: AzureVpnGatewaySku;
  public readonly asn: number;
  /** True when the instances spread over the location's availability zones; false in a location without zones. */
  public readonly zoneRedundant: boolean;
  /** The gateway's aggregate tunnel throughput, Gbit/s. */
  public readonly gbps: number;
  /** The gateway. */
  public readonly gateway: VirtualNetworkGateway;
  /** Public IP of instance 0 and of instance 1. */
  public readonly publicIps: readonly [PublicIp, PublicIp];
  private readonly apipa: [string[], string[]] = [[], []];

  private constructor(network: AzureNetwork, id: string, props: AzureVpnGatewayProps) {
    super(network, id);
    const v = new Validator(this.node.path);
    this.sku = v.oneOf("azureGatewaySku", props.sku ?? "VpnGw2AZ", Object.keys(AZURE_VPN_GATEWAY_SKUS) as AzureVpnGatewaySku[]);
    this.gbps = AZURE_VPN_GATEWAY_SKUS[this.sku].gbps;
    // Only the ASN check tells a Terraform expression apart (it refuses one); a token SKU stays refused above.
    this.asn = new Validator(this.node.path, { isUnresolved: Token.isUnresolved }).asn("azureAsn", props.asn ?? DEFAULT_AZURE_GATEWAY_ASN, { azureGateway: true });
    // The network already refused a location that does not exist.
    this.zoneRedundant = azureLocation(network.location)?.zones ?? false;
    const name = (suffix: string) => nameFromPath(network.node.path, NAME_RULES.azureGeneric, suffix);
    const ip = (i: GatewayInstance) =>
      new PublicIp(this, `ip${i}`, {
        name: name(`vpngw-ip${i}`),
        resourceGroupName: network.resourceGroupName,
        location: network.location,
        allocationMethod: "Static",
        sku: "Standard",
        ...(this.zoneRedundant ? { zones: ["1", "2", "3"] } : {}),
      });
    this.publicIps = [ip(0), ip(1)];
    this.gateway = new VirtualNetworkGateway(this, "gateway", {
      name: name("vpngw"),
      resourceGroupName: network.resourceGroupName,
      location: network.location,
      type: "Vpn",
      vpnType: "RouteBased",
      sku: this.sku,
      generation: AZURE_VPN_GATEWAY_SKUS[this.sku].generation,
      activeActive: true,
      enableBgp: true,
      ipConfiguration: ([0, 1] as const).map((i) => ({
        name: `vnetGatewayConfig${i}`,
        publicIpAddressId: this.publicIps[i].id,
        subnetId: network.gatewaySubnet.id,
        privateIpAddressAllocation: "Dynamic",
      })),
      bgpSettings: {
        asn: this.asn,
        // Filled at synth with the APIPA addresses every link added (in Terraform's own key names).
        peeringAddresses: Lazy.anyValue({
          produce: () =>
            this.apipa.some((a) => a.length > 0)
              ? this.apipa.map((addresses, i) => ({ ip_configuration_name: `vnetGatewayConfig${i}`, apipa_addresses: addresses }))
              : undefined,
        }),
      },
      timeouts: { create: "90m", update: "60m", delete: "60m" },
    });
  }

  /** Adds custom APIPA BGP addresses (169.254.21.0-169.254.22.255) for an instance. */
  public addApipaAddresses(instance: GatewayInstance, addresses: readonly string[]): void {
    this.apipa[instance].push(...addresses);
  }

  /** APIPA addresses added so far for an instance. */
  public apipaAddresses(instance: GatewayInstance): readonly string[] {
    return [...this.apipa[instance]];
  }
}
