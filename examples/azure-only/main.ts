/**
 * Azure only: a VNet, 2 x ND96isr_H100_v5 in one scale set with a single placement group (one
 * InfiniBand fabric, 8 x 400 Gbit/s NDR per VM), and Azure Managed Lustre mounted at /lustre.
 */
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { AZURERM_FEATURES, AzureGpuCluster, AzureLustreStorage, AzureNetwork, GpuPolicies } from "../../lib";

/** Builds the stack. */
export function buildApp(app: App = new App()): App {
  const stack = new TerraformStack(app, "azure-only");
  // No data-plane reads of storage accounts: the VNet's flow-log account admits trusted Azure services alone.
  new AzurermProvider(stack, "azurerm", { features: AZURERM_FEATURES, storageUseAzuread: true });
  const sshKey = new TerraformVariable(stack, "ssh_public_key", { type: "string", description: "OpenSSH public key of the admin user" });
  const network = new AzureNetwork(stack, "network", { cidr: "10.40.0.0/16", location: "eastus" });
  const data = new AzureLustreStorage(stack, "data", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1" });
  const cluster = new AzureGpuCluster(stack, "training", {
    network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", storage: data, sshPublicKey: sshKey.stringValue,
  });
  new TerraformOutput(stack, "fabric", { value: `${cluster.fabric.interfaces} InfiniBand links, ${cluster.fabric.gbpsPerNode} Gbit/s per VM` });
  // Every stack of the app, those added later included; these stacks carry no team tags (see examples/team-stacks for a TeamStack's).
  GpuPolicies.applyTo(app, { requiredTags: [] });
  return app;
}

if (require.main === module) {
  setImmediate(() => buildApp().synth());
}
