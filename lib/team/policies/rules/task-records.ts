import { isObject, isWithin, numberOf, resourcesOfType, show } from "../helpers";
import type { L1View, StackView } from "../types";

/**
 * What a GpuTask records in the plan, for the rules that hold its teardown to it: its start marker
 * (a `terraform_data` whose creation time starts the deadline clock), the deadline it promises
 * (its `<name>_deadline` output: `timeadd(<marker>.output.at, "<maxRuntime>m")`) and the nodes it
 * planned (its `<name>_placement` output).
 */
export interface TaskRecord {
  /** The task's name (its start marker's `input.task`). */
  readonly name: string;
  /** The start marker's Terraform address. */
  readonly marker: string;
  /** Minutes from the start marker to the deadline the task promises (its maxRuntime). */
  readonly deadlineMinutes: number;
  /** Nodes of the chosen placement. */
  readonly plannedNodes: number;
}

/** The record of the task at `taskPath`, or why it cannot be read. */
export function taskRecord(stack: StackView, taskPath: string): TaskRecord | string {
  const markers = resourcesOfType(stack, "terraform_data").filter((r) => isWithin(r.path, taskPath) && isObject(r.config.input) && typeof r.config.input.task === "string");
  if (markers.length !== 1) return `task ${taskPath} has ${markers.length} start markers (terraform_data with input.task), not 1, so its maxRuntime and planned size cannot be read`;
  const marker = markers[0]!;
  const name = String((marker.config.input as Record<string, unknown>).task);
  const key = name.replace(/-/g, "_");
  const deadline = stack.outputs[`${key}_deadline`];
  const offset = typeof deadline === "string" ? timeOffsetMinutes(unwrap(deadline), marker.address) : undefined;
  if (offset === undefined) {
    return `task ${taskPath} records no deadline relative to its start marker (output ${key}_deadline is ${show(deadline)}, not timeadd(${marker.address}.output.at, "<minutes>m"))`;
  }
  const placement = stack.outputs[`${key}_placement`];
  const nodes = isObject(placement) ? numberOf(placement.nodes) : undefined;
  if (nodes === undefined) return `task ${taskPath} records no planned size (output ${key}_placement has no nodes)`;
  return { name, marker: marker.address, deadlineMinutes: offset, plannedNodes: nodes };
}

/** `text` without an enclosing `${...}` (untrimmed: timeOffsetMinutes trims). */
function unwrap(text: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(text.trim());
  return m ? m[1]! : text;
}

/**
 * Minutes after the start marker's time that a Terraform time expression stands for:
 * `<marker>.output.at` (or `<marker>.output["at"]`, `lookup(<marker>.output, "at", ...)`) is 0, and
 * `timeadd(<expression>, "<duration>")` adds its duration (Go syntax: `90m`, `2h`, `1h30m`, `-5m`);
 * `formatdate("<format>", <expression>)` formats the same time. Undefined for anything else (a
 * fixed time, another clock, `timestamp()`).
 */
export function timeOffsetMinutes(expression: string, marker: string): number | undefined {
  const e = expression.trim();
  const base = escape(marker);
  if (new RegExp(`^${base}\\.output(\\.at|\\["at"\\])$`).test(e) || new RegExp(`^lookup\\(\\s*${base}\\.output\\s*,\\s*"at"\\s*(,[^()]*)?\\)$`).test(e)) return 0;
  const call = /^(timeadd|formatdate)\(([\s\S]*)\)$/.exec(e);
  if (!call) return undefined;
  const args = splitArguments(call[2]!);
  if (call[1] === "formatdate") return args.length === 2 ? timeOffsetMinutes(args[1]!, marker) : undefined;
  if (args.length !== 2) return undefined;
  const inner = timeOffsetMinutes(args[0]!, marker);
  const duration = /^"([^"]*)"$/.exec(args[1]!);
  const minutes = duration ? goDurationMinutes(duration[1]!) : undefined;
  return inner === undefined || minutes === undefined ? undefined : inner + minutes;
}

/** Minutes in a Go duration string (`timeadd`'s): `120m`, `2h`, `1h30m`, `90s`, `-1h`. */
export function goDurationMinutes(text: string): number | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+)$/.exec(text);
  if (!m) return undefined;
  const unit: Record<string, number> = { h: 60, m: 1, s: 1 / 60, ms: 1 / 60000, us: 1 / 6e7, µs: 1 / 6e7, ns: 1 / 6e10 };
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(part[1]) * unit[part[2]!]!;
  return m[1] === "-" ? -total : total;
}

/** The top-level comma-separated arguments of a call's argument text. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    } else if ("([{".includes(ch)) {
      depth++;
    } else if (")]}".includes(ch)) {
      depth--;
    } else if (ch === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((a) => a !== "");
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The time a one-time schedule expression `at(${...})` stands for, in minutes after the marker, or why it cannot be read. */
export function atExpressionOffset(expression: string, marker: string): number | string {
  const m = /^at\(\$\{([\s\S]*)\}\)$/.exec(expression.trim());
  if (!m) {
    return /^at\(\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?\)$/.test(expression.trim())
      ? `schedule_expression ${show(expression)} is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime`
      : `schedule_expression ${show(expression)} is not an at(...) time the pack can relate to the task's start`;
  }
  const offset = timeOffsetMinutes(m[1]!, marker);
  return offset ?? `schedule_expression ${show(expression)} is not a time after the task's start marker ${marker} (timeadd(${marker}.output.at, "<minutes>m"))`;
}

/** A number of minutes as text, e.g. `120 minutes`, `90.5 minutes`. */
export function minutesText(minutes: number): string {
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(2)} minutes`;
}

/** The resources of `type` inside the task at `taskPath`. */
export function inTask(resource: L1View, taskPath: string, type: string): L1View[] {
  return resourcesOfType(resource.stack, type).filter((r) => isWithin(r.path, taskPath));
}
