/**
 * FSx for Lustre's sizing rules as pure functions (FSx for Lustre User Guide, "Deployment options"
 * and "Managing storage capacity"; API reference, CreateFileSystemLustreConfiguration): which
 * throughput tiers a deployment type offers, the capacity steps of each deployment type, storage
 * type and EFA tier, and the provisioned metadata IOPS. {@link AwsLustreStorage} calls them; each
 * returns what to use instead, or undefined when the value is allowed.
 */

/** FSx for Lustre deployment types. */
export type LustreDeploymentType = "PERSISTENT_2" | "PERSISTENT_1" | "SCRATCH_2" | "SCRATCH_1";

/** Every deployment type, newest first. */
export const FSX_DEPLOYMENT_TYPES: readonly LustreDeploymentType[] = ["PERSISTENT_2", "PERSISTENT_1", "SCRATCH_2", "SCRATCH_1"];

/** FSx storage types: HDD only with PERSISTENT_1. */
export type FsxStorageType = "SSD" | "HDD";

/** Throughput tiers (MB/s per TiB) a deployment type and storage type offer; the first is the default. */
export const FSX_THROUGHPUT_TIERS: Readonly<Record<string, readonly number[]>> = {
  PERSISTENT_2: [125, 250, 500, 1000],
  "PERSISTENT_1/SSD": [50, 100, 200],
  "PERSISTENT_1/HDD": [12, 40],
};

/** The fixed throughput of SCRATCH file systems, MB/s per TiB (they take no tier). */
export const FSX_SCRATCH_MBPS_PER_TIB = 200;

/** The capacity step of an EFA-enabled file system per throughput tier, GiB. */
export const FSX_EFA_STEP_GIB: Readonly<Record<number, number>> = { 125: 38400, 250: 19200, 500: 9600, 1000: 4800 };

/** The capacity step of an HDD file system per throughput tier, GiB. */
export const FSX_HDD_STEP_GIB: Readonly<Record<number, number>> = { 12: 6000, 40: 1800 };

/** The provisioned metadata IOPS below the first step of 12000, and the largest value. */
export const FSX_METADATA_IOPS = { small: [1500, 3000, 6000, 12000], step: 12000, max: 192000 } as const;

/** The key of {@link FSX_THROUGHPUT_TIERS} for a deployment type and storage type, e.g. `PERSISTENT_1/HDD`. */
export function fsxTierKey(type: LustreDeploymentType, storageType: FsxStorageType): string {
  return type === "PERSISTENT_1" ? `PERSISTENT_1/${storageType}` : type;
}

/** The tiers a deployment type and storage type offer, or undefined for SCRATCH types (fixed 200 MB/s/TiB). */
export function fsxThroughputTiers(type: LustreDeploymentType, storageType: FsxStorageType): readonly number[] | undefined {
  return FSX_THROUGHPUT_TIERS[fsxTierKey(type, storageType)];
}

/** What a file system's capacity is checked against: its deployment type, storage type, tier and EFA. */
export interface FsxCapacityShape {
  readonly type: LustreDeploymentType;
  readonly storageType: FsxStorageType;
  /** Throughput per TiB, MB/s (the fixed 200 for SCRATCH types). */
  readonly tier: number;
  readonly efa: boolean;
}

/**
 * Why FSx would refuse `gib` GiB for a file system of this shape, as what to use instead, or
 * undefined. EFA: a multiple of the tier's step ({@link FSX_EFA_STEP_GIB}); HDD: a multiple of 6000
 * (12 MB/s/TiB) or 1800 (40); SCRATCH_1: 1200, 2400 or a multiple of 3600; other SSD: 1200 or a
 * multiple of 2400.
 */
export function fsxCapacityProblem(gib: number, shape: FsxCapacityShape): string | undefined {
  const step = shape.efa ? FSX_EFA_STEP_GIB[shape.tier] : shape.storageType === "HDD" ? FSX_HDD_STEP_GIB[shape.tier] : undefined;
  if (shape.efa || shape.storageType === "HDD") {
    if (step === undefined) return `use a throughput tier of ${Object.keys(shape.efa ? FSX_EFA_STEP_GIB : FSX_HDD_STEP_GIB).join(", ")} MB/s/TiB`;
    return gib % step === 0 ? undefined : `use a multiple of ${step}`;
  }
  if (shape.type === "SCRATCH_1") return gib === 1200 || gib === 2400 || gib % 3600 === 0 ? undefined : "use 1200, 2400 or a multiple of 3600";
  return gib === 1200 || gib % 2400 === 0 ? undefined : "use 1200 or a multiple of 2400";
}

/** The context of a capacity error: `for PERSISTENT_2`, `for PERSISTENT_1 HDD at 12 MB/s/TiB`, `for PERSISTENT_2 with EFA at 250 MB/s/TiB`. */
export function fsxCapacityContext(shape: FsxCapacityShape): string {
  return `for ${shape.type}${shape.storageType === "HDD" ? ` HDD at ${shape.tier} MB/s/TiB` : ""}${shape.efa ? ` with EFA at ${shape.tier} MB/s/TiB` : ""}`;
}

/** Why FSx would refuse a provisioned metadata IOPS value: 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000. */
export function fsxMetadataIopsProblem(iops: number): string | undefined {
  const { small, step, max } = FSX_METADATA_IOPS;
  const ok = (small as readonly number[]).includes(iops) || (Number.isInteger(iops) && iops > 0 && iops % step === 0 && iops <= max);
  return ok ? undefined : `use ${small.join(", ")} or a multiple of ${step} up to ${max}`;
}

/** A file system's aggregate throughput, MB/s: its capacity in TiB times its tier, rounded. */
export function fsxThroughputMBps(gib: number, tier: number): number {
  return Math.round((gib / 1024) * tier);
}

/**
 * Why a cluster in `clusterZone` should not mount a file system in `storageZone`, or undefined: a
 * multi-node EFA cluster reads its file system across zones otherwise.
 */
export function fsxClientZoneProblem(client: { zone: string; efa: boolean; nodes: number }, storageZone: string): string | undefined {
  if (!client.efa || client.nodes <= 1 || client.zone === storageZone) return undefined;
  return `use storage in the cluster's zone ${client.zone}: an EFA cluster reads its file system in ${storageZone} across zones`;
}
