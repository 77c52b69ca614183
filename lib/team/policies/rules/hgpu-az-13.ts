import { block, nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";
import { preSharedKeyProblem, tagProblems, userDataProblems } from "./plain-secrets";

const VMS = [
  "azurerm_linux_virtual_machine_scale_set", "azurerm_windows_virtual_machine_scale_set", "azurerm_orchestrated_virtual_machine_scale_set",
  "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine", "azurerm_virtual_machine",
];

/** HGPU-AZ-13: no secret is written in plain text. */
export const azureNoPlainSecrets: PolicyRule = {
  id: "HGPU-AZ-13",
  level: "error",
  title: "No secrets in plain text",
  explanation:
    "A secret in the code is in every clone of the repository, in the plan, in the state every reader of the stack can fetch, " +
    "and (in custom data) on the node's disk. An azurerm_virtual_network_gateway_connection's shared_key is a sensitive variable " +
    "without a default, a data source (a Key Vault secret, a remote state) or another resource's attribute (e.g. the key AWS " +
    "generated for the other end of a tunnel); a literal, a variable that is not sensitive or has a default, and an expression " +
    "that may hold literal text are errors. Custom data and user data of scale sets and VMs (custom_data, user_data, an " +
    "orchestrated scale set's os_profile custom_data, a virtual machine's os_profile custom_data; base64-decoded, and a " +
    "base64encode(local.x) followed to the local's text: a GpuTask's env is written there) and the tags of every Azure resource " +
    "hold no known token shape, no high-entropy string and no NAME=value line whose name says it holds a secret, as for " +
    "HGPU-AWS-13 (Azure SAS signatures and storage keys included). Custom data read from a file or template at plan time is " +
    "reported as unverifiable. Findings show a secret's first 4 characters and its length only. Pass secrets by reference (GpuTask " +
    "secrets, Key Vault) and fetch them on the node with its managed identity.",
  appliesTo: ["azurerm_*"],
  check(resource) {
    const c = resource.config;
    const problems: string[] = [];
    if (resource.type === "azurerm_virtual_network_gateway_connection") {
      const p = preSharedKeyProblem(resource, "shared_key");
      if (p !== undefined) problems.push(p);
    }
    if (VMS.includes(resource.type)) {
      problems.push(...userDataProblems(resource, "custom_data", c.custom_data, true));
      problems.push(...userDataProblems(resource, "user_data", c.user_data, true));
      problems.push(...userDataProblems(resource, "user_data_base64", c.user_data_base64, true));
      const profile = block(c.os_profile);
      if (profile) problems.push(...userDataProblems(resource, "os_profile.custom_data", profile.custom_data, resource.type !== "azurerm_virtual_machine"));
    }
    problems.push(...tagProblems(resource));
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};
