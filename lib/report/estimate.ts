/**
 * Cost, capacity and energy estimates of one synthesized stack, read from its Terraform JSON and
 * priced from the catalog and the committed rate tables (pure functions, no cdktf import).
 */
import { roundTo } from "../core/numbers";
import { isTrue } from "../core/terraform-values";
import type { GpuCloud } from "../core/types";
import {
  AWS_VPN_TUNNEL_GBPS, HOURS_PER_MONTH, azureVpnGatewayGbps, fsxDefaultThroughput, fsxLustrePrice, gatewayPrice, managedLustrePrice,
  type GatewayKind, type RateStatus,
} from "./rates";
import {
  awsRegion, findResource, first, num, ownerId, refTarget, resourcesOf, str, taskMetadata, type TerraformJson, type TfResource,
} from "./terraform-json";
import { awsClusters, azureClusters } from "./estimate-clusters";
import { ownedTask, poolEstimates, type PoolEstimate } from "./estimate-pools";
import { restartOverhead, type RestartOverhead } from "../task/restart-cost";

export { awsClusters, awsSpotShare, azureClusters, pickLocation } from "./estimate-clusters";
export { ownedTask, poolEstimates, type OwnedTaskRecord, type PoolEstimate } from "./estimate-pools";
export { RESTART_HOURS, restartOverhead, SPOT_INTERRUPTIONS_PER_NODE_MONTH, type RestartOverhead } from "../task/restart-cost";

/** A GPU cluster of a stack (an Auto Scaling group or a scale set) with its price and power. */
export interface ClusterEstimate {
  /** Construct id of the cluster, e.g. `aws-training`. */
  readonly name: string;
  readonly cloud: GpuCloud;
  readonly instanceType: string;
  readonly nodes: number;
  readonly region: string;
  /** AWS zone ID of the cluster's subnet. @default - none (Azure, or not resolvable) */
  readonly zone?: string;
  /** Whether any node runs on spot (all of them on Azure Spot or a spot launch template; some or all in a mixed instances policy). */
  readonly spot: boolean;
  /**
   * Nodes priced at the spot rate: all of them for Azure Spot or a launch template with
   * `instance_market_options.market_type = "spot"`; for a mixed instances policy,
   * (nodes - on_demand_base_capacity) x (1 - on_demand_percentage_above_base_capacity / 100),
   * an expected split that may be fractional.
   */
  readonly spotNodes: number;
  /** A Capacity Block for ML (launch template market type `capacity-block`): paid up front at the block's own rate, so left unpriced. */
  readonly capacityBlock: boolean;
  /** Accelerator name from the catalog. @default - none when the type is not in the catalog */
  readonly accelerator?: string;
  readonly gpusPerNode: number;
  readonly gpus: number;
  readonly fabricGbpsPerNode: number;
  /**
   * Price of one node, USD/hour (for a mixed on-demand/spot group, the average over its nodes).
   * @default - none when the catalog has no price there, or for a Capacity Block
   */
  readonly usdPerNodeHour?: number;
  /** Price of all nodes, USD/hour (0 when unpriced). */
  readonly usdPerHour: number;
  /** Where the price comes from, e.g. `catalog on-demand us-east-1/use1-az1`, `unpriced (capacity block)`. */
  readonly priceBasis: string;
  /** Power of one node (GPUs + host), W. */
  readonly nodeWatts: number;
  /** Power of the GPUs of one node, W. */
  readonly gpuWattsPerNode: number;
  /** Power of all nodes at full load (GPUs at board power), kW: a maximum. */
  readonly powerKw: number;
  /** Grid emission factor of the region, kgCO2e/kWh. @default - none for a region the table lacks */
  readonly gridKgPerKwh?: number;
  /** Emissions of all nodes, kgCO2e/hour (0 when the factor is unknown). */
  readonly kgCo2ePerHour: number;
}

