/**
 * How the IAM rules read policy documents into statements (literal JSON, `jsonencode`, policy
 * document data sources with their source and override documents, another policy's `policy`), and
 * the action and resource matching they share, called directly on plain views.
 */
import { describe, expect, it } from "vitest";
import { allowsAction, iamDocuments, isEveryAction, statementAllows, unresolvedItems, wildcard, type IamStatement } from "../../../../lib/team/policies/rules/iam-documents";
import type { ElementView, L1View, StackView } from "../../../../lib/team/policies/types";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";

const CANNOT = "which the pack cannot verify: use a literal value or suppress with a reason";

function view(type: string, name: string, config: Record<string, unknown>, stack: StackView): L1View {
  return { type, name, address: `${type}.${name}`, path: `s/${name}`, taggable: false, config, stack };
}

/** A stack whose resources and data sources are made by `make` (they point back to the stack). */
function stackOf(make: (stack: StackView) => { resources?: L1View[]; dataSources?: ElementView[] }): StackView {
  const stack: { -readonly [K in keyof StackView]: StackView[K] } = { ...EMPTY_STACK };
  const made = make(stack);
  stack.resources = made.resources ?? [];
  stack.dataSources = made.dataSources ?? [];
  return stack;
}

const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("iamDocuments", () => {
  it("reads a role's inline policies and reports a dynamic one", () => {
    const stack = stackOf(() => ({}));
    const role = view("aws_iam_role", "r", {
      dynamic: { inline_policy: { for_each: "${var.p}" } },
      inline_policy: [{ name: "a", policy: doc({ Sid: "S1", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }, { name: "b", policy: ` ${doc({ Sid: "", Effect: "Deny", Action: ["iam:*"], Resource: ["arn:aws:iam::1:role/x"] })}` }],
    }, stack);
    expect(iamDocuments(role)).toEqual({
      statements: [
        { where: 'inline_policy[0] Statement[0] (Sid "S1")', effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] },
        { where: "inline_policy[1] Statement[0]", effect: "Deny", actions: ["iam:*"], resources: ["arn:aws:iam::1:role/x"] },
      ],
      unverifiable: [`inline_policy is "a dynamic block", ${CANNOT}`],
    });
  });

  it("reads a permission set's jsonencode inline policy, NotAction and NotResource, and an Effect that is not a string", () => {
    const stack = stackOf(() => ({}));
    const set = view("aws_ssoadmin_permission_set_inline_policy", "p", {
      inline_policy: '${jsonencode({Statement = [{Effect = "Deny", NotAction = ["iam:*"], NotResource = "arn:x"}, {Action = "s3:*", Resource = "*"}]})}',
    }, stack);
    expect(iamDocuments(set)).toEqual({
      statements: [
        { where: "Statement[0]", effect: "Deny", actions: [], resources: [], notActions: ["iam:*"], notResources: ["arn:x"] },
        { where: "Statement[1]", effect: "undefined", actions: ["s3:*"], resources: ["*"] },
      ],
      unverifiable: [],
    });
  });

  it("follows a policy document data source (json or minified_json), its dynamic statements, source and override documents", () => {
    const stack = stackOf((s) => ({
      dataSources: [{
        type: "aws_iam_policy_document", name: "d", address: "data.aws_iam_policy_document.d",
        config: {
          dynamic: { statement: { for_each: "${var.s}" } },
          statement: [{ sid: "", actions: ["ec2:*"], resources: ["*"] }, { sid: "D", effect: "Deny", not_actions: ["s3:*"], not_resources: ["arn:y"] }],
          source_policy_documents: [doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })],
          override_policy_documents: ["${var.o}"],
          source_json: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }),
          override_json: "${var.j}",
        },
      }],
      resources: [view("aws_iam_policy", "p", { policy: "${data.aws_iam_policy_document.d.json}" }, s)],
    }));
    const d = "data.aws_iam_policy_document.d";
    expect(iamDocuments(stack.resources[0]!)).toEqual({
      statements: [
        { where: `${d} statement[0]`, effect: "Allow", actions: ["ec2:*"], resources: ["*"] },
        { where: `${d} statement[1] (sid "D")`, effect: "Deny", actions: [], resources: [], notActions: ["s3:*"], notResources: ["arn:y"] },
        { where: `${d} source_policy_documents[0] Statement[0]`, effect: "Allow", actions: ["sts:AssumeRole"], resources: ["*"] },
        { where: `${d} source_json[0] Statement[0]`, effect: "Allow", actions: ["kms:Decrypt"], resources: ["*"] },
      ],
      unverifiable: [
        `${d} statement is "a dynamic block", ${CANNOT}`,
        `${d} override_policy_documents[0] is "\${var.o}", ${CANNOT}`,
        `${d} override_json[0] is "\${var.j}", ${CANNOT}`,
      ],
    });
    const minified = view("aws_iam_role_policy", "m", { policy: "${data.aws_iam_policy_document.d.minified_json}" }, stack);
    expect(iamDocuments(minified).statements).toHaveLength(4);
    for (const attribute of ["jsonx", "xjson", "id"]) {
      const other = view("aws_iam_role_policy", "m", { policy: `\${data.aws_iam_policy_document.d.${attribute}}` }, stack);
      expect(iamDocuments(other)).toEqual({ statements: [], unverifiable: [`policy is "\${data.aws_iam_policy_document.d.${attribute}}", ${CANNOT}`] });
    }
  });

  it("follows another policy's policy attribute six deep; deeper, or a policy that refers to itself, cannot be verified", () => {
    const stack = stackOf((s) => ({
      resources: [
        ...[1, 2, 3, 4, 5].map((n) => view("aws_iam_policy", `p${n}`, { policy: `\${aws_iam_policy.p${n + 1}.policy}` }, s)),
        view("aws_iam_policy", "p6", { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }, s),
        view("aws_iam_policy", "p0", { policy: "${aws_iam_policy.p1.policy}" }, s),
        view("aws_iam_policy", "loop", { policy: "${aws_iam_policy.loop.policy}" }, s),
      ],
    }));
    const user = (policy: string) => iamDocuments(view("aws_iam_user_policy", "u", { policy }, stack));
    expect(user("${aws_iam_policy.p1.policy}")).toEqual({
      statements: [{ where: "aws_iam_policy.p6 Statement[0]", effect: "Allow", actions: ["*"], resources: ["*"] }],
      unverifiable: [],
    });
    expect(user("${aws_iam_policy.p0.policy}")).toEqual({ statements: [], unverifiable: [`aws_iam_policy.p6.policy is ${JSON.stringify(doc({ Effect: "Allow", Action: "*", Resource: "*" }))}, ${CANNOT}`] });
    expect(user("${aws_iam_policy.loop.policy}")).toEqual({ statements: [], unverifiable: [`aws_iam_policy.loop.policy is "\${aws_iam_policy.loop.policy}", ${CANNOT}`] });
    expect(user("${aws_iam_policy.p6.arn}")).toEqual({ statements: [], unverifiable: [`policy is "\${aws_iam_policy.p6.arn}", ${CANNOT}`] });
  });

  it("reports Statement that is an expression or holds one, and a policy that is neither text nor a document", () => {
    const stack = stackOf(() => ({}));
    const policy = (value: unknown) => iamDocuments(view("aws_iam_group_policy", "g", { policy: value }, stack));
    expect(policy(JSON.stringify({ Statement: "${var.s}" }))).toEqual({ statements: [], unverifiable: [`policy Statement is "\${var.s}", ${CANNOT}`] });
    expect(policy(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, "${var.s}"] }))).toEqual({ statements: [], unverifiable: [`policy Statement is [{"Effect":"Allow","Action":"*","Resource":"*"},"\${var.s}"], ${CANNOT}`] });
    expect(policy({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } })).toEqual({ statements: [{ where: "Statement[0]", effect: "Allow", actions: ["*"], resources: ["*"] }], unverifiable: [] });
    expect(iamDocuments(view("aws_iam_role", "r", { inline_policy: [{ name: "a", policy: "${var.p}" }] }, stack))).toEqual({ statements: [], unverifiable: [`inline_policy[0].policy is "\${var.p}", ${CANNOT}`] });
    expect(iamDocuments(view("aws_ssoadmin_permission_set_inline_policy", "s", { inline_policy: "${var.p}" }, stack))).toEqual({ statements: [], unverifiable: [`inline_policy is "\${var.p}", ${CANNOT}`] });
    expect(policy(JSON.stringify({ Statement: [{ Effect: true, Action: "*", Resource: "*" }] }))).toEqual({ statements: [{ where: "Statement[0]", effect: "true", actions: ["*"], resources: ["*"] }], unverifiable: [] });
    expect(policy(5)).toEqual({ statements: [], unverifiable: [`policy is 5, ${CANNOT}`] });
    expect(policy(null)).toEqual({ statements: [], unverifiable: [] });
    expect(policy('["not", "a document"]')).toEqual({ statements: [], unverifiable: [`policy is "[\\"not\\", \\"a document\\"]", ${CANNOT}`] });
    expect(iamDocuments(view("aws_s3_bucket_policy", "b", { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }, stack))).toEqual({ statements: [], unverifiable: [] });
  });
});

