import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { LinuxVirtualMachineScaleSet, type LinuxVirtualMachineScaleSetNetworkInterface } from "@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set";
import { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageAccountNetworkRulesA } from "@cdktf/provider-azurerm/lib/storage-account-network-rules";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../../lib/azure/network";
import { GpuTask } from "../../../lib/task/gpu-task";
import { evaluateGpuPolicies } from "../../../lib/team/policies";
import { SSH_KEY, azureStack, messages } from "./helpers";

const where = { resourceGroupName: "rg", location: "eastus" };

function scaleSet(stack: TerraformStack, networkInterface: LinuxVirtualMachineScaleSetNetworkInterface[]): LinuxVirtualMachineScaleSet {
  return new LinuxVirtualMachineScaleSet(stack, "vmss", {
    ...where, name: "gpu", sku: "Standard_ND96isr_H100_v5", instances: 2, adminUsername: "azureuser",
    adminSshKey: [{ username: "azureuser", publicKey: SSH_KEY }],
    sourceImageReference: { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest" },
    osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    networkInterface,
  });
}

function account(stack: TerraformStack, props: Partial<StorageAccountConfig> = {}, id = "account"): StorageAccount {
  return new StorageAccount(stack, id, {
    ...where, name: "mlruns", accountTier: "Standard", accountReplicationType: "LRS",
    minTlsVersion: "TLS1_2", httpsTrafficOnlyEnabled: true, allowNestedItemsToBePublic: false, infrastructureEncryptionEnabled: true,
    publicNetworkAccessEnabled: false,
    ...props,
  });
}

describe("HGPU-AZ-1 GPU nodes have no public IP", () => {
  it("passes a scale set and a NIC with private addresses only", () => {
    const stack = azureStack();
    scaleSet(stack, [{ name: "nic", primary: true, ipConfiguration: [{ name: "internal", primary: true, subnetId: "subnet-1" }] }]);
    new NetworkInterface(stack, "nic", { ...where, name: "nic", ipConfiguration: [{ name: "internal", privateIpAddressAllocation: "Dynamic", subnetId: "subnet-1" }] });
    expect(messages(stack, "HGPU-AZ-1")).toEqual([]);
  });

  it("flags a scale set ip_configuration with a public_ip_address and a NIC with a public IP", () => {
    const stack = azureStack();
    scaleSet(stack, [{ name: "nic", primary: true, ipConfiguration: [{ name: "internal", primary: true, subnetId: "subnet-1", publicIpAddress: [{ name: "pip" }] }] }]);
    new NetworkInterface(stack, "nic", { ...where, name: "nic", ipConfiguration: [{ name: "internal", privateIpAddressAllocation: "Dynamic", publicIpAddressId: "pip-1" }] });
    expect(messages(stack, "HGPU-AZ-1")).toEqual([
      "s/vmss: HGPU-AZ-1 GPU nodes have no public IP: network_interface[0].ip_configuration[0] has a public_ip_address",
      "s/nic: HGPU-AZ-1 GPU nodes have no public IP: ip_configuration[0] sets public_ip_address_id",
    ]);
  });

  it("flags AKS node pools (and a cluster's default pool) that give every node a public IP", () => {
    const stack = azureStack();
    const aks = new KubernetesCluster(stack, "aks", {
      ...where, name: "aks", dnsPrefix: "aks", identity: { type: "SystemAssigned" },
      defaultNodePool: { name: "system", vmSize: "Standard_D4s_v5", nodeCount: 1, nodePublicIpEnabled: true },
    });
    new KubernetesClusterNodePool(stack, "gpu-pool", { name: "gpu", kubernetesClusterId: aks.id, vmSize: "Standard_ND96isr_H100_v5", nodeCount: 2, nodePublicIpEnabled: true });
    new KubernetesClusterNodePool(stack, "private-pool", { name: "private", kubernetesClusterId: aks.id, vmSize: "Standard_ND96isr_H100_v5", nodeCount: 2, nodePublicIpEnabled: false });
    new KubernetesClusterNodePool(stack, "default-pool", { name: "plain", kubernetesClusterId: aks.id, vmSize: "Standard_ND96isr_H100_v5", nodeCount: 2 });
    expect(messages(stack, "HGPU-AZ-1")).toEqual([
      "s/aks: HGPU-AZ-1 GPU nodes have no public IP: default_node_pool.node_public_ip_enabled is true: every node of the pool gets a public IP",
      "s/gpu-pool: HGPU-AZ-1 GPU nodes have no public IP: node_public_ip_enabled is true: every node of the pool gets a public IP",
    ]);
  });
});

describe("HGPU-AZ-4 Storage accounts use infrastructure encryption", () => {
  it("passes an account with infrastructure encryption", () => {
    const stack = azureStack();
    account(stack);
    expect(messages(stack, "HGPU-AZ-4")).toEqual([]);
  });

  it("flags an account without it", () => {
    const stack = azureStack();
    account(stack, { infrastructureEncryptionEnabled: false });
    expect(messages(stack, "HGPU-AZ-4")).toEqual(["s/account: HGPU-AZ-4 Storage accounts use infrastructure encryption: infrastructure_encryption_enabled is not true"]);
  });
});

describe("HGPU-AZ-5 Storage accounts are private and TLS-only", () => {
  it("passes a private TLS 1.2 account (TLS and HTTPS-only may be left at their defaults)", () => {
    const stack = azureStack();
    account(stack, { minTlsVersion: undefined, httpsTrafficOnlyEnabled: undefined });
    expect(messages(stack, "HGPU-AZ-5")).toEqual([]);
  });

  it("flags public containers, old TLS and plain HTTP", () => {
    const stack = azureStack();
    account(stack, { allowNestedItemsToBePublic: undefined, minTlsVersion: "TLS1_0", httpsTrafficOnlyEnabled: false });
    expect(messages(stack, "HGPU-AZ-5")).toEqual([
      's/account: HGPU-AZ-5 Storage accounts are private and TLS-only: allow_nested_items_to_be_public is not set, use false; min_tls_version is "TLS1_0", use "TLS1_2"; https_traffic_only_enabled is false',
    ]);
  });
});

describe("HGPU-AZ-5 network access", () => {
  it("passes an account without public network access, or whose network rules deny by default (inline or a separate resource)", () => {
    const stack = azureStack();
    account(stack);
    account(stack, { publicNetworkAccessEnabled: undefined, networkRules: { defaultAction: "Deny", virtualNetworkSubnetIds: ["subnet-1"] } }, "inline");
    const separate = account(stack, { publicNetworkAccessEnabled: true }, "separate");
    new StorageAccountNetworkRulesA(stack, "rules", { storageAccountId: separate.id, defaultAction: "Deny" });
    expect(messages(stack, "HGPU-AZ-5")).toEqual([]);
  });

  it("warns (and does not fail) when the account accepts connections from every network", () => {
    const stack = azureStack();
    account(stack, { publicNetworkAccessEnabled: undefined, networkRules: { defaultAction: "Allow" } });
    const findings = evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AZ-5");
    expect(findings.map((f) => [f.level, f.message])).toEqual([[
      "warning",
      's/account: HGPU-AZ-5 Storage accounts are private and TLS-only: public_network_access_enabled is not set with network_rules default_action "Allow": ' +
        'the account accepts connections from every network (set public_network_access_enabled = false, or network_rules default_action "Deny")',
    ]]);
  });

  it("adds the network finding to the errors of an account that is also public or plain HTTP", () => {
    const stack = azureStack();
    account(stack, { publicNetworkAccessEnabled: true, allowNestedItemsToBePublic: true });
    const findings = evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => f.ruleId === "HGPU-AZ-5");
    expect(findings.map((f) => [f.level, f.detail])).toEqual([[
      "error",
      "allow_nested_items_to_be_public is true, use false; public_network_access_enabled is true with no network_rules: the account accepts connections from every network " +
        '(set public_network_access_enabled = false, or network_rules default_action "Deny")',
    ]]);
  });
});

