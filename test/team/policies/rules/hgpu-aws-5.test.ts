import { describe, expect, it } from "vitest";
import { awsBucketsPrivateTls } from "../../../../lib/team/policies/rules/hgpu-aws-5";
import type { ElementView } from "../../../../lib/team/policies/types";
import { resourceAt, stackView } from "./aws-fixtures";

const B = "${aws_s3_bucket.b.id}";
const ALL_ON = { bucket: B, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
const NOT_VERIFIABLE = "which the pack cannot verify: use a literal value or suppress with a reason";
const NO_DENY = "no bucket policy denies requests with aws:SecureTransport false";
const DENY_JSON = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });

/** The rule's verdict on bucket `b` with the given companions (and data sources). */
function verdict(bucket: Record<string, unknown>, companions: Record<string, Record<string, unknown>>, dataSources: ElementView[] = []): unknown {
  const view = stackView({ "aws_s3_bucket.b": bucket, ...companions }, { dataSources });
  return awsBucketsPrivateTls.check(resourceAt(view, "aws_s3_bucket.b"), { requiredTags: [] });
}
const finding = (detail: string) => ({ status: "non-compliant", detail });

describe("HGPU-AWS-5 public access blocks", () => {
  it.each([
    ["every setting on", [ALL_ON], "compliant"],
    ["a setting on in one of two blocks", [{ ...ALL_ON, block_public_acls: false }, { bucket: B, block_public_acls: "true" }], "compliant"],
    ["a setting on in one block and unresolved in the other", [ALL_ON, { bucket: B, ignore_public_acls: "${var.ignore}" }], "compliant"],
    ["two settings off", [{ ...ALL_ON, block_public_acls: false, restrict_public_buckets: undefined }], finding("the public access block leaves block_public_acls, restrict_public_buckets off")],
    ["a setting unresolved", [{ ...ALL_ON, block_public_policy: "${var.block}" }], finding(`block_public_policy is "\${var.block}", ${NOT_VERIFIABLE}`)],
    ["a setting off in one block and unresolved in the other", [{ ...ALL_ON, block_public_acls: false }, { bucket: B, block_public_acls: "${var.acls}" }], finding(`block_public_acls is "\${var.acls}", ${NOT_VERIFIABLE}`)],
  ])("%s", (_, blocks, expected) => {
    const companions = Object.fromEntries(blocks.map((b, i) => [`aws_s3_bucket_public_access_block.p${i}`, b]));
    expect(verdict({ policy: DENY_JSON }, companions)).toEqual(expected);
  });

  it("without a public access block", () => {
    expect(verdict({ policy: DENY_JSON }, {})).toEqual(finding("no aws_s3_bucket_public_access_block refers to the bucket"));
  });
});

