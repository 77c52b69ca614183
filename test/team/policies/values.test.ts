import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformLocal, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { synthesizeStackView } from "../../../lib/team/policies";
import {
  EMPTY_STACK, cannotVerify, dynamicBlock, hasDynamicBlock, isUnresolvedValue, readList, readValue, referencedElement, resolveLiterals,
} from "../../../lib/team/policies/values";
import type { StackView } from "../../../lib/team/policies/types";

/** A stack view with variables and locals only. */
function withNames(variables: StackView["variables"], locals: StackView["locals"] = {}): StackView {
  return { ...EMPTY_STACK, variables, locals };
}

describe("isUnresolvedValue", () => {
  it.each([
    ["${var.cidr}"], ["10.0.${var.octet}.0/24"], ['${join(",", var.list)}'], ["${[for c in var.cidrs : c]}"], ["%{ if var.open }0.0.0.0/0%{ endif }"],
    [["10.0.0.0/8", "${var.extra}"]], [{ a: { b: "${aws_vpc.x.cidr_block}" } }], [{ dynamic: { ingress: { for_each: "${var.rules}" } } }],
  ])("%j is unresolved", (value) => {
    expect(isUnresolvedValue(value)).toBe(true);
  });

  it.each([["0.0.0.0/0"], ["$${literal}"], ["%%{ literal }"], ["100%"], [["10.0.0.0/8"]], [{ a: 1, b: [true, null] }], [undefined], [3]])("%j is a literal", (value) => {
    expect(isUnresolvedValue(value)).toBe(false);
  });
});

describe("cannotVerify", () => {
  it("says which attribute holds which expression, at the level it is given", () => {
    expect(cannotVerify("error", "cidr_blocks", ["${var.cidr}"])).toEqual({
      status: "non-compliant",
      level: "error",
      detail: 'cidr_blocks is ["${var.cidr}"], which the pack cannot verify: use a literal value or suppress with a reason',
    });
    expect(cannotVerify("warning", "metadata_options.http_tokens", "${var.tokens}").level).toBe("warning");
  });
});

describe("resolveLiterals", () => {
  const stack = withNames(
    { open: { hasDefault: true, default: "0.0.0.0/0", sensitive: false }, cidrs: { hasDefault: true, default: ["10.0.0.0/8", "::/0"], sensitive: false },
      unset: { hasDefault: false, sensitive: false }, octet: { hasDefault: true, default: 7, sensitive: false }, chained: { hasDefault: true, default: "${var.unset}", sensitive: false } },
    { world: "${var.open}", list: ["${var.open}", "192.168.0.0/16"], computed: "${cidrsubnet(var.open, 8, 1)}", loop: "${local.loop}" },
  );

  it("replaces variables with a literal default and literal locals, whole or inside a template", () => {
    expect(resolveLiterals("${var.open}", stack)).toBe("0.0.0.0/0");
    expect(resolveLiterals("${var.cidrs}", stack)).toEqual(["10.0.0.0/8", "::/0"]);
    expect(resolveLiterals(["${local.world}", "10.0.${var.octet}.0/24"], stack)).toEqual(["0.0.0.0/0", "10.0.7.0/24"]);
    expect(resolveLiterals({ x: "${local.list}" }, stack)).toEqual({ x: ["0.0.0.0/0", "192.168.0.0/16"] });
  });

  it("leaves variables without a default, expressions, unknown names and cycles alone", () => {
    for (const v of ["${var.unset}", "${var.chained}", "${local.computed}", "${var.nope}", "${local.nope}", "${local.loop}", "${aws_vpc.x.cidr_block}"]) expect(resolveLiterals(v, stack)).toBe(v);
    expect(resolveLiterals("$${var.open}", stack)).toBe("$${var.open}");
  });
});

