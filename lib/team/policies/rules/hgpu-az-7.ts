import { missingTags } from "./required-tags";
import type { PolicyRule } from "../types";

/** HGPU-AZ-7: taggable Azure resources carry the required tags. */
export const azureRequiredTags: PolicyRule = {
  id: "HGPU-AZ-7",
  level: "error",
  title: "Required tags are present",
  explanation:
    "Costs and ownership are traced by tags. Every Azure resource that takes tags carries each required key (option requiredTags, " +
    "default team, cost-center, managed-by) in its own tags (azurerm has no provider default tags). With requiredTags [] the rule is off.",
  appliesTo: ["azurerm_*"],
  check(resource, settings) {
    if (settings.requiredTags.length === 0 || !resource.taggable) return "not-applicable";
    return missingTags(resource, settings.requiredTags);
  },
};
