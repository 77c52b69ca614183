/**
 * How a rule tells a literal from a value it cannot verify. The synthesized JSON holds Terraform
 * expressions as template strings (`"${var.cidr}"`, `"${join(",", ...)}"`, `"%{ if ... }"`) and
 * dynamic blocks as a `dynamic` key; a rule that reads a security-relevant attribute first resolves
 * what it can (variables with a literal default, locals with a literal value), then treats what is
 * left as "cannot verify", unless the value is a reference to a resource the pack judges itself.
 * Pure: no cdktf import.
 */
import { isObject, show } from "./helpers";
import type { ElementView, L1View, RuleLevel, RuleViolation, StackView } from "./types";

/** A template `${` or a directive `%{` not escaped as `$${` / `%%{`. */
const EXPRESSION = /(?<![$%])[$%]\{/;

/** How deep variables and locals that name each other are followed before giving up. */
const MAX_DEPTH = 8;

/**
 * Whether `value` holds a Terraform expression: a string with an interpolation `${…}` or a
 * directive `%{…}` (a variable, a local, a reference, a function call, a `for` expression), at
 * any depth of a list or object, or an object with a `dynamic` block. `$${` and `%%{` are escapes
 * for literal text and do not count.
 */
export function isUnresolvedValue(value: unknown): boolean {
  if (typeof value === "string") return EXPRESSION.test(value);
  if (Array.isArray(value)) return value.some(isUnresolvedValue);
  if (isObject(value)) return "dynamic" in value || Object.values(value).some(isUnresolvedValue);
  return false;
}

/**
 * A "cannot verify" finding at `level`, e.g. `cidr_blocks is ["${var.cidr}"], which the pack
 * cannot verify: use a literal value or suppress with a reason`.
 */
export function cannotVerify(level: RuleLevel, attribute: string, value: unknown): RuleViolation {
  return { status: "non-compliant", detail: cannotVerifyText(attribute, value), level };
}

/** The detail of {@link cannotVerify}, for rules that join several problems in one finding. */
export function cannotVerifyText(attribute: string, value: unknown): string {
  return `${attribute} is ${show(value)}, which the pack cannot verify: use a literal value or suppress with a reason`;
}

/** Whether a config object has a `dynamic "<name>"` block (cdktf writes it under `dynamic.<name>`). */
export function hasDynamicBlock(config: Readonly<Record<string, unknown>>, name: string): boolean {
  const dynamic = config.dynamic;
  if (Array.isArray(dynamic)) return dynamic.some((d) => isObject(d) && name in d);
  return isObject(dynamic) && name in dynamic;
}

/** The content of a `dynamic "<name>"` block, or undefined. */
export function dynamicBlock(config: Readonly<Record<string, unknown>>, name: string): unknown {
  const dynamic = config.dynamic;
  const all = Array.isArray(dynamic) ? dynamic : [dynamic];
  return all.map((d) => (isObject(d) ? d[name] : undefined)).find((d) => d !== undefined);
}

/**
 * `value` with what the stack itself decides replaced by its literal: `${var.x}` by the
 * variable's default, `${local.x}` by the local's value, at any depth, inside longer templates
 * too when the replacement is a string, number or boolean. A variable without a default, a local
 * that is itself an expression, and every other expression are left as they are.
 *
 * A default can be overridden at plan time (`-var`, a `.tfvars` file); the pack judges the code,
 * so the default is what it judges.
 */
export function resolveLiterals(value: unknown, stack: StackView, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === "string") return resolveString(value, stack, depth);
  if (Array.isArray(value)) return value.map((v) => resolveLiterals(v, stack, depth));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveLiterals(v, stack, depth)]));
  return value;
}

const WHOLE_NAMED = /^\$\{(var|local)\.([A-Za-z_][\w-]*)\}$/;
const NAMED = /(?<!\$)\$\{(var|local)\.([A-Za-z_][\w-]*)\}/g;

function resolveString(text: string, stack: StackView, depth: number): unknown {
  const whole = WHOLE_NAMED.exec(text);
  if (whole) {
    const found = literalOf(whole[1] as "var" | "local", whole[2]!, stack, depth);
    return found.known ? found.value : text;
  }
  return text.replace(NAMED, (match, kind: "var" | "local", name: string) => {
    const found = literalOf(kind, name, stack, depth);
    return found.known && ["string", "number", "boolean"].includes(typeof found.value) ? String(found.value) : match;
  });
}

