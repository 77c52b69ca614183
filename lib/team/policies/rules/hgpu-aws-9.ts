import { blocks, nonCompliant, strings } from "../helpers";
import type { PolicyRule } from "../types";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** HGPU-AWS-9: no security group admits inbound traffic from anywhere. */
export const awsNoOpenIngress: PolicyRule = {
  id: "HGPU-AWS-9",
  level: "error",
  title: "Security groups admit nothing from the internet",
  explanation:
    "GPU nodes and file systems admit traffic only from their own groups and peers. No inline ingress of an aws_security_group " +
    "(or aws_default_security_group), no aws_security_group_rule of type ingress and no aws_vpc_security_group_ingress_rule may " +
    "have the source 0.0.0.0/0 or ::/0.",
  appliesTo: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
  check(resource) {
    const c = resource.config;
    if (resource.type === "aws_vpc_security_group_ingress_rule") {
      const open = [c.cidr_ipv4, c.cidr_ipv6].filter((v): v is string => typeof v === "string" && ANYWHERE.includes(v));
      return open.length === 0 ? "compliant" : nonCompliant(`ingress from ${open.join(", ")}${ports(c)}`);
    }
    if (resource.type === "aws_security_group_rule") {
      if (c.type !== "ingress") return "not-applicable";
      const open = openSources(c);
      return open.length === 0 ? "compliant" : nonCompliant(`ingress from ${open.join(", ")}${ports(c)}`);
    }
    const findings = blocks(c.ingress).flatMap((rule, i) => {
      const open = openSources(rule);
      return open.length === 0 ? [] : [`ingress[${i}] from ${open.join(", ")}${ports(rule)}`];
    });
    return findings.length === 0 ? "compliant" : nonCompliant(findings.join("; "));
  },
};

function openSources(rule: Readonly<Record<string, unknown>>): string[] {
  return [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)].filter((s) => ANYWHERE.includes(s));
}

function ports(rule: Readonly<Record<string, unknown>>): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  if (protocol === "-1" || protocol === "all") return " (all traffic)";
  if (rule.from_port === undefined) return "";
  return ` (${String(protocol ?? "?")} ${String(rule.from_port)}${rule.to_port !== undefined && rule.to_port !== rule.from_port ? `-${String(rule.to_port)}` : ""})`;
}
