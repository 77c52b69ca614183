import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { SSH_KEY, errorOf, resources, synth, withNetwork } from "./helpers";

const DENY_INTERNET = {
  name: "deny-internet-inbound", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*",
  source_address_prefix: "Internet", source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*",
  description: "Nothing from the internet reaches the GPU nodes",
};

// Terraform JSON writes every field of an inline rule; the unset ones are null.
const rulesOf = (nsg: { security_rule: Record<string, unknown>[] }) => nsg.security_rule.map((r) => Object.fromEntries(Object.entries(r).filter(([, value]) => value !== null)));

describe("AzureGpuCluster.allowFrom", () => {
  it("has only the internet deny rule by default", () => {
    const { stack, network } = withNetwork();
    new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY });
    const [nsg] = resources(synth(stack), "azurerm_network_security_group").filter((n) => String(n.name).includes("train"));
    expect(rulesOf(nsg!)).toEqual([DENY_INTERNET]);
  });

  it("adds one allow rule per entry, from priority 1000, TCP for ports and every protocol for all", () => {
    const { stack, network } = withNetwork();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const aws = new AwsNetwork(stack, "aws-net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    const cluster = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY, allowFrom: [{ from: aws, ports: "all" }] });
    cluster.allowFrom({ from: "192.168.10.0/24", ports: [22, [29400, 29500]], description: "SSH and rendezvous" });
    const [nsg] = resources(synth(stack), "azurerm_network_security_group").filter((n) => String(n.name).includes("train"));
    expect(rulesOf(nsg!)).toEqual([
      DENY_INTERNET,
      { name: "allow-from-0", priority: 1000, direction: "Inbound", access: "Allow", protocol: "*", source_address_prefixes: ["10.10.0.0/16"], source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*", description: "from s/aws-net" },
      { name: "allow-from-1", priority: 1001, direction: "Inbound", access: "Allow", protocol: "Tcp", source_address_prefixes: ["192.168.10.0/24"], source_port_range: "*", destination_address_prefix: "*", destination_port_ranges: ["22", "29400-29500"], description: "SSH and rendezvous" },
    ]);
  });

  it("refuses a public source with the entry's index", () => {
    const { stack, network } = withNetwork();
    expect(errorOf(() => new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY, allowFrom: [{ from: "20.0.0.0/8", ports: "all" }] }))).toBe(
      's/train: allowFrom[0].from "20.0.0.0/8" is not valid: use a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): GPU nodes are never opened to the internet',
    );
  });
});
