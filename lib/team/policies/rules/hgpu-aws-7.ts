import { missingTags } from "./required-tags";
import type { PolicyRule } from "../types";

/** HGPU-AWS-7: taggable AWS resources carry the required tags (their own plus the provider's default_tags). */
export const awsRequiredTags: PolicyRule = {
  id: "HGPU-AWS-7",
  level: "error",
  title: "Required tags are present",
  explanation:
    "Costs and ownership are traced by tags. Every AWS resource that takes tags carries each required key (option requiredTags, " +
    "default team, cost-center, managed-by) in its own tags or its provider's default_tags. With requiredTags [] the rule is off. " +
    "Resources without a tags attribute (e.g. aws_autoscaling_group) are not judged.",
  appliesTo: ["aws_*"],
  check(resource, settings) {
    if (settings.requiredTags.length === 0 || !resource.taggable) return "not-applicable";
    return missingTags(resource, settings.requiredTags, defaultTags(resource), " (own tags plus the provider's default_tags)");
  },
};

function defaultTags(resource: Parameters<PolicyRule["check"]>[0]): Readonly<Record<string, unknown>>[] {
  const provider = resource.config.provider;
  const alias = typeof provider === "string" && provider.startsWith("aws.") ? provider.slice(4) : undefined;
  const config = (resource.stack.providers.aws ?? []).find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
  const out: Readonly<Record<string, unknown>>[] = [];
  for (const d of Array.isArray(config?.default_tags) ? config.default_tags : config?.default_tags ? [config.default_tags] : []) {
    if (typeof d === "object" && d !== null && "tags" in d) out.push({ tags: (d as { tags: unknown }).tags });
  }
  return out;
}
