/**
 * What a secret looks like, for rules that refuse secrets written as literals (a task's `env`, user
 * data, custom data, tags). Pure and cloud-free. Two kinds of evidence:
 *
 * - **known token shapes**: AWS access key IDs, GitHub, GitLab, Hugging Face, Slack, OpenAI,
 *   Anthropic, Stripe, npm and Google API tokens, JSON Web Tokens, PEM private keys, Azure SAS
 *   signatures and passwords inside URLs;
 * - **high entropy**: a run of 20 or more characters of the base64 alphabet that mixes upper case,
 *   lower case and digits, flips case between letters as random text does and words do not, and
 *   comes close to the most entropy its length allows ({@link looksRandom}).
 *
 * What random-looking text is *not* a secret passes: UUIDs, hex digests (sha256, git commits), AMI
 * and other AWS resource IDs (lower-case hex), image references and paths made of words. A hex
 * secret (e.g. a 40-hex W&B API key) has no shape of its own: {@link namesASecret} catches it by its
 * variable's name.
 */

/** A secret found in a text. */
export interface SecretShape {
  /** What it looks like, for messages: "a GitHub token". */
  readonly kind: string;
  /** The matching text itself (never print it: see {@link redact}). */
  readonly match: string;
}

/** Known token shapes, most specific first. */
const KNOWN: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: "a private key", pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { kind: "an AWS access key ID", pattern: /(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  { kind: "a GitHub token", pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])/ },
  { kind: "a GitLab token", pattern: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/ },
  { kind: "a Hugging Face token", pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])/ },
  { kind: "a Slack token", pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: "an Anthropic API key", pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/ },
  // upper case and a digit required: `sk-learn-...` names are words
  { kind: "an OpenAI API key", pattern: /(?<![A-Za-z0-9])sk-(proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}/ },
  { kind: "a Stripe key", pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}/ },
  { kind: "an npm token", pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/ },
  { kind: "a Google API key", pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/ },
  { kind: "a JSON Web Token", pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: "an Azure SAS signature", pattern: /[?&]sig=[A-Za-z0-9%/+=]{20,}/ },
  { kind: "a password in a URL", pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/** Runs of the base64 (and base64url) alphabet: the candidates for the entropy test. */
const CANDIDATE = /[A-Za-z0-9+/_-]{20,}={0,2}/g;

/** Bits of entropy per character of `text` (Shannon, over its own character frequencies). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Whether `word` (a run of the base64 alphabet) looks random: 20+ characters with upper case,
 * lower case and digits; the case flipping at a quarter or more of the steps between two letters
 * (half of them in random text, about a tenth in words such as `Llama-3-8B-Instruct`); words of 3
 * letters or more (`Research`, `ultrachat`) covering less than 60% of it; and an entropy of at
 * least 80% of the most its length allows (random base64 reaches 84% or more in 99 cases of 100).
 * Measured on 2,000 random base64 strings per length, the share missed: 10% at 20 characters, 3%
 * at 32, 2% at 40, 0.2% at 64; on 670,000 words of package READMEs, every hit was random text
 * (keys in examples, base64 images, document IDs).
 */
export function looksRandom(word: string): boolean {
  const body = word.replace(/=+$/, "");
  if (body.length < 20) return false;
  // a digit; both cases are required by the case flips below
  if (!/[0-9]/.test(body)) return false;
  let pairs = 0;
  let flips = 0;
  for (let i = 1; i < body.length; i++) {
    const [a, b] = [body[i - 1]!, body[i]!];
    if (!/[A-Za-z]/.test(a) || !/[A-Za-z]/.test(b)) continue;
    pairs++;
    if ((a >= "a") !== (b >= "a")) flips++;
  }
  if (pairs === 0 || flips / pairs < 0.25) return false;
  // words (`Research`, `instruct`, `Role`) covering most of it: a name, not a key
  const words = (body.match(/[a-z]{3,}|[A-Z][a-z]{2,}/g) ?? []).join("").length;
  if (words / body.length >= 0.6) return false;
  return shannonEntropy(body) >= 0.8 * Math.log2(Math.min(body.length, 64));
}

/**
 * Every secret-like part of `text`: known token shapes, then high-entropy runs that are not part
 * of one. Terraform interpolations are read like the rest (a secret inside `${"..."}` or
 * `${base64decode("...")}` is still a secret); references such as
 * `${aws_s3_bucket.task_runs_1A2B3C4D.bucket}` do not look random.
 */
export function findSecretShapes(text: string): SecretShape[] {
  const found: SecretShape[] = [];
  for (const { kind, pattern } of KNOWN) {
    const m = pattern.exec(text);
    if (m) found.push({ kind, match: m[0] });
  }
  for (const m of text.matchAll(CANDIDATE)) {
    const word = m[0];
    if (found.some((f) => f.match.includes(word) || word.includes(f.match))) continue;
    if (looksRandom(word)) found.push({ kind: "a high-entropy string (a key or token)", match: word });
  }
  return found;
}

/** The first secret-like part of `text`, or undefined. */
export function findSecretShape(text: string): SecretShape | undefined {
  return findSecretShapes(text)[0];
}

/** Name parts that say a variable holds a secret: `HF_TOKEN`, `DB_PASSWORD`, `WANDB_API_KEY`. */
const SECRET_NAME_PARTS = ["TOKEN", "SECRET", "SECRETS", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "APIKEY", "PAT"];
/** Two-part name endings that do: `..._API_KEY`, `..._ACCESS_KEY`. */
const SECRET_NAME_PAIRS = ["API_KEY", "ACCESS_KEY", "SECRET_KEY", "PRIVATE_KEY", "ACCOUNT_KEY", "AUTH_KEY", "SIGNING_KEY", "ENCRYPTION_KEY", "CLIENT_SECRET", "AUTH_TOKEN", "CONNECTION_STRING"];

/**
 * Whether an environment variable named `name` holding `value` is a secret by its name: a name
 * with a part such as TOKEN, SECRET, PASSWORD or API_KEY (split at `_`; `TOKENIZERS_PARALLELISM`
 * is not one), holding anything but an empty value, a number, a boolean word, or a path
 * (`GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp.json` names a file, not a secret). Names ending in
 * `_FILE`, `_PATH` or `_DIR` hold paths.
 */
export function namesASecret(name: string, value: string): boolean {
  const parts = name.toUpperCase().split("_").filter(Boolean);
  if (["FILE", "PATH", "DIR", "URL"].includes(parts.at(-1) ?? "")) return false;
  const joined = parts.join("_");
  const named = parts.some((p) => SECRET_NAME_PARTS.includes(p)) || SECRET_NAME_PAIRS.some((pair) => joined === pair || joined.endsWith(`_${pair}`) || joined.includes(`_${pair}_`) || joined.startsWith(`${pair}_`));
  if (!named) return false;
  return !/^(|\d+|true|false|yes|no|on|off|none|null)$/i.test(value.trim()) && !/^(\/|\.\/|~\/)/.test(value);
}

/** A secret shown safely in a message: its first 4 characters and its length. */
export function redact(secret: string): string {
  return `${secret.slice(0, 4)}... (${secret.length} characters)`;
}
