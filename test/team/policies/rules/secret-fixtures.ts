import { EMPTY_STACK } from "../../../../lib/team/policies/values";
import type { PolicyRule } from "../../../../lib/team/policies/types";

/** A GitHub token's shape (not a live token): the plain-secret rules' tests plant it. */
export const GITHUB = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
/** How the rules describe {@link GITHUB} in a finding. */
export const GH = "a GitHub token (ghp_... (40 characters))";
/** A boot script exporting {@link GITHUB}, base64-encoded as user data is. */
export const ENCODED_SCRIPT = Buffer.from(`export GH=${GITHUB}\n`).toString("base64");

/** A rule's verdict on one resource `<type>.r` (path `s/r`) of an empty stack, tag rules off. */
export function checkOne(rule: PolicyRule, type: string, config: Record<string, unknown>): unknown {
  return rule.check({ type, name: "r", address: `${type}.r`, path: "s/r", taggable: true, config, stack: EMPTY_STACK }, { requiredTags: [] });
}

/** The non-compliant verdict with these details, joined as the rules join them. */
export const flagged = (...details: string[]) => ({ status: "non-compliant", detail: details.join("; ") });
