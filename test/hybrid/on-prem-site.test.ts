import { TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite, type OnPremSiteProps } from "../../lib/hybrid/on-prem-site";
import { validationErrorOf, hybridStack, resources, synth } from "./helpers";
import { synthErrorsOf } from "../helpers";

const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100 };

describe("OnPremSite connected to both clouds", () => {
  /** A site connected to both clouds, synthesized; each test builds it (see helpers.ts). */
  function built() {
    const { stack, aws, azure } = hybridStack();
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure] });
    return { site, tf: synth(stack) };
  }

  it("on AWS: a customer gateway and a BGP VPN connection to the VPC's virtual private gateway", () => {
    const { tf, site } = built();
    expect(resources(tf, "aws_customer_gateway")).toEqual([expect.objectContaining({ ip_address: "198.51.99.10", bgp_asn: "65100", type: "ipsec.1" })]);
    const [vpn] = resources(tf, "aws_vpn_connection");
    expect(vpn).toMatchObject({ type: "ipsec.1", static_routes_only: false, tunnel1_ike_versions: ["ikev2"] });
    expect(vpn.vpn_gateway_id).toMatch(/^\$\{aws_vpn_gateway\.aws-net_vpn-gateway_vgw_[0-9A-F]+\.id\}$/);
    expect(resources(tf, "aws_vpn_gateway_route_propagation")).toHaveLength(1);
    expect(site.aws.map((a) => [a.network.node.path, a.customerGateway.node.path, a.connection.node.path])).toEqual([["s/aws-net", "s/dc/aws-aws-net-cgw", "s/dc/aws-aws-net-vpn"]]);
  });

  it("on Azure: a local network gateway and a connection to the VNet gateway, created since no link made one", () => {
    const { tf } = built();
    expect(resources(tf, "azurerm_virtual_network_gateway")).toEqual([expect.objectContaining({ active_active: true, enable_bgp: true })]);
    expect(resources(tf, "azurerm_virtual_network_gateway")[0].bgp_settings.peering_addresses).toBeUndefined();
    expect(resources(tf, "azurerm_local_network_gateway")).toEqual([expect.objectContaining({ gateway_address: "198.51.99.10", address_space: ["192.168.0.0/16"] })]);
    expect(resources(tf, "azurerm_virtual_network_gateway_connection")).toEqual([
      expect.objectContaining({ type: "IPsec", enable_bgp: false, connection_protocol: "IKEv2", shared_key: "${var.fra_dc1_vpn_shared_key}" }),
    ]);
  });

  it("asks for the Azure pre-shared key as a sensitive variable", () => {
    const { tf, site } = built();
    expect(tf.variable.fra_dc1_vpn_shared_key).toMatchObject({ type: "string", sensitive: true });
    expect(site).toMatchObject({ cloud: "onprem", region: "fra-dc1", cidr: "192.168.0.0/16", bgpAsn: 65100 });
  });
});

