import { parseArgs } from "node:util";

/**
 * The command line's grammar: each command declares its options with their meaning and default,
 * `node:util`'s `parseArgs` reads them (`--opt value` and `--opt=value`), and every mistake becomes a
 * {@link UsageError} that names the option.
 */

/** One option of a command. */
export interface OptionDef {
  /** The long name, without `--`. */
  readonly name: string;
  /** What the value is, e.g. `<count>`; absent for a flag. */
  readonly value?: string;
  /** What the option does, for `--help`. */
  readonly description: string;
  /** What happens without it, for `--help`. @default - nothing is shown */
  readonly default?: string;
  /** Whether the command refuses to run without it. @default false */
  readonly required?: boolean;
}

/** One subcommand: its help and its options. */
export interface CommandDef {
  readonly name: string;
  /** One line for `hgpu --help`. */
  readonly summary: string;
  /** The synopsis, e.g. `hgpu place --gpus <count> [options]`. */
  readonly usage: string;
  /** What the command does, for `hgpu <command> --help`. */
  readonly description: string;
  /** The positional argument the command takes, if any. @default - none */
  readonly positional?: { readonly name: string; readonly description: string };
  readonly options: readonly OptionDef[];
}

/** Options every command takes. */
export const COMMON_OPTIONS: readonly OptionDef[] = [
  { name: "verbose", description: "show the stack trace of an error, in hgpu and in the app it runs (also: HGPU_DEBUG=1)" },
  { name: "help", description: "print this help" },
];

/** A mistake in the command line itself: an unknown option, a missing value, a stray argument (exit code 2). */
export class UsageError extends Error {}

/** A command line read against its command's options. */
export interface ParsedArgs {
  /** Options with a value, by name. */
  readonly values: ReadonlyMap<string, string>;
  /** Flags given, by name (`help` and `verbose` included). */
  readonly flags: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

/** The options of `command` plus the common ones. */
export function optionsOf(command: CommandDef): readonly OptionDef[] {
  return [...command.options, ...COMMON_OPTIONS];
}

/**
 * Reads `args` against `command`'s options. Throws a {@link UsageError} naming the option for an
 * unknown option (with the closest known one), an option given twice, a value option without a
 * value, a flag with one, and an argument the command does not take. Required options are checked
 * by {@link requireOptions}, after `--help` had its chance.
 */
export function parseCommandArgs(command: CommandDef, args: readonly string[]): ParsedArgs {
  const defs = optionsOf(command);
  const options = Object.fromEntries(defs.map((d) => [d.name, { type: d.value ? ("string" as const) : ("boolean" as const), ...(d.name === "help" ? { short: "h" } : {}) }]));
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const help = `hgpu ${command.name} --help lists the options`;
  for (const t of tokens) {
    if (t.kind === "option-terminator") continue;
    if (t.kind === "positional") {
      positionals.push(t.value);
      continue;
    }
    const def = defs.find((d) => d.name === t.name);
    if (!def) {
      const near = closestName(t.rawName.replace(/^-+/, ""), defs.map((d) => d.name));
      throw new UsageError(`unknown option ${t.rawName}${near ? `: did you mean --${near}?` : ""} (${help})`);
    }
    if (values.has(def.name) || flags.has(def.name)) throw new UsageError(`--${def.name} is given twice: give it once`);
    if (!def.value) {
      if (t.value !== undefined) throw new UsageError(`--${def.name} takes no value, not ${JSON.stringify(t.value)}`);
      flags.add(def.name);
      continue;
    }
    // `--gpus --spot` is a forgotten value, not a value "--spot"; `--gpus=--spot` is a value.
    if (t.value === undefined || (!t.inlineValue && /^--?[a-z]/i.test(t.value))) throw new UsageError(`--${def.name} needs a value: --${def.name} ${def.value}`);
    values.set(def.name, t.value);
  }
  const allowed = command.positional ? 1 : 0;
  if (positionals.length > allowed) {
    const stray = positionals.slice(allowed);
    throw new UsageError(`unexpected argument${stray.length > 1 ? "s" : ""} ${stray.map((s) => JSON.stringify(s)).join(" ")} (${help})`);
  }
  return { values, flags, positionals };
}

/** Throws a {@link UsageError} for the first required option of `command` that `args` lacks. */
export function requireOptions(command: CommandDef, args: ParsedArgs): void {
  for (const def of command.options) {
    if (def.required && !args.values.has(def.name)) throw new UsageError(`--${def.name} is required: ${command.usage}`);
  }
}

/** The value of `--name` as a whole number above 0 (digits only: no `1e3`, `0x10`, `+8`), or undefined when absent. */
export function wholeNumber(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !(n > 0) || !Number.isSafeInteger(n)) throw new Error(`--${name} ${JSON.stringify(text)} is not valid: use a whole number above 0`);
  return n;
}

/**
 * The value of `--name` as a decimal number above 0 (`12`, `0.5`: no exponent, hex or sign), or
 * undefined when absent. `unit` names what it counts, e.g. `GiB`.
 */
export function decimalNumber(args: ParsedArgs, name: string, unit: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} ${JSON.stringify(text)} is not valid: use a number of ${unit} above 0`);
  return n;
}

/** The value of `--name` as a comma-separated list without blanks, or undefined when absent. */
export function listOption(args: ParsedArgs, name: string, example: string): string[] | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new Error(`--${name} ${JSON.stringify(text)} is not valid: use names separated by commas, e.g. ${example}`);
  return items;
}

/** The value of `--name`, which must be one of `allowed`, or undefined when absent. */
export function choice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): T | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`--${name} ${JSON.stringify(text)} is not valid: use ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`);
  return text as T;
}

/**
 * The name in `known` closest to `given`, when it is close enough to be a typo: within two edits
 * (a swap of neighbours counts as one), or one name a prefix of the other. Undefined otherwise.
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  const scored = known
    .map((k) => ({ k, d: editDistance(given.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= maxEdits(k) || isPrefixPair(k, given))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return scored[0]?.k;
}

/** The edits a typo of `name` may hold: a third of its length, at least one and at most two. */
function maxEdits(name: string): number {
  return Math.min(2, Math.max(1, Math.floor(name.length / 3)));
}

/** Whether one of two names of at least three characters begins the other. */
function isPrefixPair(a: string, b: string): boolean {
  return Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
