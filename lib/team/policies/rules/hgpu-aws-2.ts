import { block, nonCompliant, resourcesOfType, show } from "../helpers";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerify, cannotVerifyText, dynamicBlock, hasDynamicBlock, readValue } from "../values";
import { gpuLaunchSpecifications } from "./aws-gpu-nodes";

/** HGPU-AWS-2: the instance metadata service requires session tokens (IMDSv2). */
export const awsImdsV2: PolicyRule = {
  id: "HGPU-AWS-2",
  level: "error",
  title: "IMDSv2 is required",
  explanation:
    "With IMDSv1 a server-side request forgery in any process on the node hands out the node role's credentials. " +
    "Launch templates, instances, Spot instance requests and launch configurations set metadata_options.http_tokens to \"required\" " +
    "(or turn the endpoint off with http_endpoint \"disabled\"). A Spot fleet's launch_specification has no metadata_options, so " +
    "GPU specifications comply only when the stack sets aws_ec2_instance_metadata_defaults with http_tokens \"required\". " +
    "A value the pack cannot resolve is a finding.",
  appliesTo: ["aws_launch_template", "aws_instance", "aws_spot_instance_request", "aws_launch_configuration", "aws_spot_fleet_request"],
  check(resource) {
    if (resource.type === "aws_spot_fleet_request") return spotFleet(resource);
    if (hasDynamicBlock(resource.config, "metadata_options")) {
      return cannotVerify("error", "dynamic.metadata_options", dynamicBlock(resource.config, "metadata_options"));
    }
    const options = block(resource.config.metadata_options);
    const endpoint = readValue(options?.http_endpoint, resource.stack);
    if (endpoint.value === "disabled") return "compliant"; // an unresolved read holds its expression
    const tokens = readValue(options?.http_tokens, resource.stack);
    if (tokens.kind !== "literal") return cannotVerify("error", "metadata_options.http_tokens", options?.http_tokens);
    if (tokens.value === "required") return "compliant";
    if (endpoint.kind !== "literal") return nonCompliant(cannotVerifyText("metadata_options.http_endpoint", options?.http_endpoint));
    return nonCompliant(`metadata_options.http_tokens is ${show(tokens.value)}, use "required"`);
  },
};

function spotFleet(fleet: L1View): RuleResult {
  const specs = gpuLaunchSpecifications(fleet);
  if (specs.length === 0) return "not-applicable";
  const defaults = resourcesOfType(fleet.stack, "aws_ec2_instance_metadata_defaults").some((d) => readValue(d.config.http_tokens, fleet.stack).value === "required");
  if (defaults) return "compliant";
  return nonCompliant(`launch_specification[${specs.map((s) => s.index).join(", ")}] cannot require IMDSv2 (a launch specification has no metadata_options): ` +
    "launch from a launch template with http_tokens \"required\", or set aws_ec2_instance_metadata_defaults with http_tokens \"required\"");
}
