import { PublicIp, VirtualNetworkGateway } from "../engine/azurerm";
import { Lazy } from "../engine/core";
import { Construct } from "constructs";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { azureLocation } from "../core/regions";
import { Validator } from "../core/validate";
import type { AzureNetwork } from "./network";

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

/**
 * ASNs Azure reserves (VPN Gateway FAQ, "What ASNs can I use?"): public 8074, 8075 and 12076,
 * private 65515 and 65517-65520. No on-premises peer (local network gateway) may use them; a VPN
 * gateway may use 65515, its default, and none of the others.
 */
export const AZURE_RESERVED_ASNS: readonly number[] = [8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520];

/** The ASN Azure gives a VPN gateway by default: valid for the gateway, reserved for everyone else. */
export const AZURE_DEFAULT_GATEWAY_ASN = 65515;

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

/**
 * Why Azure would refuse an ASN for a VPN gateway, or undefined when it accepts it: the FAQ's
 * usable private ranges are 64512-65514 and 65521-65534, and 65515 is the gateway default.
 */
export function azureGatewayAsnProblem(asn: number): string | undefined {
  const reserved = [8074, 8075, 12076].includes(asn) || (asn >= 65516 && asn <= 65520);
  return reserved ? "use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself" : undefined;
}

/** Why Azure would refuse an ASN for an on-premises or other-cloud BGP peer, or undefined. */
export function azurePeerAsnProblem(asn: number): string | undefined {
  return AZURE_RESERVED_ASNS.includes(asn) ? "use an ASN Azure accepts from a BGP peer: not 8074, 8075, 12076, 65515 or 65517-65520, which Azure reserves" : undefined;
}

/** Props of {@link AzureVpnGateway}. */
export interface AzureVpnGatewayProps {
  /**
   * SKU.
   * @default "VpnGw2AZ" (active-active, BGP, 1.25 Gbit/s; zone-redundant where the location has zones)
   */
  readonly sku?: AzureVpnGatewaySku;
  /** The gateway's BGP ASN. @default 65000 */
  readonly asn?: number;
}

/** What to use instead of an ASN IANA reserves. */
export const IANA_ASN_RULE = "use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551";

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
    v.check((props.asn ?? existing.asn) === existing.asn, "azureAsn", props.asn, `use ${existing.asn}, the ASN of the VNet's gateway that another link or site already set up`);
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
    this.asn = v.integer("azureAsn", props.asn ?? 65000, { min: 1, max: 4294967294 });
    v.check(!isIanaReservedAsn(this.asn), "azureAsn", this.asn, IANA_ASN_RULE);
    const problem = azureGatewayAsnProblem(this.asn);
    if (problem) v.fail("azureAsn", this.asn, problem);
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
