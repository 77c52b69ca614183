import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AzureNetwork, type AzureNetworkProps } from "../../lib/azure/network";
export { resources, synth, validationErrorOf } from "../helpers";

/** An OpenSSH public key for tests. */
export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ml@example";

/** A storage account resource ID for tests. */
export const ACCOUNT_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/mldata";

/** A stack named "s" with an azurerm provider. */
export function azureStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "s");
  new AzurermProvider(stack, "azure", { features: [{}] });
  return stack;
}

/** A stack with a network "net" (10.20.0.0/16 in eastus). */
export function withNetwork(props: Partial<AzureNetworkProps> = {}): { stack: TerraformStack; network: AzureNetwork } {
  const stack = azureStack();
  const network = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus", ...props });
  return { stack, network };
}
