/**
 * HGPU-AZ-11's judgement of one role assignment, called on plain views: each way a role is named
 * (name, built-in GUID, role definition data source, custom role of the stack) and each way a
 * scope is written (literal, with expressions, a data source's or resource's id).
 */
import { describe, expect, it } from "vitest";
import { azureNoBroadPrivilegedRoles } from "../../../../lib/team/policies/rules/hgpu-az-11";
import type { ElementView, L1View, StackView } from "../../../../lib/team/policies/types";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";

const CANNOT = "which the pack cannot verify: use a literal value or suppress with a reason";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const RG = `${SUB}/resourceGroups/rg-ml`;
const OWNER_ID = "/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635/";

const data = (type: string, name: string, config: Record<string, unknown> = {}): ElementView => ({ type, name, address: `data.${type}.${name}`, config });

function stackOf(): StackView {
  const stack: { -readonly [K in keyof StackView]: StackView[K] } = { ...EMPTY_STACK };
  const resource = (type: string, name: string, config: Record<string, unknown> = {}): L1View => ({ type, name, address: `${type}.${name}`, path: `s/${name}`, taggable: false, config, stack });
  const custom = (name: string, actions: unknown[], notActions: string[] = []) => resource("azurerm_role_definition", name, { name, scope: RG, permissions: [{ actions, not_actions: notActions }] });
  stack.resources = [
    resource("azurerm_subscription", "new", { subscription_name: "ml" }),
    resource("azurerm_resource_group", "rg", { name: "rg-ml", location: "westeurope" }),
    custom("star", ["*"]),
    custom("star_but_writes", ["*"], ["Microsoft.Compute/*", "Microsoft.Authorization/*"]),
    custom("assigner", ["Microsoft.Authorization/roleAssignments/write"]),
    custom("assigner_taken_back", ["Microsoft.Authorization/*"], ["Microsoft.Authorization/roleAssignments/write"]),
    custom("unknown", ["Microsoft.Compute/*/read", "${var.a}"]),
    custom("reader", ["Microsoft.Compute/*/read"]),
  ];
  stack.dataSources = [
    data("azurerm_subscription", "current"),
    data("azurerm_management_group", "mg", { name: "ml" }),
    data("azurerm_client_config", "c"),
    data("azurerm_role_definition", "owner", { name: "Owner" }),
    data("azurerm_role_definition", "by_id", { role_definition_id: "b24988ac-6180-42a0-ab88-20f7382dd24c", name: "${var.n}" }),
    data("azurerm_role_definition", "by_name", { role_definition_id: "${var.i}", name: "user access administrator" }),
    data("azurerm_role_definition", "reader", { name: "Reader" }),
    data("azurerm_role_definition", "unknown", { name: "${var.n}" }),
  ];
  return stack;
}

function judge(config: Record<string, unknown>) {
  const stack = stackOf();
  return azureNoBroadPrivilegedRoles.check({ type: "azurerm_role_assignment", name: "a", address: "azurerm_role_assignment.a", path: "s/a", taggable: false, config: { principal_id: "p", ...config }, stack }, { requiredTags: [] });
}

const assigns = (role: string, at: string, scope: unknown) => ({ status: "non-compliant", detail: `assigns ${role} at ${at} (scope ${JSON.stringify(scope)}): assign a narrower role at the task's resource group or resource` });
const unknown = (...texts: string[]) => ({ status: "non-compliant", detail: texts.join("; ") });

