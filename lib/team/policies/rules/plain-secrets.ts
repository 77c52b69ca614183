import { findSecretShapes, namesASecret, redact } from "../../../core/secret-shapes";
import { blocks, isObject } from "../helpers";
import type { L1View, StackView } from "../types";
import { cannotVerifyText, isUnresolvedValue, readValue, resolveLiterals } from "../values";

/**
 * Where HGPU-AWS-13 and HGPU-AZ-13 look for secrets written in plain text, and how: pre-shared
 * keys, user and custom data (base64 decoded, a `base64encode(local.x)` followed to the local's
 * text), and tags. The shapes themselves are `lib/core/secret-shapes.ts`'s; this module adds what
 * is not a secret although it looks random (SSH public keys, certificates and public keys) and the
 * `NAME=value` lines of scripts and env files, judged by the variable's name.
 */

/** A secret found in plain text: where, what it looks like, and the secret redacted. */
export interface PlainSecret {
  readonly where: string;
  readonly kind: string;
  readonly redacted: string;
}

/** Public material that looks random: PEM certificates and public keys, OpenSSH public keys, subresource-integrity hashes. */
const PUBLIC_MATERIAL: readonly RegExp[] = [
  /-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|X509 CRL|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|PGP SIGNATURE)-----[\s\S]*?-----END \1-----/g,
  /(?<![\w-])(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]+={0,2}/g,
  /(?<![\w-])sha(256|384|512)-[A-Za-z0-9+/]{40,}={0,2}/g,
];

/** A PEM private key with its body: reported once, by its header. */
const PRIVATE_KEY_BLOCK = /(-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----)[\s\S]*?-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/g;

/** Gzip-compressed data in base64 (it starts with `H4sI`): what it holds cannot be read. */
const GZIP_BASE64 = /(?<![A-Za-z0-9+/])H4sI[A-Za-z0-9+/]{16,}={0,2}/g;

/** An assignment line of a shell script or env file: `export NAME='value'`, `NAME=value`, `NAME: value` (YAML). */
const ASSIGNMENT = /^\s*(?:export\s+|-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*?)\s*$/;

/** Base64 runs that may be encoded text (cloud-init `encoding: b64`, `echo ... | base64 -d`). */
const BASE64_RUN = /(?<![A-Za-z0-9+/=])(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])/g;

/** Decodes base64 that holds text (printable UTF-8), else undefined. */
export function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, "base64").toString("utf8");
  const printable = [...decoded].filter((ch) => /[\t\n\r\x20-\x7e]/.test(ch) || ch.charCodeAt(0) > 0x9f).length;
  return !decoded.includes("\ufffd") && printable / decoded.length >= 0.95 ? decoded : undefined;
}

/**
 * The secrets in a text (a script, an env file, a tag value): known token shapes and
 * high-entropy runs, outside public keys and certificates; base64 runs that decode to text are
 * read decoded; and `NAME=value` lines whose name says they hold a secret (`HF_TOKEN=...`).
 */