describe("HGPU-AZ-6 GPU tasks have a finite deadline", () => {
  // In a given network, so that the deadline's Logic App is the only one that touches the scale set
  // (a task with its own network also deletes it, with the network, after the grace).
  function azureTask(): { stack: TerraformStack; task: GpuTask } {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
    const task = new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], azure: { sshPublicKey: SSH_KEY } });
    return { stack, task };
  }

  it("passes a GpuTask: its Logic App scales the scale set to 0 from the deadline on", () => {
    expect(messages(azureTask().stack, "HGPU-AZ-6")).toEqual([]);
  });

  it("flags a task whose deadline action names another scale set (by an ID built from the group's ID and a name)", () => {
    const { stack, task } = azureTask();
    const action = task.node.findChild("deadline-action") as LogicAppActionCustom;
    const tf = stack.toTerraform() as { resource: Record<string, Record<string, { body: string }>> };
    const body = String(tf.resource.azurerm_logic_app_action_custom![action.friendlyUniqueId]!.body);
    expect(body).toMatch(/virtualMachineScaleSets\/s-task-cluster\?/);
    action.addOverride("body", body.replace("virtualMachineScaleSets/s-task-cluster?", "virtualMachineScaleSets/s-other-cluster?"));
    expect(messages(stack, "HGPU-AZ-6")).toEqual(["s/task/cluster/vmss: HGPU-AZ-6 GPU tasks have a finite deadline: no Logic App action in task s/task that runs at the deadline refers to the scale set"]);
  });

  it("does not judge scale sets outside a task", () => {
    const stack = azureStack();
    scaleSet(stack, [{ name: "nic", primary: true, ipConfiguration: [{ name: "internal", primary: true }] }]);
    expect(messages(stack, "HGPU-AZ-6")).toEqual([]);
  });

  it("flags a task whose deadline action no longer touches the scale set", () => {
    const { stack, task } = azureTask();
    (task.node.findChild("deadline-action") as LogicAppActionCustom).addOverride("body", JSON.stringify({ type: "Http", inputs: { method: "GET", uri: "https://example.com" } }));
    expect(messages(stack, "HGPU-AZ-6")).toEqual(["s/task/cluster/vmss: HGPU-AZ-6 GPU tasks have a finite deadline: no Logic App action in task s/task that runs at the deadline refers to the scale set"]);
  });
});