/** A Lustre file system of a stack with its capacity, throughput and price. */
export interface StorageEstimate {
  readonly name: string;
  readonly cloud: GpuCloud;
  readonly kind: "fsx-lustre" | "azure-managed-lustre";
  /** Deployment type (FSx) or SKU (Azure). */
  readonly tier: string;
  readonly region: string;
  readonly capacityTiB: number;
  /** Throughput tier, MB/s per TiB. */
  readonly throughputPerTiB: number;
  /** Aggregate throughput, GB/s: capacity x tier. */
  readonly throughputGBps: number;
  readonly usdPerHour: number;
  readonly priceStatus: RateStatus | "unpriced";
}

/** A VPN or NAT gateway of a stack with its hourly price. */
export interface GatewayEstimate {
  readonly name: string;
  readonly cloud: GpuCloud;
  readonly kind: GatewayKind;
  /** @default - none (only Azure VPN gateways have a priced SKU) */
  readonly sku?: string;
  readonly usdPerHour: number;
  readonly priceStatus: RateStatus | "unpriced";
}

/** VPN tunnels between two ends, with their estimated bandwidth. */
export interface LinkEstimate {
  /** The AWS end, e.g. `aws-network` (the construct of the VPN gateway). */
  readonly from: string;
  /** The other end: an Azure VPN gateway (`azure-network (VpnGw2AZ)`) or an on-prem site. */
  readonly to: string;
  readonly toKind: "azure" | "onprem";
  readonly tunnels: number;
  /**
   * What the link carries at most, Gbit/s: 1.25 for a virtual private gateway (no ECMP: one tunnel
   * at a time, 1.25 Gbit/s per VGW whatever the number of tunnels or connections); tunnels x 1.25
   * for transit gateway attachments with ECMP (BGP, `vpn_ecmp_support` on). Capped by the Azure
   * gateway SKU's aggregate when that is the other end.
   */
  readonly gbps: number;
  readonly note: string;
}

/** A GpuTask's estimate over its whole maxRuntime: the clusters, storage and gateways under the task's construct path. */
export interface TaskEstimate {
  readonly name: string;
  readonly maxRuntimeHours: number;
  /** Where maxRuntime was read: the metadata's `maxRuntimeMinutes`, or the `deadline` text. */
  readonly maxRuntimeFrom: "maxRuntimeMinutes" | "deadline";
  /**
   * What the estimate covers: `task` (what the task itself creates), or `stack` (the whole stack,
   * for JSON from a version that did not record the task's construct path).
   */
  readonly scope: "task" | "stack";
  /** Names of the task's clusters (see {@link ClusterEstimate.name}). */
  readonly clusters: readonly string[];
  /** The owned pool the task is placed on, whose nodes it is charged for. @default - none (a task on a cloud) */
  readonly pool?: string;
  /** Names of the task's file systems (see {@link StorageEstimate.name}). */
  readonly storage: readonly string[];
  /** The task's gateways that bill by the hour (NAT gateways, VPN connections), by name and kind. */
  readonly gateways: readonly { readonly name: string; readonly kind: GatewayKind }[];
  /** USD/hour of the task's clusters, storage and gateways. */
  readonly usdPerHour: number;
  /** USD of the task's clusters, storage and gateways over maxRuntime. */
  readonly usd: number;
  /** Energy of the task's clusters over maxRuntime at full load (GPUs at board power), kWh: a maximum. */
  readonly kwh: number;
  /** Emissions of that energy, kgCO2e: a maximum. */
  readonly kgCo2e: number;
  /**
   * What the restarts of a spot task with `recovery` are expected to cost, at its clusters' price:
   * min(maxRestarts, nodes x maxRuntime hours x 0.2 / 730) restarts of 15 minutes each (see {@link restartOverhead}).
   * @default - none (no recovery, no restarts allowed, or not on spot)
   */
  readonly restartOverhead?: RestartOverhead;
}

/** The recovery a task recorded (`//.hgpu_tasks.<name>.recovery`), when it is whole. */
function taskRecovery(meta: Readonly<Record<string, unknown>>): { maxRestarts: number; spot: boolean } | undefined {
  const r = meta.recovery as Record<string, unknown> | undefined;
  const maxRestarts = num(r?.maxRestarts);
  return maxRestarts === undefined ? undefined : { maxRestarts, spot: r?.spot === true };
}