describe("action and resource matching", () => {
  it("turns * and ? into wildcards, escapes the rest, and ignores case for actions only", () => {
    expect(["s3:GetObject", "S3:GETOBJECT", "s3:Get"].map((a) => wildcard("s3:Get*").test(a))).toEqual([true, true, true]);
    expect(["s3:GetObject", "s3:Getbject", "s3:Put"].map((a) => wildcard("s3:Get?bject").test(a))).toEqual([true, false, false]);
    expect(["s3:*", "x.y", "x(y)"].map((p) => wildcard(p).test("s3:"))).toEqual([true, false, false]);
    expect([wildcard("a.b").test("aXb"), wildcard("a(b)").test("a(b)"), wildcard("s3:*").test("s3:GetObject"), wildcard("s3:*").test("xs3:GetObject")]).toEqual([false, true, true, false]);
    expect([wildcard("arn:aws:s3:::B/*", false).test("arn:aws:s3:::b/k"), wildcard("arn:aws:s3:::b/*", false).test("arn:aws:s3:::b/k")]).toEqual([false, true]);
  });

  it("knows every action of every service, and nothing less", () => {
    expect(["*", "*:*", "*:Get"].map(isEveryAction)).toEqual([true, true, true]);
    expect(["s3:*", "s3*:Get", "iam:*:x"].map(isEveryAction)).toEqual([false, false, false]);
  });

  it("allows an action when any pattern covers it, never through an expression", () => {
    expect(allowsAction(["s3:*", "ec2:*"], "ec2:RunInstances")).toBe(true);
    expect(allowsAction(["s3:*"], "ec2:RunInstances")).toBe(false);
    expect(allowsAction(["${var.a}"], "${var.a}")).toBe(false);
  });

  it("tells what a statement allows: Allow with Action, Allow with NotAction, never Deny", () => {
    const s = (over: Partial<IamStatement>): IamStatement => ({ where: "Statement[0]", effect: "Allow", actions: [], resources: ["*"], ...over });
    expect(statementAllows(s({ actions: ["iam:PassRole"] }), "iam:PassRole")).toBe(true);
    expect(statementAllows(s({ effect: "Deny", actions: ["iam:PassRole"] }), "iam:PassRole")).toBe(false);
    expect(statementAllows(s({ effect: "Deny", notActions: ["s3:*"] }), "iam:PassRole")).toBe(false);
    expect(statementAllows(s({ notActions: ["s3:*"] }), "iam:PassRole")).toBe(true);
    expect(statementAllows(s({ actions: ["iam:PassRole"], notActions: ["iam:*"] }), "iam:PassRole")).toBe(false);
  });

  it("lists the whole expressions a stack does not resolve to one of its elements", () => {
    const stack = stackOf((st) => ({ resources: [view("aws_iam_policy", "p", {}, st)] }));
    expect(unresolvedItems(["${var.a}", "${var.b} x", "*", "${aws_iam_policy.p.arn}", '${lookup(var.m, "a b")}', "x ${var.c}"], stack)).toEqual(["${var.a}", '${lookup(var.m, "a b")}']);
  });
});
