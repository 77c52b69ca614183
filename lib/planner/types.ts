import type { OneOrMany } from "../catalog/catalog";
import type { Cloud, Fabric, FabricKind } from "../core/types";
import type { EnergyTables } from "./energy";

/**
 * How much the job needs a node-to-node fabric:
 * - `required`: a placement with more than one node must have EFA or InfiniBand;
 * - `preferred`: placements with a fabric (or on one node) rank before those without;
 * - `none`: the fabric plays no part in the choice (cheapest wins).
 */
export type Interconnect = "required" | "preferred" | "none";

/** What a job asks for. Only `gpus` is required. */
export interface Requirements {
  /** Number of GPUs, a whole number of at least 1. Nodes = ceil(gpus / GPUs per node). */
  readonly gpus: number;
  /** Accelerator name(s), e.g. `H100` or `["H100", "H200"]` (case-insensitive). @default - any accelerator */
  readonly accelerator?: OneOrMany<string>;
  /** Least memory of one GPU, in GiB. @default - any */
  readonly minGpuMemoryGiB?: number;
  /**
   * Least GPUs on one node, e.g. 8 to keep a job on whole NVLink-connected 8-GPU nodes.
   * @default - any
   */
  readonly minGpusPerNode?: number;
  /**
   * Least host memory of the whole placement (all nodes together), in GiB: the seed's
   * "30 GPUs, 256 GB memory" asks for 256 GiB in all.
   * @default - any
   */
  readonly memoryGiB?: number;
  /** Need for a node-to-node fabric. @default "required" */
  readonly interconnect?: Interconnect;
  /**
   * Clouds allowed: `aws`, `azure`, and `onprem` for the owned pools handed to the planner.
   * @default - every cloud of the catalog, and the owned pools
   */
  readonly clouds?: readonly Cloud[];
  /** Regions allowed (AWS regions, Azure locations); owned pools are chosen by `clouds` and `pools`, not by region. @default - any */
  readonly regions?: readonly string[];
  /** AWS zone IDs allowed (e.g. `use1-az4`); also the only way to allow a Local Zone. @default - any Availability Zone */
  readonly zones?: readonly string[];
  /** Owned pools allowed, by name. @default - every pool handed to the planner */
  readonly pools?: readonly string[];
  /** Price and place spot capacity instead of on-demand (cloud offerings; an owned pool is neither). @default false */
  readonly spot?: boolean;
  /** Most the whole placement may cost, in USD per hour. @default - no limit */
  readonly maxUsdPerHour?: number;
  /**
   * Placements ruled out by key (`placementKey`: cloud/region/zone/type), e.g. those that failed
   * with a capacity error in an earlier attempt.
   * @default - none
   */
  readonly excludePlacements?: readonly string[];
  /**
   * Where owned pools rank: `owned` puts every feasible owned placement before every cloud one
   * (then each group by `optimize`); `none` ranks them all together by `optimize`.
   * @default "owned"
   */
  readonly prefer?: Preference;
  /**
   * What the ranking minimizes: `cost` (USD/hour), `carbon` (kgCO2e/hour, the cleanest first; a
   * placement whose grid factor is unknown ranks after every known one), or a carbon price
   * `{ usdPerKgCo2e }` that turns carbon into cost: USD/hour + price x kgCO2e/hour.
   * @default "cost"
   */
  readonly optimize?: Optimize;
  /** How long the job may run, in hours: each placement's `kgCo2e` is for this long. @default 12 (GpuTask's default maxRuntime) */
  readonly maxRuntimeHours?: number;
}

/** Where owned pools rank (see {@link Requirements.prefer}). */
export type Preference = "owned" | "none";

/** What the ranking minimizes (see {@link Requirements.optimize}). */
export type Optimize = "cost" | "carbon" | { readonly usdPerKgCo2e: number };

/** A node-to-node fabric of a placement: a cloud's (EFA, InfiniBand) or an owned pool's (InfiniBand, RoCE). */
export interface PlacementFabric extends Omit<Fabric, "kind"> {
  readonly kind: FabricKind | "roce";
}

/**
 * An owned GPU pool as the planner sees it (pure data; `OnPremGpuPool` builds it): what it holds,
 * what an hour of it costs, and what it draws.
 */
