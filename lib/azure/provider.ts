import type { AzurermProvider, AzurermProviderFeatures } from "../engine/azurerm";
import { TerraformProvider, TerraformStack, Token } from "../engine/core";
import type { IConstruct } from "constructs";

/**
 * The `features` the library gives the azurerm providers it creates (TeamStack, GpuTask): the
 * provider does not read storage accounts' data plane (`data_plane_available = false`). The
 * accounts the library creates admit no network but Azure's trusted services (flow logs) or are
 * read by Entra ID only, and the provider otherwise reads every account's queue and static-website
 * properties from where Terraform runs, which such a firewall refuses (403 at plan:
 * hashicorp/terraform-provider-azurerm#33454; the flag came with #27818).
 */
export const AZURERM_FEATURES: AzurermProviderFeatures[] = [{ storage: [{ dataPlaneAvailable: false }] }];

/** Whether `c` is an azurerm provider, by the engine's symbol check and the provider's type (not `instanceof`). */
export function isAzurermProvider(c: unknown): c is AzurermProvider {
  return TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === "azurerm";
}

/** The azurerm providers of `scope`'s stack. */
export function azurermProviders(scope: IConstruct): AzurermProvider[] {
  return TerraformStack.of(scope).node.findAll().filter(isAzurermProvider);
}

/**
 * Whether the provider reads storage accounts' data plane: true unless its `features` say
 * `storage { data_plane_available = false }`; undefined when they are a Terraform expression.
 */
export function readsStorageDataPlane(provider: AzurermProvider): boolean | undefined {
  const features = provider.features;
  if (features === undefined) return true;
  if (Token.isUnresolved(features) || !Array.isArray(features)) return undefined;
  for (const f of features) {
    const storage = f.storage;
    if (storage === undefined) continue;
    if (Token.isUnresolved(storage) || !Array.isArray(storage)) return undefined;
    for (const s of storage) {
      if (Token.isUnresolved(s.dataPlaneAvailable)) return undefined;
      if (s.dataPlaneAvailable === false) return false;
    }
  }
  return true;
}
