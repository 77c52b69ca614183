import type { OneOrMany } from "../catalog/catalog";
import type { Fabric, GpuCloud } from "../core/types";

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
  /** Clouds allowed. @default - all clouds in the catalog */
  readonly clouds?: readonly GpuCloud[];
  /** Regions allowed (AWS regions, Azure locations). @default - any */
  readonly regions?: readonly string[];
  /** AWS zone IDs allowed (e.g. `use1-az4`); also the only way to allow a Local Zone. @default - any Availability Zone */
  readonly zones?: readonly string[];
  /** Price and place spot capacity instead of on-demand. @default false */
  readonly spot?: boolean;
  /** Most the whole placement may cost, in USD per hour. @default - no limit */
  readonly maxUsdPerHour?: number;
  /**
   * Placements ruled out by key (`placementKey`: cloud/region/zone/type), e.g. those that failed
   * with a capacity error in an earlier attempt.
   * @default - none
   */
  readonly excludePlacements?: readonly string[];
}

/** A feasible way to run the job: where, on what, how many nodes, at what price. */
export interface Placement {
  /** 1 for the best placement, 2 for the next, and so on. */
  readonly rank: number;
  readonly cloud: GpuCloud;
  readonly region: string;
  /** AWS zone ID when the catalog prices the type per zone; absent for region-level offerings. */
  readonly zone?: string;
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
  /** Price of one node, USD/hour. */
  readonly usdPerNodeHour: number;
  /** Price of the whole placement, USD/hour. */
  readonly usdPerHour: number;
  /** The node-to-node fabric. */
  readonly fabric: Fabric;
  /** Fabric bandwidth of one node, Gbit/s (0 without a fabric). */
  readonly fabricGbpsPerNode: number;
}

/** A candidate (an offering, or an offering in one location) that was ruled out, and why. */
export interface RejectedCandidate {
  readonly cloud: GpuCloud;
  readonly instanceType: string;
  /** Set when the reason concerns one location rather than the offering as a whole. */
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
