import { block, blocks, nonCompliant, refersTo, resourcesOfType, strings } from "../helpers";
import type { L1View, PolicyRule, StackView } from "../types";
import { gpuInstances, gpuLaunchTemplates, gpuNetworkInterfaces } from "./aws-gpu-nodes";

const ANYWHERE = ["0.0.0.0/0", "::/0"];
const GROUP_TYPES = ["aws_security_group", "aws_default_security_group"];

/** HGPU-AWS-9: no security group of GPU nodes or file systems admits inbound traffic from anywhere. */
export const awsNoOpenIngress: PolicyRule = {
  id: "HGPU-AWS-9",
  level: "error",
  title: "Security groups admit nothing from the internet",
  explanation:
    "GPU nodes and file systems admit traffic only from their own groups and peers. No inline ingress of an aws_security_group " +
    "(or aws_default_security_group), no aws_security_group_rule of type ingress and no aws_vpc_security_group_ingress_rule may " +
    "have the source 0.0.0.0/0 or ::/0. It is an error for a group of GPU nodes or shared storage: one named by a GPU launch " +
    "template (vpc_security_group_ids, security_group_names, network_interfaces.security_groups), a GPU aws_instance or a network " +
    "interface attached to one, an FSx file system (security_group_ids) or an EFS mount target (security_groups), or created " +
    "inside an AwsGpuCluster; the VPC's default group counts when one of those names no group at all. For any other group (e.g. a " +
    "public load balancer's) it is a warning.",
  appliesTo: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
  check(resource) {
    const c = resource.config;
    let open: string[];
    let group: L1View | string | undefined;
    if (resource.type === "aws_vpc_security_group_ingress_rule") {
      const sources = [c.cidr_ipv4, c.cidr_ipv6].filter((v): v is string => typeof v === "string" && ANYWHERE.includes(v));
      open = sources.length === 0 ? [] : [`ingress from ${sources.join(", ")}${ports(c)}`];
      group = groupOf(resource.stack, c.security_group_id);
    } else if (resource.type === "aws_security_group_rule") {
      if (c.type !== "ingress") return "not-applicable";
      const sources = openSources(c);
      open = sources.length === 0 ? [] : [`ingress from ${sources.join(", ")}${ports(c)}`];
      group = groupOf(resource.stack, c.security_group_id);
    } else {
      open = blocks(c.ingress).flatMap((rule, i) => {
        const sources = openSources(rule);
        return sources.length === 0 ? [] : [`ingress[${i}] from ${sources.join(", ")}${ports(rule)}`];
      });
      group = resource;
    }
    if (open.length === 0) return "compliant";
    const guarded = guardedBy(resource.stack, group);
    if (guarded !== undefined) return nonCompliant(`${open.join("; ")}, on the group of ${guarded}`);
    return nonCompliant(`${open.join("; ")} (the group is not attached to GPU nodes or shared storage of this stack, so this is a warning)`, "warning");
  },
};

/** The security group resource of the stack a rule's `security_group_id` refers to, else the raw value when it is a string. */
function groupOf(stack: StackView, id: unknown): L1View | string | undefined {
  const found = stack.resources.find((r) => GROUP_TYPES.includes(r.type) && refersTo(id, r));
  return found ?? (typeof id === "string" ? id : undefined);
}

interface Guarded {
  /** What uses the group, e.g. `GPU launch template aws_launch_template.lt`. */
  readonly what: string;
  /** The security group values it lists (IDs, references or names); empty when it lists none. */
  readonly groups: readonly string[];
}

/** What in the stack uses security groups and must stay closed: GPU nodes, their interfaces, FSx and EFS. */
function guardedUsers(stack: StackView): Guarded[] {
  const out: Guarded[] = [];
  for (const t of gpuLaunchTemplates(stack)) {
    out.push({
      what: `GPU launch template ${t.address}`,
      groups: [...strings(t.config.vpc_security_group_ids), ...strings(t.config.security_group_names), ...blocks(t.config.network_interfaces).flatMap((n) => strings(n.security_groups))],
    });
  }
  for (const i of gpuInstances(stack)) {
    const viaTemplate = block(i.config.launch_template) !== undefined;
    const groups = [...strings(i.config.vpc_security_group_ids), ...strings(i.config.security_groups)];
    // An instance launched from a template takes the template's groups (judged above) when it names none.
    if (groups.length > 0 || !viaTemplate) out.push({ what: `GPU instance ${i.address}`, groups });
  }
  for (const n of gpuNetworkInterfaces(stack)) out.push({ what: `network interface ${n.address} of a GPU instance`, groups: strings(n.config.security_groups) });
  for (const fs of stack.resources.filter((r) => r.type.startsWith("aws_fsx_") && r.type.endsWith("_file_system"))) {
    out.push({ what: `file system ${fs.address}`, groups: strings(fs.config.security_group_ids) });
  }
  for (const m of resourcesOfType(stack, "aws_efs_mount_target")) out.push({ what: `EFS mount target ${m.address}`, groups: strings(m.config.security_groups) });
  return out;
}

/** What guarded resource uses `group` (a security group of the stack, or a raw ID), or undefined when none does. */
function guardedBy(stack: StackView, group: L1View | string | undefined): string | undefined {
  if (group === undefined) return undefined;
  if (typeof group !== "string" && group.awsClusterPath !== undefined) return `AwsGpuCluster ${group.awsClusterPath}`;
  const users = guardedUsers(stack);
  const matches = (value: string) => typeof group === "string"
    ? value === group
    : refersTo(value, group) || (typeof group.config.name === "string" && value === group.config.name);
  const user = users.find((u) => u.groups.some(matches))
    ?? (typeof group !== "string" && group.type === "aws_default_security_group" ? users.find((u) => u.groups.length === 0) : undefined);
  return user?.what;
}

function openSources(rule: Readonly<Record<string, unknown>>): string[] {
  return [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)].filter((s) => ANYWHERE.includes(s));
}

function ports(rule: Readonly<Record<string, unknown>>): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  if (protocol === "-1" || protocol === "all") return " (all traffic)";
  if (rule.from_port === undefined) return "";
  return ` (${String(protocol ?? "?")} ${String(rule.from_port)}${rule.to_port !== undefined && rule.to_port !== rule.from_port ? `-${String(rule.to_port)}` : ""})`;
}