function literalOf(kind: "var" | "local", name: string, stack: StackView, depth: number): { known: boolean; value?: unknown } {
  let raw: unknown;
  if (kind === "var") {
    const variable = stack.variables[name];
    if (!variable?.hasDefault) return { known: false };
    raw = variable.default;
  } else {
    if (!(name in stack.locals)) return { known: false };
    raw = stack.locals[name];
  }
  const value = resolveLiterals(raw, stack, depth + 1);
  return isUnresolvedValue(value) ? { known: false } : { known: true, value };
}

/** A whole-value reference to an element of a stack: the element and the attribute named after it. */
export interface Reference {
  /** The referenced resource or data source. */
  readonly element: L1View | ElementView;
  /** The attribute path after the address, e.g. `id`; empty for the whole element. */
  readonly attribute: string;
  /** The stack that holds the element (another stack of the app for a cross-stack reference). */
  readonly stack: StackView;
  /** Whether the element is a data source (`data.<type>.<name>`): something read, not something the pack judges. */
  readonly isDataSource: boolean;
}

const WHOLE_REFERENCE = /^\$\{((?:data\.)?[A-Za-z][\w-]*\.[A-Za-z_][\w-]*)((?:\.[\w-]+|\[[^\]]*\])*)\}$/;
const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(.+)\.outputs\.([\w-]+)\}$/;

/**
 * The element a value refers to as a whole, e.g. `${aws_security_group.gpu.id}` or
 * `${data.aws_iam_policy_document.x.json}`, when that element is in `stack`; a cdktf
 * cross-stack reference (`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<name>}`)
 * is followed to the output's element in the other stack of the app. `${var.x}` and `${local.x}` are
 * resolved first. Undefined for anything else (a literal, a function call, a reference to
 * something the stacks do not hold).
 */
export function referencedElement(value: unknown, stack: StackView, depth = 0): Reference | undefined {
  if (typeof value !== "string" || depth > MAX_DEPTH) return undefined;
  const remote = REMOTE_OUTPUT.exec(value);
  if (remote) {
    const origin = stack.otherStacks().find((s) => s.path === remote[1]);
    return origin ? referencedElement(origin.outputs[remote[2]!], origin, depth + 1) : undefined;
  }
  const named = WHOLE_NAMED.exec(value);
  if (named) {
    const kind = named[1]!;
    return kind === "var" ? undefined : referencedElement(stack.locals[named[2]!], stack, depth + 1);
  }
  const ref = WHOLE_REFERENCE.exec(value);
  if (!ref) return undefined;
  const address = ref[1]!;
  const element = address.startsWith("data.")
    ? stack.dataSources.find((d) => d.address === address)
    : stack.resources.find((r) => r.address === address);
  return element ? { element, attribute: ref[2]!.replace(/^\./, ""), stack, isDataSource: address.startsWith("data.") } : undefined;
}

/** What a rule reads from an attribute: a literal, a reference to an element the stacks hold, or a value it cannot verify. */
export type ReadValue =
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "reference"; readonly reference: Reference; readonly value: string }
  | { readonly kind: "unresolved"; readonly value: unknown };

/**
 * Reads an attribute as a rule should: literal variable defaults and locals resolved, then a
 * literal (no expression left), a whole reference to an element of the stack (or, across stacks,
 * of the app), or unresolved. Lists are read as a whole: use {@link readList} to read each item.
 */
export function readValue(value: unknown, stack: StackView): ReadValue {
  const resolved = resolveLiterals(value, stack);
  if (!isUnresolvedValue(resolved)) return { kind: "literal", value: resolved };
  const reference = referencedElement(resolved, stack);
  if (reference && typeof resolved === "string") return { kind: "reference", reference, value: resolved };
  return { kind: "unresolved", value: resolved };
}

/**
 * Reads a list attribute item by item (a single value counts as a one-item list; a whole-list
 * expression such as `${var.cidrs}` resolves to the variable's list when it has a literal default,
 * else it is one unresolved item).
 */
export function readList(value: unknown, stack: StackView): ReadValue[] {
  const resolved = resolveLiterals(value, stack);
  if (resolved === undefined || resolved === null) return [];
  const items = Array.isArray(resolved) ? resolved : [resolved];
  return items.map((item) => readValue(item, stack));
}

/** A view of a stack with nothing in it, for reading values that need no stack (tests, pure callers). */
export const EMPTY_STACK: StackView = {
  path: "",
  resources: [],
  dataSources: [],
  modules: [],
  providers: {},
  variables: {},
  locals: {},
  outputs: {},
  otherStacks: () => [],
};
