import { awsProviderAlias, blocks, nonCompliant } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { missingKeys, missingTags, missingText } from "./required-tags";

/** The resource types of a launch template's tag_specifications that must carry the required tags: what its nodes cost. */
export const LAUNCH_TEMPLATE_TAGGED_TYPES: readonly string[] = ["instance", "volume"];

/** HGPU-AWS-7: taggable AWS resources carry the required tags (their own plus the provider's default_tags). */
export const awsRequiredTags: PolicyRule = {
  id: "HGPU-AWS-7",
  level: "error",
  title: "Required tags are present",
  explanation:
    "Costs and ownership are traced by tags. Every AWS resource that takes tags carries each required key (option requiredTags, " +
    "default team, cost-center, managed-by) in its own tags or its provider's default_tags. An aws_launch_template also needs every " +
    `required key in its tag_specifications for resource_type ${LAUNCH_TEMPLATE_TAGGED_TYPES.join(" and ")}: the provider's default_tags ` +
    "do not reach the instances and volumes a template launches, which are most of a GPU stack's cost. With requiredTags [] the rule " +
    "is off. Resources without a tags attribute (e.g. aws_autoscaling_group) are not judged.",
  appliesTo: ["aws_*"],
  check(resource, settings) {
    if (settings.requiredTags.length === 0 || !resource.taggable) return "not-applicable";
    const own = missingTags(resource, settings.requiredTags, defaultTags(resource), " (own tags plus the provider's default_tags)");
    if (resource.type !== "aws_launch_template") return own;
    const problems = typeof own === "object" ? [own.detail] : [];
    const specifications = blocks(resource.config.tag_specifications);
    for (const type of LAUNCH_TEMPLATE_TAGGED_TYPES) {
      const specs = specifications.filter((s) => s.resource_type === type);
      const missing = missingKeys(specs.map((s) => s.tags), settings.requiredTags);
      if (missing.length === 0) continue;
      problems.push(specs.length === 0
        ? `no tag_specifications for resource_type ${type} (the provider's default_tags do not reach launched ${type}s): add one with ${settings.requiredTags.join(", ")}`
        : `${missingText(missing)} in tag_specifications for resource_type ${type} (the provider's default_tags do not reach launched ${type}s)`);
    }
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};

function defaultTags(resource: L1View): Readonly<Record<string, unknown>>[] {
  const alias = awsProviderAlias(resource);
  const config = (resource.stack.providers.aws ?? []).find((p) => p.alias === alias);
  return blocks(config?.default_tags).map((d) => ({ tags: d.tags }));
}
