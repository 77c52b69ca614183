import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../lib/azure/network";
import { registerAddresses } from "../../lib/core/address-plan";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { hybridStack, resources, synth, validationErrorOf } from "./helpers";
import { synthErrorsOf } from "../helpers";

const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100 };

describe("OnPremSite peering with Azure from an APIPA address", () => {
  /** A link and a site peering from an APIPA address, synthesized; each test builds it (see helpers.ts). */
  function built() {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.100.1" });
    const tf = synth(stack);
    return { site, tf, siteConnection: resources(tf, "azurerm_virtual_network_gateway_connection").find((c) => c.name.includes("dc")) };
  }

  it("gives each gateway instance a custom APIPA address for the site, beside the link's", () => {
    const { tf } = built();
    const [gw] = resources(tf, "azurerm_virtual_network_gateway");
    expect(gw.bgp_settings.peering_addresses).toEqual([
      { ip_configuration_name: "vnetGatewayConfig0", apipa_addresses: ["169.254.21.2", "169.254.22.2", "169.254.22.253"] },
      { ip_configuration_name: "vnetGatewayConfig1", apipa_addresses: ["169.254.21.6", "169.254.22.6", "169.254.22.254"] },
    ]);
  });

  it("names them on the connection (primary: instance 0, secondary: instance 1) and on the site", () => {
    const { site, siteConnection } = built();
    expect(siteConnection).toMatchObject({ enable_bgp: true, custom_bgp_addresses: { primary: "169.254.22.253", secondary: "169.254.22.254" } });
    expect(site.azure[0]!.azureBgpAddresses).toEqual(["169.254.22.253", "169.254.22.254"]);
  });

  it("points the local network gateway at the device's APIPA address, with no address space (Azure refuses an APIPA prefix there)", () => {
    const { tf } = built();
    const lng = resources(tf, "azurerm_local_network_gateway").find((l) => l.name.includes("dc"));
    expect(lng.bgp_settings).toEqual({ asn: 65100, bgp_peering_address: "169.254.100.1" });
    expect(lng.address_space).toBeUndefined();
  });
});

describe("OnPremSite APIPA addresses in the address plan", () => {
  it("takes Azure's addresses from the top of the range, so a link built later keeps its usual tunnels", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.100.1" });
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(link.tunnels.map((t) => t.insideCidr)).toEqual(["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"]);
    expect(() => synth(stack)).not.toThrow();
  });

  it("gives each Azure network its own pair, in connectTo order", () => {
    const { stack, azure } = hybridStack();
    const west = new AzureNetwork(stack, "azure-west", { cidr: "10.30.0.0/16", location: "westus3" });
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [azure, west], azureBgpPeerAddress: "169.254.100.1" });
    expect(site.azure.map((a) => a.azureBgpAddresses)).toEqual([
      ["169.254.22.253", "169.254.22.254"],
      ["169.254.22.249", "169.254.22.250"],
    ]);
  });

  it("skips a /30 that holds the device's own address", () => {
    const { stack, azure } = hybridStack();
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.22.254" });
    expect(site.azure[0]!.azureBgpAddresses).toEqual(["169.254.22.249", "169.254.22.250"]);
  });

  it("takes the addresses given, in order, two per Azure network", () => {
    const { stack, azure } = hybridStack();
    const west = new AzureNetwork(stack, "azure-west", { cidr: "10.30.0.0/16", location: "westus3" });
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [azure, west], azureBgpPeerAddress: "169.254.21.1", azureApipaAddresses: ["169.254.21.2", "169.254.22.2", "169.254.21.6", "169.254.22.6"] });
    expect(site.azure.map((a) => a.azureBgpAddresses)).toEqual([
      ["169.254.21.2", "169.254.22.2"],
      ["169.254.21.6", "169.254.22.6"],
    ]);
    expect(() => synth(stack)).not.toThrow();
  });

  it("fails synth when the device's address is inside a link's tunnel", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.21.1" });
    expect(synthErrorsOf(() => synth(stack))).toContain('s/dc: azureBgpPeerAddress "169.254.21.1" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps tunnelInsideCidrs[0] 169.254.21.0/30 of s/link');
  });

  it("fails synth when an Azure address given is a link's, or the device's", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.21.9", azureApipaAddresses: ["169.254.22.6", "169.254.21.9"] });
    const message = synthErrorsOf(() => synth(stack));
    expect(message).toContain('s/dc: azureApipaAddresses[0] "169.254.22.6" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps tunnelInsideCidrs[3] 169.254.22.4/30 of s/link');
    expect(message).toContain('s/dc: azureBgpPeerAddress "169.254.21.9" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps azureApipaAddresses[1] 169.254.21.9 of s/dc');
  });

  it("names the second Azure network's given addresses by their place in the list", () => {
    const { stack, aws, azure } = hybridStack();
    const west = new AzureNetwork(stack, "azure-west", { cidr: "10.30.0.0/16", location: "westus3" });
    new CrossCloudLink(stack, "link", { aws, azure });
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure, west], azureBgpPeerAddress: "169.254.100.1", azureApipaAddresses: ["169.254.21.10", "169.254.22.10", "169.254.21.6", "169.254.22.14"] });
    expect(synthErrorsOf(() => synth(stack))).toContain('s/dc: azureApipaAddresses[2] "169.254.21.6" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps tunnelInsideCidrs[2] 169.254.21.4/30 of s/link');
  });

  it("asks for azureApipaAddresses when the app's tunnels fill Azure's APIPA range", () => {
    const { stack, azure } = hybridStack();
    registerAddresses(new Construct(stack, "tunnels"), [
      { field: "a", cidr: "169.254.21.0/24", kind: "tunnel" },
      { field: "b", cidr: "169.254.22.0/24", kind: "tunnel" },
    ]);
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.100.1" }))).toBe(
      "s/dc: azureApipaAddresses (missing) is not valid: set them: Azure's APIPA range 169.254.21.0-169.254.22.255 has no free /30 left",
    );
  });

  it("keeps two sites' APIPA addresses apart", () => {
    const { stack, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "169.254.100.1" });
    const second = new OnPremSite(stack, "dc2", { ...base, name: "muc-dc2", publicIp: "198.51.99.11", cidrs: ["192.169.0.0/16"], connectTo: [azure], azureBgpPeerAddress: "169.254.100.5" });
    expect(second.azure[0]!.azureBgpAddresses).toEqual(["169.254.22.249", "169.254.22.250"]);
    new OnPremSite(stack, "dc3", { ...base, name: "ber-dc3", publicIp: "198.51.99.12", cidrs: ["192.170.0.0/16"], connectTo: [azure], azureBgpPeerAddress: "169.254.100.1" });
    expect(synthErrorsOf(() => synth(stack))).toContain('s/dc: azureBgpPeerAddress "169.254.100.1" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps azureBgpPeerAddress 169.254.100.1 of s/dc3');
  });
});
