import { getOffering } from "../../../catalog/catalog";
import { blocks, nonCompliant, numberOf } from "../helpers";
import type { PolicyRule } from "../types";
import { groupsUsing } from "./aws-gpu-nodes";

/** HGPU-AWS-8: multi-node EFA clusters put an EFA interface on every network card. */
export const awsFullFabric: PolicyRule = {
  id: "HGPU-AWS-8",
  level: "warning",
  title: "Multi-node GPU clusters use their full fabric",
  explanation:
    "An EFA-capable type reaches its full node-to-node bandwidth only with one EFA interface (interface_type efa or efa-only) on " +
    "each of its network cards (32 on p5.48xlarge). A launch template of such a type, used by an Auto Scaling group of more than " +
    "one node, should have EFA interfaces on as many distinct network_card_index values as the type has cards (from the catalog).",
  appliesTo: ["aws_launch_template"],
  check(template) {
    const type = template.config.instance_type;
    const offering = typeof type === "string" ? getOffering(type) : undefined;
    if (!offering || offering.fabric.kind !== "efa") return "not-applicable";
    const nodes = Math.max(0, ...groupsUsing(template).map((g) => Math.max(numberOf(g.config.min_size) ?? 0, numberOf(g.config.desired_capacity) ?? 0)));
    if (nodes <= 1) return "not-applicable";
    const cards = offering.fabric.networkCards ?? offering.fabric.interfaces;
    const efaCards = new Set(blocks(template.config.network_interfaces)
      .filter((nic) => nic.interface_type === "efa" || nic.interface_type === "efa-only")
      .map((nic) => numberOf(nic.network_card_index) ?? 0));
    if (efaCards.size >= cards) return "compliant";
    return nonCompliant(`${efaCards.size} of ${cards} network cards of ${String(type)} carry an EFA interface, for ${nodes} nodes`);
  },
};
