/**
 * How placements are ordered (owned first, then by cost, carbon or a carbon price) and the
 * cost/carbon trade-off between them (pure).
 */
import { text } from "./describe";
import type { Interconnect, Optimize, Placement, Preference } from "./types";

/**
 * What `optimize` minimizes for one placement: USD/hour, kgCO2e/hour, or USD/hour + price x
 * kgCO2e/hour. Infinity when the placement's carbon is unknown and the goal needs it.
 */
export function score(p: Placement, optimize: Optimize): number {
  if (optimize === "cost") return p.usdPerHour;
  if (p.kgCo2ePerHour === undefined) return Number.POSITIVE_INFINITY;
  if (optimize === "carbon") return p.kgCo2ePerHour;
  return p.usdPerHour + optimize.usdPerKgCo2e * p.kgCo2ePerHour;
}

/**
 * The planner's order: with `prefer: "owned"` every owned placement first; with `interconnect:
 * "preferred"` multi-node placements without a fabric after those with one; then by `optimize`;
 * then (carbon goals) by price, and always by fewer nodes, more fabric bandwidth, and cloud, region,
 * zone and type in name order, so the ranking is stable.
 */
export function placementOrder(prefer: Preference, interconnect: Interconnect, optimize: Optimize): (a: Placement, b: Placement) => number {
  const owned = (p: Placement) => (prefer === "owned" && p.cloud === "onprem" ? 0 : 1);
  const tier = (p: Placement) => (interconnect === "preferred" && p.nodes > 1 && p.fabric.kind === "none" ? 1 : 0);
  return (a, b) =>
    owned(a) - owned(b) ||
    tier(a) - tier(b) ||
    // Two unknown carbons (Infinity - Infinity = NaN) fall through to the next rule, as a tie does.
    score(a, optimize) - score(b, optimize) ||
    a.usdPerHour - b.usdPerHour ||
    a.nodes - b.nodes ||
    b.fabricGbpsPerNode - a.fabricGbpsPerNode ||
    text(a.cloud, b.cloud) ||
    text(a.region, b.region) ||
    text(a.zone ?? "", b.zone ?? "") ||
    text(a.instanceType, b.instanceType);
}

/**
 * The Pareto front of cost (USD/hour) and carbon (kgCO2e/hour): the placements no other placement
 * beats on one without losing on the other, cheapest first (so the last is the cleanest).
 * Placements whose carbon is unknown are left out; placements with identical figures are all kept.
 */
export function paretoFront<T extends Placement>(placements: readonly T[]): T[] {
  const known = placements.filter((p): p is T & { kgCo2ePerHour: number } => p.kgCo2ePerHour !== undefined);
  const sorted = [...known].sort((a, b) => a.usdPerHour - b.usdPerHour || a.kgCo2ePerHour - b.kgCo2ePerHour || a.rank - b.rank);
  const front: T[] = [];
  let best: { usd: number; kg: number } | undefined;
  for (const p of sorted) {
    if (best === undefined || p.kgCo2ePerHour < best.kg) {
      front.push(p);
      best = { usd: p.usdPerHour, kg: p.kgCo2ePerHour };
    } else if (p.kgCo2ePerHour === best.kg && p.usdPerHour === best.usd) {
      front.push(p); // the same point as the last one on the front
    }
  }
  return front;
}

/** The cost/carbon trade-off of a set of placements. */
export interface TradeOff<T extends Placement = Placement> {
  /** The cheapest placement whose carbon is known (the cleaner of equally cheap ones). @default - none when no carbon is known */
  readonly cheapest?: T;
  /** The cleanest placement (the cheaper of equally clean ones; of identical ones, the best ranked). @default - none when no carbon is known */
  readonly cleanest?: T;
  /** The Pareto front from the cheapest to the cleanest (both included). */
  readonly front: readonly T[];
  /** Placements left out because their carbon is unknown. */
  readonly unknownCarbon: number;
}

/** The cheapest, the cleanest and the Pareto front between them (pure). */
export function tradeOff<T extends Placement>(placements: readonly T[]): TradeOff<T> {
  const front = paretoFront(placements);
  const unknownCarbon = placements.filter((p) => p.kgCo2ePerHour === undefined).length;
  // The front ends with the cleanest point; of several placements there, the best ranked. Carbon
  // falls strictly along the front except between identical points, so equal carbon is that point.
  const last = front.at(-1);
  const cleanest = last && front.find((p) => p.kgCo2ePerHour === last.kgCo2ePerHour);
  return { ...(front.length ? { cheapest: front[0]!, cleanest: cleanest! } : {}), front, unknownCarbon };
}
