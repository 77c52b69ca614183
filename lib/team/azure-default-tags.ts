import { Fn, type IAspect, TerraformResource, Token } from "../engine/core";
import type { IConstruct } from "constructs";
import { mergeTags, type Tags } from "../core/tags";

interface Taggable {
  tagsInput?: Readonly<Record<string, string>> | unknown;
  tags: Readonly<Record<string, string>> | unknown;
}

function isTaggableAzure(node: IConstruct): node is TerraformResource & Taggable {
  return TerraformResource.isTerraformResource(node) && node.terraformResourceType.startsWith("azurerm_") && "tagsInput" in node;
}

/**
 * Default tags for Azure, whose provider has none: every `azurerm_*` resource that takes tags gets
 * the stack's tags, with the resource's own tags winning over them (the same precedence as AWS
 * provider default tags).
 */
export class AzureDefaultTags implements IAspect {
  constructor(private readonly tags: Tags) {}

  public visit(node: IConstruct): void {
    if (!isTaggableAzure(node)) return;
    const own = node.tagsInput;
    if (own !== undefined && Token.isUnresolved(own)) {
      node.tags = Fn.merge([{ ...this.tags }, own]) as unknown as Record<string, string>;
      return;
    }
    node.tags = mergeTags(this.tags, own as Tags | undefined);
  }
}
