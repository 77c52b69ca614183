import { strings } from "../../core/terraform-values";
import type { ElementView, L1View, RuleLevel, RuleViolation, StackView } from "./types";

export { blocks, firstBlock as block, isFalse, isObject, isTrue, numberOf, strings, type PlainObject } from "../../core/terraform-values";

/** A non-compliant result with its one-line detail (and, when it differs from the rule's, its level). */
export function nonCompliant(detail: string, level?: RuleLevel): RuleViolation {
  return level === undefined ? { status: "non-compliant", detail } : { status: "non-compliant", detail, level };
}

/** JSON-quotes a value for a finding detail. */
export function show(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `value` (a string or a list of them) holds a Terraform reference to an attribute of `target`, e.g. `${aws_s3_bucket.runs.id}`. */
export function refersTo(value: unknown, target: ElementView): boolean {
  const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(target.address)}(\\.|\\[)`);
  return strings(value).some((s) => pattern.test(s));
}

/**
 * Whether `value` names an Azure resource by its ID built from parts, as one does before the
 * resource exists: `<its resource group's ID>/providers/<provider>/<kind>/<its literal name>`, the
 * group being the one (a reference to the same `azurerm_resource_group`) the resource is in.
 */
export function namesAzureResource(value: unknown, target: ElementView, providerKind: string): boolean {
  const name = target.config.name;
  const group = /\$\{azurerm_resource_group\.([\w-]+)\.name\}/.exec(String(target.config.resource_group_name ?? ""))?.[1];
  if (typeof name !== "string" || group === undefined) return false;
  const id = `\${azurerm_resource_group.${group}.id}/providers/${providerKind}/${name}`;
  return strings(value).some((s) => s.includes(`${id}?`) || s.includes(`${id}"`) || s.endsWith(id));
}

/** The stack's resources of one type. */
export function resourcesOfType(stack: StackView, type: string): L1View[] {
  return stack.resources.filter((r) => r.type === type);
}

/** Whether `path` is `scope` or inside it. */
export function isWithin(path: string, scope: string): boolean {
  return path === scope || path.startsWith(`${scope}/`);
}

/**
 * The alias of the AWS provider configuration a resource uses (its `provider` is `aws.<alias>`), or
 * undefined for the default (unaliased) configuration.
 */
export function awsProviderAlias(resource: ElementView): string | undefined {
  const provider = resource.config.provider;
  return typeof provider === "string" && provider.startsWith("aws.") ? provider.slice(4) : undefined;
}