describe("HGPU-AZ-11 on one assignment", () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ["Owner by name at a subscription", { role_definition_name: "Owner", scope: SUB }, assigns("Owner", "subscription scope", SUB)],
    ["owner in lower case at the tenant root", { role_definition_name: "owner", scope: "/" }, assigns("Owner", "the tenant root scope", "/")],
    ["Reader by name at a subscription", { role_definition_name: "Reader", scope: SUB }, "compliant"],
    ["a role name from a variable", { role_definition_name: "${var.r}", scope: SUB }, unknown(`role_definition_name is "\${var.r}", ${CANNOT}`)],
    ["a role name that is a number", { role_definition_name: 5, scope: SUB }, unknown(`role_definition_name is 5, ${CANNOT}`)],
    ["role and scope both from variables", { role_definition_name: "${var.r}", scope: "${var.s}" }, unknown(`role_definition_name is "\${var.r}", ${CANNOT}`, `scope is "\${var.s}", ${CANNOT}`)],
    ["Owner at a scope from a variable", { role_definition_name: "Owner", scope: "${var.s}" }, unknown(`scope is "\${var.s}", ${CANNOT}`)],
    ["Owner by its GUID, upper case, trailing slash", { role_definition_id: OWNER_ID, scope: SUB }, assigns("Owner", "subscription scope", SUB)],
    ["an unknown GUID", { role_definition_id: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", scope: SUB }, "compliant"],
    ["an id without a GUID", { role_definition_id: "reader", scope: SUB }, "compliant"],
    ["Owner through a data source's name", { role_definition_id: "${data.azurerm_role_definition.owner.role_definition_id}", scope: SUB }, assigns("Owner", "subscription scope", SUB)],
    ["Contributor through a data source's GUID", { role_definition_id: "${data.azurerm_role_definition.by_id.id}", scope: SUB }, assigns("Contributor", "subscription scope", SUB)],
    ["a data source whose id is an expression but whose name is known", { role_definition_id: "${data.azurerm_role_definition.by_name.id}", scope: SUB }, assigns("User Access Administrator", "subscription scope", SUB)],
    ["Reader through a data source", { role_definition_id: "${data.azurerm_role_definition.reader.id}", scope: SUB }, "compliant"],
    ["a data source named by a variable", { role_definition_id: "${data.azurerm_role_definition.unknown.id}", scope: SUB }, unknown(`role_definition_id is "\${data.azurerm_role_definition.unknown.id}", ${CANNOT}`)],
    ["a custom role with actions *", { role_definition_id: "${azurerm_role_definition.star.role_definition_resource_id}", scope: SUB }, assigns("custom role azurerm_role_definition.star (actions *)", "subscription scope", SUB)],
    ["a custom role with * less compute and authorization", { role_definition_id: "${azurerm_role_definition.star_but_writes.role_definition_resource_id}", scope: SUB }, "compliant"],
    ["a custom role that writes role assignments", { role_definition_id: "${azurerm_role_definition.assigner.role_definition_resource_id}", scope: SUB }, assigns("custom role azurerm_role_definition.assigner (it may write role assignments)", "subscription scope", SUB)],
    ["a custom role whose not_actions take the writes back", { role_definition_id: "${azurerm_role_definition.assigner_taken_back.role_definition_resource_id}", scope: SUB }, "compliant"],
    ["a custom role with an action from a variable", { role_definition_id: "${azurerm_role_definition.unknown.role_definition_resource_id}", scope: SUB }, assigns('custom role azurerm_role_definition.unknown (actions ["Microsoft.Compute/*/read","${var.a}"] that the pack cannot verify)', "subscription scope", SUB)],
    ["a custom reader role", { role_definition_id: "${azurerm_role_definition.reader.role_definition_resource_id}", scope: SUB }, "compliant"],
    ["a role id that is a number", { role_definition_id: 5, scope: SUB }, unknown(`role_definition_id is 5, ${CANNOT}`)],
    ["a role id from a variable", { role_definition_id: "${var.x}", scope: SUB }, unknown(`role_definition_id is "\${var.x}", ${CANNOT}`)],
    ["an id that refers to another kind of resource", { role_definition_id: "${azurerm_resource_group.rg.id}", scope: SUB }, unknown(`role_definition_id is "\${azurerm_resource_group.rg.id}", ${CANNOT}`)],
  ])("role: %s", (_what, config, expected) => {
    expect(judge(config)).toEqual(expected);
  });

  it.each<[string, unknown, unknown]>([
    ["the current subscription's id", "${data.azurerm_subscription.current.id}", assigns("Owner", "subscription scope", "${data.azurerm_subscription.current.id}")],
    ["the current subscription's subscription_id", "${data.azurerm_subscription.current.subscription_id}", "compliant"],
    ["a subscription resource's id", "${azurerm_subscription.new.id}", "compliant"],
    ["a management group's id", "${data.azurerm_management_group.mg.id}", assigns("Owner", "management-group scope", "${data.azurerm_management_group.mg.id}")],
    ["a management group's name", "${data.azurerm_management_group.mg.name}", "compliant"],
    ["a resource group's id", "${azurerm_resource_group.rg.id}", "compliant"],
    ["a number", 5, unknown(`scope is 5, ${CANNOT}`)],
    ["a subscription with a trailing slash", "/subscriptions/abc/", assigns("Owner", "subscription scope", "/subscriptions/abc/")],
    ["a subscription ID from an expression", "/subscriptions/${data.azurerm_client_config.c.subscription_id}", assigns("Owner", "subscription scope", "/subscriptions/${data.azurerm_client_config.c.subscription_id}")],
    ["a management group by path", "/providers/Microsoft.Management/managementGroups/mg1", assigns("Owner", "management-group scope", "/providers/Microsoft.Management/managementGroups/mg1")],
    ["a literal resource group", RG, "compliant"],
    ["a literal that is no known scope", "ml-scope", "compliant"],
    ["a subscription in upper case", "/SUBSCRIPTIONS/abc", assigns("Owner", "subscription scope", "/SUBSCRIPTIONS/abc")],
    ["a management group in lower case", "/providers/microsoft.management/managementgroups/mg1", assigns("Owner", "management-group scope", "/providers/microsoft.management/managementgroups/mg1")],
    ["a resource group in lower case in an expression's subscription", "/subscriptions/${var.s}/resourcegroups/rg", "compliant"],
    ["a resource group in an expression's subscription", "/subscriptions/${var.s}/resourceGroups/rg", "compliant"],
    ["below an expression's management group", "/providers/Microsoft.Management/managementGroups/${var.m}/subscriptions/${var.s}", "compliant"],
    ["text before a management group path", "x/providers/Microsoft.Management/managementGroups/${var.m}/y", unknown(`scope is "x/providers/Microsoft.Management/managementGroups/\${var.m}/y", ${CANNOT}`)],
    ["below a resource of the stack", "${azurerm_resource_group.rg.id}/providers/Microsoft.Storage/storageAccounts/runs", "compliant"],
    ["text before an expression and a path", "x${var.a}/y", unknown(`scope is "x\${var.a}/y", ${CANNOT}`)],
  ])("Owner's scope: %s", (_what, scope, expected) => {
    expect(judge({ role_definition_name: "Owner", scope })).toEqual(expected);
  });
});