describe("HGPU-AWS-5 TLS-only bucket policies", () => {
  const json = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
  const deny = (value: unknown, effect = "Deny") => ({ Effect: effect, Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": value } } });
  const HCL_DENY = '${jsonencode({Version = "2012-10-17", Statement = [{Sid = "a\\"}{b", Effect = "Deny", Principal = "*", Condition = {StringEquals = {"aws:Region" = "x"}, Bool = {"aws:SecureTransport" = "false"}}}]})}';

  it.each([
    ["JSON with \"false\"", json([deny("false")]), true],
    ["JSON with false", json([deny(false)]), true],
    ["JSON with [\"false\"]", json([deny(["false"])]), true],
    ["JSON with a single statement object", json(deny("false")), true],
    ["JSON with an Allow statement first", json([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }, deny("false")]), true],
    ["JSON with true", json([deny("true")]), false],
    ["JSON with an Allow on insecure transport", json([deny("false", "Allow")]), false],
    ["JSON that is no object", JSON.stringify(["Deny"]), false],
    ["jsonencode text (quoted braces, escaped quotes, two conditions)", HCL_DENY, true],
    ["jsonencode text of an Allow", HCL_DENY.replace('"Deny"', '"Allow"'), false],
    ["jsonencode text with the Bool test outside Condition", '${jsonencode({Statement = [{Effect = "Deny", Other = {Bool = {"aws:SecureTransport" = "false"}}}]})}', false],
    ["jsonencode text with an opening brace in a string", '${jsonencode({Statement = [{Effect = "Deny", Sid = "{", Condition = {Bool = {"aws:SecureTransport" = "false"}}}]})}', true],
    ["jsonencode text with an escaped quote and a brace in a string", '${jsonencode({Statement = [{Effect = "Deny", Sid = "\\"{", Condition = {Bool = {"aws:SecureTransport" = "false"}}}]})}', true],
    ["JSON text with an interpolated list", '{"Statement":[{"Effect":"Deny","Resource":${jsonencode(var.arns)},"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}', true],
  ])("a policy of %s: compliant %s", (_, policy, compliant) => {
    expect(verdict({ policy }, { "aws_s3_bucket_public_access_block.p": ALL_ON })).toEqual(compliant ? "compliant" : finding(NO_DENY));
  });

  it("reads an aws_s3_bucket_policy of the bucket, by reference or by the bucket's name", () => {
    expect(verdict({ bucket: "data" }, { "aws_s3_bucket_public_access_block.p": ALL_ON, "aws_s3_bucket_policy.p": { bucket: "data", policy: json([deny("false")]) } })).toBe("compliant");
    expect(verdict({}, { "aws_s3_bucket_public_access_block.p": ALL_ON, "aws_s3_bucket_policy.p": { bucket: B, policy: json([deny("false")]) } })).toBe("compliant");
  });

  describe("a policy document", () => {
    const doc = (name: string, statement: unknown): ElementView => ({ type: "aws_iam_policy_document", name, address: `data.aws_iam_policy_document.${name}`, config: { statement } });
    const secure = { test: "Bool", variable: "aws:SecureTransport", values: ["false"] };
    const judge = (statement: unknown) => verdict({}, {
      "aws_s3_bucket_public_access_block.p": ALL_ON,
      "aws_s3_bucket_policy.p": { bucket: B, policy: "${data.aws_iam_policy_document.tls.json}" },
    }, [{ type: "aws_caller_identity", name: "me", address: "data.aws_caller_identity.me", config: {} }, doc("other", [{ effect: "Deny", condition: [secure] }]), doc("tls", statement)]);

    it.each([
      ["Deny on aws:SecureTransport false after an Allow", [{ effect: "Allow", actions: ["s3:GetObject"] }, { effect: "Deny", condition: [{ test: "StringEquals", variable: "aws:Region", values: ["x"] }, secure] }], true],
      ["Allow on aws:SecureTransport false", [{ effect: "Allow", condition: [secure] }], false],
      ["Deny without a condition", [{ effect: "Deny" }], false],
      ["Deny with test StringEquals", [{ effect: "Deny", condition: [{ ...secure, test: "StringEquals" }] }], false],
      ["Deny on another variable", [{ effect: "Deny", condition: [{ ...secure, variable: "aws:SecureTransportX" }] }], false],
      ["Deny on aws:SecureTransport true", [{ effect: "Deny", condition: [{ ...secure, values: ["true"] }] }], false],
    ])("%s: compliant %s", (_, statement, compliant) => {
      expect(judge(statement)).toEqual(compliant ? "compliant" : finding(NO_DENY));
    });
  });

  it.each([
    ["a variable", "${var.policy}", true],
    ["a variable after a stray closing brace", "}${var.policy}", true],
    ["a file", '${file("policy.json")}', true],
    ["a jsonencode", '${jsonencode({Statement = []})}', false],
    ["a policy document", "${data.aws_iam_policy_document.missing.json}", false],
    ["a JSON text with an expression", ' {"Statement": ${var.statements}}', false],
    ["a literal", json([deny("true")]), false],
    ["a list of expressions", ["${var.policy}"], false],
    ["a JSON text with an expression and an unterminated string", '{"Statement": ${var.statements}, "Sid": "abc', false],
  ])("a policy of %s that holds no TLS Deny is opaque: %s", (_, policy, opaque) => {
    const detail = opaque ? `${NO_DENY}; policy is ${JSON.stringify(policy)}, ${NOT_VERIFIABLE}` : NO_DENY;
    expect(verdict({ policy }, { "aws_s3_bucket_public_access_block.p": ALL_ON })).toEqual(finding(detail));
  });
});
