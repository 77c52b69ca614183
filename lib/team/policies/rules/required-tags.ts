import { isObject, nonCompliant } from "../helpers";
import type { L1View, RuleResult } from "../types";

/**
 * Which of `required` neither the resource's `tags` nor any of `inherited` (objects with a `tags`
 * map, e.g. AWS default_tags blocks) carries; `where` ends the finding's detail. Tags written as an expression (e.g.
 * `${merge({...}, ...)}`) count a key when the expression names it as a quoted key.
 */
export function missingTags(resource: L1View, required: readonly string[], inherited: readonly Readonly<Record<string, unknown>>[] = [], where = ""): RuleResult {
  const sources = [resource.config.tags, ...inherited.map((i) => i.tags)];
  const has = (key: string) => sources.some((tags) =>
    (isObject(tags) && key in tags) || (typeof tags === "string" && (tags.includes(`"${key}"`) || new RegExp(`[{,\\s]${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=`).test(tags))));
  const missing = required.filter((k) => !has(k));
  if (missing.length === 0) return "compliant";
  return nonCompliant(`missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}${where}`);
}
