/**
 * Durations for task deadlines, e.g. `12h`, `90m`, `1h30m`, `2d`. Pure.
 */

const PART = /(\d+(?:\.\d+)?)\s*(d|h|m)/g;
const UNIT_MINUTES: Record<string, number> = { d: 1440, h: 60, m: 1 };

/** Most a task may run: 14 days (a deadline is a safety net, not a calendar). */
export const MAX_RUNTIME_MINUTES = 14 * 1440;

/**
 * Minutes in a duration: a string of number+unit parts (`d`, `h`, `m`), or a number of hours.
 * Undefined when malformed, zero, negative or infinite.
 */
export function durationMinutes(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? Math.round(value * 60) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (!/^(\d+(?:\.\d+)?\s*(d|h|m)\s*)+$/.test(text)) return undefined;
  let minutes = 0;
  for (const m of text.matchAll(PART)) minutes += Number(m[1]) * UNIT_MINUTES[m[2]!]!;
  const rounded = Math.round(minutes);
  return rounded > 0 ? rounded : undefined;
}

/** Formats minutes as Terraform's `timeadd` wants them, e.g. `720m`. */
export function terraformDuration(minutes: number): string {
  return `${minutes}m`;
}
