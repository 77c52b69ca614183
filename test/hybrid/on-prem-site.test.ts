import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite, type OnPremSiteProps } from "../../lib/hybrid/on-prem-site";
import { errorOf, hybridStack, resources, synth } from "./helpers";

const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100 };

describe("OnPremSite connected to both clouds", () => {
  const { stack, aws, azure } = hybridStack();
  const site = new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure] });
  const tf = synth(stack);

  it("on AWS: a customer gateway and a BGP VPN connection to the VPC's virtual private gateway", () => {
    expect(resources(tf, "aws_customer_gateway")).toEqual([expect.objectContaining({ ip_address: "198.51.99.10", bgp_asn: "65100", type: "ipsec.1" })]);
    const [vpn] = resources(tf, "aws_vpn_connection");
    expect(vpn).toMatchObject({ type: "ipsec.1", static_routes_only: false, tunnel1_ike_versions: ["ikev2"] });
    expect(vpn.vpn_gateway_id).toMatch(/^\$\{aws_vpn_gateway\.aws-net_vpn-gateway_vgw_[0-9A-F]+\.id\}$/);
    expect(resources(tf, "aws_vpn_gateway_route_propagation")).toHaveLength(1);
    expect(site.aws).toHaveLength(1);
  });

  it("on Azure: a local network gateway and a connection to the VNet gateway, created since no link made one", () => {
    expect(resources(tf, "azurerm_virtual_network_gateway")).toEqual([expect.objectContaining({ active_active: true, enable_bgp: true })]);
    expect(resources(tf, "azurerm_virtual_network_gateway")[0].bgp_settings.peering_addresses).toBeUndefined();
    expect(resources(tf, "azurerm_local_network_gateway")).toEqual([expect.objectContaining({ gateway_address: "198.51.99.10", address_space: ["192.168.0.0/16"] })]);
    expect(resources(tf, "azurerm_virtual_network_gateway_connection")).toEqual([
      expect.objectContaining({ type: "IPsec", enable_bgp: false, connection_protocol: "IKEv2", shared_key: "${var.fra_dc1_vpn_shared_key}" }),
    ]);
  });

  it("asks for the Azure pre-shared key as a sensitive variable", () => {
    expect(tf.variable.fra_dc1_vpn_shared_key).toMatchObject({ type: "string", sensitive: true });
    expect(site).toMatchObject({ cloud: "onprem", region: "fra-dc1", cidr: "192.168.0.0/16", bgpAsn: 65100 });
  });
});

describe("OnPremSite options", () => {
  it("peers over BGP on Azure when given the device's BGP address", () => {
    const { stack, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "192.168.255.1" });
    const tf = synth(stack);
    expect(resources(tf, "azurerm_local_network_gateway")[0]).toMatchObject({ address_space: ["192.168.255.1/32"], bgp_settings: { asn: 65100, bgp_peering_address: "192.168.255.1" } });
    expect(resources(tf, "azurerm_virtual_network_gateway_connection")[0].enable_bgp).toBe(true);
  });

  it("takes the key from a reference, and shares the gateways a link created", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    const key = new TerraformVariable(stack, "psk", { type: "string", sensitive: true });
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: key.stringValue });
    const tf = synth(stack);
    expect(resources(tf, "aws_vpn_gateway")).toHaveLength(1);
    expect(resources(tf, "azurerm_virtual_network_gateway")).toHaveLength(1);
    expect(resources(tf, "azurerm_virtual_network_gateway_connection").find((c) => c.name.includes("dc")).shared_key).toBe("${var.psk}");
    expect(resources(tf, "aws_vpn_connection")).toHaveLength(3);
  });
});

