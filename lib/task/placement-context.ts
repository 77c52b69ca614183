import type { Construct } from "constructs";
import { isFalse, isTrue } from "../core/terraform-values";
import { Validator } from "../core/validate";
import { MAX_RESTARTS } from "./recovery";

/**
 * What a launch tells the app, through the construct context or the environment (pure apart from
 * reading them): placements to skip after a failed attempt, a rank to pin, and, when a run is
 * relaunched, its restarts so far and whether this attempt falls back to on-demand capacity. The
 * context key wins over the variable; a malformed value fails through a ValidationError on the
 * task naming where it came from.
 */

/** The context key (or environment variable `HGPU_EXCLUDE_PLACEMENTS`, a JSON list) of placement keys to skip. */
export const EXCLUDE_PLACEMENTS_CONTEXT = "hgpu:excludePlacements";
/** The context key (or environment variable `HGPU_PLACEMENT`) of the placement rank to use. */
export const PLACEMENT_CONTEXT = "hgpu:placement";
/** The context key (or environment variable `HGPU_RESTART_COUNT`) of the run's restarts before this attempt. */
export const RESTART_COUNT_CONTEXT = "hgpu:restartCount";
/** The context key (or environment variable `HGPU_RUN_DEADLINE`) of a relaunched run's deadline: the first attempt's. */
export const RUN_DEADLINE_CONTEXT = "hgpu:runDeadline";
/** The context key (or environment variable `HGPU_ON_DEMAND`) that moves a spot task with `recovery.fallbackToOnDemand` to on-demand capacity. */
export const ON_DEMAND_CONTEXT = "hgpu:onDemand";

/** The placement keys to skip, from the context or `HGPU_EXCLUDE_PLACEMENTS`; a malformed list fails through a ValidationError on `scope`. */
export function readExcluded(scope: Construct): string[] {
  const fromContext = scope.node.tryGetContext(EXCLUDE_PLACEMENTS_CONTEXT) as unknown;
  const raw = fromContext ?? process.env.HGPU_EXCLUDE_PLACEMENTS;
  if (raw === undefined || raw === "") return [];
  let list: unknown = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      list = undefined;
    }
  }
  const field = fromContext !== undefined ? EXCLUDE_PLACEMENTS_CONTEXT : "HGPU_EXCLUDE_PLACEMENTS";
  new Validator(scope.node.path).check(Array.isArray(list) && list.every((x) => typeof x === "string"), field, raw, 'use a JSON list of placement keys, e.g. ["aws/us-east-1/use1-az4/p5.48xlarge"]');
  return list as string[];
}

/** The placement rank to use, from the context or `HGPU_PLACEMENT`. */
export function readRank(scope: Construct): number | undefined {
  const raw = (scope.node.tryGetContext(PLACEMENT_CONTEXT) as unknown) ?? process.env.HGPU_PLACEMENT;
  return raw === undefined || raw === "" ? undefined : Number(raw);
}

/** The raw value of a launch input and the name it came by: the context key first, then the environment variable. */
function launchInput(scope: Construct, context: string, variable: string): { raw: unknown; field: string } {
  const fromContext = scope.node.tryGetContext(context) as unknown;
  return fromContext !== undefined ? { raw: fromContext, field: context } : { raw: process.env[variable], field: variable };
}

/**
 * The run's restarts before this attempt (what the workload sees as `HGPU_RESTART_COUNT`), from the
 * context or `HGPU_RESTART_COUNT`: a whole number from 0 to {@link MAX_RESTARTS}; absent or empty is 0.
 */
export function readRestartCount(scope: Construct): number {
  const { raw, field } = launchInput(scope, RESTART_COUNT_CONTEXT, "HGPU_RESTART_COUNT");
  if (raw === undefined || raw === "") return 0;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  new Validator(scope.node.path).check(
    Number.isInteger(n) && n >= 0 && n <= MAX_RESTARTS,
    field,
    raw,
    `use a whole number from 0 to ${MAX_RESTARTS}: the run's restarts before this attempt`,
  );
  return n;
}

/**
 * Whether this attempt falls back to on-demand capacity, from the context or `HGPU_ON_DEMAND`:
 * `1` or `true` (or the boolean) yes, `0` or `false` no; absent or empty is no.
 */
export function readOnDemand(scope: Construct): boolean {
  const { raw, field } = launchInput(scope, ON_DEMAND_CONTEXT, "HGPU_ON_DEMAND");
  if (raw === undefined || raw === "") return false;
  // Terraform's own reading of a boolean (true, "true", "1" / false, "false", "0")
  const yes = isTrue(raw);
  const no = isFalse(raw);
  new Validator(scope.node.path).check(yes || no, field, raw, "use 1 or true (plan this attempt on on-demand capacity), or 0 or false");
  return yes;
}

/**
 * A relaunched run's deadline, from the context or `HGPU_RUN_DEADLINE`: an RFC 3339 UTC time
 * (`2026-11-30T18:00:00Z`, fractions of a second dropped) that must still be ahead, so that
 * `maxRuntime` counts the whole run rather than each attempt. Absent or empty: undefined (the
 * deadline is `maxRuntime` after apply).
 */
export function readRunDeadline(scope: Construct, nowMs = Date.now()): string | undefined {
  const { raw, field } = launchInput(scope, RUN_DEADLINE_CONTEXT, "HGPU_RUN_DEADLINE");
  if (raw === undefined || raw === "") return undefined;
  const m = typeof raw === "string" ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(raw) : null;
  const at = m ? Date.parse(raw as string) : NaN;
  const v = new Validator(scope.node.path);
  v.check(Number.isFinite(at), field, raw, "use an RFC 3339 UTC time such as 2026-11-30T18:00:00Z: the run's deadline, set by hgpu launch on a relaunch");
  v.check(at > nowMs, field, raw, `use a time after now (${new Date(nowMs).toISOString()}): a relaunch starts only before its run's deadline`);
  return `${m![1]}Z`;
}
