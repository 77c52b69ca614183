import type { Fabric, GpuCloud } from "../core/types";

/** One GPU model. */
export interface Accelerator {
  /** Catalog name, e.g. `H100`, `A100-80GB` (the names SkyPilot's catalog uses). */
  readonly name: string;
  /** Maker. */
  readonly vendor: "NVIDIA" | "AMD";
  /** The part as sold, e.g. `H100 SXM5 80GB`. */
  readonly part: string;
  /** Memory of one GPU, in GiB, as the vendor states it. */
  readonly memoryGiB: number;
  /** Maximum board power of one GPU (TDP), in watts, from the vendor's data sheet. */
  readonly tdpWatts: number;
  /** Where the figures come from. */
  readonly source: string;
}

/** A place an offering is sold, with its prices there. */
export interface OfferingLocation {
  /** AWS region or Azure location, e.g. `us-east-1`, `eastus`. */
  readonly region: string;
  /**
   * AWS availability-zone **ID** (e.g. `use1-az4`: stable across accounts, unlike zone names).
   * Absent when the source records the offering per region only (all of Azure).
   */
  readonly zone?: string;
  /** True for an AWS Local Zone (e.g. `use1-atl2-az1`), which needs an opt-in before use. */
  readonly localZone?: boolean;
  /** On-demand price of one node, USD/hour; absent when the source has none. */
  readonly usdPerHour?: number;
  /** Spot price of one node, USD/hour (a snapshot); absent when the source has none. */
  readonly spotUsdPerHour?: number;
}

/** The fabric of an offering, with the AWS network-card count the EFA layout needs. */
export interface OfferingFabric extends Fabric {
  /** AWS: maximum network cards of the instance type. */
  readonly networkCards?: number;
  /**
   * AWS: the network cards that carry EFA (one EFA interface each gives the full bandwidth), when
   * not every card does (p6-b300: card 0 is ENA-only, EFA on cards 1-16).
   * @default - every card, 0 to networkCards - 1
   */
  readonly efaCards?: readonly number[];
}

/** A Hyper-V generation of Azure VM images: 1 (BIOS) or 2 (UEFI). */
export type VmGeneration = 1 | 2;

/** One GPU instance type (AWS) or VM size (Azure) and where it is sold. */
export interface Offering {
  readonly cloud: GpuCloud;
  /** Instance type or VM size, e.g. `p5.48xlarge`, `Standard_ND96isr_H100_v5`. */
  readonly instanceType: string;
  /** Accelerator name, a key of the accelerator table. */
  readonly accelerator: string;
  /** GPUs on one node. */
  readonly gpusPerNode: number;
  /** Memory of one GPU as the cloud exposes it, in GiB. */
  readonly gpuMemoryGiB: number;
  /** Board power of one GPU as fitted in this type, in watts. */
  readonly gpuTdpWatts: number;
  /** vCPUs of one node. */
  readonly vCpus: number;
  /** Host memory of one node, in GiB. */
  readonly memoryGiB: number;
  /** Node-to-node fabric. */
  readonly fabric: OfferingFabric;
  /** Regions (and zones) that sell it, with prices. */
  readonly locations: readonly OfferingLocation[];
  /**
   * Azure: the image generations the size boots, e.g. `[2]` for a Generation 2-only size such as
   * ND H100 v5 (a Generation 1 image fails there at apply).
   * @default - not recorded (every AWS type): no image generation rule applies
   */
  readonly vmGenerations?: readonly VmGeneration[];
  /**
   * Azure: whether the size supports encryption at host (its resource SKU capability
   * `EncryptionAtHostSupported`): `true` or `false` as a source records it, with the source in
   * `notes`. A scale set of a size that does not support it fails at apply when asked for it.
   * @default - not recorded (every AWS type, and Azure sizes without a public record of the capability)
   */
  readonly encryptionAtHost?: boolean;
  /** Where the fabric and corrected facts come from, and any caveat. */
  readonly notes?: readonly string[];
}

/** Where a slice of the catalog's data comes from and how old it is. */
export interface CatalogSource {
  readonly cloud: GpuCloud;
  /** A short name that tells the sources apart, e.g. `AWS g5/g6e supplement`. */
  readonly label: string;
  /** Description of the source (repository, path, commit). */
  readonly source: string;
  /** Date the prices were captured (ISO date), or undefined when unknown. */
  readonly pricesAsOf?: string;
  /** How sure that date is. */
  readonly note: string;
}

/** An instance type the source lists that the catalog leaves out, and why. */
export interface ExcludedOffering {
  readonly cloud: GpuCloud;
  readonly instanceType: string;
  readonly reason: string;
}

/** The whole committed catalog, as written by `scripts/update-catalog.ts`. */
export interface CatalogData {
  readonly schema: 1;
  /** ISO date the catalog was generated. */
  readonly builtAt: string;
  readonly sources: readonly CatalogSource[];
  readonly offerings: readonly Offering[];
  readonly excluded: readonly ExcludedOffering[];
}
