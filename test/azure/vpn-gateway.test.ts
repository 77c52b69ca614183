import { type TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureVpnGateway } from "../../lib/azure/vpn-gateway";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

describe("AzureVpnGateway", () => {
  it("spreads its two public IPs over zones 1, 2 and 3 where the location has zones", () => {
    const { stack, network } = withNetwork({ location: "eastus" });
    const gateway = AzureVpnGateway.of(network);
    const tf = synth(stack);
    expect(gateway.zoneRedundant).toBe(true);
    expect(resources(tf, "azurerm_public_ip").filter((ip) => ip.name.includes("vpngw")).map((ip) => [ip.sku, ip.allocation_method, ip.zones])).toEqual([
      ["Standard", "Static", ["1", "2", "3"]],
      ["Standard", "Static", ["1", "2", "3"]],
    ]);
  });

  it.each(["westus", "northcentralus", "westcentralus", "canadaeast"])("in %s, which has no zones, gives its public IPs none (Azure refuses them there) and keeps the AZ SKU, the only kind Azure still creates", (location) => {
    const { stack, network } = withNetwork({ location });
    const gateway = AzureVpnGateway.of(network);
    const tf = synth(stack);
    expect(gateway.zoneRedundant).toBe(false);
    const ips = resources(tf, "azurerm_public_ip").filter((ip) => ip.name.includes("vpngw"));
    expect(ips.map((ip) => [ip.sku, ip.allocation_method, ip.zones])).toEqual([
      ["Standard", "Static", undefined],
      ["Standard", "Static", undefined],
    ]);
    expect(resources(tf, "azurerm_virtual_network_gateway")[0]).toMatchObject({ sku: "VpnGw2AZ", generation: "Generation2", active_active: true });
  });

  it("refuses an ASN from a Terraform expression, new or for an existing gateway, and takes a number", () => {
    const asnOf = (stack: TerraformStack) => new TerraformVariable(stack, "asn", { type: "number" }).numberValue;
    const fresh = withNetwork({ location: "eastus" });
    const rule = "use a number: a VPN gateway's ASN is checked at synth against the ASNs of the links and sites that peer with it, so it cannot come from a Terraform expression";
    expect(validationErrorOf(() => AzureVpnGateway.of(fresh.network, { asn: asnOf(fresh.stack) }))).toBe(`s/net/vpn-gateway: azureAsn "(an expression)" is not valid: ${rule}`);
    const { stack, network } = withNetwork({ location: "eastus" });
    expect(AzureVpnGateway.of(network, { asn: 65010 }).asn).toBe(65010);
    expect(validationErrorOf(() => AzureVpnGateway.of(network, { asn: asnOf(stack) }))).toBe(`s/net: azureAsn "(an expression)" is not valid: ${rule}`);
    expect(AzureVpnGateway.of(network).asn).toBe(65010);
  });

  it("takes 65515, Azure's default gateway ASN", () => {
    const { stack, network } = withNetwork();
    AzureVpnGateway.of(network, { asn: 65515 });
    expect(resources(synth(stack), "azurerm_virtual_network_gateway")[0].bgp_settings.asn).toBe(65515);
  });

  it.each<[number, string]>([
    [65516, "s/net/vpn-gateway: azureAsn 65516 is not valid: use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself"],
    [8074, "s/net/vpn-gateway: azureAsn 8074 is not valid: use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself"],
    [64511, "s/net/vpn-gateway: azureAsn 64511 is not valid: use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551"],
    [4294967295, "s/net/vpn-gateway: azureAsn 4294967295 is not valid: use a whole number from 1 to 4294967294"],
  ])("refuses ASN %i", (asn, message) => {
    const { network } = withNetwork();
    expect(validationErrorOf(() => AzureVpnGateway.of(network, { asn }))).toBe(message);
  });

  it("is one per network: a second caller asking for another ASN is refused", () => {
    const { network } = withNetwork();
    AzureVpnGateway.of(network, { asn: 65010 });
    expect(AzureVpnGateway.tryOf(network)?.asn).toBe(65010);
    expect(validationErrorOf(() => AzureVpnGateway.of(network, { asn: 65020 }))).toBe(
      "s/net: azureAsn 65020 is not valid: use 65010, the ASN of the VNet's gateway that another link or site already set up",
    );
  });

  it("judges a second caller's ASN by the gateway's ASN rule first: one Azure keeps for itself is told so, not only that it differs", () => {
    const { network } = withNetwork();
    AzureVpnGateway.of(network, { asn: 65010 });
    expect(validationErrorOf(() => AzureVpnGateway.of(network, { asn: 65516 }))).toBe(
      "s/net: azureAsn 65516 is not valid: use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself",
    );
    expect(AzureVpnGateway.of(network, { asn: 65010 }).asn).toBe(65010);
  });
});
