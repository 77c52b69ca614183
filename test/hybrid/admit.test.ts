import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { SSH_KEY } from "../azure/helpers";
import { validationErrorOf, hybridStack, resources, synth } from "./helpers";

const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16", "10.99.0.0/16"], bgpAsn: 65100 };

function clusters() {
  const h = hybridStack();
  const awsCluster = new AwsGpuCluster(h.stack, "aws-train", { network: h.aws, instanceType: "p5.48xlarge", nodes: 2 });
  const azureCluster = new AzureGpuCluster(h.stack, "azure-train", { network: h.azure, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY });
  return { ...h, awsCluster, azureCluster };
}

const ingressFromOutside = (tf: unknown) => resources(tf, "aws_vpc_security_group_ingress_rule").filter((r) => r.cidr_ipv4 !== undefined).map(({ tags: _tags, security_group_id: _sg, ...r }) => r);
const nsgAllowRules = (tf: unknown) => resources(tf, "azurerm_network_security_group").flatMap((g) => (g.security_rule ?? []).filter((r: { name: string }) => r.name.startsWith("allow-from")));

describe("CrossCloudLink.admit", () => {
  it("opens the AWS cluster to the Azure network and the Azure cluster to the AWS network, and chains", () => {
    const { stack, aws, azure, awsCluster, azureCluster } = clusters();
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(link.admit(awsCluster, { ports: [22, [29400, 29500]] }).admit(azureCluster, { ports: "all", description: "NCCL from AWS" })).toBe(link);
    const tf = synth(stack);
    expect(ingressFromOutside(tf)).toEqual([
      { cidr_ipv4: "10.20.0.0/16", ip_protocol: "tcp", from_port: 22, to_port: 22, description: "from s/azure-net over s/link" },
      { cidr_ipv4: "10.20.0.0/16", ip_protocol: "tcp", from_port: 29400, to_port: 29500, description: "from s/azure-net over s/link" },
    ]);
    expect(nsgAllowRules(tf)).toEqual([
      expect.objectContaining({ direction: "Inbound", access: "Allow", protocol: "*", source_address_prefixes: ["10.10.0.0/16"], destination_port_range: "*", description: "NCCL from AWS" }),
    ]);
  });

  it("admits nothing until asked", () => {
    const { stack, aws, azure } = clusters();
    new CrossCloudLink(stack, "link", { aws, azure });
    const tf = synth(stack);
    expect(ingressFromOutside(tf)).toEqual([]);
    expect(nsgAllowRules(tf)).toEqual([]);
  });

  it("refuses a cluster in neither of the link's networks", () => {
    const { stack, aws, azure } = clusters();
    const other = new AwsNetwork(stack, "aws-b", { cidr: "10.12.0.0/16", zones: ["use1-az4"] });
    const elsewhere = new AwsGpuCluster(stack, "elsewhere", { network: other, instanceType: "p5.48xlarge", nodes: 1 });
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(validationErrorOf(() => link.admit(elsewhere, { ports: "all" }))).toBe(
      's/link: cluster "s/elsewhere" is not valid: use a cluster in s/aws-net or s/azure-net, the networks the link joins (this one is in s/aws-b)',
    );
  });

  it.each<[string, unknown, string]>([
    ["no cluster", undefined, "(missing)"],
    ["an object that is no construct", {}, "{}"],
  ])("refuses %s with a ValidationError", (_, cluster, shown) => {
    const { stack, aws, azure } = hybridStack();
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(validationErrorOf(() => link.admit(cluster as never, { ports: "all" }))).toBe(
      `s/link: cluster ${shown} is not valid: use a cluster in s/aws-net or s/azure-net, the networks the link joins`,
    );
  });

  it("without options, reports the cluster's missing ports rather than failing on the options", () => {
    const { stack, aws, azure, awsCluster } = clusters();
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(validationErrorOf(() => link.admit(awsCluster, undefined as never))).toBe(
      's/aws-train: allowFrom[0].ports (missing) is not valid: use "all" or a non-empty list of ports and [from, to] ranges, e.g. [22, [29400, 29500]]',
    );
  });

  it("passes bad ports on to the cluster's own rule", () => {
    const { stack, aws, azure, awsCluster } = clusters();
    const link = new CrossCloudLink(stack, "link", { aws, azure });
    expect(validationErrorOf(() => link.admit(awsCluster, { ports: [70000] }))).toBe("s/aws-train: allowFrom[0].ports[0] 70000 is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to");
  });
});

describe("OnPremSite.admit", () => {
  it("opens a cluster of a connected network to every block of the site", () => {
    const { stack, aws, azure, awsCluster, azureCluster } = clusters();
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure] });
    site.admit(awsCluster, { ports: [22] }).admit(azureCluster, { ports: [22], description: "SSH from the data centre" });
    const tf = synth(stack);
    expect(ingressFromOutside(tf)).toEqual([
      { cidr_ipv4: "192.168.0.0/16", ip_protocol: "tcp", from_port: 22, to_port: 22, description: "from on-prem site fra-dc1 (s/dc)" },
      { cidr_ipv4: "10.99.0.0/16", ip_protocol: "tcp", from_port: 22, to_port: 22, description: "from on-prem site fra-dc1 (s/dc)" },
    ]);
    expect(nsgAllowRules(tf)).toEqual([
      expect.objectContaining({ protocol: "Tcp", source_address_prefixes: ["192.168.0.0/16", "10.99.0.0/16"], destination_port_ranges: ["22"], description: "SSH from the data centre" }),
    ]);
  });

  it("refuses a cluster in a network the site does not connect to, even one a link reaches", () => {
    const { stack, aws, azure, azureCluster } = clusters();
    new CrossCloudLink(stack, "link", { aws, azure });
    const site = new OnPremSite(stack, "dc", { ...base, connectTo: [aws] });
    expect(validationErrorOf(() => site.admit(azureCluster, { ports: [22] }))).toBe(
      's/dc: cluster "s/azure-train" is not valid: use a cluster in s/aws-net, the networks the site connects to (this one is in s/azure-net)',
    );
  });
});
