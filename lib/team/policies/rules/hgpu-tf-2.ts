import { nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-TF-2: no other stack reads a state that holds VPN pre-shared keys. */
export const vpnKeysNotShared: PolicyRule = {
  id: "HGPU-TF-2",
  level: "warning",
  title: "No other stack reads a state that holds VPN keys",
  explanation:
    "A VPN connection's pre-shared keys are in the state of its stack (AWS generates them; Azure's connection holds them). A cdktf " +
    "cross-stack reference is a terraform_remote_state lookup, and whoever may read a state reads all of it: every stack that " +
    "references this one can read the keys. Put CrossCloudLink and OnPremSite in a stack of their own that no other stack " +
    "references (it may reference the networks' stack, as examples/team-stacks does with platform-vpn).",
  appliesTo: ["aws_vpn_connection", "azurerm_virtual_network_gateway_connection"],
  check(connection) {
    const stack = connection.stack;
    const input = `cross-stack-reference-input-${stack.path}`;
    const readers = stack.otherStacks().filter((other) => other.dataSources.some((d) => d.type === "terraform_remote_state" && d.name === input)).map((other) => other.path);
    if (readers.length === 0) return "compliant";
    const many = readers.length > 1;
    return nonCompliant(
      `the state of stack ${stack.path} holds this connection's pre-shared keys, and stack${many ? "s" : ""} ${readers.join(", ")} read${many ? "" : "s"} that whole state through cdktf cross-stack references: move the links and sites to a stack no other stack references`,
    );
  },
};
