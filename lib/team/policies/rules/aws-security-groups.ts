/**
 * Security groups as HGPU-AWS-9 sees them: the inbound entries of a group (inline ingress,
 * aws_security_group_rule, aws_vpc_security_group_ingress_rule), the group an entry belongs to, and
 * what guarded resource uses a group: GPU nodes by any route (in this stack or, through a cdktf
 * cross-stack reference, another stack of the app), shared file systems, an AwsGpuCluster.
 */
import { blocks, refersTo, resourcesOfType, strings } from "../helpers";
import type { L1View, StackView } from "../types";
import { dynamicBlock, hasDynamicBlock, readList, referencedElement } from "../values";
import { awsGpuNodes } from "./aws-gpu-nodes";

/** The security group resource types. */
export const GROUP_TYPES: readonly string[] = ["aws_security_group", "aws_default_security_group"];

/** The group an ingress entry belongs to: a group resource of the app, a literal ID, or a value the pack cannot resolve. */
export type GroupOf =
  | { readonly kind: "resource"; readonly group: L1View }
  | { readonly kind: "literal"; readonly id: string }
  | { readonly kind: "unknown"; readonly value: unknown };

/** One inbound entry of a group. */
export interface IngressEntry {
  /** The resource that declares it (the group for inline ingress). */
  readonly resource: L1View;
  /** Where in the resource, e.g. `ingress[0]` or `ingress`. */
  readonly where: string;
  /** Its literal sources (CIDRs). */
  readonly sources: readonly string[];
  /** Its sources the pack cannot verify, each with its attribute. */
  readonly unresolved: readonly { readonly attribute: string; readonly value: unknown }[];
  /** The traffic it admits, e.g. ` (tcp 22)` or ` (all traffic)`. */
  readonly ports: string;
}

/** The group a rule's `security_group_id` names. */
export function groupOf(stack: StackView, id: unknown): GroupOf {
  const ref = referencedElement(id, stack);
  if (ref && !ref.isDataSource && GROUP_TYPES.includes(ref.element.type)) return { kind: "resource", group: ref.element as L1View };
  if (typeof id === "string" && /^sg-[0-9a-f]+$/.test(id)) return { kind: "literal", id };
  const local = stack.resources.find((r) => GROUP_TYPES.includes(r.type) && refersTo(id, r));
  if (local) return { kind: "resource", group: local };
  return { kind: "unknown", value: id };
}

/** The inbound entries a resource declares (a group's inline ingress, or one rule resource), or [] for other resources. */
export function entriesOf(resource: L1View): IngressEntry[] {
  const c = resource.config;
  const stack = resource.stack;
  const entry = (where: string, attrs: readonly [string, unknown][], rule: Readonly<Record<string, unknown>>): IngressEntry => {
    const sources: string[] = [];
    const unresolved: { attribute: string; value: unknown }[] = [];
    for (const [attribute, value] of attrs) {
      const items = readList(value, stack);
      for (const item of items) {
        if (item.kind === "literal") sources.push(...strings(item.value));
      }
      if (items.some((i) => i.kind !== "literal")) unresolved.push({ attribute: where ? `${where}.${attribute}` : attribute, value });
    }
    return { resource, where, sources, unresolved, ports: ports(rule) };
  };
  if (resource.type === "aws_vpc_security_group_ingress_rule") return [entry("", [["cidr_ipv4", c.cidr_ipv4], ["cidr_ipv6", c.cidr_ipv6]], c)];
  if (resource.type === "aws_security_group_rule") {
    return c.type === "ingress" ? [entry("", [["cidr_blocks", c.cidr_blocks], ["ipv6_cidr_blocks", c.ipv6_cidr_blocks]], c)] : [];
  }
  if (!GROUP_TYPES.includes(resource.type)) return [];
  const out = blocks(c.ingress).map((rule, i) => entry(`ingress[${i}]`, [["cidr_blocks", rule.cidr_blocks], ["ipv6_cidr_blocks", rule.ipv6_cidr_blocks]], rule));
  if (hasDynamicBlock(c, "ingress")) {
    out.push({ resource, where: "dynamic ingress", sources: [], unresolved: [{ attribute: "dynamic.ingress", value: dynamicBlock(c, "ingress") }], ports: "" });
  }
  if (typeof c.ingress === "string") out.push({ resource, where: "", sources: [], unresolved: [{ attribute: "ingress", value: c.ingress }], ports: "" });
  return out;
}

/** Every inbound entry of a group resource in its own stack (inline and rule resources). */
export function entriesOfGroup(group: L1View): IngressEntry[] {
  const rules = ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule"].flatMap((t) => resourcesOfType(group.stack, t))
    .filter((r) => { const g = groupOf(r.stack, r.config.security_group_id); return g.kind === "resource" && g.group === group; });
  return [...entriesOf(group), ...rules.flatMap(entriesOf)];
}

/**
 * What guarded resource uses a group, or undefined when none does: a GPU node of any stack of
 * the app that names it (by reference, cross-stack reference, literal ID or name), an FSx file
 * system or EFS mount target of its stack, or the AwsGpuCluster that created it. The VPC's
 * default group guards the GPU nodes that name no group.
 */
export function guardedBy(group: GroupOf, from: StackView): string | undefined {
  if (group.kind === "unknown") return undefined;
  if (group.kind === "resource" && group.group.awsClusterPath !== undefined) return `AwsGpuCluster ${group.group.awsClusterPath}`;
  const home = group.kind === "resource" ? group.group.stack : from;
  const named = (value: unknown, stack: StackView): boolean => {
    if (group.kind === "literal") return value === group.id;
    const g = group.group;
    if (value === g.config.name && stack === g.stack) return true;
    const ref = referencedElement(value, stack);
    return ref !== undefined && !ref.isDataSource && ref.element.address === g.address && ref.stack.path === g.stack.path;
  };
  const local = usersOf(home).find((u) => u.groups.some((v) => named(v, home)))
    ?? (group.kind === "resource" && group.group.type === "aws_default_security_group" ? awsGpuNodes(home).find((n) => n.defaultGroup) : undefined);
  if (local) return local.what;
  for (const other of home.otherStacks()) {
    const user = awsGpuNodes(other).find((n) => n.groups.some((g) => named(g.value, other)));
    if (user) return `${user.what} in stack ${other.path}`;
  }
  return undefined;
}

/** The guarded users of one stack with the group values each names. */
function usersOf(stack: StackView): { readonly what: string; readonly groups: readonly unknown[] }[] {
  const out = awsGpuNodes(stack).map((n) => ({ what: n.what, groups: n.groups.map((g) => g.value) }));
  for (const fs of stack.resources.filter((r) => r.type.startsWith("aws_fsx_") && r.type.endsWith("_file_system"))) {
    out.push({ what: `file system ${fs.address}`, groups: strings(fs.config.security_group_ids) });
  }
  for (const m of resourcesOfType(stack, "aws_efs_mount_target")) out.push({ what: `EFS mount target ${m.address}`, groups: strings(m.config.security_groups) });
  return out;
}

function ports(rule: Readonly<Record<string, unknown>>): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  if (protocol === "-1" || protocol === "all" || protocol === -1) return " (all traffic)";
  if (rule.from_port === undefined) return "";
  return ` (${String(protocol ?? "?")} ${String(rule.from_port)}${rule.to_port !== undefined && rule.to_port !== rule.from_port ? `-${String(rule.to_port)}` : ""})`;
}
