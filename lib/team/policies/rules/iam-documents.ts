import { blocks, isObject, strings } from "../helpers";
import type { ElementView, L1View, StackView } from "../types";
import { cannotVerifyText, hasDynamicBlock, isUnresolvedValue, referencedElement, resolveLiterals } from "../values";
import { jsonencodeArgument } from "./hcl-literal";

/**
 * The IAM policy documents of a stack's identity policies, read into statements: literal JSON
 * (`JSON.stringify`), `jsonencode({...})` (`Fn.jsonencode`), and `aws_iam_policy_document` data
 * sources (with their source and override documents). Variable defaults and locals are resolved;
 * what is left as an expression is reported as unverifiable.
 */

/** The identity policy resources and the attributes that hold their documents. */
export const IAM_POLICY_TYPES: readonly string[] = [
  "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role", "aws_ssoadmin_permission_set_inline_policy",
];

/** One statement of a policy document, values resolved as far as the stack allows. */
export interface IamStatement {
  /** Where it is, for messages: `Statement[1] (Sid "FindPeers")`, `inline_policy[0] Statement[0]`, `data.aws_iam_policy_document.d statement[0]`. */
  readonly where: string;
  /** `Allow` or `Deny` (a policy document data source's default is `Allow`). */
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Undefined when the statement has no NotAction. */
  readonly notActions?: readonly string[];
  /** Undefined when the statement has no NotResource. */
  readonly notResources?: readonly string[];
}

/** The statements of a resource's policy documents, and what of them the pack cannot read. */
export interface IamDocuments {
  readonly statements: readonly IamStatement[];
  /** One "cannot verify" text per document (or part of one) that is an expression. */
  readonly unverifiable: readonly string[];
}

const MAX_DEPTH = 6;

/** What the readers add to as they go: the statements read, and what they cannot read. */
interface Collected {
  statements: IamStatement[];
  unverifiable: string[];
}

/** Every statement of the policy documents `resource` holds (none for a type outside IAM_POLICY_TYPES). */
export function iamDocuments(resource: L1View): IamDocuments {
  const out: Collected = { statements: [], unverifiable: [] };
  const c = resource.config;
  if (resource.type === "aws_iam_role") {
    if (hasDynamicBlock(c, "inline_policy")) out.unverifiable.push(cannotVerifyText("inline_policy", "a dynamic block"));
    blocks(c.inline_policy).forEach((p, i) => readDocument(p.policy, resource.stack, `inline_policy[${i}] `, `inline_policy[${i}].policy`, out, 0));
  } else if (resource.type === "aws_ssoadmin_permission_set_inline_policy") {
    readDocument(c.inline_policy, resource.stack, "", "inline_policy", out, 0);
  } else if (IAM_POLICY_TYPES.includes(resource.type)) {
    readDocument(c.policy, resource.stack, "", "policy", out, 0);
  }
  return out;
}

function readDocument(value: unknown, stack: StackView, prefix: string, attribute: string, out: Collected, depth: number): void {
  if (value === undefined || value === null) return;
  // A document nested deeper (or one that refers to itself) is not read: the pack says so.
  if (depth > MAX_DEPTH) return void out.unverifiable.push(cannotVerifyText(attribute, value));
  const resolved = resolveLiterals(value, stack);
  if (isObject(resolved)) return readJson(resolved, stack, prefix, attribute, out);
  if (typeof resolved !== "string") return void out.unverifiable.push(cannotVerifyText(attribute, value));
  const parsed = parseJson(resolved) ?? jsonencodeArgument(resolved);
  if (isObject(parsed)) return readJson(parsed, stack, prefix, attribute, out);
  const ref = referencedElement(resolved, stack);
  if (ref && ref.element.type === "aws_iam_policy_document" && /^(minified_)?json$/.test(ref.attribute)) {
    return readDocumentData(ref.element, ref.stack, out, depth);
  }
  if (ref && IAM_POLICY_TYPES.includes(ref.element.type) && ref.attribute === "policy") {
    return readDocument(ref.element.config.policy, ref.stack, `${ref.element.address} `, `${ref.element.address}.policy`, out, depth + 1);
  }
  out.unverifiable.push(cannotVerifyText(attribute, value));
}

