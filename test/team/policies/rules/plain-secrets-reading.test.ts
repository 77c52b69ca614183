/**
 * How HGPU-AWS-13 and HGPU-AZ-13 read the attributes they search: user data (literal, base64,
 * `base64encode(...)` of a local or a string, variables and expressions), tags (maps, `tag`
 * blocks, `tag_specifications`) and pre-shared keys, called directly on plain views.
 */
import { describe, expect, it } from "vitest";
import { decodeBase64Text, describeAll, isWholeExpression, preSharedKeyProblem, secretsInText, tagProblems, userDataProblems, userDataText } from "../../../../lib/team/policies/rules/plain-secrets";
import type { ElementView, L1View, StackView, VariableView } from "../../../../lib/team/policies/types";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";
import { GITHUB } from "./secret-fixtures";


interface Parts {
  locals?: Record<string, unknown>;
  variables?: Record<string, VariableView>;
  resources?: L1View[];
  dataSources?: ElementView[];
}

function stackWith(parts: Parts = {}): StackView {
  const { locals = {}, variables = {}, resources = [], dataSources = [] } = parts;
  return { ...EMPTY_STACK, locals, variables, resources, dataSources };
}

function resource(type: string, config: Record<string, unknown>, stack: StackView = EMPTY_STACK): L1View {
  return { type, name: "r", address: `${type}.r`, path: "s/r", taggable: true, config, stack };
}

describe("userDataText", () => {
  const stack = stackWith({ locals: { boot: "export X=1", whole: "${var.unset}", count: 5 } });

  it.each<[string, unknown, boolean, ReturnType<typeof userDataText>]>([
    ["unset", undefined, false, undefined],
    ["null", null, false, undefined],
    ["a list", ["a"], false, { unreadable: true }],
    ["plain text", "aGVsbG8gd29ybGQh", false, { text: "aGVsbG8gd29ybGQh" }],
    ["base64 of text", "aGVsbG8gd29ybGQh", true, { text: "hello world!" }],
    ["base64 that is not text", "#!/bin/bash", true, { text: "#!/bin/bash" }],
    ["base64encode of a local, with spaces", " ${ base64encode( local.boot ) } ", false, { text: "export X=1" }],
    ["base64gzip of a local", "${base64gzip(local.boot)}", false, { text: "export X=1" }],
    ["base64encode of a local that is an expression", "${base64encode(local.whole)}", false, { unreadable: true }],
    ["base64encode of a local that is a number", "${base64encode(local.count)}", false, { unreadable: true }],
    ["base64encode of a string with escapes", '${base64encode("a\\nb\\tc \\"q\\" d\\\\e")}', false, { text: 'a\nb\tc "q" d\\e' }],
    ["base64encode of a variable", "${base64encode(var.boot)}", false, { unreadable: true }],
    ["base64encode of a conditional ending in a local", '${base64encode(var.y == "" ? "a" : local.boot)}', false, { unreadable: true }],
    ["base64encode of a conditional starting with a local", '${base64encode(local.boot == "" ? "a" : "b")}', false, { unreadable: true }],
    ["base64encode of a call ending in a string", '${base64encode(x "abc")}', false, { unreadable: true }],
    ["base64encode of a string then more", '${base64encode("abc" x)}', false, { unreadable: true }],
    ["text before base64encode", "echo ${base64encode(local.boot)}", false, { text: "echo ${base64encode(local.boot)}" }],
    ["text after base64encode", "${base64encode(local.boot)} tail", false, { text: "${base64encode(local.boot)} tail" }],
    ["a variable without a default, with spaces", " ${var.boot} ", false, { text: "" }],
    ["text before a variable", "a${var.boot}", false, { text: "a${var.boot}" }],
    ["two variables", "${var.boot}-${var.b}", false, { text: "${var.boot}-${var.b}" }],
    ["a whole expression", '${lookup(var.m, "k")}', false, { unreadable: true }],
    ["a file read inside text", 'echo ${file("boot.sh")}', false, { unreadable: true }],
    ["text with a reference", "echo ${var.a}", false, { text: "echo ${var.a}" }],
  ])("%s", (_what, value, base64, expected) => {
    expect(userDataText(value, stack, base64)).toEqual(expected);
  });
});

