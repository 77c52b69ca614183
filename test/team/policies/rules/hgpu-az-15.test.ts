import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
/**
 * HGPU-AZ-15 is not in the pack yet: GpuTask's Azure run storage account (lib/task/azure-task.ts)
 * still takes shared keys, so the pack would fail every Azure task. Its tests judge the rule
 * directly; the last one fails once the library complies, the signal to add the rule to
 * GPU_POLICY_RULES (lib/team/policies/pack.ts) and to use `findings` here.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../../../lib/azure/network";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { GPU_POLICY_RULES } from "../../../../lib/team/policies";
import { azureStorageNoSharedKeys } from "../../../../lib/team/policies/rules/hgpu-az-15";
import { SSH_KEY, azureStack } from "../helpers";
import { expected, ruleFindings } from "./findings";

const ID = "HGPU-AZ-15";
const findings = (stack: TerraformStack) => ruleFindings(stack, azureStorageNoSharedKeys);
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

  it("the library's GpuTask on Azure does not comply yet (its run account keeps shared keys), so the rule is not in the pack", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
    new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], azure: { sshPublicKey: SSH_KEY } });
    expect(findings(stack)).toEqual(flagged(["s/task/runs", "shared_access_key_enabled is not set (the provider's default is true): set it to false and grant identities data-plane roles"]));
    expect(GPU_POLICY_RULES.map((r) => r.id)).not.toContain(ID);
  });
});
