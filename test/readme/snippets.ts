/**
 * The README's code blocks as the README snippet test runs them (pure functions).
 *
 * A claim is what a snippet says a value is, in a comment: after an expression statement on its
 * own line (`getOffering("p5.48xlarge")!.fabric; // { kind: "efa", ... }`), or on the comment-only
 * line right after one. `console.log(x); // text` claims what it prints. A claim holds when the
 * value printed (`String(value)`) is the text, when the text (or its start, before a `:`, `,` or
 * ` (` that begins prose) is a JavaScript literal equal to the value, or when the test has a check
 * for that exact prose. Any other claim fails the test: a README that drifts is caught.
 */
import { isDeepStrictEqual, format } from "node:util";

/** One fenced block of the README. */
export interface Snippet {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The name an `<!-- file: name -->` comment right before the fence gives it. @default - none */
  readonly file?: string;
}

/** Every fenced block of `markdown`, in order. */
export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    if (end < 0) throw new Error(`README line ${i + 1}: a code block is not closed`);
    const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1] ?? "")?.[1];
    out.push({ lang: open[1]!, code: lines.slice(i + 1, end).join("\n"), line: i + 1, ...(file ? { file } : {}) });
    i = end;
  }
  return out;
}

/** Module specifiers a snippet imports. */
export function importsOf(code: string): string[] {
  return [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
}

const NOT_AN_EXPRESSION = /^(const|let|var|import|export|new|if|for|while|return|await|function|class|type|interface)\b|^\/\//;

/**
 * The snippet with each claim turned into a call `__claim(() => value, claim, line)` (line numbers
 * are the README's), and `console.log(...)` claims into `__claim(() => format(...), ...)`.
 */
export function instrument(snippet: Snippet): string {
  const lines = snippet.code.split("\n");
  return lines
    .map((text, i) => {
      const line = snippet.line + 1 + i;
      const inline = /^(\s*)(.+?);\s*\/\/ (.+)$/.exec(text);
      const next = lines[i + 1] !== undefined ? /^\s*\/\/ (.+)$/.exec(lines[i + 1]!)?.[1] : undefined;
      const statement = inline ? { indent: inline[1]!, code: inline[2]!, claim: inline[3]! } : /^(\s*)(.+);\s*$/.exec(text) && next ? { indent: /^\s*/.exec(text)![0], code: text.trim().replace(/;$/, ""), claim: next } : undefined;
      if (!statement || NOT_AN_EXPRESSION.test(statement.code) || /^\s/.test(text) || !balanced(statement.code)) return text;
      const log = /^console\.log\((.*)\)$/.exec(statement.code);
      const value = log ? `__format(${log[1]})` : `(${statement.code})`;
      return `${statement.indent}__claim(() => ${value}, ${JSON.stringify(statement.claim)}, ${line});`;
    })
    .join("\n");
}

/** Whether the brackets of `code` (outside strings) pair up: a line that ends a multi-line statement does not. */
function balanced(code: string): boolean {
  let depth = 0;
  for (const c of code.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "")) {
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c) && --depth < 0) return false;
  }
  return depth === 0;
}

/** A JavaScript literal (object, array, string, number, boolean, null) as a value, or undefined when `text` is not one. */
export function literal(text: string): { value: unknown } | undefined {
  if (!/^[[{"'\d-]|^(true|false|null)$/.test(text.trim())) return undefined;
  try {
    return { value: new Function(`"use strict"; return (${text});`)() as unknown };
  } catch {
    return undefined;
  }
}

/** Plain data of `value` (JSON's view: functions and undefined left out), for comparing with a literal. */
const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)) as unknown);

/**
 * Whether `claim` holds for `value` (see the module's comment). Returns undefined when it holds, a
 * problem when it does not, and "unchecked" when the claim is prose the rules cannot judge.
 */
export function judge(value: unknown, claim: string): string | undefined {
  if (String(value) === claim) return undefined;
  const heads = [claim, ...[...claim.matchAll(/(?<=\S)(?=: |, | \()/g)].map((m) => claim.slice(0, m.index))];
  for (const head of heads) {
    const lit = literal(head);
    if (!lit) continue;
    return isDeepStrictEqual(plain(value), plain(lit.value)) ? undefined : `is ${format("%j", plain(value))}, not ${head}`;
  }
  return "unchecked";
}

/** What a run of instrumented snippets records. */
export interface ClaimResult {
  readonly line: number;
  readonly claim: string;
  readonly problem?: string;
}

export const results: ClaimResult[] = [];
/** Checks for claims in prose, by their exact text: each throws when the value does not match. */
export const prose = new Map<string, (value: unknown) => void>();

/** Called by instrumented snippets. */
export function __claim(get: () => unknown, claim: string, line: number): void {
  let value: unknown;
  try {
    value = get();
  } catch (e) {
    results.push({ line, claim, problem: `throws ${(e as Error).message}` });
    return;
  }
  let problem = judge(value, claim);
  if (problem === "unchecked") {
    const check = prose.get(claim);
    if (!check) problem = `a claim in prose with no check (value ${format("%j", plain(value))}): make it a value, or add a check to the test`;
    else {
      try {
        check(value);
        problem = undefined;
      } catch (e) {
        problem = (e as Error).message;
      }
    }
  }
  results.push({ line, claim, ...(problem ? { problem } : {}) });
}

export { format as __format };
