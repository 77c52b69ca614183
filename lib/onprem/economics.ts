/**
 * What an hour of an owned GPU costs (pure): a figure the owner states, or one derived from what
 * the pool cost, how long it is written off over, how busy it is, and what its power costs.
 */
import { roundTo } from "../core/numbers";
import type { Validator } from "../core/validate";

/** Hours in a year (365 days), the basis of the write-off. */
export const HOURS_PER_YEAR = 8760;

/** A pool's cost as its owner states it. */
export interface StatedCost {
  /** Amortized cost of one GPU-hour, USD (capital, power, space and staff, as the owner counts them). */
  readonly usdPerGpuHour: number;
}

/** A pool's cost from its purchase, life, use and power (see {@link amortizedUsdPerGpuHour}). */
export interface AmortizedCost {
  /** What the pool cost to buy and install, USD: servers, fabric, its share of storage and installation. */
  readonly capexUsd: number;
  /** Years the purchase is written off over, e.g. 4. */
  readonly lifetimeYears: number;
  /** Share of the pool's GPU-hours that run jobs, above 0 and at most 1 (e.g. 0.7): idle hours are paid by the busy ones. */
  readonly utilization: number;
  /** Price of electricity at the site, USD per kWh. */
  readonly powerUsdPerKwh: number;
  /** Yearly running costs besides power (support contracts, staff, space), USD per year. @default 0 */
  readonly opexUsdPerYear?: number;
}

/** What an owned pool costs: stated, or derived. */
export type PoolCost = StatedCost | AmortizedCost;

/** What the derivation needs to know of the pool besides its cost. */
export interface PoolShape {
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** Power of one node at full load (GPUs at board power + host), W. */
  readonly nodeWatts: number;
  /** The site's PUE: facility energy / IT energy. */
  readonly pue: number;
}

/**
 * The amortized cost of one busy GPU-hour, USD, with G = nodes x gpusPerNode GPUs:
 *
 * ```
 * capital  = capexUsd [USD] / (lifetimeYears [y] x 8760 [h/y] x G x utilization)          [USD/GPU-h]
 * running  = opexUsdPerYear [USD/y] / (8760 [h/y] x G x utilization)                       [USD/GPU-h]
 * power    = nodeWatts [W] / gpusPerNode / 1000 [W/kW] x pue x powerUsdPerKwh [USD/kWh]   [USD/GPU-h]
 * usdPerGpuHour = capital + running + power
 * ```
 *
 * Capital and running costs accrue every hour and are carried by the busy hours (hence the
 * division by utilization); power is what a busy GPU's share of its node draws at full load, grossed
 * up by the PUE for cooling and conversion. Idle power is not counted. Rounded to 4 decimals.
 */
export function amortizedUsdPerGpuHour(cost: AmortizedCost, pool: PoolShape): number {
  const busyGpuHoursPerYear = HOURS_PER_YEAR * pool.nodes * pool.gpusPerNode * cost.utilization;
  const capital = cost.capexUsd / (cost.lifetimeYears * busyGpuHoursPerYear);
  const running = (cost.opexUsdPerYear ?? 0) / busyGpuHoursPerYear;
  const power = (pool.nodeWatts / pool.gpusPerNode / 1000) * pool.pue * cost.powerUsdPerKwh;
  return roundTo(capital + running + power);
}

/** Whether a cost is stated rather than derived. */
export function isStatedCost(cost: PoolCost): cost is StatedCost {
  return typeof cost === "object" && cost !== null && "usdPerGpuHour" in cost;
}

/**
 * Checks a pool's cost through `v` and returns its USD per GPU-hour with how it was reached, e.g.
 * `stated` or `amortized: $2,400,000 over 4 y at 70% use + power at $0.12/kWh x PUE 1.3`.
 */
export function checkPoolCost(v: Validator, cost: PoolCost, pool: PoolShape): { usdPerGpuHour: number; basis: string } {
  const keys = typeof cost === "object" && cost !== null ? Object.keys(cost) : [];
  v.check(keys.length > 0, "cost", cost, "use { usdPerGpuHour } or { capexUsd, lifetimeYears, utilization, powerUsdPerKwh }");
  if (isStatedCost(cost)) {
    v.check(keys.length === 1, "cost", cost, "use { usdPerGpuHour } alone, or derive it from { capexUsd, lifetimeYears, utilization, powerUsdPerKwh } without usdPerGpuHour");
    v.number("cost.usdPerGpuHour", cost.usdPerGpuHour, { min: 0 });
    return { usdPerGpuHour: cost.usdPerGpuHour, basis: "stated" };
  }
  v.number("cost.capexUsd", cost.capexUsd, { min: 0 });
  v.check(Number.isFinite(cost.lifetimeYears) && cost.lifetimeYears > 0 && cost.lifetimeYears <= 20, "cost.lifetimeYears", cost.lifetimeYears, "use a number of years above 0, at most 20");
  v.check(Number.isFinite(cost.utilization) && cost.utilization > 0 && cost.utilization <= 1, "cost.utilization", cost.utilization, "use a share above 0 and at most 1, e.g. 0.7 for GPUs busy 70% of the time");
  v.number("cost.powerUsdPerKwh", cost.powerUsdPerKwh, { min: 0 });
  if (cost.opexUsdPerYear !== undefined) v.number("cost.opexUsdPerYear", cost.opexUsdPerYear, { min: 0 });
  const opex = cost.opexUsdPerYear ? ` + $${cost.opexUsdPerYear}/y running` : "";
  return {
    usdPerGpuHour: amortizedUsdPerGpuHour(cost, pool),
    basis: `amortized: $${cost.capexUsd} over ${cost.lifetimeYears} y at ${roundTo(cost.utilization * 100, 2)}% use${opex} + power at $${cost.powerUsdPerKwh}/kWh x PUE ${pool.pue}`,
  };
}
