/**
 * Shared vocabulary of the library. Pure types: no cdktf, no runtime code.
 */

/** A cloud (or the company's own data centre) that hosts part of a hybrid setup. */
export type Cloud = "aws" | "azure" | "onprem";

/** The clouds the catalog and planner can place GPU capacity in. */
export type GpuCloud = Exclude<Cloud, "onprem">;

/** The kind of high-speed fabric that connects GPU nodes to each other. */
export type FabricKind = "efa" | "infiniband" | "none";

/** The node-to-node fabric of one instance type or VM size. */
export interface Fabric {
  /** `efa` (AWS Elastic Fabric Adapter), `infiniband` (Azure ND sizes) or `none`. */
  readonly kind: FabricKind;
  /**
   * How many fabric interfaces one node has: EFA-capable network cards on AWS, InfiniBand
   * HCAs on Azure. 0 when `kind` is `none`.
   */
  readonly interfaces: number;
  /** Aggregate fabric bandwidth of one node, in Gbit/s (0 when `kind` is `none`). */
  readonly gbpsPerNode: number;
}
