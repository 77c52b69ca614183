import { block, nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";
import { preSharedKeyProblem, tagProblems, userDataProblems } from "./plain-secrets";

/** Resource types with user data, and whether each attribute holds base64. */
const USER_DATA: Readonly<Record<string, readonly { readonly attribute: string; readonly base64: boolean }[]>> = {
  aws_instance: [{ attribute: "user_data", base64: false }, { attribute: "user_data_base64", base64: true }],
  aws_spot_instance_request: [{ attribute: "user_data", base64: false }, { attribute: "user_data_base64", base64: true }],
  aws_launch_configuration: [{ attribute: "user_data", base64: false }, { attribute: "user_data_base64", base64: true }],
  aws_launch_template: [{ attribute: "user_data", base64: true }],
};

/** HGPU-AWS-13: no secret is written in plain text. */
export const awsNoPlainSecrets: PolicyRule = {
  id: "HGPU-AWS-13",
  level: "error",
  title: "No secrets in plain text",
  explanation:
    "A secret in the code is in every clone of the repository, in the plan, in the state every reader of the stack can fetch, " +
    "and (in user data) readable by anything on the node through the metadata service. An aws_vpn_connection's " +
    "tunnel1_preshared_key and tunnel2_preshared_key are unset (AWS generates them), a sensitive variable without a default, a " +
    "data source (a secret store, a remote state) or another resource's attribute; a literal, a variable that is not sensitive or " +
    "has a default, and an expression that may hold literal text are errors. User data (aws_instance and " +
    "aws_spot_instance_request user_data and user_data_base64, aws_launch_configuration's, an aws_launch_template's user_data, " +
    "base64-decoded, and a base64encode(local.x) followed to the local's text: a GpuTask's env is written there) and the tags of " +
    "every AWS resource hold no known token shape (AWS access key IDs, GitHub, GitLab, Hugging Face, Slack, OpenAI, Anthropic, " +
    "Stripe, npm and Google tokens, JWTs, PEM private keys, passwords in URLs), no high-entropy string, and no NAME=value line " +
    "whose name says it holds a secret (HF_TOKEN, WANDB_API_KEY, DB_PASSWORD). UUIDs, hex digests, AMI and resource IDs, SSH " +
    "public keys and certificates pass. User data read from a file or template at plan time is reported as unverifiable. " +
    "Findings show a secret's first 4 characters and its length only. Pass secrets by reference (GpuTask secrets, SSM " +
    "parameters, Secrets Manager) and fetch them on the node with its identity.",
  appliesTo: ["aws_*"],
  check(resource) {
    const problems: string[] = [];
    if (resource.type === "aws_vpn_connection") {
      for (const attribute of ["tunnel1_preshared_key", "tunnel2_preshared_key"]) {
        const p = preSharedKeyProblem(resource, attribute);
        if (p !== undefined) problems.push(p);
      }
    }
    for (const { attribute, base64 } of USER_DATA[resource.type] ?? []) {
      problems.push(...userDataProblems(resource, attribute, resource.config[attribute], base64));
    }
    problems.push(...tagProblems(resource));
    // Spot fleet and EC2 fleet launch specifications carry user data too.
    if (resource.type === "aws_spot_fleet_request") {
      const specs = resource.config.launch_specification;
      (Array.isArray(specs) ? specs : [specs]).forEach((spec, i) => {
        const s = block(spec);
        if (s) problems.push(...userDataProblems(resource, `launch_specification[${i}].user_data`, s.user_data, false));
      });
    }
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};
