import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { DataAzurermRoleDefinition } from "@cdktf/provider-azurerm/lib/data-azurerm-role-definition";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { azureStack } from "../helpers";
import { expected, findings } from "./findings";

const ID = "HGPU-AZ-11";
const flagged = (...lines: [string, string][]) => expected("error", ID, "No privileged roles at subscription or management-group scope", ...lines);
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const PRINCIPAL = "11111111-1111-1111-1111-111111111111";
const because = (role: string, where: string, scope: string) => `assigns ${role} at ${where} (scope ${JSON.stringify(scope)}): assign a narrower role at the task's resource group or resource`;

describe("HGPU-AZ-11 No privileged roles at subscription or management-group scope", () => {
  it("Compliance: narrow roles anywhere, and privileged roles on a resource group or a resource", () => {
    const stack = azureStack();
    const group = new ResourceGroup(stack, "rg", { name: "rg", location: "eastus" });
    new RoleAssignment(stack, "reader", { scope: SUB, principalId: PRINCIPAL, roleDefinitionName: "Reader" });
    new RoleAssignment(stack, "blob", { scope: `/providers/Microsoft.Management/managementGroups/ml`, principalId: PRINCIPAL, roleDefinitionName: "Storage Blob Data Reader" });
    // boundary: Contributor on the task's own resource group (by reference, or by a literal ID) is narrow enough
    new RoleAssignment(stack, "group-contributor", { scope: group.id, principalId: PRINCIPAL, roleDefinitionName: "Contributor" });
    new RoleAssignment(stack, "literal-group", { scope: `${SUB}/resourceGroups/rg-ml`, principalId: PRINCIPAL, roleDefinitionName: "Owner" });
    new RoleAssignment(stack, "below-group", { scope: `${group.id}/providers/Microsoft.Storage/storageAccounts/runs`, principalId: PRINCIPAL, roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635` });
    const client = new DataAzurermClientConfig(stack, "client");
    new RoleAssignment(stack, "built-group", { scope: `/subscriptions/${client.subscriptionId}/resourceGroups/rg-ml`, principalId: PRINCIPAL, roleDefinitionName: "Contributor" });
    const custom = new RoleDefinition(stack, "scale", { name: "scale", scope: SUB, permissions: [{ actions: ["Microsoft.Compute/virtualMachineScaleSets/write"] }] });
    new RoleAssignment(stack, "custom", { scope: SUB, principalId: PRINCIPAL, roleDefinitionId: custom.roleDefinitionResourceId });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: Owner, Contributor, User Access Administrator and RBAC Administrator by name, GUID, data source or custom breadth", () => {
    const stack = azureStack();
    const client = new DataAzurermClientConfig(stack, "client");
    const subscription = new DataAzurermSubscription(stack, "current");
    const uaa = new DataAzurermRoleDefinition(stack, "uaa-role", { name: "User Access Administrator" });
    const allActions = new RoleDefinition(stack, "everything", { name: "everything", scope: SUB, permissions: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete"] }] });
    new RoleAssignment(stack, "owner", { scope: SUB, principalId: PRINCIPAL, roleDefinitionName: "Owner" });
    new RoleAssignment(stack, "contributor", { scope: `/subscriptions/${client.subscriptionId}`, principalId: PRINCIPAL, roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c" });
    new RoleAssignment(stack, "uaa", { scope: subscription.id, principalId: PRINCIPAL, roleDefinitionId: uaa.id });
    new RoleAssignment(stack, "rbac-admin", { scope: "/providers/Microsoft.Management/managementGroups/root", principalId: PRINCIPAL, roleDefinitionId: "f58310d9-a9f6-439a-9e8d-f62e7b41a168" });
    new RoleAssignment(stack, "root", { scope: "/", principalId: PRINCIPAL, roleDefinitionName: "owner" });
    new RoleAssignment(stack, "custom", { scope: SUB, principalId: PRINCIPAL, roleDefinitionId: allActions.roleDefinitionResourceId });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/owner", because("Owner", "subscription scope", SUB)],
      ["s/contributor", because("Contributor", "subscription scope", "/subscriptions/${data.azurerm_client_config.client.subscription_id}")],
      ["s/uaa", because("User Access Administrator", "subscription scope", "${data.azurerm_subscription.current.id}")],
      ["s/rbac-admin", because("Role Based Access Control Administrator", "management-group scope", "/providers/Microsoft.Management/managementGroups/root")],
      ["s/root", because("Owner", "the tenant root scope", "/")],
      ["s/custom", because("custom role azurerm_role_definition.everything (actions *)", "subscription scope", SUB)],
    ));
  });

  it("reports a privileged role at a scope it cannot read, and an unreadable role at a broad scope, as unverifiable", () => {
    const stack = azureStack();
    const scope = new TerraformVariable(stack, "scope", { type: "string" });
    const role = new TerraformVariable(stack, "role", { type: "string" });
    new RoleAssignment(stack, "by-scope", { scope: scope.stringValue, principalId: PRINCIPAL, roleDefinitionName: "Contributor" });
    new RoleAssignment(stack, "by-role", { scope: SUB, principalId: PRINCIPAL, roleDefinitionName: role.stringValue });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/by-scope", 'scope is "${var.scope}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/by-role", 'role_definition_name is "${var.role}", which the pack cannot verify: use a literal value or suppress with a reason'],
    ));
  });
});
