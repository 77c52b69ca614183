import type { IConstruct } from "constructs";
import type { AllowFrom } from "./allow-from";
import type { Cloud, Fabric, GpuCloud } from "./types";

/** Context key under which a stack (TeamStack) sets the default location of its Azure networks. */
export const AZURE_LOCATION_CONTEXT = "hgpu:azure-location";

/**
 * A private network that GPU clusters, storage and hybrid links attach to: an AWS VPC, an Azure
 * VNet, or an on-prem site's address space. Implemented by `AwsNetwork`, `AzureNetwork` and
 * `OnPremSite`; the hybrid layer and tasks depend only on this contract.
 */
export interface INetwork extends IConstruct {
  /** The cloud that hosts the network. */
  readonly cloud: Cloud;
  /** Region (AWS region, Azure location, or a site name for on-prem). */
  readonly region: string;
  /** The network's IPv4 address space; checked for overlaps across the whole app. */
  readonly cidr: string;
}

/** Where a GPU cluster runs. */
export interface ClusterPlacement {
  readonly cloud: GpuCloud;
  readonly region: string;
  /** Availability zone (AWS zone ID or name; Azure zone number), when the cluster is zonal. */
  readonly zone?: string;
  /** Instance type or VM size, e.g. `p5.48xlarge` or `Standard_ND96isr_H100_v5`. */
  readonly instanceType: string;
}

/**
 * What a workload needs to know to run on a cluster: how many processes to start, where data is
 * mounted, and the environment that points the collective library at the fabric.
 */
export interface ClusterRunInfo {
  /** Nodes in the cluster. */
  readonly nodes: number;
  /** GPUs on each node (processes per node for torchrun). */
  readonly gpusPerNode: number;
  /** Environment variables that make NCCL use the fabric (EFA or InfiniBand). */
  readonly ncclEnv: Readonly<Record<string, string>>;
  /** Where the cluster's shared storage is mounted on every node, when it has one. */
  readonly dataMountPath?: string;
}

/** A cluster of identical GPU nodes joined by one fabric. Implemented by `AwsGpuCluster` and `AzureGpuCluster`. */
export interface IGpuCluster extends IConstruct {
  /** The network the nodes live in. */
  readonly network: INetwork;
  /** Cloud, region, zone and instance type of the nodes. */
  readonly placement: ClusterPlacement;
  /** Number of nodes. */
  readonly nodes: number;
  /** Accelerator name as in the catalog, e.g. `H100`. */
  readonly accelerator: string;
  /** GPUs on each node. */
  readonly gpusPerNode: number;
  /** Total GPUs (`nodes * gpusPerNode`). */
  readonly gpus: number;
  /** The node-to-node fabric as configured (interfaces actually attached, not just supported). */
  readonly fabric: Fabric;
  /** What a task needs to run on this cluster. */
  readonly runInfo: ClusterRunInfo;
  /**
   * Admits traffic from outside the cluster (a linked network, an on-prem site, a private block):
   * security group rules on AWS, network security group rules on Azure. Nothing outside the
   * cluster reaches the nodes otherwise.
   */
  allowFrom(rule: AllowFrom): void;
}

/**
 * Whether `c` is a GPU cluster by the {@link IGpuCluster} contract: a construct with a placement on
 * AWS or Azure, its GPUs per node and `allowFrom`. A check of the contract, not of a class, so it
 * recognises the clusters of any copy of the library, as `instanceof` would not.
 */
export function isGpuCluster(c: unknown): c is IGpuCluster {
  if (typeof c !== "object" || c === null) return false;
  const x = c as { placement?: { cloud?: unknown }; gpusPerNode?: unknown; allowFrom?: unknown; node?: unknown };
  return typeof x.node === "object" && typeof x.allowFrom === "function" && typeof x.gpusPerNode === "number" && (x.placement?.cloud === "aws" || x.placement?.cloud === "azure");
}

/** A shared file system the nodes mount. Implemented by `AwsLustreStorage` and `AzureLustreStorage`. */
export interface ISharedStorage extends IConstruct {
  /** The cloud that hosts the file system. */
  readonly cloud: GpuCloud;
  /** Where nodes mount it, e.g. `/fsx`. */
  readonly mountPath: string;
  /**
   * A shell script that installs the client if needed and mounts the file system at
   * `mountPath`; safe to run more than once (idempotent).
   */
  readonly mountCommand: string;
  /** Capacity, in GiB. */
  readonly capacityGiB: number;
  /** Aggregate throughput, in MB/s. */
  readonly throughputMBps: number;
}
