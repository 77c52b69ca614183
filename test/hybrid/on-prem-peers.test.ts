import { type App, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../lib/azure/network";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite, type OnPremSiteProps } from "../../lib/hybrid/on-prem-site";
import { SSH_KEY } from "../azure/helpers";
import { validationErrorOf, hybridStack, otherStack, synth, warningsOf } from "./helpers";
import { synthErrorsOf } from "../helpers";

const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100 };

describe("OnPremSite ASN and the gateways whose routes reach it", () => {
  it("fails synth when the site's ASN is a linked Azure gateway's: the Azure routes would be dropped", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure, azureAsn: 65010 });
    new OnPremSite(stack, "dc", { ...base, bgpAsn: 65010, connectTo: [aws] });
    expect(synthErrorsOf(() => synth(stack))).toContain(
      "s/dc: bgpAsn 65010 is not valid: use an ASN other than 65010, the ASN of s/azure-net's VPN gateway, whose routes reach the site through s/link: BGP drops every route whose AS path holds the receiver's own ASN",
    );
  });

  it("fails synth when the site's ASN is a linked AWS gateway's, whichever order they are built in", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, bgpAsn: 64600, connectTo: [azure] });
    new CrossCloudLink(stack, "link", { aws, azure, awsAsn: 64600 });
    expect(synthErrorsOf(() => synth(stack))).toContain(
      "s/dc: bgpAsn 64600 is not valid: use an ASN other than 64600, the ASN of s/aws-net's virtual private gateway, whose routes reach the site through s/link: BGP drops every route whose AS path holds the receiver's own ASN",
    );
  });

  it("follows links across networks and stacks", () => {
    const { stack, aws, azure } = hybridStack();
    const team = otherStack(stack.node.root as App, "team");
    const awsB = new AwsNetwork(team, "aws-b", { cidr: "10.12.0.0/16", zones: ["use1-az6"] });
    new CrossCloudLink(stack, "link1", { aws, azure });
    new CrossCloudLink(team, "link2", { aws: awsB, azure, awsAsn: 64600, tunnelInsideCidrs: ["169.254.21.8/30", "169.254.22.8/30", "169.254.21.12/30", "169.254.22.12/30"] });
    new OnPremSite(stack, "dc", { ...base, bgpAsn: 64600, connectTo: [aws] });
    expect(synthErrorsOf(() => synth(stack))).toContain(
      "s/dc: bgpAsn 64600 is not valid: use an ASN other than 64600, the ASN of team/aws-b's virtual private gateway, whose routes reach the site through s/link1 and team/link2: BGP drops every route whose AS path holds the receiver's own ASN",
    );
  });

  it("accepts an ASN no reached gateway has, and the ASN of a gateway no link reaches", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure, azureAsn: 65010 });
    new OnPremSite(stack, "dc", { ...base, bgpAsn: 65011, connectTo: [aws] });
    const lone = new AzureNetwork(stack, "azure-lone", { cidr: "10.40.0.0/16", location: "westus3" });
    new OnPremSite(stack, "dc2", { ...base, name: "muc-dc2", cidrs: ["192.169.0.0/16"], bgpAsn: 65010, connectTo: [lone] });
    expect(() => synth(stack)).not.toThrow();
  });
});

describe("OnPremSite blocks and InfiniBand's reserved 172.16.0.0/16", () => {
  const build = (props: Partial<OnPremSiteProps>, cluster: string | null = "Standard_ND96isr_H100_v5", viaLink = false) => {
    const { stack, aws, azure } = hybridStack();
    if (cluster) new AzureGpuCluster(stack, "azure-training", { network: azure, vmSize: cluster, nodes: 2, zone: "1", sshPublicKey: SSH_KEY });
    if (viaLink) new CrossCloudLink(stack, "link", { aws, azure });
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: viaLink ? [aws] : [azure], ...props });
    synth(stack);
    return warningsOf(site);
  };

  it("warns when a block overlaps it and an InfiniBand cluster runs in a network the site reaches", () => {
    expect(build({ cidrs: ["192.168.0.0/16", "172.16.0.0/12"] })).toEqual([
      "s/dc: cidrs[1] 172.16.0.0/12 overlaps 172.16.0.0/16, which InfiniBand VMs reserve for their RDMA network: the nodes of s/azure-training (in s/azure-net) cannot reach the site's addresses there",
    ]);
    expect(build({ cidrs: ["172.16.255.0/24"] }, "Standard_ND96isr_H100_v5", true)).toEqual([
      "s/dc: cidrs[0] 172.16.255.0/24 overlaps 172.16.0.0/16, which InfiniBand VMs reserve for their RDMA network: the nodes of s/azure-training (in s/azure-net) cannot reach the site's addresses there",
    ]);
  });

  it("names every InfiniBand cluster the site reaches, and warns once however often the app is synthesized", () => {
    const { stack, azure } = hybridStack();
    new AzureGpuCluster(stack, "azure-training", { network: azure, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY });
    new AzureGpuCluster(stack, "azure-eval", { network: azure, vmSize: "Standard_ND96isr_H100_v5", nodes: 1, zone: "1", sshPublicKey: SSH_KEY });
    const site = new OnPremSite(stack, "dc", { ...base, cidrs: ["172.16.0.0/17", "172.16.128.0/17"], connectTo: [azure] });
    synth(stack);
    synth(stack);
    expect(warningsOf(site)).toEqual([
      "s/dc: cidrs[0] 172.16.0.0/17 overlaps 172.16.0.0/16, which InfiniBand VMs reserve for their RDMA network: the nodes of s/azure-training (in s/azure-net), s/azure-eval (in s/azure-net) cannot reach the site's addresses there",
      "s/dc: cidrs[1] 172.16.128.0/17 overlaps 172.16.0.0/16, which InfiniBand VMs reserve for their RDMA network: the nodes of s/azure-training (in s/azure-net), s/azure-eval (in s/azure-net) cannot reach the site's addresses there",
    ]);
  });

  it("says nothing for blocks just outside it, or where no InfiniBand cluster runs", () => {
    expect(build({ cidrs: ["172.17.0.0/16", "172.15.0.0/16"] })).toEqual([]);
    expect(build({ cidrs: ["172.16.0.0/12"] }, null)).toEqual([]);
    expect(build({ cidrs: ["172.16.0.0/12"] }, "Standard_NC40ads_H100_v5")).toEqual([]);
  });
});