export interface PoolOffering {
  /** The pool's name, unique in the app (a placement's `instanceType`). */
  readonly name: string;
  /** The name of its site (a placement's `region`). */
  readonly site: string;
  /** Accelerator name, from the catalog's accelerator table. */
  readonly accelerator: string;
  /** Memory of one GPU, GiB. */
  readonly gpuMemoryGiB: number;
  readonly gpusPerNode: number;
  /** Nodes in the pool: the most a job can have. */
  readonly nodes: number;
  /** Host memory of one node, GiB. */
  readonly memoryGiBPerNode: number;
  readonly fabric: PlacementFabric;
  /** Amortized cost of one GPU-hour, USD. */
  readonly usdPerGpuHour: number;
  /** Power of one node at full load (GPUs at board power + host), W. */
  readonly nodeWatts: number;
  /** The site's PUE. */
  readonly pue: number;
  /** The site's grid emission factor, kgCO2e/kWh. */
  readonly gridKgCo2ePerKwh: number;
}

/** A feasible way to run the job: where, on what, how many nodes, at what price. */
export interface Placement {
  /** 1 for the best placement, 2 for the next, and so on. */
  readonly rank: number;
  /** `aws`, `azure`, or `onprem` for an owned pool. */
  readonly cloud: Cloud;
  /** AWS region or Azure location; an owned pool's site name. */
  readonly region: string;
  /** AWS zone ID when the catalog prices the type per zone; absent for region-level offerings and pools. */
  readonly zone?: string;
  /** Instance type or VM size; an owned pool's name. */
  readonly instanceType: string;
  readonly accelerator: string;
  readonly gpusPerNode: number;
  /** ceil(requested GPUs / GPUs per node). */
  readonly nodes: number;
  /** GPUs the placement provides (`nodes * gpusPerNode`, at least the requested number). */
  readonly gpus: number;
  /** Memory of one GPU, in GiB. */
  readonly gpuMemoryGiB: number;
  /** Host memory of all nodes together, in GiB. */
  readonly memoryGiB: number;
  /** Whether prices are spot prices. */
  readonly spot: boolean;
  /** Price of one node, USD/hour (an owned pool's: its amortized USD per GPU-hour x GPUs per node). */
  readonly usdPerNodeHour: number;
  /** Price of the whole placement, USD/hour. */
  readonly usdPerHour: number;
  /** The node-to-node fabric. */
  readonly fabric: PlacementFabric;
  /** Fabric bandwidth of one node, Gbit/s (0 without a fabric). */
  readonly fabricGbpsPerNode: number;
  /** Power of all nodes at full load (GPUs at board power + host), kW: what the IT equipment draws. */
  readonly powerKw: number;
  /** PUE of the facility: the cloud's published fleet figure, or the pool's own. */
  readonly pue: number;
  /** Grid emission factor where it runs, kgCO2e/kWh. @default - unknown (a region the grid table lacks) */
  readonly gridKgCo2ePerKwh?: number;
  /** Emissions per hour: powerKw x pue x gridKgCo2ePerKwh, kgCO2e/h. @default - unknown with the grid factor */
  readonly kgCo2ePerHour?: number;
  /** Emissions over the requirements' `maxRuntimeHours`, kgCO2e. @default - unknown with the grid factor */
  readonly kgCo2e?: number;
}

/** A candidate (an offering, or an offering in one location) that was ruled out, and why. */
export interface RejectedCandidate {
  readonly cloud: Cloud;
  /** Instance type or VM size; an owned pool's name. */
  readonly instanceType: string;
  /** Set when the reason concerns one location rather than the offering as a whole (a pool's site). */
  readonly region?: string;
  readonly zone?: string;
  /** One line saying which requirement it fails. */
  readonly reason: string;
}

/** The planner's answer: feasible placements, best first, and every rejected candidate. */
export interface PlacementPlan {
  readonly placements: readonly Placement[];
  readonly rejected: readonly RejectedCandidate[];
}

/** What the planner reads besides the catalog. */
export interface PlannerData {
  /** Owned pools, offered as cloud `onprem`. @default - none */
  readonly pools?: readonly PoolOffering[];
  /** Grid factors and PUE per cloud region. @default - the committed tables (grid-emissions.json, cloud-pue.json) */
  readonly energy?: EnergyTables;
}