/** Estimated USD/hour split by kind. */
export interface CostBreakdown {
  readonly computeUsdPerHour: number;
  readonly storageUsdPerHour: number;
  readonly gatewaysUsdPerHour: number;
  readonly totalUsdPerHour: number;
}

/** Everything the report estimates for one stack. */
export interface StackEstimate {
  readonly clouds: readonly GpuCloud[];
  /** `cloud:region` pairs, sorted. */
  readonly regions: readonly string[];
  /** AWS zone IDs used by subnets, sorted. */
  readonly zones: readonly string[];
  readonly clusters: readonly ClusterEstimate[];
  readonly storage: readonly StorageEstimate[];
  readonly gateways: readonly GatewayEstimate[];
  readonly links: readonly LinkEstimate[];
  /** Owned GPU pools the stack declares (their cost is not in `cost`: the stack creates nothing for them). */
  readonly pools: readonly PoolEstimate[];
  readonly cost: CostBreakdown;
  /** Power of all clusters at full load, kW: a maximum. */
  readonly powerKw: number;
  readonly kgCo2ePerHour: number;
  readonly tasks: readonly TaskEstimate[];
  /** What could not be priced or weighed, one line each. */
  readonly warnings: readonly string[];
}



/** FSx for Lustre file systems: capacity (GiB) x GB-month price / 730. */
export function fsxStorage(tf: TerraformJson): StorageEstimate[] {
  return resourcesOf(tf, "aws_fsx_lustre_file_system").map((fs) => {
    const deployment = str(fs.args.deployment_type) ?? "SCRATCH_1";
    const throughputPerTiB = num(fs.args.per_unit_storage_throughput) ?? fsxDefaultThroughput(deployment) ?? 0;
    const gib = num(fs.args.storage_capacity) ?? 0;
    const price = fsxLustrePrice(deployment, throughputPerTiB);
    const capacityTiB = gib / 1024;
    return {
      name: ownerId(fs), cloud: "aws" as const, kind: "fsx-lustre" as const, tier: deployment, region: awsRegion(tf, fs) ?? "unknown",
      capacityTiB: roundTo(capacityTiB), throughputPerTiB, throughputGBps: roundTo((capacityTiB * throughputPerTiB) / 1000, 3),
      usdPerHour: price ? roundTo((gib * price.value) / HOURS_PER_MONTH) : 0, priceStatus: price?.status ?? "unpriced",
    };
  });
}

/** Azure Managed Lustre file systems: capacity (TiB) x TiB-hour price of the SKU. */
export function managedLustreStorage(tf: TerraformJson): StorageEstimate[] {
  return resourcesOf(tf, "azurerm_managed_lustre_file_system").map((fs) => {
    const sku = str(fs.args.sku_name) ?? "unknown";
    const tib = num(fs.args.storage_capacity_in_tb) ?? 0;
    const price = managedLustrePrice(sku);
    const throughputPerTiB = price?.throughputPerTiB ?? num(/-(\d+)$/.exec(sku)?.[1]) ?? 0;
    return {
      name: ownerId(fs), cloud: "azure" as const, kind: "azure-managed-lustre" as const, tier: sku, region: str(fs.args.location) ?? "unknown",
      capacityTiB: tib, throughputPerTiB, throughputGBps: roundTo((tib * throughputPerTiB) / 1000, 3),
      usdPerHour: price ? roundTo(tib * price.value) : 0, priceStatus: price?.status ?? "unpriced",
    };
  });
}

function gateway(r: TfResource, cloud: GpuCloud, kind: GatewayKind, sku?: string): GatewayEstimate {
  const price = gatewayPrice(kind, sku);
  return { name: ownerId(r), cloud, kind, ...(sku ? { sku } : {}), usdPerHour: price?.value ?? 0, priceStatus: price?.status ?? "unpriced" };
}