describe("OnPremSite duplicates", () => {
  it("refuses a second site with the same device address on a shared network, even from another stack", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure] });
    const team = otherStack(stack.node.root as App, "team");
    expect(validationErrorOf(() => new OnPremSite(team, "dc2", { ...base, name: "fra-dc2", cidrs: ["192.169.0.0/16"], bgpAsn: 65200, connectTo: [azure] }))).toBe(
      'team/dc2: publicIp "198.51.99.10" is not valid: use another VPN device\'s address: s/dc already connects 198.51.99.10 to s/azure-net (one device is one site per network; on AWS an identical customer gateway request returns the existing one, so destroying either site would cut the other)',
    );
  });

  it("refuses a second site whose device address is the same Terraform expression, and accepts a different one", () => {
    const { stack, azure } = hybridStack();
    const address = new TerraformVariable(stack, "device", { type: "string" }).stringValue;
    const other = new TerraformVariable(stack, "device2", { type: "string" }).stringValue;
    new OnPremSite(stack, "dc", { ...base, publicIp: address, connectTo: [azure] });
    new OnPremSite(stack, "dc3", { ...base, name: "fra-dc3", publicIp: other, cidrs: ["192.170.0.0/16"], bgpAsn: 65300, connectTo: [azure] });
    expect(validationErrorOf(() => new OnPremSite(stack, "dc2", { ...base, name: "fra-dc2", publicIp: address, cidrs: ["192.169.0.0/16"], bgpAsn: 65200, connectTo: [azure] }))).toBe(
      's/dc2: publicIp "(an expression)" is not valid: use another VPN device\'s address: s/dc already connects the same expression to s/azure-net (one device is one site per network; on AWS an identical customer gateway request returns the existing one, so destroying either site would cut the other)',
    );
  });

  it("accepts the same device address on networks the two sites do not share", () => {
    const { stack, aws, azure } = hybridStack();
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws] });
    new OnPremSite(stack, "dc2", { ...base, name: "fra-dc2", cidrs: ["192.169.0.0/16"], connectTo: [azure] });
    expect(() => synth(stack)).not.toThrow();
  });

  it("makes a site's second customer gateway in a region its own with a device name (AWS would return the first)", () => {
    const { stack, aws } = hybridStack();
    const awsB = new AwsNetwork(stack, "aws-b", { cidr: "10.12.0.0/16", zones: ["use1-az6"] });
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws, awsB] });
    const cgws = synth(stack).resource.aws_customer_gateway;
    const of = (network: string) => Object.entries(cgws).find(([key]) => key.includes(`aws-${network}-cgw`))![1] as Record<string, unknown>;
    expect([of("aws-net"), of("aws-b")].map((c) => [c.ip_address, c.bgp_asn, c.device_name])).toEqual([
      ["198.51.99.10", "65100", undefined],
      ["198.51.99.10", "65100", "s/dc/aws-aws-b-cgw"],
    ]);
  });

  it("refuses a VPC in another region than the AWS provider of the site's stack", () => {
    const { stack, aws } = hybridStack();
    const team = otherStack(stack.node.root as App, "team", "us-west-2");
    expect(validationErrorOf(() => new OnPremSite(team, "dc", { ...base, connectTo: [aws] }))).toBe(
      'team/dc: connectTo[0] "s/aws-net" is not valid: use a network in us-west-2, the region of the stack\'s AWS provider, which creates the site\'s customer gateway and VPN connections (or build the site in a stack whose provider is in us-east-1)',
    );
  });
});
