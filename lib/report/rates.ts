/**
 * The committed rate tables the report prices and weighs with: non-compute service prices
 * (`lib/catalog/data/service-prices.json`), grid emission factors
 * (`lib/catalog/data/grid-emissions.json`) and the per-node host power model.
 */
import type { GpuCloud } from "../core/types";
import type { Offering } from "../catalog/types";
import emissionsData from "../catalog/data/grid-emissions.json";
import pricesData from "../catalog/data/service-prices.json";

/** How sure a committed figure is. */
export type RateStatus = "verified" | "unverified" | "fallback";

/** A looked-up rate with its provenance. */
export interface Rate {
  readonly value: number;
  readonly status: RateStatus;
  readonly source: string;
}

interface PriceRow { usdPerGbMonth?: number; usdPerTiBHour?: number; usdPerHour?: number; status: string; source: string }

/** The committed service price table. */
export const SERVICE_PRICES = pricesData;
/** The committed grid emission factor table. */
export const GRID_EMISSIONS = emissionsData;

const rate = (value: number, row: PriceRow): Rate => ({ value, status: row.status as RateStatus, source: row.source });

/** Hours in a billing month, as AWS prices monthly storage. @default 730 */
export const HOURS_PER_MONTH = pricesData.fsxLustre.hoursPerMonth;

/** FSx for Lustre price, USD per GiB-month, for a deployment type and throughput tier; undefined when the table has none. */
export function fsxLustrePrice(deploymentType: string, throughputPerTiB: number | undefined): Rate | undefined {
  const rows = pricesData.fsxLustre.prices.filter((p) => p.deploymentType === deploymentType);
  const row = throughputPerTiB === undefined ? rows[0] : rows.find((p) => p.throughputPerTiB === throughputPerTiB);
  return row ? rate(row.usdPerGbMonth, row) : undefined;
}

/** The baseline throughput tier of an FSx deployment type when the resource sets none (SCRATCH_2: 200 MB/s/TiB). */
export function fsxDefaultThroughput(deploymentType: string): number | undefined {
  return pricesData.fsxLustre.prices.find((p) => p.deploymentType === deploymentType)?.throughputPerTiB;
}

/** Azure Managed Lustre price, USD per TiB-hour, for a SKU; undefined when the table has none. */
export function managedLustrePrice(sku: string): (Rate & { throughputPerTiB: number }) | undefined {
  const row = pricesData.azureManagedLustre.prices.find((p) => p.sku.toLowerCase() === sku.toLowerCase());
  return row ? { ...rate(row.usdPerTiBHour, row), throughputPerTiB: row.throughputPerTiB } : undefined;
}

/** Gateway kinds the price table knows. */
export type GatewayKind = "aws-vpn-connection" | "aws-nat-gateway" | "azure-nat-gateway" | "azure-vpn-gateway";

/** Hourly price of a gateway (per SKU for Azure VPN gateways); undefined when the table has none. */
export function gatewayPrice(kind: GatewayKind, sku?: string): Rate | undefined {
  const row = pricesData.gateways.find((g) => g.kind === kind && (sku === undefined || (g as { sku?: string }).sku?.toLowerCase() === sku.toLowerCase()));
  return row ? rate(row.usdPerHour, row) : undefined;
}

/** Aggregate Gbit/s of an Azure VPN gateway SKU and generation; undefined when unknown. */
export function azureVpnGatewayGbps(sku: string, generation = "Generation1"): number | undefined {
  const table = pricesData.azureVpnGatewayThroughput.gbps as Record<string, Record<string, number>>;
  return table[generation]?.[sku];
}

/** Gbit/s of one AWS Site-to-Site VPN tunnel. @default 1.25 */
export const AWS_VPN_TUNNEL_GBPS: number = pricesData.awsVpnTunnelGbps.gbps;

/** Grid emission factor of a region, kgCO2e/kWh; undefined for a region the table lacks. */
export function gridFactor(cloud: GpuCloud, region: string): Rate | undefined {
  const table = emissionsData.factors[cloud] as Record<string, { kgPerKwh: number; basis: string; status?: string }>;
  const row = table[region.toLowerCase()];
  return row ? { value: row.kgPerKwh, status: (row.status as RateStatus | undefined) ?? "verified", source: `${emissionsData.source.split(":")[0]} (${row.basis})` } : undefined;
}

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

/** Power of one node of an offering, in watts: its GPUs at board power and the host overhead. */
export function nodePowerWatts(o: Pick<Offering, "gpusPerNode" | "gpuTdpWatts" | "vCpus" | "memoryGiB">): { gpuWatts: number; overheadWatts: number; totalWatts: number } {
  const gpuWatts = o.gpusPerNode * o.gpuTdpWatts;
  const base = gpuWatts + o.vCpus * HOST_POWER.cpuWattsPerVcpu + o.memoryGiB * HOST_POWER.memoryWattsPerGiB;
  const totalWatts = base * (1 + HOST_POWER.auxiliaryFraction);
  return { gpuWatts, overheadWatts: totalWatts - gpuWatts, totalWatts };
}
