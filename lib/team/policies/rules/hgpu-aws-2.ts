import { block, nonCompliant, show } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-AWS-2: the instance metadata service requires session tokens (IMDSv2). */
export const awsImdsV2: PolicyRule = {
  id: "HGPU-AWS-2",
  level: "error",
  title: "IMDSv2 is required",
  explanation:
    "With IMDSv1 a server-side request forgery in any process on the node hands out the node role's credentials. " +
    "Set metadata_options.http_tokens to \"required\" (or turn the endpoint off with http_endpoint \"disabled\").",
  appliesTo: ["aws_launch_template", "aws_instance"],
  check(resource) {
    const options = block(resource.config.metadata_options);
    if (options?.http_endpoint === "disabled") return "compliant";
    const tokens = options?.http_tokens;
    if (tokens === "required") return "compliant";
    return nonCompliant(`metadata_options.http_tokens is ${show(tokens)}, use "required"`);
  },
};
