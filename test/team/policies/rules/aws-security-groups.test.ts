import { describe, expect, it } from "vitest";
import { entriesOf, entriesOfGroup, groupOf, guardedBy } from "../../../../lib/team/policies/rules/aws-security-groups";
import type { StackView } from "../../../../lib/team/policies/types";
import { resourceAt, stackView } from "./aws-fixtures";

const G = "${aws_security_group.g.id}";
const REMOTE = "${data.terraform_remote_state.cross-stack-reference-input-home.outputs.gid}";

/** Two stacks of one app: "home" (path `home`) and "other" (path `other`), each seeing the other. */
function twoStacks(home: Record<string, Record<string, unknown>>, other: Record<string, Record<string, unknown>>): { home: StackView; other: StackView } {
  const views: { home?: StackView; other?: StackView } = {};
  views.home = stackView(home, { path: "home", outputs: { gid: G }, otherStacks: () => [views.other!] });
  views.other = stackView(other, { path: "other", otherStacks: () => [views.home!] });
  return views as { home: StackView; other: StackView };
}

describe("groupOf", () => {
  it.each([
    ["${aws_security_group.g.id}", { kind: "resource", address: "aws_security_group.g" }],
    ["${aws_default_security_group.d.id}", { kind: "resource", address: "aws_default_security_group.d" }],
    ["${element(aws_security_group.g.*.id, 0)}", { kind: "resource", address: "aws_security_group.g" }],
    ["sg-0abc12", { kind: "literal", id: "sg-0abc12" }],
    ["xsg-0abc12", { kind: "unknown", value: "xsg-0abc12" }],
    ["sg-0abc12z", { kind: "unknown", value: "sg-0abc12z" }],
    [["sg-0abc12"], { kind: "unknown", value: ["sg-0abc12"] }],
    ["${aws_vpc.v.id}", { kind: "unknown", value: "${aws_vpc.v.id}" }],
    ["${data.aws_security_group.g.id}", { kind: "unknown", value: "${data.aws_security_group.g.id}" }],
  ])("%s", (id, expected) => {
    const view = stackView({ "aws_vpc.v": {}, "aws_security_group.g": {}, "aws_default_security_group.d": {} }, { dataSources: [{ type: "aws_security_group", name: "g", address: "data.aws_security_group.g", config: {} }] });
    const g = groupOf(view, id);
    expect(g.kind === "resource" ? { kind: g.kind, address: g.group.address } : g).toEqual(expected);
  });

  it("follows a cross-stack reference to the group of the other stack", () => {
    const { home, other } = twoStacks({ "aws_security_group.g": {} }, {});
    const g = groupOf(other, REMOTE);
    expect(g.kind === "resource" ? [g.group.address, g.group.stack.path] : g).toEqual(["aws_security_group.g", "home"]);
    expect(g.kind === "resource" && g.group.stack).toBe(home);
  });
});

