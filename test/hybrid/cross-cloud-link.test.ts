import { type App, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureNetwork } from "../../lib/azure/network";
import { registerAddresses } from "../../lib/core/address-plan";
import { ValidationError } from "../../lib/core/errors";
import { CrossCloudLink, type CrossCloudLinkProps } from "../../lib/hybrid/cross-cloud-link";
import { validationErrorOf, hybridStack, otherStack, resources, synth } from "./helpers";
import { synthErrorsOf } from "../helpers";

describe("CrossCloudLink", () => {
  /** One link between the two networks, synthesized; each test that reads it builds it (see helpers.ts). */
  function built() {
    const { stack, aws, azure } = hybridStack();
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    const tf = synth(stack);
    const ref = (type: string, idPart: string, attr: string) => `\${${type}.${Object.keys(tf.resource[type]).find((k) => k.includes(idPart))}.${attr}}`;
    return { link, tf, ref };
  }

  it("builds an active-active, BGP, zone-redundant Azure gateway with two public IPs and the APIPA addresses", () => {
    const { tf } = built();
    const [gw] = resources(tf, "azurerm_virtual_network_gateway");
    expect(gw).toMatchObject({ type: "Vpn", vpn_type: "RouteBased", sku: "VpnGw2AZ", generation: "Generation2", active_active: true, enable_bgp: true });
    expect(gw.ip_configuration.map((c: { name: string; subnet_id: string }) => c.name)).toEqual(["vnetGatewayConfig0", "vnetGatewayConfig1"]);
    expect(gw.ip_configuration.map((c: { subnet_id: string }) => c.subnet_id)).toEqual(Array(2).fill("${azurerm_subnet.azure-net_gateway-subnet_D8827FE4.id}"));
    expect(gw.bgp_settings).toEqual({
      asn: 65000,
      peering_addresses: [
        { ip_configuration_name: "vnetGatewayConfig0", apipa_addresses: ["169.254.21.2", "169.254.22.2"] },
        { ip_configuration_name: "vnetGatewayConfig1", apipa_addresses: ["169.254.21.6", "169.254.22.6"] },
      ],
    });
    expect(resources(tf, "azurerm_public_ip").filter((ip) => ip.name.includes("vpngw"))).toEqual([
      expect.objectContaining({ sku: "Standard", allocation_method: "Static", zones: ["1", "2", "3"] }),
      expect.objectContaining({ sku: "Standard", allocation_method: "Static", zones: ["1", "2", "3"] }),
    ]);
  });

  it("attaches a virtual private gateway to the VPC and propagates its routes into the private route tables", () => {
    const { tf, ref } = built();
    expect(resources(tf, "aws_vpn_gateway")).toEqual([expect.objectContaining({ amazon_side_asn: "64512" })]);
    expect(resources(tf, "aws_vpn_gateway_attachment")[0].vpc_id).toBe(ref("aws_vpc", "aws-net_vpc", "id"));
    expect(resources(tf, "aws_vpn_gateway_route_propagation").map((p) => p.route_table_id)).toEqual([ref("aws_route_table", "private-use1-az4-rt", "id")]);
  });

  it("has one customer gateway per Azure public IP and one BGP VPN connection each: four tunnels", () => {
    const { tf, link } = built();
    const cgws = resources(tf, "aws_customer_gateway");
    expect(cgws.map((c) => [c.ip_address, c.bgp_asn, c.type])).toEqual([
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip0_01297417.ip_address}", "65000", "ipsec.1"],
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip1_A6A2AC2B.ip_address}", "65000", "ipsec.1"],
    ]);
    const vpns = resources(tf, "aws_vpn_connection");
    expect(vpns.map((c) => [c.tunnel1_inside_cidr, c.tunnel2_inside_cidr, c.static_routes_only])).toEqual([
      ["169.254.21.0/30", "169.254.22.0/30", false],
      ["169.254.21.4/30", "169.254.22.4/30", false],
    ]);
    expect(vpns[0]).toMatchObject({ tunnel1_ike_versions: ["ikev2"], tunnel1_phase1_encryption_algorithms: ["AES256"], tunnel2_phase2_integrity_algorithms: ["SHA2-256"], tunnel2_phase1_dh_group_numbers: [14] });
    expect(link.tunnels).toHaveLength(4);
    expect(link.awsTunnelsGbps).toBe(5);
    expect(link.aggregateGbps).toBe(1.25);
  });

  it("uses Generation1 for VpnGw1AZ, the one SKU that has no Generation2", () => {
    const h = hybridStack();
    const small = new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, azureGatewaySku: "VpnGw1AZ" });
    expect(resources(synth(h.stack), "azurerm_virtual_network_gateway")[0]).toMatchObject({ sku: "VpnGw1AZ", generation: "Generation1" });
    expect(small.aggregateGbps).toBe(0.65);
  });

  it("carries one tunnel's 1.25 Gbit/s even behind a 10 Gbit/s gateway: a virtual private gateway has no ECMP", () => {
    const h = hybridStack();
    const big = new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, azureGatewaySku: "VpnGw5AZ" });
    expect(big.azureGateway.gbps).toBe(10);
    expect(big.awsTunnelsGbps).toBe(5);
    expect(big.aggregateGbps).toBe(1.25);
  });

  it("pairs BGP peers on both sides: each local network gateway points at its AWS tunnel, each connection at its APIPA address", () => {
    const { tf, ref, link } = built();
    const lngs = resources(tf, "azurerm_local_network_gateway");
    const vpn0 = (attr: string) => ref("aws_vpn_connection", "vpn-azure-0", attr);
    const vpn1 = (attr: string) => ref("aws_vpn_connection", "vpn-azure-1", attr);
    expect(lngs.map((l) => [l.gateway_address, l.bgp_settings.bgp_peering_address, l.bgp_settings.asn])).toEqual([
      [vpn0("tunnel1_address"), "169.254.21.1", 64512],
      [vpn0("tunnel2_address"), "169.254.22.1", 64512],
      [vpn1("tunnel1_address"), "169.254.21.5", 64512],
      [vpn1("tunnel2_address"), "169.254.22.5", 64512],
    ]);
    const names = ["s-link-aws-0-1", "s-link-aws-0-2", "s-link-aws-1-1", "s-link-aws-1-2"];
    expect(lngs.map((l) => l.name)).toEqual(names);
    const conns = resources(tf, "azurerm_virtual_network_gateway_connection");
    expect(conns.map((c) => c.name)).toEqual(names);
    expect(conns.map((c) => [c.custom_bgp_addresses.primary, c.custom_bgp_addresses.secondary])).toEqual([
      ["169.254.21.2", "169.254.21.6"],
      ["169.254.22.2", "169.254.21.6"],
      ["169.254.21.2", "169.254.21.6"],
      ["169.254.21.2", "169.254.22.6"],
    ]);
    // AWS's end of each /30 is the LNG's BGP peer; Azure's end is the custom address its instance uses.
    for (const t of link.tunnels) {
      const [, , c, d] = t.insideCidr.split(/[./]/).map(Number);
      expect(t.awsBgpAddress).toBe(`169.254.${c}.${d! + 1}`);
      expect(t.azureBgpAddress).toBe(`169.254.${c}.${d! + 2}`);
    }
  });

  it("feeds AWS's generated pre-shared keys to Azure: no key is written anywhere", () => {
    const { tf, ref } = built();
    const conns = resources(tf, "azurerm_virtual_network_gateway_connection");
    expect(conns.map((c) => c.shared_key)).toEqual([
      ref("aws_vpn_connection", "vpn-azure-0", "tunnel1_preshared_key"),
      ref("aws_vpn_connection", "vpn-azure-0", "tunnel2_preshared_key"),
      ref("aws_vpn_connection", "vpn-azure-1", "tunnel1_preshared_key"),
      ref("aws_vpn_connection", "vpn-azure-1", "tunnel2_preshared_key"),
    ]);
    expect(resources(tf, "aws_vpn_connection").map((c) => [c.tunnel1_preshared_key, c.tunnel2_preshared_key])).toEqual(Array(2).fill([undefined, undefined]));
    expect(conns.map((c) => [c.type, c.enable_bgp, c.connection_protocol])).toEqual(Array(4).fill(["IPsec", true, "IKEv2"]));
    expect(conns[0].ipsec_policy).toEqual({ dh_group: "DHGroup14", ike_encryption: "AES256", ike_integrity: "SHA256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256", pfs_group: "PFS2048", sa_lifetime: 3600, sa_datasize: 102400000 });
  });

  it("gives a second link to the same Azure gateway the next APIPA blocks", () => {
    const h = hybridStack();
    new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
    const other = new AwsNetwork(h.stack, "aws-west", { cidr: "10.11.0.0/16", region: "us-east-1", zones: ["use1-az6"] });
    const second = new CrossCloudLink(h.stack, "link2", { aws: other, azure: h.azure });
    expect(second.tunnels.map((t) => t.insideCidr)).toEqual(["169.254.21.8/30", "169.254.22.8/30", "169.254.21.12/30", "169.254.22.12/30"]);
    const tf = synth(h.stack);
    const [gw] = resources(tf, "azurerm_virtual_network_gateway");
    expect(gw.bgp_settings.peering_addresses[0].apipa_addresses).toEqual(["169.254.21.2", "169.254.22.2", "169.254.21.10", "169.254.22.10"]);
    // Same Azure address and ASN in one region: AWS would hand the second link the first link's
    // customer gateways; a device name makes them its own, and the first keeps its plain identity.
    expect(resources(tf, "aws_customer_gateway").map((c) => [c.ip_address, c.device_name])).toEqual([
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip0_01297417.ip_address}", undefined],
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip1_A6A2AC2B.ip_address}", undefined],
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip0_01297417.ip_address}", "s/link2/cgw-azure-0"],
      ["${azurerm_public_ip.azure-net_vpn-gateway_ip1_A6A2AC2B.ip_address}", "s/link2/cgw-azure-1"],
    ]);
  });

  it("keeps the tunnels of links to different Azure networks apart too", () => {
    const h = hybridStack();
    new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
    const otherAws = new AwsNetwork(h.stack, "aws-b", { cidr: "10.12.0.0/16", region: "us-east-1", zones: ["use1-az6"] });
    const otherAzure = new AzureNetwork(h.stack, "azure-b", { cidr: "10.21.0.0/16", location: "westus3" });
    const second = new CrossCloudLink(h.stack, "link2", { aws: otherAws, azure: otherAzure });
    expect(second.tunnels[0]!.insideCidr).toBe("169.254.21.8/30");
    expect(() => synth(h.stack)).not.toThrow();
  });

  it("fails synth when two links use the same inside CIDR", () => {
    const h = hybridStack();
    new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
    const other = new AwsNetwork(h.stack, "aws-b", { cidr: "10.12.0.0/16", region: "us-east-1", zones: ["use1-az6"] });
    new CrossCloudLink(h.stack, "link2", { aws: other, azure: h.azure, tunnelInsideCidrs: ["169.254.21.0/30", "169.254.22.16/30", "169.254.21.20/30", "169.254.22.20/30"] });
    expect(synthErrorsOf(() => synth(h.stack))).toContain('s/link1: tunnelInsideCidrs[0] "169.254.21.0/30" is not valid: use a block that overlaps no other tunnel: it overlaps tunnelInsideCidrs[0] 169.254.21.0/30 of s/link2');
  });

  describe("validation", () => {
    const IANA = "use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551";
    const AZURE_PEER = "use an ASN Azure accepts from a BGP peer: not 8074, 8075, 12076, 65515 or 65517-65520, which Azure reserves";
    const AZURE_GATEWAY = "use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself";
    it.each<[Partial<CrossCloudLinkProps>, string]>([
      [{ azureAsn: 64512 }, "s/link: azureAsn 64512 is not valid: use an ASN other than awsAsn 64512: the two gateways speak eBGP"],
      // The errors name the link, where the ASNs are set; each ASN is also the other cloud's peer ASN.
      [{ awsAsn: 100 }, "s/link: awsAsn 100 is not valid: use a private ASN: 64512-65534 or 4200000000-4294967294"],
      [{ awsAsn: 65515 }, `s/link: awsAsn 65515 is not valid: ${AZURE_PEER}`],
      [{ awsAsn: 65517 }, `s/link: awsAsn 65517 is not valid: ${AZURE_PEER}`],
      [{ awsAsn: 65520 }, `s/link: awsAsn 65520 is not valid: ${AZURE_PEER}`],
      [{ azureAsn: 65516 }, `s/link: azureAsn 65516 is not valid: ${AZURE_GATEWAY}`],
      [{ azureAsn: 65520 }, `s/link: azureAsn 65520 is not valid: ${AZURE_GATEWAY}`],
      [{ azureAsn: 8075 }, `s/link: azureAsn 8075 is not valid: ${AZURE_GATEWAY}`],
      [{ azureAsn: 12076 }, `s/link: azureAsn 12076 is not valid: ${AZURE_GATEWAY}`],
      [{ azureAsn: 7224 }, "s/link: azureAsn 7224 is not valid: use an ASN other than 7224, which AWS reserves in every region"],
      [{ azureAsn: 64496 }, `s/link: azureAsn 64496 is not valid: ${IANA}`],
      [{ azureAsn: 64511 }, `s/link: azureAsn 64511 is not valid: ${IANA}`],
      [{ azureAsn: 23456 }, `s/link: azureAsn 23456 is not valid: ${IANA}`],
      [{ azureAsn: 65535 }, `s/link: azureAsn 65535 is not valid: ${IANA}`],
      [{ azureAsn: 65551 }, `s/link: azureAsn 65551 is not valid: ${IANA}`],
      [{ azureAsn: 0 }, "s/link: azureAsn 0 is not valid: use a whole number from 1 to 4294967294"],
      [{ azureAsn: 4294967295 }, "s/link: azureAsn 4294967295 is not valid: use a whole number from 1 to 4294967294"],
      [{ azureGatewaySku: "Basic" as never }, 's/azure-net/vpn-gateway: azureGatewaySku "Basic" is not valid: use one of "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"'],
      [{ tunnelInsideCidrs: ["169.254.21.0/30", "169.254.22.0/30", "169.254.23.0/30", "169.254.22.4/30"] }, 's/link: tunnelInsideCidrs[2] "169.254.23.0/30" is not valid: use a /30 inside 169.254.21.0-169.254.22.255, the APIPA range Azure accepts, e.g. 169.254.21.0/30'],
      [{ tunnelInsideCidrs: ["169.254.20.252/30", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"] }, 's/link: tunnelInsideCidrs[0] "169.254.20.252/30" is not valid: use a /30 inside 169.254.21.0-169.254.22.255, the APIPA range Azure accepts, e.g. 169.254.21.0/30'],
      [{ tunnelInsideCidrs: ["169.254.21.0/29", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"] }, 's/link: tunnelInsideCidrs[0] "169.254.21.0/29" is not valid: use a /30 inside 169.254.21.0-169.254.22.255, the APIPA range Azure accepts, e.g. 169.254.21.0/30'],
      [{ tunnelInsideCidrs: ["169.254.21.0/30", "169.254.21.0/30", "169.254.21.4/30", "169.254.22.4/30"] }, 's/link: tunnelInsideCidrs ["169.254.21.0/30","169.254.21.0/30","169.254.21.4/30","169.254.22.4/30"] is not valid: use four different /30 blocks'],
      [{ tunnelInsideCidrs: ["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30"] as never }, 's/link: tunnelInsideCidrs ["169.254.21.0/30","169.254.22.0/30","169.254.21.4/30"] is not valid: use four /30 blocks: instance 0 tunnel 1 and 2, then instance 1 tunnel 1 and 2'],
      [{ tunnelInsideCidrs: "abcd" as never }, 's/link: tunnelInsideCidrs "abcd" is not valid: use four /30 blocks: instance 0 tunnel 1 and 2, then instance 1 tunnel 1 and 2'],
      [{ tunnelInsideCidrs: ["169.254.21.0/30", "tunnel", "169.254.21.4/30", "169.254.22.4/30"] }, 's/link: tunnelInsideCidrs[1] "tunnel" is not valid: use a /30 inside 169.254.21.0-169.254.22.255, the APIPA range Azure accepts, e.g. 169.254.21.0/30'],
      [{ aws: undefined }, "s/link: aws (missing) is not valid: use an AwsNetwork"],
      [{ aws: {} as never }, "s/link: aws {} is not valid: use an AwsNetwork"],
      [{ azure: undefined }, "s/link: azure (missing) is not valid: use an AzureNetwork"],
      [{ azure: {} as never }, "s/link: azure {} is not valid: use an AzureNetwork"],
    ])("%j", (props, message) => {
      const h = hybridStack();
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, ...props }))).toBe(message);
    });

    it("names the wrong kind of network on each side", () => {
      const h = hybridStack();
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link", { aws: h.azure as never, azure: h.azure }))).toBe('s/link: aws "s/azure-net" is not valid: use an AwsNetwork');
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link2", { aws: h.aws, azure: h.aws as never }))).toBe('s/link2: azure "s/aws-net" is not valid: use an AzureNetwork');
    });

    it("asks for tunnelInsideCidrs when the app's tunnels fill Azure's APIPA range", () => {
      const h = hybridStack();
      registerAddresses(new Construct(h.stack, "tunnels"), [
        { field: "a", cidr: "169.254.21.0/24", kind: "tunnel" },
        { field: "b", cidr: "169.254.22.0/24", kind: "tunnel" },
      ]);
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure }))).toBe(
        "s/link: tunnelInsideCidrs (missing) is not valid: set them: the Azure gateway's APIPA range 169.254.21.0-169.254.22.255 is used up",
      );
    });

    it("accepts links from one VPC to two VNets, and a link built in a stack without an AWS provider", () => {
      const h = hybridStack();
      const west = new AzureNetwork(h.stack, "azure-west", { cidr: "10.30.0.0/16", location: "westus3" });
      new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
      const second = new CrossCloudLink(h.stack, "link2", { aws: h.aws, azure: west, azureAsn: 65001 });
      expect(second.tunnels.map((t) => t.insideCidr)).toEqual(["169.254.21.8/30", "169.254.22.8/30", "169.254.21.12/30", "169.254.22.12/30"]);
      const bare = new TerraformStack(h.stack.node.root, "bare");
      const east2 = new AzureNetwork(h.stack, "azure-east2", { cidr: "10.31.0.0/16", location: "eastus2" });
      expect(new CrossCloudLink(bare, "link3", { aws: h.aws, azure: east2, azureAsn: 65002 }).tunnels).toHaveLength(4);
    });

    it.each<[string, Partial<CrossCloudLinkProps>]>([
      ["Azure's own default for its gateway", { azureAsn: 65515 }],
      ["the last private ASN below Azure's reserved ones, for the AWS side", { awsAsn: 65514 }],
      ["the last private ASN below Azure's reserved ones, for the Azure side", { azureAsn: 65514 }],
      ["the first private ASN above Azure's reserved ones, for the AWS side", { awsAsn: 65521 }],
      ["the first private ASN above Azure's reserved ones, for the Azure side", { azureAsn: 65521 }],
      ["a public ASN below IANA's documentation range", { azureAsn: 64495 }],
      ["the highest 4-byte private ASN on both sides", { awsAsn: 4294967294, azureAsn: 4200000000 }],
      ["AWS's eu-west-1 reservation outside eu-west-1", { azureAsn: 9059 }],
      ["the edges of Azure's APIPA range", { tunnelInsideCidrs: ["169.254.21.0/30", "169.254.22.252/30", "169.254.21.4/30", "169.254.22.4/30"] }],
    ])("accepts %s", (_, props) => {
      const h = hybridStack();
      new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, ...props });
      expect(() => synth(h.stack)).not.toThrow();
    });

    it.each([
      ["eu-west-1", 9059],
      ["ap-northeast-1", 10124],
      ["ap-southeast-1", 17943],
    ] as const)("refuses the ASN AWS reserves in %s (%i) for the Azure side, in that region only", (region, asn) => {
      const h = hybridStack(region);
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, azureAsn: asn }))).toBe(
        `s/link: azureAsn ${asn} is not valid: use an ASN other than ${asn}, which AWS reserves in ${region} (the region of s/aws-net)`,
      );
      const elsewhere = hybridStack(region === "eu-west-1" ? "ap-southeast-1" : "eu-west-1");
      expect(() => new CrossCloudLink(elsewhere.stack, "link", { aws: elsewhere.aws, azure: elsewhere.azure, azureAsn: asn })).not.toThrow();
    });

    it("refuses a second link between the same two networks, even from another stack", () => {
      const h = hybridStack();
      new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
      const team = otherStack(h.stack.node.root as App, "team");
      expect(validationErrorOf(() => new CrossCloudLink(team, "link2", { aws: h.aws, azure: h.azure, tunnelInsideCidrs: ["169.254.21.16/30", "169.254.22.16/30", "169.254.21.20/30", "169.254.22.20/30"] }))).toBe(
        'team/link2: azure "s/azure-net" is not valid: use a network that no other CrossCloudLink joins to s/aws-net: s/link1 already does (its customer gateways would be this link\'s too, since AWS answers an identical request with the existing one, and destroying either link would cut the other)',
      );
    });

    it("refuses a link built in a stack whose AWS provider is in another region than the VPC", () => {
      const h = hybridStack();
      const team = otherStack(h.stack.node.root as App, "team", "us-west-2");
      expect(validationErrorOf(() => new CrossCloudLink(team, "link", { aws: h.aws, azure: h.azure }))).toBe(
        'team/link: aws "s/aws-net" is not valid: use a network in us-west-2, the region of the stack\'s AWS provider, which creates the link\'s customer gateways and VPN connections (or build the link in a stack whose provider is in us-east-1)',
      );
    });

    it("a Terraform reference in tunnelInsideCidrs is a ValidationError naming the link and the field, not a RangeError", () => {
      const h = hybridStack();
      const fromVariable = new TerraformVariable(h.stack, "tunnel", { type: "string" }).stringValue;
      let error: unknown;
      try {
        new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure, tunnelInsideCidrs: [fromVariable, "169.254.21.4/30", "169.254.22.0/30", "169.254.22.4/30"] });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/^s\/link: tunnelInsideCidrs\[0\] "\$\{TfToken\[TOKEN\.\d+\]\}" is not valid: use a literal \/30 such as 169\.254\.21\.0\/30 \(both tunnel ends are computed from it at synth\), not a Terraform reference or variable$/);
    });

    it("rejects a second link that asks the shared gateway for another SKU", () => {
      const h = hybridStack();
      new CrossCloudLink(h.stack, "link1", { aws: h.aws, azure: h.azure });
      const other = new AwsNetwork(h.stack, "aws-b", { cidr: "10.12.0.0/16", zones: ["use1-az6"] });
      expect(validationErrorOf(() => new CrossCloudLink(h.stack, "link2", { aws: other, azure: h.azure, azureGatewaySku: "VpnGw5AZ" }))).toBe(
        's/azure-net: azureGatewaySku "VpnGw5AZ" is not valid: use VpnGw2AZ, the SKU of the VNet\'s gateway that another link or site already set up',
      );
    });
  });
});