describe("tagProblems", () => {
  it("reads a tags map, a tags string, tag blocks and tag_specifications, by the tag's name too", () => {
    const found = tagProblems(resource("aws_autoscaling_group", {
      tags: { Name: "gpu", "db-password": "hunter2hunter2", password: "${var.pw}", count: 3, token: GITHUB },
      tag: [{ key: "api-key", value: "s3cr3tvalue", propagate_at_launch: true }, { value: GITHUB }],
      tag_specifications: [{ resource_type: "instance", tags: { Owner: "ml" } }, { resource_type: "volume", tags: { Token: GITHUB } }],
    }));
    expect(found).toEqual([
      'tags "db-password" holds a literal value, and the tag\'s name says it is a secret (hunt... (14 characters))',
      'tags "token" holds a GitHub token (ghp_... (40 characters))',
      'tag[0] "api-key" holds a literal value, and the tag\'s name says it is a secret (s3cr... (11 characters))',
      "tag[1] holds a GitHub token (ghp_... (40 characters))",
      'tag_specifications[1].tags "Token" holds a GitHub token (ghp_... (40 characters))',
    ]);
  });

  it("reads tags that are one string, and passes clean tags", () => {
    expect(tagProblems(resource("aws_instance", { tags: GITHUB }))).toEqual(["tags holds a GitHub token (ghp_... (40 characters))"]);
    expect(tagProblems(resource("aws_instance", { tags: "${var.tags}" }))).toEqual([]);
    expect(tagProblems(resource("aws_instance", { tags: { Name: "gpu-0", password: "true" } }))).toEqual([]);
  });
});