describe("entriesOf", () => {
  const entries = (address: string, config: Record<string, unknown>) => {
    const view = stackView({ [address]: config });
    return entriesOf(resourceAt(view, address)).map(({ resource, ...e }) => ({ address: resource.address, ...e }));
  };

  it("reads an aws_vpc_security_group_ingress_rule", () => {
    expect(entries("aws_vpc_security_group_ingress_rule.r", { cidr_ipv4: "0.0.0.0/0", cidr_ipv6: "${var.v6}", ip_protocol: "tcp", from_port: 22, to_port: 22 })).toEqual([
      { address: "aws_vpc_security_group_ingress_rule.r", where: "", sources: ["0.0.0.0/0"], unresolved: [{ attribute: "cidr_ipv6", value: "${var.v6}" }], ports: " (tcp 22)" },
    ]);
    expect(entries("aws_vpc_security_group_ingress_rule.r", { cidr_ipv4: "${var.v4}", cidr_ipv6: "::/0" })[0]!.unresolved).toEqual([{ attribute: "cidr_ipv4", value: "${var.v4}" }]);
  });

  it("reads an ingress aws_security_group_rule and nothing of an egress one", () => {
    expect(entries("aws_security_group_rule.r", { type: "ingress", cidr_blocks: ["10.0.0.0/8"], ipv6_cidr_blocks: ["${var.v6}"], protocol: "tcp", from_port: 8000, to_port: 8080 })).toEqual([
      { address: "aws_security_group_rule.r", where: "", sources: ["10.0.0.0/8"], unresolved: [{ attribute: "ipv6_cidr_blocks", value: ["${var.v6}"] }], ports: " (tcp 8000-8080)" },
    ]);
    expect(entries("aws_security_group_rule.r", { type: "egress", cidr_blocks: ["0.0.0.0/0"], protocol: "-1" })).toEqual([]);
  });

  it("reads a group's inline, dynamic and whole-expression ingress", () => {
    expect(entries("aws_security_group.g", {
      ingress: [{ cidr_blocks: ["1.2.3.4/32"], protocol: "-1", from_port: 0, to_port: 0 }, { ipv6_cidr_blocks: ["::/0", "${var.v6}"], protocol: "udp", from_port: 53 }],
      dynamic: { ingress: { for_each: "${var.rules}" } },
    })).toEqual([
      { address: "aws_security_group.g", where: "ingress[0]", sources: ["1.2.3.4/32"], unresolved: [], ports: " (all traffic)" },
      { address: "aws_security_group.g", where: "ingress[1]", sources: ["::/0"], unresolved: [{ attribute: "ingress[1].ipv6_cidr_blocks", value: ["::/0", "${var.v6}"] }], ports: " (udp 53)" },
      { address: "aws_security_group.g", where: "dynamic ingress", sources: [], unresolved: [{ attribute: "dynamic.ingress", value: { for_each: "${var.rules}" } }], ports: "" },
    ]);
    expect(entries("aws_default_security_group.d", { ingress: "${var.ingress}" })).toEqual([
      { address: "aws_default_security_group.d", where: "", sources: [], unresolved: [{ attribute: "ingress", value: "${var.ingress}" }], ports: "" },
    ]);
  });

  it("reads nothing of other resources, even one with ingress blocks", () => {
    expect(entries("aws_network_acl.n", { ingress: [{ cidr_block: "0.0.0.0/0", protocol: "-1", from_port: 0, to_port: 0 }] })).toEqual([]);
  });

  it.each([
    [{ protocol: "-1" }, " (all traffic)"],
    [{ protocol: "all", from_port: 0 }, " (all traffic)"],
    [{ ip_protocol: -1 }, " (all traffic)"],
    [{ protocol: 1, from_port: 8, to_port: 0 }, " (1 8-0)"],
    [{ protocol: "tcp" }, ""],
    [{ from_port: 443 }, " (? 443)"],
    [{ protocol: "tcp", from_port: 443, to_port: 443 }, " (tcp 443)"],
    [{ protocol: "tcp", from_port: 443, to_port: 444 }, " (tcp 443-444)"],
  ])("the ports of %j are %j", (rule, expected) => {
    expect(entries("aws_security_group_rule.r", { type: "ingress", cidr_blocks: ["0.0.0.0/0"], ...rule })[0]!.ports).toBe(expected);
  });
});

describe("entriesOfGroup", () => {
  it("gathers the inline ingress and the rule resources of one group, not another's", () => {
    const view = stackView({
      "aws_security_group.g": { ingress: [{ cidr_blocks: ["1.1.1.1/32"], protocol: "tcp", from_port: 22 }] },
      "aws_security_group.h": {},
      "aws_vpc_security_group_ingress_rule.vg": { security_group_id: G, cidr_ipv4: "3.3.3.3/32", ip_protocol: "tcp", from_port: 80 },
      "aws_security_group_rule.rg": { security_group_id: G, type: "ingress", cidr_blocks: ["2.2.2.2/32"], protocol: "tcp", from_port: 443 },
      "aws_security_group_rule.rh": { security_group_id: "${aws_security_group.h.id}", type: "ingress", cidr_blocks: ["9.9.9.9/32"], protocol: "tcp", from_port: 443 },
      "aws_security_group_rule.lit": { security_group_id: "sg-0abc", type: "ingress", cidr_blocks: ["8.8.8.8/32"], protocol: "tcp", from_port: 443 },
    });
    expect(entriesOfGroup(resourceAt(view, "aws_security_group.g")).map((e) => [e.resource.address, e.where, e.sources])).toEqual([
      ["aws_security_group.g", "ingress[0]", ["1.1.1.1/32"]],
      ["aws_security_group_rule.rg", "", ["2.2.2.2/32"]],
      ["aws_vpc_security_group_ingress_rule.vg", "", ["3.3.3.3/32"]],
    ]);
  });
});