describe("OnPremSite options", () => {
  it("peers over BGP on Azure when given the device's BGP address, with no address space (Azure routes to the peer itself)", () => {
    const { stack, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [azure], azureBgpPeerAddress: "192.168.255.1" });
    const tf = synth(stack);
    const [lng] = resources(tf, "azurerm_local_network_gateway");
    expect(lng.bgp_settings).toEqual({ asn: 65100, bgp_peering_address: "192.168.255.1" });
    expect(lng.address_space).toBeUndefined();
    const [connection] = resources(tf, "azurerm_virtual_network_gateway_connection");
    expect(connection.enable_bgp).toBe(true);
    // A regular peer address: Azure answers from its GatewaySubnet address, no custom APIPA address.
    expect(connection.custom_bgp_addresses).toBeUndefined();
    expect(resources(tf, "azurerm_virtual_network_gateway")[0].bgp_settings.peering_addresses).toBeUndefined();
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

describe("OnPremSite with values known only at apply", () => {
  it("takes its ASN from a Terraform variable", () => {
    const { stack, aws, azure } = hybridStack();
    const asn = new TerraformVariable(stack, "asn", { type: "number" });
    new OnPremSite(stack, "dc", { ...base, bgpAsn: asn.numberValue, connectTo: [aws, azure], azureBgpPeerAddress: "192.168.255.1" });
    const tf = synth(stack);
    expect(resources(tf, "aws_customer_gateway").map((c) => c.bgp_asn)).toEqual(["${var.asn}"]);
    expect(resources(tf, "azurerm_local_network_gateway").map((l) => l.bgp_settings.asn)).toEqual(["${var.asn}"]);
  });

  it("is built in a stack without an AWS provider", () => {
    const { stack, aws } = hybridStack();
    const bare = new TerraformStack(stack.node.root, "bare");
    expect(new OnPremSite(bare, "dc", { ...base, connectTo: [aws] }).aws).toHaveLength(1);
  });
});

describe("OnPremSite validation", () => {
  const IANA = "use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551";
  const AZURE_PEER = "use an ASN Azure accepts from a BGP peer: not 8074, 8075, 12076, 65515 or 65517-65520, which Azure reserves";
  const LINK_LOCAL = "use a block outside 169.254.0.0/16, the link-local range: it is never routed, and both clouds take VPN tunnel addresses from it";
  const AZURE_RANGE = "use an address in 169.254.21.0-169.254.22.255, the range Azure takes custom APIPA BGP addresses from";
  it.each<[Partial<OnPremSiteProps>, string]>([
    [{ publicIp: "10.1.2.3" }, 's/dc: publicIp "10.1.2.3" is not valid: use a public address: the clouds reach the device over the internet (private, shared, loopback, link-local, documentation and multicast ranges are refused)'],
    [{ publicIp: "203.0.113.10" }, 's/dc: publicIp "203.0.113.10" is not valid: use a public address: the clouds reach the device over the internet (private, shared, loopback, link-local, documentation and multicast ranges are refused)'],
    [{ publicIp: "300.1.2.3" }, 's/dc: publicIp "300.1.2.3" is not valid: use the IPv4 address of the site\'s VPN device, e.g. 20.30.40.50'],
    [{ cidrs: ["192.168.0.0/33"] }, 's/dc: cidrs[0] "192.168.0.0/33" is not valid: expected an IPv4 CIDR such as 10.0.0.0/16'],
    [{ cidrs: ["192.168.1.1/16"] }, 's/dc: cidrs[0] "192.168.1.1/16" is not valid: host bits are set: use 192.168.0.0/16'],
    [{ cidrs: [] }, "s/dc: cidrs [] is not valid: use a list with at least one entry"],
    [{ cidrs: ["192.168.0.0/16", "169.254.0.0/16"] }, `s/dc: cidrs[1] "169.254.0.0/16" is not valid: ${LINK_LOCAL}`],
    // the blocks links take their tunnels from
    [{ cidrs: ["169.254.21.0/24"] }, `s/dc: cidrs[0] "169.254.21.0/24" is not valid: ${LINK_LOCAL}`],
    [{ cidrs: ["169.254.22.252/30"] }, `s/dc: cidrs[0] "169.254.22.252/30" is not valid: ${LINK_LOCAL}`],
    [{ cidrs: ["169.0.0.0/8"] }, `s/dc: cidrs[0] "169.0.0.0/8" is not valid: ${LINK_LOCAL}`],
    [{ cidrs: ["224.0.0.0/4"] }, 's/dc: cidrs[0] "224.0.0.0/4" is not valid: use a block outside 224.0.0.0/4, which Azure reserves (the site connects to s/azure-net)'],
    [{ cidrs: ["127.0.0.0/8"] }, 's/dc: cidrs[0] "127.0.0.0/8" is not valid: use a block outside 127.0.0.0/8, which Azure reserves (the site connects to s/azure-net)'],
    [{ cidrs: ["168.63.128.0/17"] }, 's/dc: cidrs[0] "168.63.128.0/17" is not valid: use a block outside 168.63.129.16/32, which Azure reserves (the site connects to s/azure-net)'],
    [{ bgpAsn: 0 }, "s/dc: bgpAsn 0 is not valid: use a whole number from 1 to 4294967294"],
    [{ bgpAsn: 4294967295 }, "s/dc: bgpAsn 4294967295 is not valid: use a whole number from 1 to 4294967294"],
    [{ bgpAsn: 65515 }, `s/dc: bgpAsn 65515 is not valid: ${AZURE_PEER}`],
    [{ bgpAsn: 65517 }, `s/dc: bgpAsn 65517 is not valid: ${AZURE_PEER}`],
    [{ bgpAsn: 8074 }, `s/dc: bgpAsn 8074 is not valid: ${AZURE_PEER}`],
    [{ bgpAsn: 7224 }, "s/dc: bgpAsn 7224 is not valid: use an ASN other than 7224, which AWS reserves in every region"],
    [{ bgpAsn: 23456 }, `s/dc: bgpAsn 23456 is not valid: ${IANA}`],
    [{ bgpAsn: 64500 }, `s/dc: bgpAsn 64500 is not valid: ${IANA}`],
    [{ bgpAsn: 65536 }, `s/dc: bgpAsn 65536 is not valid: ${IANA}`],
    [{ bgpAsn: 64512 }, "s/dc: bgpAsn 64512 is not valid: use an ASN other than 64512, the ASN of s/aws-net's virtual private gateway"],
    [{ bgpAsn: 65000 }, "s/dc: bgpAsn 65000 is not valid: use an ASN other than 65000, the ASN of s/azure-net's VPN gateway"],
    [{ connectTo: [undefined as never] }, "s/dc: connectTo[0] (missing) is not valid: use an AwsNetwork or an AzureNetwork"],
    [{ name: "Frankfurt DC" }, 's/dc: name "Frankfurt DC" is not valid: use 2-32 lowercase letters, digits and hyphens, starting with a letter'],
    [{ azureBgpPeerAddress: "10.99.0.1" }, 's/dc: azureBgpPeerAddress "10.99.0.1" is not valid: use an address inside the site\'s cidrs or an APIPA address (169.254.x.x)'],
    [{ azureBgpPeerAddress: "169.253.255.255" }, 's/dc: azureBgpPeerAddress "169.253.255.255" is not valid: use an address inside the site\'s cidrs or an APIPA address (169.254.x.x)'],
    [{ azureApipaAddresses: ["169.254.21.2", "169.254.21.3"] }, 's/dc: azureApipaAddresses ["169.254.21.2","169.254.21.3"] is not valid: leave them out, or set azureBgpPeerAddress to the device\'s APIPA address on an Azure network: Azure answers on custom APIPA addresses only to a peer that uses one'],
    [{ azureBgpPeerAddress: "192.168.255.1", azureApipaAddresses: ["169.254.21.2", "169.254.21.3"] }, 's/dc: azureApipaAddresses ["169.254.21.2","169.254.21.3"] is not valid: leave them out, or set azureBgpPeerAddress to the device\'s APIPA address on an Azure network: Azure answers on custom APIPA addresses only to a peer that uses one'],
    [{ azureBgpPeerAddress: "169.254.21.1", azureApipaAddresses: ["169.254.21.2"] }, 's/dc: azureApipaAddresses ["169.254.21.2"] is not valid: use 2 addresses, two per Azure network in connectTo (instance 0, then instance 1)'],
    [{ azureBgpPeerAddress: "169.254.21.1", azureApipaAddresses: ["169.254.20.255", "169.254.21.2"] }, `s/dc: azureApipaAddresses[0] "169.254.20.255" is not valid: ${AZURE_RANGE}`],
    [{ azureBgpPeerAddress: "169.254.21.1", azureApipaAddresses: ["169.254.21.2", "169.254.23.0"] }, `s/dc: azureApipaAddresses[1] "169.254.23.0" is not valid: ${AZURE_RANGE}`],
    [{ azureBgpPeerAddress: "169.254.21.1", azureApipaAddresses: ["169.254.21.2", "10.0.0.1"] }, `s/dc: azureApipaAddresses[1] "10.0.0.1" is not valid: ${AZURE_RANGE}`],
    [{ azureSharedKey: "hunter2hunter2" }, 's/dc: azureSharedKey "(a literal string)" is not valid: pass a reference, e.g. a sensitive TerraformVariable or a Key Vault secret\'s value: VPN keys never go in code'],
  ])("%j", (props, message) => {
    const { stack, aws, azure } = hybridStack();
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], ...props }))).toBe(message);
  });

  it.each<[string, Partial<OnPremSiteProps>, "aws" | "azure" | "both"]>([
    ["65515 from a site that reaches no Azure network (AWS accepts it)", { bgpAsn: 65515 }, "aws"],
    ["65516, which Azure does not reserve for peers", { bgpAsn: 65516 }, "both"],
    ["65514 and 65521 around Azure's reserved ASNs", { bgpAsn: 65514 }, "both"],
    ["65521", { bgpAsn: 65521 }, "both"],
    ["7224 from a site that reaches no AWS network", { bgpAsn: 7224 }, "azure"],
    ["9059 on a VPC outside eu-west-1", { bgpAsn: 9059 }, "both"],
    ["a public ASN just below IANA's documentation range", { bgpAsn: 64495 }, "both"],
    ["blocks just outside 169.254.0.0/16", { cidrs: ["169.253.0.0/16", "169.255.0.0/16"] }, "both"],
    ["a block just below 224.0.0.0/4 on Azure", { cidrs: ["223.255.255.0/24"] }, "both"],
    ["an APIPA peer address outside Azure's own range (Microsoft's example: 169.254.100.1)", { azureBgpPeerAddress: "169.254.100.1" }, "both"],
    ["an APIPA peer address at the bottom of the link-local range", { azureBgpPeerAddress: "169.254.0.1" }, "both"],
    ["a peer address in the site's second block", { cidrs: ["192.168.0.0/16", "10.99.0.0/16"], azureBgpPeerAddress: "10.99.0.1" }, "both"],
    ["Azure APIPA addresses at both edges of Azure's range", { azureBgpPeerAddress: "169.254.100.1", azureApipaAddresses: ["169.254.21.0", "169.254.22.255"] }, "both"],
  ])("accepts %s", (_, props, clouds) => {
    const { stack, aws, azure } = hybridStack();
    const connectTo = clouds === "aws" ? [aws] : clouds === "azure" ? [azure] : [aws, azure];
    new OnPremSite(stack, "dc", { ...base, connectTo, ...props });
    expect(() => synth(stack)).not.toThrow();
  });

  it.each([
    ["eu-west-1", 9059],
    ["ap-northeast-1", 10124],
    ["ap-southeast-1", 17943],
  ] as const)("refuses the ASN AWS reserves in %s (%i) on a VPC there", (region, asn) => {
    const { stack, aws } = hybridStack(region);
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, bgpAsn: asn, connectTo: [aws] }))).toBe(
      `s/dc: bgpAsn ${asn} is not valid: use an ASN other than ${asn}, which AWS reserves in ${region} (the region of s/aws-net)`,
    );
  });

  it("refuses Azure APIPA addresses for a site that reaches no Azure network, even with an APIPA peer address", () => {
    const { stack, aws } = hybridStack();
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws], azureBgpPeerAddress: "169.254.100.1", azureApipaAddresses: ["169.254.21.2", "169.254.21.3"] }))).toBe(
      's/dc: azureApipaAddresses ["169.254.21.2","169.254.21.3"] is not valid: leave them out, or set azureBgpPeerAddress to the device\'s APIPA address on an Azure network: Azure answers on custom APIPA addresses only to a peer that uses one',
    );
  });

  it("refuses a network listed twice", () => {
    const { stack, aws, azure } = hybridStack();
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure, aws] }))).toBe('s/dc: connectTo[2] "s/aws-net" is not valid: list each network once');
  });

  it("rejects a second site of the same name in the stack: the VPN key variable is named after it", () => {
    const { stack, aws } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws] });
    expect(validationErrorOf(() => new OnPremSite(stack, "dc2", { ...base, cidrs: ["192.169.0.0/16"], connectTo: [aws] }))).toBe(
      `s/dc2: name "${base.name}" is not valid: use a name no other OnPremSite of the stack has (s/dc has it): the site's VPN key variable is named after it`);
  });

  it("rejects an empty or foreign connectTo", () => {
    expect(validationErrorOf(() => new OnPremSite(hybridStack().stack, "dc", { ...base, connectTo: [] }))).toBe("s/dc: connectTo [] is not valid: use a list with at least one entry");
    expect(validationErrorOf(() => new OnPremSite(hybridStack().stack, "dc2", { ...base, connectTo: [{} as never] }))).toBe("s/dc2: connectTo[0] {} is not valid: use an AwsNetwork or an AzureNetwork");
  });
});

describe("one address plan across two clouds and a site", () => {
  it("fails synth on an overlap, naming both constructs and both blocks", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, cidrs: ["192.168.0.0/16", "10.20.128.0/17"], connectTo: [aws, azure] });
    expect(synthErrorsOf(() => synth(stack))).toContain('s/azure-net: cidr "10.20.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidrs[1] 10.20.128.0/17 of s/dc');
  });

  it("hands networks without a CIDR blocks that avoid the others", () => {
    const { stack } = hybridStack();
    const auto = new AwsNetwork(stack, "auto", { region: "us-east-1", zones: ["use1-az4"] });
    expect(auto.cidr).toBe("10.0.0.0/16");
    expect(() => synth(stack)).not.toThrow();
  });
});