export function secretsInText(text: string, where: string, depth = 0): PlainSecret[] {
  let plain = text.replace(PRIVATE_KEY_BLOCK, "$1");
  for (const pattern of PUBLIC_MATERIAL) plain = plain.replace(pattern, " ");
  const out: PlainSecret[] = [];
  plain = plain.replace(GZIP_BASE64, (run) => {
    out.push({ where, kind: "gzip-compressed base64 data, which the pack cannot read (write it uncompressed or suppress with a reason)", redacted: redact(run) });
    return " ";
  });
  if (depth < 2) {
    plain = plain.replace(BASE64_RUN, (run) => {
      const decoded = decodeBase64Text(run);
      if (decoded === undefined) return run;
      out.push(...secretsInText(decoded, `${where} (base64-encoded text)`, depth + 1));
      return " ";
    });
  }
  const shapes = findSecretShapes(plain);
  for (const s of shapes) out.push({ where, kind: s.kind, redacted: redact(s.match) });
  for (const line of plain.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line);
    if (!m) continue;
    const value = unquote(m[2]!);
    if (isUnresolvedValue(value) || /^\$[{(]?[A-Za-z_]/.test(value)) continue; // a reference or a shell expansion
    if (namesASecret(m[1]!, value) && !shapes.some((s) => value.includes(s.match) || s.match.includes(value))) {
      out.push({ where, kind: `a literal value of ${m[1]}, whose name says it is a secret`, redacted: redact(value) });
    }
  }
  return out;
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

/** What an attribute of user or custom data holds: its text (decoded), or why the pack cannot read it. */
export function userDataText(value: unknown, stack: StackView, base64: boolean): { text: string } | { unreadable: true } | undefined {
  if (value === undefined || value === null) return undefined;
  const resolved = resolveLiterals(value, stack);
  if (typeof resolved !== "string") return { unreadable: true };
  const encoded = /^\$\{\s*base64(?:encode|gzip)\(([\s\S]*)\)\s*\}$/.exec(resolved.trim());
  if (encoded) return innerText(encoded[1]!.trim(), stack);
  if (!isUnresolvedValue(resolved)) {
    if (!base64) return { text: resolved };
    return { text: decodeBase64Text(resolved) ?? resolved };
  }
  // A variable without a default is set outside the code: nothing to read here. A file or template
  // read at plan time (it lives in the repository), or another whole expression, cannot be read;
  // literal text around references can.
  if (/^\$\{var\.[A-Za-z_][\w-]*\}$/.test(resolved.trim())) return { text: "" };
  if (isWholeExpression(resolved) || /\b(file|templatefile|filebase64|base64decode)\(/.test(resolved)) return { unreadable: true };
  return { text: resolved };
}

/** The text of `base64encode(<argument>)`: a local's value or a string literal. */
function innerText(argument: string, stack: StackView): { text: string } | { unreadable: true } {
  const local = /^local\.([A-Za-z_][\w-]*)$/.exec(argument);
  if (local) {
    const text = resolveLiterals(stack.locals[local[1]!], stack);
    return typeof text === "string" && !isWholeExpression(text) ? { text } : { unreadable: true };
  }
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(argument);
  if (literal) return { text: literal[1]!.replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\(["\\])/g, "$1") };
  return { unreadable: true };
}

/** The problems of one user-data attribute: secrets in it, or that the pack cannot read it. */
export function userDataProblems(resource: L1View, attribute: string, value: unknown, base64: boolean): string[] {
  const read = userDataText(value, resource.stack, base64);
  if (read === undefined) return [];
  if ("unreadable" in read) return [cannotVerifyText(attribute, clip(value))];
  return describeAll(secretsInText(read.text, attribute));
}

/** The secrets in a resource's tags (a `tags` map, an Auto Scaling group's `tag` blocks, a launch template's `tag_specifications`). */
export function tagProblems(resource: L1View): string[] {
  const c = resource.config;
  const pairs: { place: string; key: string; value: unknown }[] = [];
  const fromMap = (tags: unknown, place: string) => {
    const resolved = resolveLiterals(tags, resource.stack);
    if (isObject(resolved)) for (const [k, v] of Object.entries(resolved)) pairs.push({ place, key: k, value: v });
    else pairs.push({ place, key: "", value: resolved });
  };
  fromMap(c.tags, "tags");
  blocks(c.tag).forEach((t, i) => pairs.push({ place: `tag[${i}]`, key: String(t.key ?? ""), value: resolveLiterals(t.value, resource.stack) }));
  blocks(c.tag_specifications).forEach((s, i) => fromMap(s.tags, `tag_specifications[${i}].tags`));
  const found: PlainSecret[] = [];
  for (const p of pairs) {
    if (typeof p.value !== "string") continue;
    const where = p.key === "" ? p.place : `${p.place} ${JSON.stringify(p.key)}`;
    const shapes = secretsInText(p.value, where);
    found.push(...shapes);
    if (shapes.length === 0 && !isUnresolvedValue(p.value) && namesASecret(p.key.toUpperCase().replace(/[^A-Z0-9]+/g, "_"), p.value)) {
      found.push({ where, kind: "a literal value, and the tag's name says it is a secret", redacted: redact(p.value) });
    }
  }
  return describeAll(found);
}

/**
 * Why a pre-shared key attribute is not kept out of the code, or undefined when it is: unset (the
 * cloud generates one), a sensitive variable without a default, a data source (a secret store, a
 * remote state), or an attribute of another resource (e.g. the key AWS generated for the other end).
 */
export function preSharedKeyProblem(resource: L1View, attribute: string): string | undefined {
  const raw = resource.config[attribute];
  if (raw === undefined || raw === null) return undefined;
  const stack = resource.stack;
  const variable = typeof raw === "string" ? /^\$\{var\.([A-Za-z_][\w-]*)\}$/.exec(raw)?.[1] : undefined;
  if (variable !== undefined) {
    const v = stack.variables[variable];
    if (v === undefined) return `${attribute} is variable ${variable}, which the stack does not declare, so the pack cannot verify it`;
    if (v.hasDefault) return `${attribute} is variable ${variable}, whose default is a literal key in the code: remove the default and mark the variable sensitive`;
    if (!v.sensitive) return `${attribute} is variable ${variable}, which is not sensitive (plans and logs show it): mark it sensitive`;
    return undefined;
  }
  const read = readValue(raw, stack);
  if (read.kind === "literal") return `${attribute} is a literal key in the code (${typeof read.value === "string" ? redact(read.value) : "a literal"}): use a sensitive variable or a secret store's data source`;
  if (read.kind === "reference") {
    if (read.reference.element.type !== "terraform_data") return undefined;
  }
  return `${attribute} is ${shortened(raw)}, an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`;
}

/** Whether `text` is one interpolation `${...}` as a whole (not literal text with interpolations in it). */
export function isWholeExpression(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith("${")) return false;
  let depth = 0;
  for (let i = 1; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === '"') {
      i++;
      while (i < t.length && t[i] !== '"') i += t[i] === "\\" ? 2 : 1;
    } else if (ch === "{") {
      depth++;
    } else if (ch === "}" && --depth === 0) {
      return i === t.length - 1;
    }
  }
  return false;
}

/** One line per place and kind: `user_data holds a GitHub token (ghp_... (40 characters))`, several of a kind counted. */
export function describeAll(secrets: readonly PlainSecret[]): string[] {
  const groups = new Map<string, PlainSecret[]>();
  for (const s of secrets) groups.set(`${s.where}\u0000${s.kind}`, [...(groups.get(`${s.where}\u0000${s.kind}`) ?? []), s]);
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const shown = group.slice(0, 2).map((s) => s.redacted).join(", ");
    return group.length === 1
      ? `${first.where} holds ${first.kind} (${first.redacted})`
      : `${first.where} holds ${first.kind} ${group.length} times (${shown}${group.length > 2 ? ", ..." : ""})`;
  });
}

/** A value for a message, cut short (user data can be long, and may hold the very secret). */
function clip(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** {@link clip}, quoted. */
function shortened(value: unknown): string {
  return JSON.stringify(clip(value));
}
