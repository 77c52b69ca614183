/**
 * Reads the literal part of an HCL value as cdktf writes it inside a template, e.g. the argument of
 * `${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Action" = var.act, "Resource" = "*"}]})}`
 * (what `Fn.jsonencode` synthesizes): objects (`=` or `:`, entries separated by `,` or line
 * breaks), tuples, quoted strings (with `${...}` inside them kept as written), numbers, `true`,
 * `false` and `null`. Any other expression (`var.act`, `aws_s3_bucket.b.arn`, a function call) is
 * kept as the template `${<expression>}`, which rules then resolve or report as unverifiable. Pure.
 */

/** The value of `${jsonencode(<literal>)}` (the whole string), or undefined when `text` is not one or does not parse. */
export function jsonencodeArgument(text: string): unknown {
  const m = /^\$\{\s*jsonencode\(([\s\S]*)\)\s*\}$/.exec(text);
  if (!m) return undefined;
  try {
    const parser = new Parser(m[1]!);
    const value = parser.value();
    parser.skipSpace();
    return parser.done() ? value : undefined;
  } catch {
    return undefined;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  skipSpace(newlines = true): void {
    while (this.i < this.text.length && (newlines ? /\s/ : /[ \t]/).test(this.text[this.i]!)) this.i++;
  }

  value(): unknown {
    this.skipSpace();
    const ch = this.text[this.i];
    if (ch === "{") return this.object();
    if (ch === "[") return this.tuple();
    if (ch === '"') return this.string();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?![\w.])/.exec(this.text.slice(this.i));
    if (literal) {
      this.i += literal[0].length;
      const word = literal[0];
      return word === "true" ? true : word === "false" ? false : word === "null" ? null : Number(word);
    }
    return `\${${this.expression().trim()}}`;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === "}") {
        this.i++;
        return out;
      }
      const key = this.text[this.i] === '"' ? this.string() : this.identifier();
      this.skipSpace();
      const sep = this.text[this.i];
      if (sep !== "=" && sep !== ":") throw new Error(`expected = after ${key}`);
      this.i++;
      out[key] = this.value();
      this.skipSpace(false);
      if (this.text[this.i] === ",") this.i++;
    }
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    this.i++; // [
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === "]") {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.i] === ",") this.i++;
    }
  }

  private identifier(): string {
    const m = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.i));
    if (!m) throw new Error("expected a key");
    this.i += m[0].length;
    return m[0];
  }

  /** A quoted string; `${...}` inside it (which may hold quotes of its own) is kept as written. */
  private string(): string {
    let out = "";
    this.i++; // opening quote
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!;
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch === "\\") {
        const next = this.text[this.i + 1] ?? "";
        out += next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : next;
        this.i += 2;
      } else if ((ch === "$" || ch === "%") && this.text[this.i + 1] === "{") {
        const start = this.i;
        this.i += 2;
        this.balanced("}");
        out += this.text.slice(start, this.i);
      } else {
        out += ch;
        this.i++;
      }
    }
    throw new Error("unterminated string");
  }

  /** An expression up to the next `,`, `]`, `}` or line break outside brackets and strings. */
  private expression(): string {
    const start = this.i;
    while (this.i < this.text.length && !/[,\]}\n]/.test(this.text[this.i]!)) this.skipOne();
    if (this.i === start) throw new Error("expected a value");
    return this.text.slice(start, this.i);
  }

  /** Skips to just after the `close` that balances what was opened before the call. */
  private balanced(close: string): void {
    while (this.i < this.text.length && this.text[this.i] !== close) this.skipOne();
    if (this.i >= this.text.length) throw new Error(`expected ${close}`);
    this.i++;
  }

  private skipOne(): void {
    const ch = this.text[this.i]!;
    const closing: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
    if (ch === '"') {
      this.string();
    } else if (closing[ch] !== undefined) {
      this.i++;
      this.balanced(closing[ch]);
    } else {
      this.i++;
    }
  }
}