describe("readValue, readList and referencedElement over a synthesized app", () => {
  // One synth for the describe: stack "a" has a group, a variable and a local; stack "b" refers to them.
  const app = Testing.app();
  const a = new TerraformStack(app, "a");
  new AwsProvider(a, "aws", { region: "us-east-1" });
  const sg = new SecurityGroup(a, "sg", { name: "gpu" });
  const open = new TerraformVariable(a, "open", { type: "string", default: "0.0.0.0/0" });
  new TerraformVariable(a, "unset", { type: "string" });
  new TerraformLocal(a, "group", sg.id);
  new DataAwsIamPolicyDocument(a, "doc", { statement: [{ actions: ["s3:GetObject"], resources: ["*"] }] });
  const b = new TerraformStack(app, "b");
  new AwsProvider(b, "aws", { region: "us-east-1" });
  new Instance(b, "vm", { ami: "ami-1", instanceType: "p5.48xlarge", vpcSecurityGroupIds: [sg.id], tags: { open: Fn.join(",", [open.stringValue]) } });
  app.synth();
  const viewA = synthesizeStackView(a).view;
  const viewB = synthesizeStackView(b).view;

  it("reads the stack's variables (with and without a default), locals and outputs into the view", () => {
    expect(viewA.variables).toEqual({ open: { hasDefault: true, default: "0.0.0.0/0", sensitive: false }, unset: { hasDefault: false, sensitive: false } });
    expect(viewA.locals).toEqual({ group: "${aws_security_group.sg.id}" });
    expect(Object.values(viewA.outputs).sort()).toEqual(["${aws_security_group.sg.id}", "${var.open}"]);
    expect(viewA.otherStacks().map((s) => s.path)).toEqual(["b"]);
  });

  it("reads a literal, a resolved variable, a reference, and what it cannot verify", () => {
    expect(readValue("tcp", viewA)).toEqual({ kind: "literal", value: "tcp" });
    // The view holds synthesized JSON: tokens are resolved to Terraform expressions.
    const vm = viewB.resources.find((r) => r.address === "aws_instance.vm")!;
    expect(vm.config.tags).toEqual({ open: '${join(",", [data.terraform_remote_state.cross-stack-reference-input-a.outputs.cross-stack-output-varopen])}' });
    expect(readValue("${var.open}", viewA)).toEqual({ kind: "literal", value: "0.0.0.0/0" });
    expect(readValue("${var.unset}", viewA)).toEqual({ kind: "unresolved", value: "${var.unset}" });
    expect(readValue('${join(",", [var.open])}', viewA)).toEqual({ kind: "unresolved", value: '${join(",", [var.open])}' });
    const ref = readValue("${aws_security_group.sg.id}", viewA);
    expect(ref.kind === "reference" && [ref.reference.element.address, ref.reference.attribute]).toEqual(["aws_security_group.sg", "id"]);
    expect(readValue("${aws_security_group.elsewhere.id}", viewA).kind).toBe("unresolved");
    expect(readValue("${local.group}", viewA).kind).toBe("reference");
    expect(referencedElement("${data.aws_iam_policy_document.doc.json}", viewA)?.element.address).toBe("data.aws_iam_policy_document.doc");
  });

  it("follows a cdktf cross-stack reference to the resource in the other stack", () => {
    const vm = viewB.resources.find((r) => r.address === "aws_instance.vm")!;
    const [item] = readList(vm.config.vpc_security_group_ids, viewB);
    expect(item!.kind).toBe("reference");
    const reference = item!.kind === "reference" ? item!.reference : undefined;
    expect([reference?.stack.path, reference?.element.address]).toEqual(["a", "aws_security_group.sg"]);
  });

  it("reads a list item by item, and a whole-list variable as its default", () => {
    const stack = withNames({ cidrs: { hasDefault: true, default: ["10.0.0.0/8", "::/0"], sensitive: false } });
    expect(readList("${var.cidrs}", stack).map((r) => r.value)).toEqual(["10.0.0.0/8", "::/0"]);
    expect(readList(["10.0.0.0/8", "${var.other}"], stack).map((r) => r.kind)).toEqual(["literal", "unresolved"]);
    expect(readList(undefined, stack)).toEqual([]);
  });
});

describe("hasDynamicBlock", () => {
  it("finds a dynamic block by name", () => {
    expect(hasDynamicBlock({ dynamic: { ingress: { for_each: "${var.rules}" } } }, "ingress")).toBe(true);
    expect(hasDynamicBlock({ dynamic: { egress: {} } }, "ingress")).toBe(false);
    expect(hasDynamicBlock({ ingress: [] }, "ingress")).toBe(false);
  });
});

