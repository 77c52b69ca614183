/**
 * The committed rate tables the report prices and weighs with: non-compute service prices
 * (`lib/catalog/data/service-prices.json`), grid emission factors
 * (`lib/catalog/data/grid-emissions.json`) and the per-node host power model; the last two live with
 * the planner's energy model (`lib/planner/energy.ts`), which ranks placements by carbon, and are
 * re-exported here.
 */
import type { Rate, RateStatus } from "../planner/energy";
import pricesData from "../catalog/data/service-prices.json";

export type { Rate, RateStatus } from "../planner/energy";
export { GRID_EMISSIONS, HOST_POWER, gridFactor, nodePowerWatts } from "../planner/energy";

interface PriceRow { usdPerGbMonth?: number; usdPerTiBHour?: number; usdPerHour?: number; status: string; source: string }

/** The committed service price table. */
export const SERVICE_PRICES = pricesData;

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
