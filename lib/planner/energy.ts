/**
 * The energy model the planner ranks by carbon and the report estimates with: the power a GPU node
 * draws, the grid's emission factor where it runs, and the facility's PUE. Pure data and
 * arithmetic over the committed tables (`lib/catalog/data/grid-emissions.json`,
 * `lib/planner/data/cloud-pue.json`).
 */
import emissionsData from "../catalog/data/grid-emissions.json";
import type { Offering } from "../catalog/types";
import { roundTo } from "../core/numbers";
import type { GpuCloud } from "../core/types";
import pueData from "./data/cloud-pue.json";

/** How sure a committed figure is. */
export type RateStatus = "verified" | "unverified" | "fallback";

/** A looked-up rate with its provenance. */
export interface Rate {
  readonly value: number;
  readonly status: RateStatus;
  readonly source: string;
}

/** The committed grid emission factor table. */
export const GRID_EMISSIONS = emissionsData;
/** The committed PUE table of the clouds (and the default of an owned data centre). */
export const CLOUD_PUE = pueData;

/**
 * The host power model: what a GPU node draws beyond its GPUs. CPU and memory use the Cloud Carbon
 * Footprint coefficients (AWS average maximum of 3.5 W per vCPU, i.e. busy hosts as in training;
 * 0.392 W per GiB of memory), and a further 10% of the node's total covers NICs, fans and power
 * conversion (PSU and VRM losses of a ~94%-efficient supply plus fan power: an engineering
 * assumption, not a measured figure). For p5.48xlarge (8 x 700 W, 192 vCPUs, 2 TiB) this gives
 * 7.8 kW, under the 10.2 kW maximum NVIDIA states for a DGX H100.
 */
export const HOST_POWER = Object.freeze({
  /** W per vCPU at full load (CCF MAX_WATTS_AVG for AWS). @default 3.5 */
  cpuWattsPerVcpu: 3.5,
  /** W per GiB of memory (CCF MEMORY_COEFFICIENT 0.000392 kWh/GB-hour). @default 0.392 */
  memoryWattsPerGiB: 0.392,
  /** Share of the node's draw added for NICs, fans and power conversion. @default 0.1 */
  auxiliaryFraction: 0.1,
  source: "Cloud Carbon Footprint methodology (CPU min/max watts per vCPU, memory kWh per GB) + 10% auxiliary assumption",
});

/** Power of one node, in watts: its GPUs at board power and the host overhead (see {@link HOST_POWER}). */
export function nodePowerWatts(o: Pick<Offering, "gpusPerNode" | "gpuTdpWatts" | "vCpus" | "memoryGiB">): { gpuWatts: number; overheadWatts: number; totalWatts: number } {
  const gpuWatts = o.gpusPerNode * o.gpuTdpWatts;
  const base = gpuWatts + o.vCpus * HOST_POWER.cpuWattsPerVcpu + o.memoryGiB * HOST_POWER.memoryWattsPerGiB;
  const totalWatts = base * (1 + HOST_POWER.auxiliaryFraction);
  return { gpuWatts, overheadWatts: totalWatts - gpuWatts, totalWatts };
}

type FactorRow = { kgPerKwh: number; basis: string; status?: string };

/** Grid emission factor of a cloud region, kgCO2e/kWh; undefined for a region the table lacks. */
export function gridFactor(cloud: GpuCloud, region: string): Rate | undefined {
  const table = emissionsData.factors[cloud] as Record<string, FactorRow>;
  const row = table[region.toLowerCase()];
  return row ? { value: row.kgPerKwh, status: (row.status as RateStatus | undefined) ?? "verified", source: `${emissionsData.source.split(" (")[0]} (${row.basis})` } : undefined;
}

/** The cloud whose grid table holds `region` (AWS region or Azure location), and its factor; undefined when neither does. */
export function gridFactorOfRegion(region: string): (Rate & { cloud: GpuCloud }) | undefined {
  for (const cloud of ["aws", "azure"] as const) {
    const rate = gridFactor(cloud, region);
    if (rate) return { ...rate, cloud };
  }
  return undefined;
}

/** Every region of the grid table, AWS then Azure (for messages). */
export function gridRegions(): string[] {
  return [...Object.keys(emissionsData.factors.aws), ...Object.keys(emissionsData.factors.azure)];
}

/** The fleet PUE a cloud publishes, with its source. */
export function cloudPue(cloud: GpuCloud): Rate & { year: number } {
  const row = pueData.clouds[cloud];
  return { value: row.pue, status: row.status as RateStatus, source: row.source, year: row.year };
}

/** The PUE an owned data centre is taken to have when it states none (IDC's on-premises estimate). */
export const ON_PREM_DEFAULT_PUE: number = pueData.onPremDefault.pue;

/**
 * What the planner weighs carbon with, per cloud region: the grid factor and the facility's PUE.
 * Tests and what-if studies pass their own; the default reads the committed tables.
 */
export interface EnergyTables {
  /** kgCO2e per kWh of the grid in a cloud region; undefined when unknown. */
  gridKgCo2ePerKwh(cloud: GpuCloud, region: string): number | undefined;
  /** The cloud's PUE. */
  pue(cloud: GpuCloud): number;
}

/** The committed tables: grid-emissions.json and cloud-pue.json. */
export const COMMITTED_ENERGY: EnergyTables = Object.freeze({
  gridKgCo2ePerKwh: (cloud: GpuCloud, region: string) => gridFactor(cloud, region)?.value,
  pue: (cloud: GpuCloud) => cloudPue(cloud).value,
});

/** A placement's energy figures (see `Placement`): what its IT equipment draws, the PUE, and its emissions per hour and over `hours`. */
export interface CarbonFigures {
  readonly powerKw: number;
  readonly pue: number;
  readonly gridKgCo2ePerKwh?: number;
  readonly kgCo2ePerHour?: number;
  readonly kgCo2e?: number;
}

/**
 * Emissions of a placement: kgCO2e/h = IT power (kW) x PUE x grid factor (kgCO2e/kWh), and
 * kgCO2e = that x `hours`. Without a grid factor the emissions are unknown (left out).
 */
export function carbonOf(powerKw: number, pue: number, gridKgCo2ePerKwh: number | undefined, hours: number): CarbonFigures {
  if (gridKgCo2ePerKwh === undefined) return { powerKw, pue };
  const perHour = roundTo(powerKw * pue * gridKgCo2ePerKwh);
  return { powerKw, pue, gridKgCo2ePerKwh, kgCo2ePerHour: perHour, kgCo2e: roundTo(powerKw * pue * gridKgCo2ePerKwh * hours, 2) };
}
