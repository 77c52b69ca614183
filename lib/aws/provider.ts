import { type AutoscalingGroup, AwsProvider, type LaunchTemplate } from "../engine/aws";
import { TerraformProvider, type TerraformResource, TerraformStack, Token } from "../engine/core";
import type { IConstruct } from "constructs";

/**
 * Whether `c` is an AWS provider, by the engine's own symbol-based check and the provider's type
 * (not `instanceof`, which fails when the app and the library load different copies of the engine).
 */
export function isAwsProvider(c: unknown): c is AwsProvider {
  return TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === "aws";
}

/** The AWS providers of `scope`'s stack. */
export function awsProviders(scope: IConstruct): AwsProvider[] {
  return TerraformStack.of(scope).node.findAll().filter(isAwsProvider);
}

/** The literal region of the AWS provider in `scope`'s stack (the default one, without alias), if any. */
export function providerRegion(scope: IConstruct): string | undefined {
  const providers = awsProviders(scope);
  const main = providers.find((p) => p.alias === undefined) ?? providers[0];
  const region = main?.region;
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}

/**
 * The literal `default_tags` of the AWS provider a resource uses (its own `provider`, else the
 * stack's provider without alias). Empty when there is none or the tags are Terraform expressions.
 *
 * The provider applies these to the resources it creates, but not to what an Auto Scaling group
 * launches: launch template `tag_specifications` and group `tag` blocks must carry them themselves.
 */
export function providerDefaultTags(resource: TerraformResource): Record<string, string> {
  const provider = isAwsProvider(resource.provider) ? resource.provider : awsProviders(resource).find((p) => p.alias === undefined);
  const blocks = provider?.defaultTags;
  if (blocks === undefined || Token.isUnresolved(blocks) || !Array.isArray(blocks)) return {};
  const tags: Record<string, string> = {};
  for (const block of blocks) {
    if (block.tags === undefined || Token.isUnresolved(block.tags)) continue;
    for (const [key, value] of Object.entries(block.tags)) if (!Token.isUnresolved(key)) tags[key] = value;
  }
  return tags;
}

/**
 * Merges the provider's `default_tags` (e.g. a TeamStack's team and cost-center tags) into a
 * launch template's tag specifications and an Auto Scaling group's propagated tags, under the tags
 * already there: the AWS provider does not apply them to instances, volumes and ENIs a group
 * launches, so without this the nodes escape tag-filtered budgets and cost reports. Run it once
 * every provider is configured (from an Aspect).
 */
export function tagLaunchedNodes(launchTemplate: LaunchTemplate, group: AutoscalingGroup): void {
  const defaults = providerDefaultTags(launchTemplate);
  if (Object.keys(defaults).length === 0) return;
  const specs = launchTemplate.tagSpecificationsInput;
  if (Array.isArray(specs)) {
    launchTemplate.putTagSpecifications(specs.map((spec) => ({ ...spec, tags: { ...defaults, ...(spec.tags ?? {}) } })));
  }
  const groupTags = group.tagInput;
  if (Array.isArray(groupTags)) {
    const present = new Set(groupTags.map((t) => t.key));
    const added = Object.entries(defaults).filter(([key]) => !present.has(key)).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    group.putTag([...groupTags, ...added]);
  }
}
