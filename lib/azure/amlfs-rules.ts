/**
 * Azure Managed Lustre's sizing rules as pure functions (Azure docs, "Azure Managed Lustre file
 * system prerequisites" and "Create an Azure Managed Lustre file system"): each SKU's throughput,
 * capacity minimum, step and default maximum, and the smallest storage subnet for a capacity.
 * {@link AzureLustreStorage} calls them; each returns what to use instead, or undefined.
 */

/** Azure Managed Lustre SKUs: throughput per TiB, capacity minimum, default maximum and step (TiB). */
export const AMLFS_SKUS = {
  "AMLFS-Durable-Premium-40": { mbpsPerTiB: 40, minTiB: 48, maxTiB: 768, stepTiB: 48 },
  "AMLFS-Durable-Premium-125": { mbpsPerTiB: 125, minTiB: 16, maxTiB: 128, stepTiB: 16 },
  "AMLFS-Durable-Premium-250": { mbpsPerTiB: 250, minTiB: 8, maxTiB: 128, stepTiB: 8 },
  "AMLFS-Durable-Premium-500": { mbpsPerTiB: 500, minTiB: 4, maxTiB: 128, stepTiB: 4 },
} as const;

/** An Azure Managed Lustre SKU name. */
export type AmlfsSku = keyof typeof AMLFS_SKUS;

/**
 * The smallest storage subnet for a capacity: up to `maxTiB`, a `/prefix` or larger (Azure docs,
 * "Azure Managed Lustre file system prerequisites", Network size requirements). The docs stop at
 * 400 TiB; above that (a capacity raised by Azure support) the library asks for a /22, its own estimate.
 */
export const AMLFS_SUBNET_SIZES: readonly { readonly maxTiB: number; readonly prefix: number }[] = [
  { maxTiB: 16, prefix: 27 },
  { maxTiB: 40, prefix: 26 },
  { maxTiB: 92, prefix: 25 },
  { maxTiB: 196, prefix: 24 },
  { maxTiB: 400, prefix: 23 },
];

/** The storage subnet prefix the library asks for above the documented sizes. */
export const AMLFS_SUBNET_PREFIX_ABOVE_DOCS = 22;

/** The application (client) ID of Microsoft's "HPC Cache Resource Provider", which needs roles on the blob account. */
export const HPC_CACHE_RP_APPLICATION_ID = "4392ab71-2ce2-4b0d-8770-b352745c73f5";

/** The command that prints the object ID of the HPC Cache Resource Provider's service principal in the signed-in tenant. */
export const HPC_CACHE_SP_LOOKUP = `az ad sp show --id ${HPC_CACHE_RP_APPLICATION_ID} --query id -o tsv`;

/**
 * Why Azure would refuse `tib` TiB for a file system of `sku`, as what to use instead, or undefined:
 * a whole number from the SKU's minimum, in its steps, up to its default maximum unless Azure
 * support raised it (`aboveDefaultMaximum`).
 */
export function amlfsCapacityProblem(tib: number, sku: AmlfsSku, aboveDefaultMaximum = false): string | undefined {
  const rule = AMLFS_SKUS[sku];
  if (!Number.isInteger(tib) || tib < rule.minTiB) return `use at least ${rule.minTiB}, in steps of ${rule.stepTiB}`;
  if (tib % rule.stepTiB !== 0) return `use a multiple of ${rule.stepTiB}`;
  if (!aboveDefaultMaximum && tib > rule.maxTiB) return `use at most ${rule.maxTiB} (more needs an Azure support request, then capacityAboveDefaultMaximum)`;
  return undefined;
}

/** The largest storage subnet prefix (the smallest subnet) a file system of `tib` TiB fits in. */
export function amlfsSubnetPrefix(tib: number): number {
  return AMLFS_SUBNET_SIZES.find((r) => tib <= r.maxTiB)?.prefix ?? AMLFS_SUBNET_PREFIX_ABOVE_DOCS;
}

/** A file system's aggregate throughput, MB/s: its capacity in TiB times its SKU's throughput per TiB. */
export function amlfsThroughputMBps(tib: number, sku: AmlfsSku): number {
  return tib * AMLFS_SKUS[sku].mbpsPerTiB;
}

/** Why a cluster in `clientZone` (undefined: regional) cannot mount a file system in `storageZone` at `storagePath`, or undefined. */
export function amlfsClientZoneProblem(clientZone: string | undefined, storageZone: string, storagePath: string): string | undefined {
  return clientZone === storageZone ? undefined : `use zone ${storageZone}, the zone of ${storagePath}: Managed Lustre clients must be in the file system's zone`;
}
