/** Risky Azure patterns: open sources in every spelling, VirtualNetwork to GPU nodes, public IPs on every VM kind, unresolved settings. */
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { TerraformVariable } from "cdktf";
import { SCALE_SET, azureStack, inbound, raw, type RedTeamRow } from "./fixtures";

const NOT_VERIFIABLE = "which the pack cannot verify: use a literal value or suppress with a reason";
const WHERE = { resourceGroupName: "rg", location: "eastus" };
const TITLE = "HGPU-AZ-9 Network security groups admit nothing from the internet";
const VNET = "VirtualNetwork covers every peered and VPN-connected network; allow the cluster's own application security group or named private ranges";

/** A GPU scale set (Linux) on `subnet`, with `nsg` on its interface when given. */
function gpuScaleSet(scope: import("constructs").Construct, subnet: string, nsg?: string, ipExtra: Record<string, unknown> = {}, type = "azurerm_linux_virtual_machine_scale_set") {
  const size = type === "azurerm_orchestrated_virtual_machine_scale_set" ? { sku_name: "Standard_ND96isr_H100_v5", platform_fault_domain_count: 1 } : { sku: "Standard_ND96isr_H100_v5" };
  return raw(scope, "vmss", type, {
    ...SCALE_SET, name: "gpu", ...size,
    network_interface: [{ name: "nic", primary: true, ...(nsg ? { network_security_group_id: nsg } : {}), ip_configuration: [{ name: "ip", primary: true, subnet_id: subnet, ...ipExtra }] }],
  });
}

function nsgWith(scope: import("constructs").Construct, source: Record<string, unknown>, id = "nsg"): NetworkSecurityGroup {
  const nsg = new NetworkSecurityGroup(scope, id, { ...WHERE, name: id });
  nsg.addOverride("security_rule", [inbound("ssh", 100, source)]);
  return nsg;
}

