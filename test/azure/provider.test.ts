import { AzurermProvider, type AzurermProviderConfig } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork, type AzureNetworkProps } from "../../lib/azure/network";
import { AZURERM_FEATURES, azurermProviders, isAzurermProvider, readsStorageDataPlane } from "../../lib/azure/provider";

const ACCOUNT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/flowlogs";

function stackWith(features: AzurermProviderConfig["features"]): { stack: TerraformStack; provider: AzurermProvider } {
  const stack = new TerraformStack(Testing.app(), "s");
  return { stack, provider: new AzurermProvider(stack, "azure", { features }) };
}

describe("readsStorageDataPlane", () => {
  it.each([
    ["no features", undefined, true],
    ["empty features", [{}], true],
    ["storage without the flag", [{ storage: [{}] }], true],
    ["dataPlaneAvailable true", [{ storage: [{ dataPlaneAvailable: true }] }], true],
    ["dataPlaneAvailable false", [{ storage: [{ dataPlaneAvailable: false }] }], false],
    ["the library's features", AZURERM_FEATURES, false],
  ] as const)("%s: %s", (_name, features, expected) => {
    expect(readsStorageDataPlane(stackWith(features as never).provider)).toBe(expected);
  });
  it("a Terraform expression is undefined (not known at synth)", () => {
    const { stack, provider } = stackWith([{}]);
    const flag = new TerraformVariable(stack, "plane", { type: "bool" });
    provider.features = [{ storage: [{ dataPlaneAvailable: flag.booleanValue }] }];
    expect(readsStorageDataPlane(provider)).toBeUndefined();
  });
  it("the library's features are exactly the storage flag", () => {
    expect(AZURERM_FEATURES).toEqual([{ storage: [{ dataPlaneAvailable: false }] }]);
  });
});

describe("azurermProviders", () => {
  it("finds the stack's azurerm providers by type, aliased ones too", () => {
    const { stack, provider } = stackWith([{}]);
    const second = new AzurermProvider(stack, "west", { features: [{}], alias: "west" });
    expect(azurermProviders(stack)).toEqual([provider, second]);
    expect(isAzurermProvider(stack)).toBe(false);
  });
});

describe("the flow-log account's firewall and the provider's data-plane reads", () => {
  const warnings = (n: AzureNetwork) => n.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
  function network(features: AzurermProviderConfig["features"], props: Partial<AzureNetworkProps> = {}): AzureNetwork {
    const { stack } = stackWith(features);
    const net = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus", ...props });
    Testing.synth(stack, true);
    return net;
  }
  const WARNING =
    "the azurerm provider s/azure reads storage accounts' data plane, which the flow-log storage account's firewall refuses from where Terraform runs " +
    "(plan fails with 403): give the provider features: [{ storage: [{ dataPlaneAvailable: false }] }] (AZURERM_FEATURES), or set flowLogs.storageAccountId, or flowLogs: false";

  it("warns, naming the provider and the fixes, when the provider reads the data plane", () => {
    expect(warnings(network([{}]))).toEqual([WARNING]);
  });
  it("a provider added after the network is judged too (at synth)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const net = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus" });
    new AzurermProvider(stack, "azure", { features: [{}] });
    Testing.synth(stack, true);
    expect(warnings(net)).toEqual([WARNING]);
  });
  it("does not warn with the flag, with an existing account, or without flow logs", () => {
    expect(warnings(network(AZURERM_FEATURES))).toEqual([]);
    expect(warnings(network([{}], { flowLogs: { storageAccountId: ACCOUNT, storageAccountLocation: "eastus" } }))).toEqual([]);
    expect(warnings(network([{}], { flowLogs: false }))).toEqual([]);
  });
});
