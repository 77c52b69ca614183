import { describe, expect, it } from "vitest";
import { awsNoOpenIngress } from "../../../../lib/team/policies/rules/hgpu-aws-9";
import type { ElementView } from "../../../../lib/team/policies/types";
import { resourceAt, stackView } from "./aws-fixtures";

const NV = "which the pack cannot verify: use a literal value or suppress with a reason";
const NOT_GUARDED = " (the group is not attached to GPU nodes or shared storage of this app, so this is a warning)";
const G = "${aws_security_group.g.id}";
const tcp22 = { protocol: "tcp", from_port: 22, to_port: 22 };
const finding = (detail: string, level: "error" | "warning") => ({ status: "non-compliant", detail, level });

/** HGPU-AWS-9's verdict on `address` in a stack of `resources`. */
function verdict(address: string, resources: Record<string, Record<string, unknown>>, dataSources: ElementView[] = []): unknown {
  const view = stackView(resources, { dataSources });
  return awsNoOpenIngress.check(resourceAt(view, address), { requiredTags: [] });
}

describe("HGPU-AWS-9 ingress", () => {
  it.each([
    ["an egress rule", "aws_security_group_rule.r", { "aws_security_group_rule.r": { type: "egress", security_group_id: G, cidr_blocks: ["0.0.0.0/0"] } }, "not-applicable"],
    ["a group without ingress", "aws_security_group.g", { "aws_security_group.g": {} }, "compliant"],
    ["an ingress rule from a private range", "aws_security_group_rule.r", { "aws_security_group_rule.r": { type: "ingress", security_group_id: G, cidr_blocks: ["10.0.0.0/8"], ...tcp22 }, "aws_security_group.g": {} }, "compliant"],
    ["a group open to the world, guarding nothing", "aws_security_group.g", { "aws_security_group.g": { ingress: [{ cidr_blocks: ["10.0.0.0/8"], ...tcp22 }, { cidr_blocks: ["0.0.0.0/0", "10.1.2.3/0"], ...tcp22 }] } },
      finding(`ingress[1] from 0.0.0.0/0, 10.1.2.3/0 (tcp 22)${NOT_GUARDED}`, "warning")],
    ["a group open to the world, of a GPU instance", "aws_security_group.g", { "aws_security_group.g": { ingress: [{ ipv6_cidr_blocks: ["::/0"], protocol: "-1" }] }, "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: [G] } },
      finding("ingress[0] from ::/0 (all traffic), on the group of GPU instance aws_instance.i", "error")],
    ["a rule open to the world on a group it cannot identify", "aws_vpc_security_group_ingress_rule.r", { "aws_vpc_security_group_ingress_rule.r": { security_group_id: "${var.sg}", cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 22, to_port: 22 } },
      finding(`ingress from 0.0.0.0/0 (tcp 22); on a group the pack cannot identify: security_group_id is "\${var.sg}", ${NV}`, "error")],
    ["a rule whose sources cover IPv4 and IPv6 together", "aws_security_group_rule.r", { "aws_security_group_rule.r": { type: "ingress", security_group_id: "sg-1", cidr_blocks: ["0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8"], ipv6_cidr_blocks: ["::/1", "8000::/1"], ...tcp22 } },
      finding(`ingress from 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1 (tcp 22), which together cover the whole IPv4 and IPv6 space${NOT_GUARDED}`, "warning")],
    ["a dynamic ingress", "aws_security_group.g", { "aws_security_group.g": { dynamic: { ingress: { for_each: "${var.rules}" } } } },
      finding(`dynamic.ingress is {"for_each":"\${var.rules}"}, ${NV}${NOT_GUARDED}`, "warning")],
  ])("%s", (_, address, resources, expected) => {
    expect(verdict(address, resources)).toEqual(expected);
  });

  describe("prefixes that cover the whole space across a group's entries", () => {
    const resources = {
      "aws_security_group.g": { ingress: [{ cidr_blocks: ["0.0.0.0/2"], ...tcp22 }, { cidr_blocks: ["64.0.0.0/2"], ...tcp22 }] },
      "aws_security_group_rule.r": { type: "ingress", security_group_id: G, cidr_blocks: ["128.0.0.0/2", "192.0.0.0/2", "10.0.0.0/8"], ...tcp22 },
      "aws_vpc_security_group_ingress_rule.private": { security_group_id: G, cidr_ipv4: "192.168.0.0/16", ip_protocol: "tcp", from_port: 22, to_port: 22 },
    };

    it("names the other entries of the same group, by label or by resource", () => {
      expect(verdict("aws_security_group.g", resources)).toEqual(finding(
        "ingress[0] from 0.0.0.0/2 (tcp 22), which with the group's other ingress (ingress[1] from 64.0.0.0/2; aws_security_group_rule.r from 128.0.0.0/2, 192.0.0.0/2) covers the whole IPv4 space; " +
        `ingress[1] from 64.0.0.0/2 (tcp 22), which with the group's other ingress (ingress[0] from 0.0.0.0/2; aws_security_group_rule.r from 128.0.0.0/2, 192.0.0.0/2) covers the whole IPv4 space${NOT_GUARDED}`, "warning"));
      expect(verdict("aws_security_group_rule.r", resources)).toEqual(finding(
        `ingress from 128.0.0.0/2, 192.0.0.0/2 (tcp 22), which with the group's other ingress (aws_security_group.g ingress[0] from 0.0.0.0/2; aws_security_group.g ingress[1] from 64.0.0.0/2) covers the whole IPv4 space${NOT_GUARDED}`, "warning"));
      expect(verdict("aws_vpc_security_group_ingress_rule.private", resources)).toBe("compliant");
    });

    it("does not add up the entries of another group", () => {
      const split = { ...resources, "aws_security_group.h": {}, "aws_security_group_rule.r": { ...resources["aws_security_group_rule.r"], security_group_id: "${aws_security_group.h.id}" } };
      expect(verdict("aws_security_group.g", split)).toBe("compliant");
    });
  });
});

describe("HGPU-AWS-9 group lists of GPU nodes", () => {
  const data: ElementView[] = [{ type: "aws_security_group", name: "d", address: "data.aws_security_group.d", config: {} }];
  const resources = {
    "aws_security_group.g": {},
    "aws_vpc.v": {},
    "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-1", G, "${var.sg}", "${data.aws_security_group.d.id}", "${aws_vpc.v.id}"] },
    "aws_instance.ok": { instance_type: "g5.xlarge", vpc_security_group_ids: [G], security_groups: ["web"] },
    "aws_instance.cpu": { instance_type: "t3.large", vpc_security_group_ids: ["${var.sg}"] },
  };

  it.each([
    ["aws_instance.i", finding([
      `vpc_security_group_ids is "\${var.sg}", ${NV} (the security groups of GPU instance aws_instance.i)`,
      `vpc_security_group_ids is "\${data.aws_security_group.d.id}", ${NV} (the security groups of GPU instance aws_instance.i)`,
      `vpc_security_group_ids is "\${aws_vpc.v.id}", ${NV} (the security groups of GPU instance aws_instance.i)`,
    ].join("; "), "error")],
    ["aws_instance.ok", "compliant"],
    ["aws_instance.cpu", "not-applicable"],
  ])("%s", (address, expected) => {
    expect(verdict(address, resources, data)).toEqual(expected);
  });
});