/** VPN connections, NAT gateways and Azure VPN gateways, each with its hourly price. */
export function gateways(tf: TerraformJson): GatewayEstimate[] {
  return [
    ...resourcesOf(tf, "aws_vpn_connection").map((r) => gateway(r, "aws", "aws-vpn-connection")),
    ...resourcesOf(tf, "aws_nat_gateway").map((r) => gateway(r, "aws", "aws-nat-gateway")),
    ...resourcesOf(tf, "azurerm_virtual_network_gateway").map((r) => gateway(r, "azure", "azure-vpn-gateway", str(r.args.sku))),
    ...resourcesOf(tf, "azurerm_nat_gateway").map((r) => gateway(r, "azure", "azure-nat-gateway")),
  ];
}

/** The Azure VPN gateway whose public IP an AWS customer gateway points at, if any. */
export function azureGatewayBehind(tf: TerraformJson, customerGateway: TfResource): TfResource | undefined {
  const ip = refTarget(customerGateway.args.ip_address);
  if (ip?.type !== "azurerm_public_ip") return undefined;
  return resourcesOf(tf, "azurerm_virtual_network_gateway").find((g) => {
    const configs = Array.isArray(g.args.ip_configuration) ? g.args.ip_configuration : [g.args.ip_configuration];
    return configs.some((c) => refTarget(first(c).public_ip_address_id)?.name === ip.name);
  });
}

/**
 * Whether an AWS VPN connection spreads traffic over its tunnels (ECMP): only a transit gateway
 * attachment with BGP (not `static_routes_only`) on a transit gateway whose `vpn_ecmp_support` is
 * not disabled. A virtual private gateway has no ECMP: it sends over one tunnel at a time.
 */
export function vpnEcmp(tf: TerraformJson, vpn: TfResource): boolean {
  if (vpn.args.transit_gateway_id === undefined || isTrue(vpn.args.static_routes_only)) return false;
  const ref = refTarget(vpn.args.transit_gateway_id);
  const tgw = ref && findResource(tf, ref.type, ref.name);
  return str(tgw?.args.vpn_ecmp_support) !== "disable";
}

/**
 * VPN links from AWS, grouped by the two ends, 2 tunnels per `aws_vpn_connection`. A virtual
 * private gateway carries 1.25 Gbit/s whatever its tunnels and connections (no ECMP: one tunnel at
 * a time, and 1.25 Gbit/s per VGW, shared by all its links); transit gateway attachments with ECMP
 * carry tunnels x 1.25 Gbit/s. When the other end is an Azure VPN gateway, the figure is capped at
 * the SKU's aggregate.
 */