function readJson(document: Readonly<Record<string, unknown>>, stack: StackView, prefix: string, attribute: string, out: Collected): void {
  const raw = resolveLiterals(document.Statement, stack);
  if (typeof raw === "string" || (Array.isArray(raw) && raw.some((s) => !isObject(s)))) {
    out.unverifiable.push(cannotVerifyText(`${attribute} Statement`, document.Statement));
    return;
  }
  blocks(raw).forEach((s, i) => {
    const sid = typeof s.Sid === "string" && s.Sid !== "" ? ` (Sid "${s.Sid}")` : "";
    const list = (v: unknown) => strings(resolveLiterals(v, stack));
    out.statements.push({
      where: `${prefix}Statement[${i}]${sid}`,
      effect: String(s.Effect),
      actions: list(s.Action),
      resources: list(s.Resource),
      ...("NotAction" in s ? { notActions: list(s.NotAction) } : {}),
      ...("NotResource" in s ? { notResources: list(s.NotResource) } : {}),
    });
  });
}

function readDocumentData(document: ElementView, stack: StackView, out: Collected, depth: number): void {
  const c = document.config;
  if (hasDynamicBlock(c, "statement")) out.unverifiable.push(cannotVerifyText(`${document.address} statement`, "a dynamic block"));
  blocks(c.statement).forEach((s, i) => {
    const sid = typeof s.sid === "string" && s.sid !== "" ? ` (sid "${s.sid}")` : "";
    const list = (v: unknown) => strings(resolveLiterals(v, stack));
    out.statements.push({
      where: `${document.address} statement[${i}]${sid}`,
      effect: s.effect === undefined ? "Allow" : String(resolveLiterals(s.effect, stack)),
      actions: list(s.actions),
      resources: list(s.resources),
      ...(s.not_actions !== undefined ? { notActions: list(s.not_actions) } : {}),
      ...(s.not_resources !== undefined ? { notResources: list(s.not_resources) } : {}),
    });
  });
  for (const key of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    const docs = resolveLiterals(c[key], stack);
    const items = Array.isArray(docs) ? docs : [docs];
    items.forEach((d, i) => readDocument(d, stack, `${document.address} ${key}[${i}] `, `${document.address} ${key}[${i}]`, out, depth + 1));
  }
}

/** The value of a JSON text, or undefined; only an object is read as a document. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An IAM action or resource pattern (`*` and `?` wildcards, case-insensitive for actions) as a regular expression. */
export function wildcard(pattern: string, caseInsensitive = true): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
}

/** Whether an action pattern allows every action of every service (`*`, `*:*`). */
export function isEveryAction(action: string): boolean {
  return action === "*" || /^\*:/.test(action);
}

/** Whether any of `patterns` allows `action` (e.g. `iam:*` allows `iam:PassRole`). */
export function allowsAction(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => !isUnresolvedValue(p) && wildcard(p).test(action));
}

/** Whether a statement allows `action`: an Allow whose Action covers it, or whose NotAction does not. */
export function statementAllows(s: IamStatement, action: string): boolean {
  if (s.effect !== "Allow") return false;
  if (s.notActions !== undefined) return !allowsAction(s.notActions, action);
  return allowsAction(s.actions, action);
}

/** The items of a list that are whole expressions the stack does not resolve to one of its own elements (they may be anything, `*` included). */
export function unresolvedItems(items: readonly string[], stack: StackView): string[] {
  return items.filter((v) => isUnresolvedValue(v) && /^\$\{[\s\S]*\}$/.test(v) && referencedElement(v, stack) === undefined);
}
