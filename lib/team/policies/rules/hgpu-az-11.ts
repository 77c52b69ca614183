import { blocks, nonCompliant, show, strings } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, isUnresolvedValue, readValue, resolveLiterals } from "../values";
import { wildcard } from "./iam-documents";

/**
 * Built-in roles that manage everything, or access to everything, by their role definition GUIDs
 * (the same in every tenant; Azure's "Azure built-in roles" reference).
 */
export const PRIVILEGED_AZURE_ROLES: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

const NAMES = Object.values(PRIVILEGED_AZURE_ROLES);
const GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** HGPU-AZ-11: no Owner, Contributor or access-administering role at subscription or management-group scope. */
export const azureNoBroadPrivilegedRoles: PolicyRule = {
  id: "HGPU-AZ-11",
  level: "error",
  title: "No privileged roles at subscription or management-group scope",
  explanation:
    "Owner and Contributor manage every resource of their scope, User Access Administrator and Role Based Access Control " +
    "Administrator grant any role in it: at a subscription (/subscriptions/<id>), a management group " +
    "(/providers/Microsoft.Management/managementGroups/<id>) or the tenant root (/), one leaked node or pipeline identity holds " +
    "every team's resources. No azurerm_role_assignment may assign one of them (by role_definition_name, by a role_definition_id " +
    "ending in its built-in GUID, or through an azurerm_role_definition data source) at such a scope, written literally, as " +
    "/subscriptions/${...}, or as the id of an azurerm_subscription or azurerm_management_group data source. A custom " +
    "azurerm_role_definition of the stack counts as privileged when its actions include * or Microsoft.Authorization " +
    "role-assignment writes that its not_actions do not take back. A role or scope the pack cannot resolve, where the other part " +
    "does not settle it, is reported as unverifiable. Assign a narrower role (e.g. a custom role with the actions needed) at " +
    "the task's own resource group or resource.",
  appliesTo: ["azurerm_role_assignment"],
  check(assignment) {
    const role = roleOf(assignment);
    const scope = scopeOf(assignment);
    if (role.kind === "narrow" || scope.kind === "narrow") return "compliant";
    if (role.kind === "privileged" && scope.kind === "broad") {
      return nonCompliant(`assigns ${role.name} at ${scope.name} (scope ${show(assignment.config.scope)}): assign a narrower role at the task's resource group or resource`);
    }
    return nonCompliant([role, scope].flatMap((j) => (j.kind === "unknown" ? [j.text] : [])).join("; "));
  },
};

type Judged = { kind: "privileged" | "broad"; name: string } | { kind: "narrow" } | { kind: "unknown"; text: string };

function roleOf(a: L1View): Judged {
  const c = a.config;
  if (c.role_definition_name !== undefined) {
    const name = readValue(c.role_definition_name, a.stack);
    if (name.kind !== "literal" || typeof name.value !== "string") return { kind: "unknown", text: cannotVerifyText("role_definition_name", c.role_definition_name) };
    const found = NAMES.find((n) => n.toLowerCase() === String(name.value).toLowerCase());
    return found ? { kind: "privileged", name: found } : { kind: "narrow" };
  }
  const read = readValue(c.role_definition_id, a.stack);
  if (read.kind === "literal" && typeof read.value === "string") return byId(read.value);
  if (read.kind === "reference") {
    const { element, stack } = read.reference;
    if (element.type === "azurerm_role_definition" && element.address.startsWith("data.")) {
      const name = resolveLiterals(element.config.name, stack);
      const id = resolveLiterals(element.config.role_definition_id, stack);
      if (typeof id === "string" && !isUnresolvedValue(id)) return byId(id);
      if (typeof name === "string" && !isUnresolvedValue(name)) {
        const found = NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
        return found ? { kind: "privileged", name: found } : { kind: "narrow" };
      }
    } else if (element.type === "azurerm_role_definition") {
      const broad = customRoleBreadth(element.config, stack);
      return broad ? { kind: "privileged", name: `custom role ${element.address} (${broad})` } : { kind: "narrow" };
    }
  }
  return { kind: "unknown", text: cannotVerifyText("role_definition_id", c.role_definition_id) };
}

function byId(id: string): Judged {
  const guid = GUID.exec(id)?.[1]?.toLowerCase();
  const name = guid === undefined ? undefined : PRIVILEGED_AZURE_ROLES[guid];
  return name ? { kind: "privileged", name } : { kind: "narrow" };
}

/** Why a custom role is as broad as a privileged built-in one, or undefined. */
function customRoleBreadth(config: Readonly<Record<string, unknown>>, stack: L1View["stack"]): string | undefined {
  for (const p of blocks(config.permissions)) {
    const actions = strings(resolveLiterals(p.actions, stack));
    const notActions = strings(resolveLiterals(p.not_actions, stack));
    const allowed = (action: string) => actions.some((x) => wildcard(x).test(action)) && !notActions.some((x) => wildcard(x).test(action));
    if (actions.some((x) => isUnresolvedValue(x))) return `actions ${show(actions)} that the pack cannot verify`;
    if (actions.includes("*") && allowed("Microsoft.Compute/virtualMachines/write")) return "actions *";
    if (allowed("Microsoft.Authorization/roleAssignments/write")) return "it may write role assignments";
  }
  return undefined;
}

function scopeOf(a: L1View): Judged {
  const raw = a.config.scope;
  const read = readValue(raw, a.stack);
  if (read.kind === "reference") {
    const type = read.reference.element.type;
    if (read.reference.attribute === "id" && type === "azurerm_subscription" && read.reference.element.address.startsWith("data.")) return { kind: "broad", name: "subscription scope" };
    if (read.reference.attribute === "id" && type === "azurerm_management_group") return { kind: "broad", name: "management-group scope" };
    return { kind: "narrow" };
  }
  const text = typeof read.value === "string" ? read.value : undefined;
  if (text === undefined) return { kind: "unknown", text: cannotVerifyText("scope", raw) };
  // A segment may be an expression (`/subscriptions/${data.azurerm_client_config.c.subscription_id}`); one without / stays one segment.
  const segment = "(?:[^/$]|\\$\\{[^}/]*\\})+";
  if (text === "/") return { kind: "broad", name: "the tenant root scope" };
  if (new RegExp(`^/subscriptions/${segment}/?$`, "i").test(text)) return { kind: "broad", name: "subscription scope" };
  if (new RegExp(`^/providers/Microsoft\\.Management/managementGroups/${segment}/?$`, "i").test(text)) return { kind: "broad", name: "management-group scope" };
  if (new RegExp(`^/subscriptions/${segment}/resourceGroups/`, "i").test(text) || /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/.+/i.test(text)) return { kind: "narrow" };
  if (!isUnresolvedValue(text)) return { kind: "narrow" };
  // `${azurerm_resource_group.x.id}/providers/...` and the like: a scope below a resource of the stack.
  if (/^\$\{[^}]+\}\/./.test(text)) return { kind: "narrow" };
  return { kind: "unknown", text: cannotVerifyText("scope", raw) };
}