describe("guardedBy", () => {
  const resourceGroup = (view: StackView, address = "aws_security_group.g") => ({ kind: "resource" as const, group: resourceAt(view, address) });

  it("nothing guards a group the pack cannot resolve", () => {
    const view = stackView({ "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-1"] } });
    expect(guardedBy({ kind: "unknown", value: "${var.sg}" }, view)).toBeUndefined();
  });

  it("a group of an AwsGpuCluster guards the cluster", () => {
    const view = stackView({ "aws_security_group.g": {} });
    expect(guardedBy({ kind: "resource", group: { ...resourceAt(view, "aws_security_group.g"), awsClusterPath: "app/train" } }, view)).toBe("AwsGpuCluster app/train");
  });

  it("a literal ID guards the GPU node of `from` that names it", () => {
    const view = stackView({ "aws_instance.cpu": { instance_type: "t3.large", vpc_security_group_ids: ["sg-1"] }, "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-2", "sg-1"] }, "aws_instance.bare": { instance_type: "g5.xlarge" } });
    expect(guardedBy({ kind: "literal", id: "sg-1" }, view)).toBe("GPU instance aws_instance.i");
    expect(guardedBy({ kind: "literal", id: "sg-3" }, view)).toBeUndefined();
  });

  it.each([
    ["its reference", { "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: [G] } }, "GPU instance aws_instance.i"],
    ["its name", { "aws_instance.i": { instance_type: "g5.xlarge", security_groups: ["train-sg"] } }, "GPU instance aws_instance.i"],
    ["another name", { "aws_instance.i": { instance_type: "g5.xlarge", security_groups: ["web"] } }, undefined],
    ["a reference from a CPU instance", { "aws_instance.i": { instance_type: "t3.large", vpc_security_group_ids: [G] } }, undefined],
    ["a GPU node without groups (the group is not the default one)", { "aws_instance.i": { instance_type: "g5.xlarge" } }, undefined],
    ["an FSx file system", { "aws_fsx_lustre_file_system.fs": { security_group_ids: [G] } }, "file system aws_fsx_lustre_file_system.fs"],
    ["an FSx resource that is no file system", { "aws_fsx_data_repository_association.a": { security_group_ids: [G] } }, undefined],
    ["an EFS file system (not FSx)", { "aws_efs_file_system.e": { security_group_ids: [G] } }, undefined],
    ["an EFS mount target", { "aws_efs_mount_target.m": { security_groups: [G] } }, "EFS mount target aws_efs_mount_target.m"],
  ])("a group named by %s", (_, resources, expected) => {
    const view = stackView({ "aws_security_group.g": { name: "train-sg" }, ...resources });
    expect(guardedBy(resourceGroup(view), view)).toBe(expected);
  });

  it("a resource group is looked for in its own stack, whatever stack asks", () => {
    const home = stackView({ "aws_security_group.g": {}, "aws_instance.i": { instance_type: "g5.xlarge", vpc_security_group_ids: [G] } });
    const asking = stackView({});
    expect(guardedBy(resourceGroup(home), asking)).toBe("GPU instance aws_instance.i");
  });

  it("the VPC's default group guards the GPU nodes that name no group", () => {
    const view = stackView({ "aws_default_security_group.d": {}, "aws_instance.named": { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-1"] }, "aws_instance.bare": { instance_type: "g5.xlarge" } });
    expect(guardedBy(resourceGroup(view, "aws_default_security_group.d"), view)).toBe("GPU instance aws_instance.bare");
  });

  it("a group is guarded by a GPU node of another stack that names it by a cross-stack reference", () => {
    const { home } = twoStacks({ "aws_security_group.g": { name: "train-sg" } }, { "aws_instance.o": { instance_type: "g5.xlarge", vpc_security_group_ids: [REMOTE] } });
    expect(guardedBy(resourceGroup(home), home)).toBe("GPU instance aws_instance.o in stack other");
  });

  it("another stack's node naming a group of the same name or address of its own does not count", () => {
    const { home } = twoStacks({ "aws_security_group.g": { name: "train-sg" } }, {
      "aws_security_group.g": { name: "train-sg" },
      "aws_instance.byname": { instance_type: "g5.xlarge", security_groups: ["train-sg"] },
      "aws_instance.byref": { instance_type: "g5.xlarge", vpc_security_group_ids: [G] },
    });
    expect(guardedBy(resourceGroup(home), home)).toBeUndefined();
  });
});