export function links(tf: TerraformJson): LinkEstimate[] {
  const groups = new Map<string, { from: string; to: string; toKind: "azure" | "onprem"; tunnels: number; ecmp: boolean; transit: boolean; capGbps?: number; sku?: string }>();
  for (const vpn of resourcesOf(tf, "aws_vpn_connection")) {
    const cgwRef = refTarget(vpn.args.customer_gateway_id);
    const cgw = cgwRef && findResource(tf, cgwRef.type, cgwRef.name);
    const vgwRef = refTarget(vpn.args.vpn_gateway_id) ?? refTarget(vpn.args.transit_gateway_id);
    const vgw = vgwRef && findResource(tf, vgwRef.type, vgwRef.name);
    const from = vgw ? ownerId(vgw) : "aws";
    const azure = cgw && azureGatewayBehind(tf, cgw);
    const sku = azure ? str(azure.args.sku) : undefined;
    const to = azure ? `${ownerId(azure)}${sku ? ` (${sku})` : ""}` : cgw ? onPremName(cgw) : "unknown";
    const key = `${from}|${to}`;
    const transit = vpn.args.transit_gateway_id !== undefined;
    const g = groups.get(key) ?? { from, to, toKind: azure ? ("azure" as const) : ("onprem" as const), tunnels: 0, ecmp: true, transit };
    g.tunnels += 2;
    g.ecmp &&= vpnEcmp(tf, vpn);
    g.transit &&= transit;
    if (azure && sku) {
      const cap = azureVpnGatewayGbps(sku, str(azure.args.generation));
      if (cap !== undefined) g.capGbps = cap;
      g.sku = sku;
    }
    groups.set(key, g);
  }
  const linksPerGateway = (from: string) => [...groups.values()].filter((g) => g.from === from).length;
  return [...groups.values()].map((g) => {
    const raw = g.ecmp ? g.tunnels * AWS_VPN_TUNNEL_GBPS : AWS_VPN_TUNNEL_GBPS;
    const shared = !g.transit && linksPerGateway(g.from) > 1 ? `, shared by the VGW's ${linksPerGateway(g.from)} links` : "";
    const basis = g.ecmp
      ? `${g.tunnels} x ${AWS_VPN_TUNNEL_GBPS} Gbit/s per tunnel with ECMP (transit gateway)`
      : g.transit
        ? `one tunnel at a time, ${AWS_VPN_TUNNEL_GBPS} Gbit/s: no ECMP (static routes or vpn_ecmp_support disabled)`
        : `one tunnel at a time: a VGW has no ECMP, ${AWS_VPN_TUNNEL_GBPS} Gbit/s per VGW${shared}`;
    const capped = g.capGbps !== undefined && g.capGbps < raw;
    return {
      from: g.from, to: g.to, toKind: g.toKind, tunnels: g.tunnels, gbps: roundTo(capped ? g.capGbps! : raw, 3),
      note: capped ? `${basis}; capped by ${g.sku}'s ${g.capGbps} Gbit/s aggregate` : basis,
    };
  });
}

/** A readable name of an on-prem end: the Terraform variable or address it points at, or its construct id. */
export function onPremName(r: TfResource): string {
  const address = str(r.args.ip_address) ?? str(r.args.gateway_address) ?? "";
  const variable = /\$\{var\.([^}]+)\}/.exec(address)?.[1];
  return `${ownerId(r)} (${variable ? `var.${variable}` : address || "?"})`;
}

/** maxRuntime of a task, in minutes: `maxRuntimeMinutes` when recorded, else parsed from `deadline` ("720 minutes after apply ..."). */
export function taskMaxRuntime(meta: Readonly<Record<string, unknown>>): { minutes: number; from: "maxRuntimeMinutes" | "deadline" } | undefined {
  const explicit = num(meta.maxRuntimeMinutes);
  if (explicit !== undefined) return { minutes: explicit, from: "maxRuntimeMinutes" };
  const parsed = num(/^(\d+(?:\.\d+)?) minutes? after apply/.exec(str(meta.deadline) ?? "")?.[1]);
  return parsed === undefined ? undefined : { minutes: parsed, from: "deadline" };
}

const sum = (xs: readonly number[]) => roundTo(xs.reduce((a, b) => a + b, 0));