describe("OnPremSite validation", () => {
  it.each<[Partial<OnPremSiteProps>, string]>([
    [{ publicIp: "10.1.2.3" }, 's/dc: publicIp "10.1.2.3" is not valid: use a public address: the clouds reach the device over the internet (private, shared, loopback, link-local, documentation and multicast ranges are refused)'],
    [{ publicIp: "203.0.113.10" }, 's/dc: publicIp "203.0.113.10" is not valid: use a public address: the clouds reach the device over the internet (private, shared, loopback, link-local, documentation and multicast ranges are refused)'],
    [{ publicIp: "300.1.2.3" }, 's/dc: publicIp "300.1.2.3" is not valid: use the IPv4 address of the site\'s VPN device, e.g. 20.30.40.50'],
    [{ cidrs: ["192.168.0.0/33"] }, 's/dc: cidrs[0] "192.168.0.0/33" is not valid: expected an IPv4 CIDR such as 10.0.0.0/16'],
    [{ cidrs: ["192.168.1.1/16"] }, 's/dc: cidrs[0] "192.168.1.1/16" is not valid: host bits are set: use 192.168.0.0/16'],
    [{ cidrs: [] }, "s/dc: cidrs [] is not valid: use a list with at least one entry"],
    [{ bgpAsn: 0 }, "s/dc: bgpAsn 0 is not valid: use a whole number from 1 to 4294967294"],
    [{ bgpAsn: 4294967295 }, "s/dc: bgpAsn 4294967295 is not valid: use a whole number from 1 to 4294967294"],
    [{ bgpAsn: 65515 }, "s/dc: bgpAsn 65515 is not valid: use an ASN that AWS and Azure accept: not 7224, 9059, 10124, 17943, 8074, 8075, 12076, 23456, 65515, 65517, 65518, 65519, 65520, 64496-64511 (documentation) or 65535-65551 (reserved)"],
    [{ bgpAsn: 7224 }, "s/dc: bgpAsn 7224 is not valid: use an ASN that AWS and Azure accept: not 7224, 9059, 10124, 17943, 8074, 8075, 12076, 23456, 65515, 65517, 65518, 65519, 65520, 64496-64511 (documentation) or 65535-65551 (reserved)"],
    [{ bgpAsn: 64512 }, "s/dc: bgpAsn 64512 is not valid: use an ASN other than 64512, the ASN of s/aws-net's virtual private gateway"],
    [{ name: "Frankfurt DC" }, 's/dc: name "Frankfurt DC" is not valid: use 2-32 lowercase letters, digits and hyphens, starting with a letter'],
    [{ azureBgpPeerAddress: "10.99.0.1" }, 's/dc: azureBgpPeerAddress "10.99.0.1" is not valid: use an address inside the site\'s cidrs or an APIPA address (169.254.x.x)'],
    [{ azureSharedKey: "hunter2hunter2" }, 's/dc: azureSharedKey "(a literal string)" is not valid: pass a reference, e.g. a sensitive TerraformVariable or a Key Vault secret\'s value: VPN keys never go in code'],
  ])("%j", (props, message) => {
    const { stack, aws, azure } = hybridStack();
    expect(errorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], ...props }))).toBe(message);
  });

  it("rejects a second site of the same name in the stack: the VPN key variable is named after it", () => {
    const { stack, aws } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws] });
    expect(errorOf(() => new OnPremSite(stack, "dc2", { ...base, cidrs: ["192.169.0.0/16"], connectTo: [aws] }))).toBe(
      `s/dc2: name "${base.name}" is not valid: use a name no other OnPremSite of the stack has (s/dc has it): the site's VPN key variable is named after it`);
  });

  it("rejects an empty or foreign connectTo", () => {
    expect(errorOf(() => new OnPremSite(hybridStack().stack, "dc", { ...base, connectTo: [] }))).toBe("s/dc: connectTo [] is not valid: use a list with at least one entry");
    expect(errorOf(() => new OnPremSite(hybridStack().stack, "dc2", { ...base, connectTo: [{} as never] }))).toBe("s/dc2: connectTo[0] {} is not valid: use an AwsNetwork or an AzureNetwork");
  });
});

describe("one address plan across two clouds and a site", () => {
  it("fails synth on an overlap, naming both constructs and both blocks", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, cidrs: ["192.168.0.0/16", "10.20.128.0/17"], connectTo: [aws, azure] });
    expect(errorOf(() => synth(stack))).toContain('s/azure-net: cidr "10.20.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidrs[1] 10.20.128.0/17 of s/dc');
  });

  it("hands networks without a CIDR blocks that avoid the others", () => {
    const { stack } = hybridStack();
    const auto = new AwsNetwork(stack, "auto", { region: "us-east-1", zones: ["use1-az4"] });
    expect(auto.cidr).toBe("10.0.0.0/16");
    expect(() => synth(stack)).not.toThrow();
  });
});
