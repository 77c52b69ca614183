import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../../../lib/azure/network";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { SSH_KEY, azureStack } from "../helpers";
import { expected, findings as findingsOf } from "./findings";

const ID = "HGPU-AZ-15";
const findings = (stack: TerraformStack) => findingsOf(stack, ID);
const flagged = (...lines: [string, string][]) => expected("error", ID, "Storage accounts take no shared keys and hold no public containers", ...lines);

function account(stack: TerraformStack, id: string, props: Partial<StorageAccountConfig> = {}): StorageAccount {
  return new StorageAccount(stack, id, { name: id.replace(/-/g, ""), resourceGroupName: "rg", location: "eastus", accountTier: "Standard", accountReplicationType: "LRS", allowNestedItemsToBePublic: false, ...props });
}

describe("HGPU-AZ-15 Storage accounts take no shared keys and hold no public containers", () => {
  it("Compliance: shared keys off, private containers (explicitly or by default)", () => {
    const stack = azureStack();
    const a = account(stack, "runs", { sharedAccessKeyEnabled: false });
    new StorageContainer(stack, "private", { name: "runs", storageAccountId: a.id, containerAccessType: "private" });
    new StorageContainer(stack, "default", { name: "logs", storageAccountId: a.id });
    // boundary: a variable whose default is false
    const keys = new TerraformVariable(stack, "keys", { type: "bool", default: false });
    account(stack, "by-default", { sharedAccessKeyEnabled: keys.booleanValue });
    expect(findings(stack)).toEqual([]);
  });

  it("Noncompliance: shared keys left on (by default or explicitly), public containers", () => {
    const stack = azureStack();
    const a = account(stack, "default-keys");
    account(stack, "keys-on", { sharedAccessKeyEnabled: true });
    new StorageContainer(stack, "blob", { name: "public", storageAccountId: a.id, containerAccessType: "blob" });
    new StorageContainer(stack, "container", { name: "listing", storageAccountId: a.id, containerAccessType: "container" });
    expect(findings(stack)).toEqual(flagged(
      ["s/default-keys", "shared_access_key_enabled is not set (the provider's default is true): set it to false and grant identities data-plane roles"],
      ["s/keys-on", "shared_access_key_enabled is true: set it to false and grant identities data-plane roles"],
      ["s/blob", 'container_access_type is "blob": anyone may read its blobs without credentials; use "private"'],
      ["s/container", 'container_access_type is "container": anyone may read its blobs without credentials; use "private"'],
    ));
  });

  it("reports values it cannot read as unverifiable", () => {
    const stack = azureStack();
    const keys = new TerraformVariable(stack, "keys", { type: "bool" });
    const access = new TerraformVariable(stack, "access", { type: "string" });
    const a = account(stack, "unknown", { sharedAccessKeyEnabled: keys.booleanValue });
    new StorageContainer(stack, "unknown-access", { name: "c", storageAccountId: a.id, containerAccessType: access.stringValue });
    expect(findings(stack)).toEqual(flagged(
      ["s/unknown", 'shared_access_key_enabled is "${var.keys}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/unknown-access", 'container_access_type is "${var.access}", which the pack cannot verify: use a literal value or suppress with a reason'],
    ));
  });

  it("Compliance: the library's GpuTask on Azure (its run account is Entra ID only, its container private)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
    new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], azure: { sshPublicKey: SSH_KEY } });
    expect(findings(stack)).toEqual([]);
  });
});
