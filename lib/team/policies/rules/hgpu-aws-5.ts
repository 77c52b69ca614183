import { blocks, isObject, isTrue, nonCompliant, strings } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, isUnresolvedValue, readValue, resolveLiterals } from "../values";
import { bucketCompanions } from "./hgpu-aws-4";

const BLOCK_SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

/** HGPU-AWS-5: buckets are private and TLS-only. */
export const awsBucketsPrivateTls: PolicyRule = {
  id: "HGPU-AWS-5",
  level: "error",
  title: "Buckets are private and TLS-only",
  explanation:
    "Every aws_s3_bucket has an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, " +
    "ignore_public_acls and restrict_public_buckets all true, and a bucket policy (aws_s3_bucket_policy, literal JSON or an " +
    "aws_iam_policy_document) with a Deny statement on aws:SecureTransport false. A setting the pack cannot resolve is a finding.",
  appliesTo: ["aws_s3_bucket"],
  check(bucket) {
    const problems: string[] = [];
    const blocksOfBucket = bucketCompanions(bucket, "aws_s3_bucket_public_access_block");
    if (blocksOfBucket.length === 0) {
      problems.push("no aws_s3_bucket_public_access_block refers to the bucket");
    } else {
      const reads = BLOCK_SETTINGS.map((s) => ({ s, reads: blocksOfBucket.map((b) => ({ raw: b.config[s], read: readValue(b.config[s], b.stack) })) }));
      // Only a literal read can be true (an unresolved or reference read holds its expression).
      const on = (r: (typeof reads)[number]) => r.reads.some((x) => isTrue(x.read.value));
      const off = reads.filter((r) => !on(r) && r.reads.every((x) => x.read.kind === "literal")).map((r) => r.s);
      if (off.length > 0) problems.push(`the public access block leaves ${off.join(", ")} off`);
      for (const r of reads.filter((x) => !on(x))) {
        const unknown = r.reads.find((x) => x.read.kind !== "literal");
        if (unknown) problems.push(cannotVerifyText(r.s, unknown.raw));
      }
    }
    const policies = [bucket.config.policy, ...bucketCompanions(bucket, "aws_s3_bucket_policy").map((p) => p.config.policy)].map((p) => resolveLiterals(p, bucket.stack));
    if (!policies.some((p) => deniesInsecureTransport(p, bucket))) {
      problems.push("no bucket policy denies requests with aws:SecureTransport false");
      // A policy that is only an expression (a variable, a file, a template) may hold the statement: say so.
      for (const p of policies.filter(opaquePolicy)) problems.push(cannotVerifyText("policy", p));
    }
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};

/**
 * A policy value that is an expression with no literal text to read (e.g. `${var.policy}`,
 * `${file("p.json")}`), not a jsonencode({...}) or a policy document.
 */
function opaquePolicy(policy: unknown): boolean {
  return typeof policy === "string" && isUnresolvedValue(policy) && !policy.trim().startsWith("{") && !/jsonencode\(|data\.aws_iam_policy_document\./.test(policy);
}

function deniesInsecureTransport(policy: unknown, bucket: L1View): boolean {
  if (typeof policy !== "string") return false;
  const document = bucket.stack.dataSources.find((d) => d.type === "aws_iam_policy_document" && policy.includes(`${d.address}.json`));
  if (document) {
    return blocks(document.config.statement).some((s) => s.effect === "Deny" && blocks(s.condition).some((c) =>
      c.test === "Bool" && c.variable === "aws:SecureTransport" && strings(c.values).includes("false")));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    // An expression (jsonencode({...}) in HCL, JSON with interpolations): judge its object literals.
    return objectsOf(policy).some(deniesInsecureTransportText);
  }
  const statements = isObject(parsed) ? parsed.Statement : undefined;
  return blocks(statements).some((s) => {
    if (s.Effect !== "Deny") return false;
    const bool = isObject(s.Condition) ? s.Condition.Bool : undefined;
    const value = isObject(bool) ? bool["aws:SecureTransport"] : undefined;
    return value === false || strings(value).includes("false");
  });
}

/** An object literal `{...}` of a policy expression's text: its own text (nested objects left out) and its nested objects by key. */
interface ObjectText {
  readonly own: string;
  readonly children: readonly { readonly key: string | undefined; readonly node: ObjectText }[];
}

const EFFECT_DENY = /(^|[{,\s])"?Effect"?\s*[:=]\s*"Deny"/;
const SECURE_TRANSPORT_FALSE = /(^|[{,\s])"aws:SecureTransport"\s*[:=]\s*(\[\s*)?("false"|false)\s*(\]\s*)?($|[,}\s])/;

/**
 * Whether one object literal of a policy's text is a statement with Effect "Deny" whose own
 * Condition holds a Bool test of aws:SecureTransport false (the text of a JSON document or of
 * an HCL jsonencode({...}) argument; keys with `:` or `=`).
 */
function deniesInsecureTransportText(statement: ObjectText): boolean {
  if (!EFFECT_DENY.test(statement.own)) return false;
  return statement.children.some((condition) => condition.key === "Condition" && condition.node.children.some((test) =>
    test.key === "Bool" && SECURE_TRANSPORT_FALSE.test(test.node.own)));
}

/** Every object literal in `text` (at any depth), skipping quoted strings. */
function objectsOf(text: string): ObjectText[] {
  interface Open { own: string; children: { key: string | undefined; node: ObjectText }[]; key: string | undefined }
  const all: ObjectText[] = [];
  const stack: Open[] = [{ own: "", children: [], key: undefined }];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const top = stack[stack.length - 1]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      top.own += text.slice(i, j + 1);
      i = j;
    } else if (ch === "{") {
      const key = /"?([\w:.-]+)"?\s*[:=]\s*$/.exec(top.own)?.[1];
      stack.push({ own: "", children: [], key });
    } else if (ch === "}" && stack.length > 1) {
      const done = stack.pop()!;
      const node: ObjectText = { own: done.own, children: done.children };
      all.push(node);
      const parent = stack[stack.length - 1]!;
      parent.children.push({ key: done.key, node });
      parent.own += "{}";
    } else {
      top.own += ch;
    }
  }
  return all;
}
