import { isObject, nonCompliant } from "../helpers";
import type { L1View, RuleResult } from "../types";

/**
 * Which of `required` no tag map of `sources` carries. A source is a `tags` map, or an expression
 * (e.g. `${merge({...}, ...)}`) that counts a key when it names it as a quoted key or as `key =`.
 */
export function missingKeys(sources: readonly unknown[], required: readonly string[]): string[] {
  const has = (key: string) => sources.some((tags) =>
    (isObject(tags) && key in tags) || (typeof tags === "string" && (tags.includes(`"${key}"`) || new RegExp(`[{,\\s]${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=`).test(tags))));
  return required.filter((k) => !has(k));
}

/** `missing tag a` or `missing tags a, b`. */
export function missingText(missing: readonly string[]): string {
  return `missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
}

/**
 * Which of `required` neither the resource's `tags` nor any of `inherited` (objects with a `tags`
 * map, e.g. AWS default_tags blocks) carries; `where` ends the finding's detail. Tags written as an expression (e.g.
 * `${merge({...}, ...)}`) count a key when the expression names it as a quoted key.
 */
export function missingTags(resource: L1View, required: readonly string[], inherited: readonly Readonly<Record<string, unknown>>[] = [], where = ""): RuleResult {
  const missing = missingKeys([resource.config.tags, ...inherited.map((i) => i.tags)], required);
  if (missing.length === 0) return "compliant";
  return nonCompliant(`${missingText(missing)}${where}`);
}
