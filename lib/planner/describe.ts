/**
 * One-line descriptions of the planner's inputs and answers (pure), and the "closest name" hint its
 * messages give.
 */
import { roundTo } from "../core/numbers";
import { plural } from "../core/plural";
import type { Placement, RejectedCandidate, Requirements } from "./types";

/**
 * One line for a placement, e.g. `4 x p5.48xlarge (32 x H100) in aws us-east-1/use1-az2 at $220.16/h`,
 * or for an owned pool `4 x pool dgx-a (32 x H100) in onprem fra-dc1 at $57.6/h`.
 */
export function describePlacement(p: Placement): string {
  const where = `${p.cloud} ${p.region}${p.zone ? `/${p.zone}` : ""}`;
  const what = p.cloud === "onprem" ? `pool ${p.instanceType}` : p.instanceType;
  return `${p.nodes} x ${what} (${p.gpus} x ${p.accelerator}) in ${where} at $${p.usdPerHour}/h${p.spot ? " spot" : ""}`;
}

/**
 * `p` with a `toString()` that gives {@link describePlacement}'s sentence, so that a placement prints
 * as one (`${placement}`, `String(task.chosen)`). The method is not enumerable: JSON and `{ ...p }`
 * leave it out (a copy needs this again).
 */
export function describedPlacement<T extends Placement>(p: T): T {
  return Object.defineProperty(p, "toString", { value: () => describePlacement(p), enumerable: false, configurable: true, writable: true });
}

/** A placement's carbon in a few words, e.g. `12.4 kW x PUE 1.14 x 0.379 kgCO2e/kWh = 5.36 kgCO2e/h`. */
export function describeCarbon(p: Placement): string {
  const grid = p.gridKgCo2ePerKwh === undefined ? "unknown grid factor" : `${p.gridKgCo2ePerKwh} kgCO2e/kWh`;
  const total = p.kgCo2ePerHour === undefined ? "unknown" : `${roundTo(p.kgCo2ePerHour, 2)} kgCO2e/h`;
  return `${roundTo(p.powerKw, 2)} kW x PUE ${p.pue} x ${grid} = ${total}`;
}

/** One line for a rejection, e.g. `aws p3.2xlarge: needs 30 nodes but has no node-to-node fabric`. */
export function describeRejection(c: RejectedCandidate): string {
  const where = c.region ? ` in ${c.region}${c.zone ? `/${c.zone}` : ""}` : "";
  return `${c.cloud} ${c.cloud === "onprem" ? `pool ${c.instanceType}` : c.instanceType}${where}: ${c.reason}`;
}

/**
 * Why an offering's or pool's accelerator does not match, e.g. `accelerator A100 is not H100` or
 * `accelerator A100 is not one of [H100, H200]` (the requirement's names as the user wrote them).
 */
export function acceleratorMismatch(accelerator: string, wanted: string | readonly string[]): string {
  const names = [wanted].flat();
  return `accelerator ${accelerator} is not ${names.length === 1 ? names[0] : `one of [${names.join(", ")}]`}`;
}

/** One line for requirements, e.g. `30 GPUs (H100), 256 GiB memory, max $100/h`. */
export function describeRequirements(r: Requirements): string {
  const parts = [`${plural(r.gpus, "GPU")}${r.accelerator !== undefined ? ` (${[r.accelerator].flat().join(" or ")})` : ""}`];
  if (r.minGpuMemoryGiB !== undefined) parts.push(`>= ${r.minGpuMemoryGiB} GiB per GPU`);
  if (r.minGpusPerNode !== undefined) parts.push(`>= ${r.minGpusPerNode} GPUs per node`);
  if (r.memoryGiB !== undefined) parts.push(`${r.memoryGiB} GiB memory`);
  if (r.interconnect !== undefined) parts.push(`interconnect ${r.interconnect}`);
  if (r.clouds !== undefined) parts.push(`clouds [${r.clouds.join(", ")}]`);
  if (r.regions !== undefined) parts.push(`regions [${r.regions.join(", ")}]`);
  if (r.zones !== undefined) parts.push(`zones [${r.zones.join(", ")}]`);
  if (r.pools !== undefined) parts.push(`pools [${r.pools.join(", ")}]`);
  if (r.spot) parts.push("spot");
  if (r.maxUsdPerHour !== undefined) parts.push(`max $${r.maxUsdPerHour}/h`);
  return parts.join(", ");
}

/** The known names closest to `wanted` by edit distance (at most three). */
export function closest(wanted: string, known: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  return [...known]
    .map((k) => ({ k, d: editDistance(w, k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || text(a.k, b.k))
    .slice(0, 3)
    .map((x) => x.k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Name order (code units), for stable rankings. */
export function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