export const AZURE_PATTERNS: readonly RedTeamRow[] = [
  {
    name: "NSG admits SSH from Any",
    build: (app) => { nsgWith(azureStack(app), { source_address_prefix: "Any" }); },
    expect: [["error", "HGPU-AZ-9", `s/nsg: ${TITLE}: rule ssh allows inbound from Any to port 22`]],
  },
  {
    name: "NSG admits SSH from AzureCloud (every Azure customer)",
    build: (app) => { nsgWith(azureStack(app), { source_address_prefix: "AzureCloud" }); },
    expect: [["error", "HGPU-AZ-9", `s/nsg: ${TITLE}: rule ssh allows inbound from AzureCloud to port 22`]],
  },
  {
    name: "NSG admits the whole IPv4 space as two halves",
    build: (app) => { nsgWith(azureStack(app), { source_address_prefixes: ["0.0.0.0/1", "128.0.0.0/1"] }); },
    expect: [["error", "HGPU-AZ-9", `s/nsg: ${TITLE}: rule ssh allows inbound from 0.0.0.0/1, 128.0.0.0/1 to port 22, which together cover the whole IPv4 space`]],
  },
  {
    name: "standalone NSG rule from ::/0",
    build: (app) => {
      new NetworkSecurityRule(azureStack(app), "rule", {
        resourceGroupName: "rg", networkSecurityGroupName: "nsg", name: "rendezvous", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp",
        sourceAddressPrefix: "::/0", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "29400",
      });
    },
    expect: [["error", "HGPU-AZ-9", `s/rule: ${TITLE}: rule rendezvous allows inbound from ::/0 to port 29400`]],
  },
  {
    name: "standalone NSG rule whose source is a variable without a default",
    build: (app) => {
      const stack = azureStack(app);
      new NetworkSecurityRule(stack, "rule", {
        resourceGroupName: "rg", networkSecurityGroupName: "nsg", name: "ssh", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp",
        sourceAddressPrefix: new TerraformVariable(stack, "source", { type: "string" }).stringValue, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22",
      });
    },
    expect: [["error", "HGPU-AZ-9", `s/rule: ${TITLE}: rule ssh: source_address_prefix is "\${var.source}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "allow from VirtualNetwork on the NSG of a GPU scale set's interface",
    build: (app) => {
      const stack = azureStack(app);
      const nsg = nsgWith(stack, { source_address_prefix: "VirtualNetwork" });
      gpuScaleSet(stack, "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/compute", nsg.id);
    },
    expect: [["error", "HGPU-AZ-9", `s/nsg: ${TITLE}: rule ssh allows inbound from VirtualNetwork to port 22 on the group of GPU scale set azurerm_linux_virtual_machine_scale_set.vmss: ${VNET}`]],
  },
  {
    name: "allow from VirtualNetwork on a subnet's NSG, the GPU scale set in another stack (cross-stack reference)",
    build: (app) => {
      const platform = azureStack(app, "platform");
      const subnet = new Subnet(platform, "compute", { name: "compute", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.0.0/20"] });
      const nsg = nsgWith(platform, { source_address_prefix: "VirtualNetwork" });
      new SubnetNetworkSecurityGroupAssociation(platform, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
      gpuScaleSet(azureStack(app, "team"), subnet.id);
    },
    expect: [["error", "HGPU-AZ-9", `platform/nsg: ${TITLE}: rule ssh allows inbound from VirtualNetwork to port 22 on the group of GPU scale set azurerm_linux_virtual_machine_scale_set.vmss in stack team: ${VNET}`]],
  },
  {
    name: "GPU NSG that never denies VirtualNetwork (Azure's default AllowVnetInBound)",
    build: (app) => {
      const stack = azureStack(app);
      const nsg = nsgWith(stack, { source_address_prefix: "10.1.0.0/16" });
      gpuScaleSet(stack, "subnet-1", nsg.id);
    },
    expect: [["warning", "HGPU-AZ-9", `s/nsg: ${TITLE}: the group of GPU scale set azurerm_linux_virtual_machine_scale_set.vmss has no inbound Deny from VirtualNetwork, nor has any other group on its path, so Azure's default rule AllowVnetInBound (65000) admits every peered and VPN-connected network on every port: deny VirtualNetwork below the rules that admit the cluster's own traffic`]],
  },
  {
    name: "public IP on a Windows GPU scale set",
    build: (app) => { gpuScaleSet(azureStack(app), "subnet-1", undefined, { public_ip_address: [{ name: "pip" }] }, "azurerm_windows_virtual_machine_scale_set"); },
    expect: [["error", "HGPU-AZ-1", "s/vmss: HGPU-AZ-1 GPU nodes have no public IP: network_interface[0].ip_configuration[0] has a public_ip_address"]],
  },
  {
    name: "public IP on an orchestrated GPU scale set",
    build: (app) => { gpuScaleSet(azureStack(app), "subnet-1", undefined, { public_ip_address: [{ name: "pip" }] }, "azurerm_orchestrated_virtual_machine_scale_set"); },
    expect: [["error", "HGPU-AZ-1", "s/vmss: HGPU-AZ-1 GPU nodes have no public IP: network_interface[0].ip_configuration[0] has a public_ip_address"]],
  },
  {
    name: "AKS GPU pool's public IPs from a variable without a default",
    build: (app) => {
      const stack = azureStack(app);
      raw(stack, "pool", "azurerm_kubernetes_cluster_node_pool", {
        name: "gpu", kubernetes_cluster_id: "/subscriptions/x/aks", vm_size: "Standard_NC24ads_A100_v4", node_count: 2,
        node_public_ip_enabled: new TerraformVariable(stack, "public", { type: "bool" }).booleanValue,
      });
    },
    expect: [["error", "HGPU-AZ-1", `s/pool: HGPU-AZ-1 GPU nodes have no public IP: node_public_ip_enabled is "\${var.public}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "storage account's public containers from a variable without a default",
    build: (app) => {
      const stack = azureStack(app);
      new StorageAccount(stack, "account", {
        ...WHERE, name: "mlruns", accountTier: "Standard", accountReplicationType: "LRS", infrastructureEncryptionEnabled: true, publicNetworkAccessEnabled: false, sharedAccessKeyEnabled: false,
        allowNestedItemsToBePublic: new TerraformVariable(stack, "public", { type: "bool" }).booleanValue,
      });
    },
    expect: [["error", "HGPU-AZ-5", `s/account: HGPU-AZ-5 Storage accounts are private and TLS-only: allow_nested_items_to_be_public is "\${var.public}", ${NOT_VERIFIABLE}`]],
  },
  {
    name: "infrastructure encryption from a variable without a default",
    build: (app) => {
      const stack = azureStack(app);
      new StorageAccount(stack, "account", {
        ...WHERE, name: "mlruns", accountTier: "Standard", accountReplicationType: "LRS", allowNestedItemsToBePublic: false, publicNetworkAccessEnabled: false, sharedAccessKeyEnabled: false,
        infrastructureEncryptionEnabled: new TerraformVariable(stack, "double", { type: "bool" }).booleanValue,
      });
    },
    expect: [["warning", "HGPU-AZ-4", `s/account: HGPU-AZ-4 Storage accounts use infrastructure encryption: infrastructure_encryption_enabled is "\${var.double}", ${NOT_VERIFIABLE}`]],
  },
];
