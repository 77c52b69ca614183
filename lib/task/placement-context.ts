import type { Construct } from "constructs";
import { Validator } from "../core/validate";

/**
 * What a launch tells the app about placements, through the construct context or the environment
 * (pure apart from reading them): placements to skip after a failed attempt, and a rank to pin.
 */

/** The context key (or environment variable `HGPU_EXCLUDE_PLACEMENTS`, a JSON list) of placement keys to skip. */
export const EXCLUDE_PLACEMENTS_CONTEXT = "hgpu:excludePlacements";
/** The context key (or environment variable `HGPU_PLACEMENT`) of the placement rank to use. */
export const PLACEMENT_CONTEXT = "hgpu:placement";

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
