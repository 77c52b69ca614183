import { nonCompliant } from "../helpers";
import { coveredSpaces, isWorldSource, reachesInternet, spaceName } from "../open-to-world";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerifyText, readValue } from "../values";
import { awsGpuNodes } from "./aws-gpu-nodes";
import { GROUP_TYPES, entriesOf, entriesOfGroup, groupOf, guardedBy, type GroupOf, type IngressEntry } from "./aws-security-groups";

const NOT_GUARDED = " (the group is not attached to GPU nodes or shared storage of this app, so this is a warning)";

/** HGPU-AWS-9: no security group of GPU nodes or file systems admits inbound traffic from anywhere. */
export const awsNoOpenIngress: PolicyRule = {
  id: "HGPU-AWS-9",
  level: "error",
  title: "Security groups admit nothing from the internet",
  explanation:
    "GPU nodes and file systems admit traffic only from their own groups and peers. No inline ingress of an aws_security_group " +
    "(or aws_default_security_group), no aws_security_group_rule of type ingress and no aws_vpc_security_group_ingress_rule may " +
    "admit the whole internet: 0.0.0.0/0, ::/0 (in any spelling), or prefixes that together cover the whole IPv4 or IPv6 space " +
    "(0.0.0.0/1 and 128.0.0.0/1, in one rule or across the group's rules). It is an error for a group of GPU nodes or shared " +
    "storage: one named by a GPU node by any route (a GPU launch template, instance, Spot request, launch configuration, Spot fleet " +
    "specification, a network interface of a GPU instance, an aws_network_interface_sg_attachment to one), in this stack or in " +
    "another stack of the app through a cross-stack reference, an FSx file system or an EFS mount target, or created inside an " +
    "AwsGpuCluster; the VPC's default group counts when a GPU node names no group at all. For any other group (e.g. a public load " +
    "balancer's) it is a warning. Sources, groups and GPU nodes' group lists the pack cannot resolve (variables without a literal " +
    "default, functions, dynamic blocks) are findings too: an error where the group is, or may be, a GPU group.",
  appliesTo: [
    ...GROUP_TYPES, "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_launch_template", "aws_instance", "aws_spot_instance_request", "aws_launch_configuration", "aws_spot_fleet_request",
    "aws_network_interface", "aws_network_interface_sg_attachment",
  ],
  check(resource) {
    if (GROUP_TYPES.includes(resource.type) || resource.type.endsWith("_rule")) return checkIngress(resource);
    return checkNodeGroups(resource);
  },
};

function checkIngress(resource: L1View): RuleResult {
  const entries = entriesOf(resource);
  // Only an egress aws_security_group_rule declares no entry: it is not this rule's business.
  if (entries.length === 0) return resource.type === "aws_security_group_rule" ? "not-applicable" : "compliant";
  const group: GroupOf = GROUP_TYPES.includes(resource.type) ? { kind: "resource", group: resource } : groupOf(resource.stack, resource.config.security_group_id);
  const siblings = group.kind === "resource" ? entriesOfGroup(group.group) : entries;
  const problems = entries.flatMap((e) => opening(e, siblings));
  const unverified = entries.flatMap((e) => e.unresolved.map((u) => cannotVerifyText(u.attribute, u.value)));
  if (problems.length === 0 && unverified.length === 0) return "compliant";
  const all = [...problems, ...unverified].join("; ");
  if (group.kind === "unknown") {
    return nonCompliant(`${all}; on a group the pack cannot identify: ${cannotVerifyText("security_group_id", group.value)}`, "error");
  }
  const guarded = guardedBy(group, resource.stack);
  if (guarded !== undefined) return nonCompliant(`${all}, on the group of ${guarded}`, "error");
  return nonCompliant(`${all}${NOT_GUARDED}`, "warning");
}

/** How an entry opens its group to the whole internet (alone, with its own sources, or with the group's other entries), or []. */
function opening(entry: IngressEntry, siblings: readonly IngressEntry[]): string[] {
  const world = entry.sources.filter(isWorldSource);
  if (world.length > 0) return [`${label(entry)} from ${world.join(", ")}${entry.ports}`];
  const publicSources = entry.sources.filter(reachesInternet);
  if (publicSources.length === 0) return [];
  const own = coveredSpaces(entry.sources);
  if (own.length > 0) return [`${label(entry)} from ${publicSources.join(", ")}${entry.ports}, which together cover the whole ${spaces(own)} space`];
  const others = siblings.filter((s) => !(s.resource.address === entry.resource.address && s.where === entry.where) && s.sources.some(reachesInternet));
  const together = coveredSpaces([...entry.sources, ...others.flatMap((s) => s.sources)]);
  if (together.length === 0) return [];
  const named = others.map((s) => `${s.resource.address === entry.resource.address ? label(s) : s.where ? `${s.resource.address} ${label(s)}` : s.resource.address} from ${s.sources.filter(reachesInternet).join(", ")}`);
  return [`${label(entry)} from ${publicSources.join(", ")}${entry.ports}, which with the group's other ingress (${named.join("; ")}) covers the whole ${spaces(together)} space`];
}

function spaces(versions: readonly (4 | 6)[]): string {
  return versions.map(spaceName).join(" and ");
}

function label(entry: IngressEntry): string {
  return entry.where || "ingress";
}

/** A GPU node's group list must name groups the pack can judge: literal IDs or names, or references to groups of the app. */
function checkNodeGroups(resource: L1View): RuleResult {
  const nodes = awsGpuNodes(resource.stack).filter((n) => n.resource === resource);
  if (nodes.length === 0) return "not-applicable";
  const problems: string[] = [];
  for (const node of nodes) {
    for (const { attribute, value } of node.groups) {
      const read = readValue(value, resource.stack);
      if (read.kind === "literal" || (read.kind === "reference" && !read.reference.isDataSource && GROUP_TYPES.includes(read.reference.element.type))) continue;
      problems.push(`${cannotVerifyText(attribute, value)} (the security groups of ${node.what})`);
    }
  }
  return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "), "error");
}