/** Estimates one stack: clusters, storage, gateways, links, USD/hour, kW, kgCO2e/hour and each task over its maxRuntime. */
export function estimateStack(tf: TerraformJson): StackEstimate {
  const clusters = [...awsClusters(tf), ...azureClusters(tf)];
  const storage = [...fsxStorage(tf), ...managedLustreStorage(tf)];
  const gws = gateways(tf);
  const owned = poolEstimates(tf);
  const cost: CostBreakdown = {
    computeUsdPerHour: sum(clusters.map((c) => c.usdPerHour)),
    storageUsdPerHour: sum(storage.map((s) => s.usdPerHour)),
    gatewaysUsdPerHour: sum(gws.map((g) => g.usdPerHour)),
    totalUsdPerHour: sum([...clusters, ...storage, ...gws].map((x) => x.usdPerHour)),
  };
  const powerKw = sum(clusters.map((c) => c.powerKw));
  const kgCo2ePerHour = sum(clusters.map((c) => c.kgCo2ePerHour));
  const warnings = [
    ...clusters.filter((c) => c.capacityBlock).map((c) => `cluster ${c.name}: a Capacity Block for ML, paid up front at the block's own rate: unpriced (power and carbon are counted)`),
    ...clusters.filter((c) => c.usdPerNodeHour === undefined && !c.capacityBlock).map((c) => `cluster ${c.name}: no catalog price for ${c.instanceType} in ${c.region}`),
    ...clusters.filter((c) => c.gridKgPerKwh === undefined).map((c) => `cluster ${c.name}: no grid emission factor for ${c.cloud} ${c.region}`),
    ...[...storage, ...gws].filter((x) => x.priceStatus === "unpriced").map((x) => `${x.name}: no price in service-prices.json`),
    ...owned.warnings,
  ];
  const tasks = Object.entries(taskMetadata(tf)).flatMap(([name, meta]): TaskEstimate[] => {
    const runtime = taskMaxRuntime(meta);
    if (!runtime) return [];
    const hours = runtime.minutes / 60;
    // What lies under the task's construct path; JSON without the path gets the whole stack, as before.
    const path = str(meta.path);
    if (path === undefined) warnings.push(`task ${name}: no construct path in its metadata (synthesized by an older version): its estimate is the whole stack's`);
    const mine = <T extends { name: string }>(xs: readonly T[]) => (path === undefined ? [...xs] : xs.filter((x) => x.name === path || x.name.startsWith(`${path}/`)));
    const own = mine(clusters);
    const ownStorage = mine(storage);
    const ownGateways = mine(gws);
    // On an owned pool: the nodes it uses, at the pool's amortized cost, power and grid (the report's basis: no PUE).
    const pool = ownedTask(meta);
    const usdPerHour = sum([...own, ...ownStorage, ...ownGateways].map((x) => x.usdPerHour).concat(pool ? [pool.usdPerHour] : []));
    const kw = sum(own.map((c) => c.powerKw).concat(pool ? [pool.powerKw] : []));
    const kgPerHour = sum(own.map((c) => c.kgCo2ePerHour).concat(pool ? [pool.powerKw * (pool.gridKgCo2ePerKwh ?? 0)] : []));
    const recovery = taskRecovery(meta);
    const restarts = recovery && recovery.spot && recovery.maxRestarts > 0 && !pool
      ? restartOverhead(recovery.maxRestarts, own.reduce((n, c) => n + c.nodes, 0), hours, sum(own.map((c) => c.usdPerHour)), HOURS_PER_MONTH)
      : undefined;
    return [{
      name, maxRuntimeHours: roundTo(hours), maxRuntimeFrom: runtime.from, scope: path === undefined ? "stack" : "task", clusters: own.map((c) => c.name), ...(pool ? { pool: pool.pool } : {}),
      storage: ownStorage.map((x) => x.name), gateways: ownGateways.map((g) => ({ name: g.name, kind: g.kind })), usdPerHour,
      usd: roundTo(usdPerHour * hours, 2), kwh: roundTo(kw * hours, 2), kgCo2e: roundTo(kgPerHour * hours, 2),
      ...(restarts ? { restartOverhead: restarts } : {}),
    }];
  });
  const clouds = [...new Set<GpuCloud>([...(awsRegion(tf) || resourcesOf(tf, "aws_vpc").length ? ["aws" as const] : []), ...clusters.map((c) => c.cloud), ...storage.map((s) => s.cloud), ...gws.map((g) => g.cloud), ...(resourcesOf(tf, "azurerm_virtual_network").length ? ["azure" as const] : [])])].sort();
  const regions = [...new Set([...clusters, ...storage].map((x) => `${x.cloud}:${x.region}`).concat(resourcesOf(tf, "azurerm_virtual_network").map((v) => `azure:${str(v.args.location)}`)).concat(resourcesOf(tf, "aws_vpc").map((v) => `aws:${awsRegion(tf, v)}`)))].sort();
  const zones = [...new Set(resourcesOf(tf, "aws_subnet").flatMap((s) => (str(s.args.availability_zone_id) ? [str(s.args.availability_zone_id)!] : [])))].sort();
  return { clouds, regions, zones, clusters, storage, gateways: gws, links: links(tf), pools: owned.pools, cost, powerKw, kgCo2ePerHour, tasks, warnings };
}