describe("HGPU-AZ-7 Required tags are present", () => {
  const required = { requiredTags: ["team", "cost-center"] };

  it("passes a resource group with the required tags", () => {
    const stack = azureStack();
    new ResourceGroup(stack, "rg", { name: "rg", location: "eastus", tags: { team: "ml", "cost-center": "cc-1" } });
    expect(messages(stack, "HGPU-AZ-7", required)).toEqual([]);
  });

  it("flags a resource without them", () => {
    const stack = azureStack();
    new ResourceGroup(stack, "rg", { name: "rg", location: "eastus", tags: { team: "ml" } });
    expect(messages(stack, "HGPU-AZ-7", required)).toEqual(["s/rg: HGPU-AZ-7 Required tags are present: missing tag cost-center"]);
  });
});

describe("HGPU-AZ-9 Network security groups admit nothing from the internet", () => {
  it("passes deny rules and inbound allows from private ranges", () => {
    const stack = azureStack();
    new NetworkSecurityGroup(stack, "nsg", {
      ...where, name: "nsg",
      securityRule: [
        { name: "deny-internet", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
        { name: "vnet-ssh", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.0.0.0/8", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" },
      ],
    });
    expect(messages(stack, "HGPU-AZ-9")).toEqual([]);
  });

  it.each([
    ["VirtualNetwork", []],
    ["*", []],
    ["Any", []],
    ["Internet", [
      "s/nsg: HGPU-AZ-9 Network security groups admit nothing from the internet: the group of GPU scale set azurerm_linux_virtual_machine_scale_set.vmss has no inbound Deny from VirtualNetwork, nor has any other group on " +
        "its path, so Azure's default rule AllowVnetInBound (65000) admits every peered and VPN-connected network on every port: deny VirtualNetwork below the rules that admit " +
        "the cluster's own traffic",
    ]],
  ])("a GPU scale set's group with an inbound Deny from %s: %j", (source, expected) => {
    const stack = azureStack();
    const nsg = new NetworkSecurityGroup(stack, "nsg", {
      ...where, name: "nsg",
      securityRule: [
        { name: "ssh", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.1.0.0/16", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" },
        { name: "deny", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
      ],
    });
    scaleSet(stack, [{ name: "nic", primary: true, networkSecurityGroupId: nsg.id, ipConfiguration: [{ name: "ip", primary: true, subnetId: "subnet-1" }] }]);
    expect(messages(stack, "HGPU-AZ-9")).toEqual(expected);
  });

  it("flags inbound allows from Internet, * or 0.0.0.0/0, inline or standalone", () => {
    const stack = azureStack();
    new NetworkSecurityGroup(stack, "nsg", {
      ...where, name: "nsg",
      securityRule: [{ name: "ssh", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" }],
    });
    new NetworkSecurityRule(stack, "rule", {
      resourceGroupName: "rg", networkSecurityGroupName: "nsg", name: "jupyter", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourceAddressPrefixes: ["10.0.0.0/8", "0.0.0.0/0"], sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "8888",
    });
    expect(messages(stack, "HGPU-AZ-9")).toEqual([
      "s/nsg: HGPU-AZ-9 Network security groups admit nothing from the internet: rule ssh allows inbound from Internet to port 22",
      "s/rule: HGPU-AZ-9 Network security groups admit nothing from the internet: rule jupyter allows inbound from 10.0.0.0/8, 0.0.0.0/0 to port 8888",
    ]);
  });
});
