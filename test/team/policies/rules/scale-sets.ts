import { LinuxVirtualMachineScaleSet, type LinuxVirtualMachineScaleSetConfig } from "@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set";
import { OrchestratedVirtualMachineScaleSet, type OrchestratedVirtualMachineScaleSetConfig } from "@cdktf/provider-azurerm/lib/orchestrated-virtual-machine-scale-set";
import type { TerraformStack } from "cdktf";
import { SSH_KEY } from "../helpers";

/** A Linux scale set of GPU VMs outside any task; `props` replace parts of it. */
export function linuxScaleSet(stack: TerraformStack, id: string, props: Partial<LinuxVirtualMachineScaleSetConfig> = {}): LinuxVirtualMachineScaleSet {
  return new LinuxVirtualMachineScaleSet(stack, id, {
    resourceGroupName: "rg", location: "eastus", name: id, sku: "Standard_ND96isr_H100_v5", instances: 2, adminUsername: "azureuser",
    adminSshKey: [{ username: "azureuser", publicKey: SSH_KEY }],
    sourceImageReference: { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest" },
    osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
    networkInterface: [{ name: "nic", primary: true, ipConfiguration: [{ name: "internal", primary: true, subnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s" }] }],
    ...props,
  });
}

/** An orchestrated (flexible) scale set outside any task; `props` replace parts of it. */
export function orchestratedScaleSet(
  stack: TerraformStack,
  id: string,
  props: Partial<OrchestratedVirtualMachineScaleSetConfig> = {},
): OrchestratedVirtualMachineScaleSet {
  return new OrchestratedVirtualMachineScaleSet(stack, id, {
    resourceGroupName: "rg", location: "eastus", name: id, platformFaultDomainCount: 1, skuName: "Standard_ND96asr_v4", instances: 2,
    ...props,
  });
}