describe("preSharedKeyProblem", () => {
  const A = "tunnel1_preshared_key";
  const unset: VariableView = { hasDefault: false, sensitive: true };
  const variables: Record<string, VariableView> = { psk: unset, open: { hasDefault: false, sensitive: false }, given: { hasDefault: true, default: "abc", sensitive: true } };
  const keeper = resource("terraform_data", {});
  const peer = resource("aws_vpn_connection", {});
  const stored: ElementView = { type: "aws_secretsmanager_secret_version", name: "s", address: "data.aws_secretsmanager_secret_version.s", config: {} };
  const stack = stackWith({ variables, resources: [keeper, peer], dataSources: [stored] });

  it.each<[string, unknown, string | undefined]>([
    ["unset", undefined, undefined],
    ["null", null, undefined],
    ["a sensitive variable without a default", "${var.psk}", undefined],
    ["an undeclared variable", "${var.other}", `${A} is variable other, which the stack does not declare, so the pack cannot verify it`],
    ["a variable with a default", "${var.given}", `${A} is variable given, whose default is a literal key in the code: remove the default and mark the variable sensitive`],
    ["a variable that is not sensitive", "${var.open}", `${A} is variable open, which is not sensitive (plans and logs show it): mark it sensitive`],
    ["a literal string", "abcdef123456", `${A} is a literal key in the code (abcd... (12 characters)): use a sensitive variable or a secret store's data source`],
    ["a literal number", 12345, `${A} is a literal key in the code (a literal): use a sensitive variable or a secret store's data source`],
    ["a data source", "${data.aws_secretsmanager_secret_version.s.secret_string}", undefined],
    ["another resource's attribute", "${aws_vpn_connection.r.tunnel1_preshared_key}", undefined],
    ["a terraform_data output", "${terraform_data.r.output}", `${A} is "\${terraform_data.r.output}", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
    ["text before a variable", "x${var.psk}", `${A} is "x\${var.psk}", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
    ["text after a variable", "${var.psk}x", `${A} is "\${var.psk}x", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
    ["an expression of 60 characters, shown whole", `\${format("%s", "${"k".repeat(41)}")}`, `${A} is "\${format(\\"%s\\", \\"${"k".repeat(41)}\\")}", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
    ["an expression of 61 characters, cut to 57", `\${format("%s", "${"k".repeat(42)}")}`, `${A} is "\${format(\\"%s\\", \\"${"k".repeat(41)}...", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
  ])("%s", (_what, value, expected) => {
    expect(preSharedKeyProblem(resource("aws_vpn_connection", { [A]: value }, stack), A)).toBe(expected);
  });
});

describe("isWholeExpression, describeAll and quoted values", () => {
  it("skips quoted text, escapes included, inside an interpolation", () => {
    expect(['${f("a}")}', '${f("}")}', '${f("\\"}")}', ' ${var.x} ', '${f("a")}x'].map(isWholeExpression)).toEqual([true, true, true, true, false]);
    expect(['${f("}', "${f(", "$x"].map(isWholeExpression)).toEqual([false, false, false]);
  });

  it("counts several secrets of a kind at one place, shows two of them, and keeps places and kinds apart", () => {
    const s = (where: string, kind: string, redacted: string) => ({ where, kind, redacted });
    expect(describeAll([s("user_data", "a token", "aaaa"), s("user_data", "a token", "bbbb")])).toEqual(["user_data holds a token 2 times (aaaa, bbbb)"]);
    expect(describeAll([s("user_data", "a token", "aaaa"), s("user_data", "a token", "bbbb"), s("user_data", "a token", "cccc"), s("tags", "a token", "dddd"), s("user_data", "a key", "eeee")])).toEqual([
      "user_data holds a token 3 times (aaaa, bbbb, ...)",
      "tags holds a token (dddd)",
      "user_data holds a key (eeee)",
    ]);
  });

  it("reads a quoted NAME=value line's value without its quotes, an empty one as empty", () => {
    expect(secretsInText(`DB_PASSWORD="hunter2hunter2"\nAPI_KEY=''\nSECRET=""`, "user_data")).toEqual([
      { where: "user_data", kind: "a literal value of DB_PASSWORD, whose name says it is a secret", redacted: "hunt... (14 characters)" },
    ]);
  });
});

describe("decodeBase64Text boundaries", () => {
  const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

  it.each<[string, string, string | undefined]>([
    ["text split over lines", "aGVs\nbG8g\nd29y\nbGQh", "hello world!"],
    ["a length that is not a multiple of 4", "aGVsbG8", undefined],
    ["other characters before", "!!!!aGVsbG8gd29ybGQh", undefined],
    ["other characters after", "aGVsbG8gd29ybGQh!!!!", undefined],
    ["one control character in 20 (95 % printable)", b64(`\u0001${"a".repeat(19)}`), `\u0001${"a".repeat(19)}`],
    ["one control character in 10", b64(`\u0001${"a".repeat(9)}`), undefined],
    ["a C1 control character in 10", b64(`\u009f${"a".repeat(9)}`), undefined],
    ["letters beyond ASCII", b64("\u00e9\u00e8\u00ea\u00eb\u00e0\u00e2\u00ee\u00ef\u00f4\u00fb"), "\u00e9\u00e8\u00ea\u00eb\u00e0\u00e2\u00ee\u00ef\u00f4\u00fb"],
  ])("%s", (_what, text, expected) => {
    expect(decodeBase64Text(text)).toBe(expected);
  });
});

describe("secretsInText details", () => {
  it("decodes base64 two levels deep, and searches a third level as it is", () => {
    const once = Buffer.from(`GH=${GITHUB}\n`).toString("base64");
    const twice = Buffer.from(`${once}\n`).toString("base64");
    const thrice = Buffer.from(`${twice}\n`).toString("base64");
    expect(secretsInText(twice, "user_data").map((s) => [s.where, s.kind])).toEqual([["user_data (base64-encoded text) (base64-encoded text)", "a GitHub token"]]);
    expect(secretsInText(thrice, "user_data").map((s) => [s.where, s.kind])).toEqual([["user_data (base64-encoded text) (base64-encoded text)", "a high-entropy string (a key or token)"]]);
  });

  it("skips shell expansions but not text that only contains one, and names a value once when a shape holds it", () => {
    expect(secretsInText("DB_PASSWORD=$SECRET\nAPI_KEY=${KEY}\nTOKEN=$(cat /t)", "user_data")).toEqual([]);
    expect(secretsInText(`DB_PASSWORD=abc$HOME\nGH=${GITHUB}\nAPI_TOKEN=x-${GITHUB}\nSECRET=hunter2hunter2`, "user_data").map((s) => [s.kind, s.redacted])).toEqual([
      ["a GitHub token", "ghp_... (40 characters)"],
      ["a literal value of DB_PASSWORD, whose name says it is a secret", "abc$... (8 characters)"],
      ["a literal value of SECRET, whose name says it is a secret", "hunt... (14 characters)"],
    ]);
  });

  it("takes off quotes only when they open and close the value", () => {
    expect(secretsInText(`A_PASSWORD=a'hunter2hunter2'\nB_PASSWORD='hunter2hunter2'b\nC_PASSWORD=a"hunter2hunter2"\nD_PASSWORD="hunter2hunter2"b\nE_PASSWORD='hunter2hunter2"`, "user_data").map((s) => s.redacted)).toEqual([
      "a'hu... (17 characters)", "'hun... (17 characters)", "a\"hu... (17 characters)", "\"hun... (17 characters)", "'hun... (16 characters)",
    ]);
  });

  it("shows user data it cannot read as JSON when it is not text", () => {
    const r = { type: "aws_instance", name: "r", address: "aws_instance.r", path: "s/r", taggable: true, config: {}, stack: EMPTY_STACK };
    expect(userDataProblems(r, "user_data", ["a"], false)).toEqual(['user_data is "[\\"a\\"]", which the pack cannot verify: use a literal value or suppress with a reason']);
  });
});
