import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureGpuCluster, type AzureGpuClusterProps } from "../../lib/azure/gpu-cluster";
import { AzureLustreStorage } from "../../lib/azure/lustre-storage";
import { SSH_KEY, validationErrorOf, resources, synth, withNetwork } from "./helpers";

// Terraform JSON writes every field of an inline rule; the unset ones are null.
type Rule = Record<string, unknown>;
const rulesOf = (tf: { resource: Record<string, Record<string, { name: string; security_rule: Rule[] }>> }) =>
  Object.values(tf.resource.azurerm_network_security_group!)
    .find((n) => n.name === "s-train-nodes")!
    .security_rule.map((r) => Object.fromEntries(Object.entries(r).filter(([, value]) => value !== null)));

const ASG = "${azurerm_application_security_group.train_asg_BB647414.id}";
const CLUSTER = { name: "allow-cluster-inbound", priority: 100, direction: "Inbound", access: "Allow", protocol: "*", source_application_security_group_ids: [ASG], source_port_range: "*", destination_application_security_group_ids: [ASG], destination_port_range: "*", description: "The cluster's own nodes (NCCL, rendezvous)" };
const PROBES = { name: "allow-load-balancer-probes", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", source_address_prefix: "AzureLoadBalancer", source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*", description: "Azure's health probes" };
const DENY_VNET = { name: "deny-virtual-network-inbound", priority: 3900, direction: "Inbound", access: "Deny", protocol: "*", source_address_prefix: "VirtualNetwork", source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*", description: "Nothing else from the virtual network, its peers, VPN sites or linked clouds" };
const DENY_INTERNET = { name: "deny-internet-inbound", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", source_address_prefix: "Internet", source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*", description: "Nothing from the internet reaches the GPU nodes" };

function cluster(props: Partial<AzureGpuClusterProps> = {}) {
  const { stack, network } = withNetwork();
  const c = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY, ...props });
  return { stack, network, cluster: c };
}

describe("Azure GPU nodes' firewall", () => {
  it("admits only the cluster itself and Azure's probes, denying the rest of the virtual network and the internet", () => {
    const { stack } = cluster();
    const tf = synth(stack);
    expect(rulesOf(tf)).toEqual([CLUSTER, PROBES, DENY_VNET, DENY_INTERNET]);
    expect(resources(tf, "azurerm_application_security_group")).toEqual([expect.objectContaining({ name: "s-train-nodes", location: "eastus" })]);
  });

  it("admits the Managed Lustre servers of the file system the nodes mount, on Lustre's ports only", () => {
    const { stack, network } = withNetwork();
    const fs = new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1" });
    new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY, storage: fs });
    expect(rulesOf(synth(stack))).toEqual([
      CLUSTER,
      PROBES,
      { name: "allow-lustre-servers", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", source_address_prefix: "10.20.128.0/24", source_port_range: "*", destination_address_prefix: "*", destination_port_ranges: ["988", "1019-1023"], description: "Managed Lustre servers to their clients" },
      DENY_VNET,
      DENY_INTERNET,
    ]);
  });

  it("adds allowFrom rules from priority 1000, before the closing denies: TCP for ports, every protocol for all", () => {
    const { stack, network } = withNetwork();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const aws = new AwsNetwork(stack, "aws-net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    const c = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", sshPublicKey: SSH_KEY, allowFrom: [{ from: aws, ports: "all" }] });
    c.allowFrom({ from: "192.168.10.0/24", ports: [22, [29400, 29500]], description: "SSH and rendezvous" });
    expect(rulesOf(synth(stack))).toEqual([
      CLUSTER,
      PROBES,
      { name: "allow-from-0", priority: 1000, direction: "Inbound", access: "Allow", protocol: "*", source_address_prefixes: ["10.10.0.0/16"], source_port_range: "*", destination_address_prefix: "*", destination_port_range: "*", description: "from s/aws-net" },
      { name: "allow-from-1", priority: 1001, direction: "Inbound", access: "Allow", protocol: "Tcp", source_address_prefixes: ["192.168.10.0/24"], source_port_range: "*", destination_address_prefix: "*", destination_port_ranges: ["22", "29400-29500"], description: "SSH and rendezvous" },
      DENY_VNET,
      DENY_INTERNET,
    ]);
  });

  it("refuses a public source with the entry's index", () => {
    expect(validationErrorOf(() => cluster({ allowFrom: [{ from: "20.0.0.0/8", ports: "all" }] }))).toBe(
      's/train: allowFrom[0].from "20.0.0.0/8" is not valid: use a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): GPU nodes are never opened to the internet',
    );
  });

  it("encrypts at the host by default, and not when turned off", () => {
    const vmss = (props: Partial<AzureGpuClusterProps>) => resources(synth(cluster(props).stack), "azurerm_linux_virtual_machine_scale_set")[0];
    expect(vmss({}).encryption_at_host_enabled).toBe(true);
    expect(vmss({ encryptionAtHost: false }).encryption_at_host_enabled).toBe(false);
  });
});