describe("values read on plain stack views", () => {
  const chain = (links: number, end: unknown): StackView["locals"] =>
    Object.fromEntries(Array.from({ length: links }, (_, i) => [`l${i}`, i === links - 1 ? end : `\${local.l${i + 1}}`]));
  const subnet = { type: "azurerm_subnet", name: "a", address: "azurerm_subnet.a", config: {}, path: "s/a", taggable: false, stack: EMPTY_STACK };
  const withSubnet = (locals: StackView["locals"] = {}, more: Partial<StackView> = {}): StackView => ({ ...EMPTY_STACK, path: "s", resources: [subnet], locals, ...more });

  it("isUnresolvedValue: an object is unresolved when any value is, or when it has a dynamic block", () => {
    expect([isUnresolvedValue({ "": "plain" }), isUnresolvedValue({ a: "${var.x}", b: "plain" }), isUnresolvedValue({ dynamic: {} }), isUnresolvedValue({ a: "plain" })])
      .toEqual([false, true, true, false]);
  });
  it("hasDynamicBlock and dynamicBlock read a list of dynamic blocks", () => {
    const config = { dynamic: [{ other: { a: 1 } }, { security_rule: { for_each: "x" } }] };
    expect([hasDynamicBlock(config, "security_rule"), hasDynamicBlock({ dynamic: [{ other: {} }] }, "security_rule"), hasDynamicBlock({ dynamic: ["security_rule"] }, "security_rule")])
      .toEqual([true, false, false]);
    expect(dynamicBlock(config, "security_rule")).toEqual({ for_each: "x" });
  });
  it("resolveLiterals follows 9 locals that name each other, not 10, and stops on a cycle", () => {
    expect(resolveLiterals("${local.l0}", withNames({}, chain(9, "end")))).toBe("end");
    expect(resolveLiterals("${local.l0}", withNames({}, chain(10, "end")))).toBe("${local.l0}");
    expect(resolveLiterals("${local.a}", withNames({}, { a: "${local.a}" }))).toBe("${local.a}");
  });
  it("resolveLiterals puts strings, numbers and booleans into a longer template, not objects", () => {
    const variables = { s: { hasDefault: true, default: "abc", sensitive: false }, n: { hasDefault: true, default: 5, sensitive: false },
      b: { hasDefault: true, default: true, sensitive: false }, o: { hasDefault: true, default: { a: 1 }, sensitive: false } };
    expect(resolveLiterals("x-${var.s}-${var.n}-${var.b}-${var.o}", withNames(variables))).toBe("x-abc-5-true-${var.o}");
    expect(resolveLiterals("x-$${var.s}", withNames(variables))).toBe("x-$${var.s}");
  });
  it("referencedElement follows 8 locals, not 9, and stops on a cycle", () => {
    expect(referencedElement("${local.l0}", withSubnet(chain(8, "${azurerm_subnet.a.id}")))?.element.address).toBe("azurerm_subnet.a");
    expect(referencedElement("${local.l0}", withSubnet(chain(9, "${azurerm_subnet.a.id}")))).toBeUndefined();
    expect(referencedElement("${local.a}", withSubnet({ a: "${local.a}" }))).toBeUndefined();
  });
  it("referencedElement: a variable is no reference even when a local has its name; a list is no reference", () => {
    const stack = withSubnet({ a: "${azurerm_subnet.a.id}" });
    expect([referencedElement("${var.a}", stack), referencedElement(["${azurerm_subnet.a.id}"], stack)]).toEqual([undefined, undefined]);
    expect(referencedElement("${local.a}", stack)?.attribute).toBe("id");
  });
  it("referencedElement keeps an index as the start of the attribute", () => {
    expect(referencedElement("${azurerm_subnet.a[0].id}", withSubnet())?.attribute).toBe("[0].id");
    expect(referencedElement("${azurerm_subnet.a.ip.0}", withSubnet())?.attribute).toBe("ip.0");
  });
  it("referencedElement follows a cross-stack output to the stack named, and to nothing for an unknown stack or output", () => {
    const net = withSubnet({}, { path: "net", outputs: { sub: "${azurerm_subnet.a.id}" } });
    const gpu: StackView = { ...EMPTY_STACK, path: "gpu", otherStacks: () => [{ ...EMPTY_STACK, path: "other", outputs: { sub: "x" } }, net] };
    const remote = (stack: string, output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-${stack}.outputs.${output}}`;
    const found = referencedElement(remote("net", "sub"), gpu);
    expect([found?.element.address, found?.stack.path]).toEqual(["azurerm_subnet.a", "net"]);
    expect([referencedElement(remote("nowhere", "sub"), gpu), referencedElement(remote("net", "none"), gpu)]).toEqual([undefined, undefined]);
  });
  it("referencedElement stops on cross-stack outputs that name each other", () => {
    const remote = (stack: string) => `\${data.terraform_remote_state.cross-stack-reference-input-${stack}.outputs.o}`;
    const a: StackView = { ...EMPTY_STACK, path: "a", outputs: { o: remote("b") }, otherStacks: () => [b] };
    const b = { ...EMPTY_STACK, path: "b", outputs: { o: remote("a") }, otherStacks: () => [a] };
    expect(referencedElement(remote("b"), a)).toBeUndefined();
  });
  it("readList reads nothing from an unset list and EMPTY_STACK has no other stacks", () => {
    expect([readList(undefined, EMPTY_STACK), readList(null, EMPTY_STACK), EMPTY_STACK.otherStacks()]).toEqual([[], [], []]);
  });
});
