/**
 * Which shared storage a GPU cluster may mount, the rules both clouds' clusters share: storage of
 * the cluster's own cloud, in the cluster's own network. Each cloud adds its own (FSx: an EFA
 * cluster in the file system's zone; Managed Lustre: clients in its zone). Pure.
 */
import type { GpuCloud } from "./types";

const CLOUD_NAME: Readonly<Record<GpuCloud, string>> = { aws: "AWS", azure: "Azure" };
const STORAGE_EXAMPLE: Readonly<Record<GpuCloud, string>> = { aws: "AwsLustreStorage", azure: "AzureLustreStorage" };

/** Why a cluster on `clusterCloud` cannot mount storage on `storageCloud`, or undefined when they match. */
export function storageCloudProblem(clusterCloud: GpuCloud, storageCloud: GpuCloud): string | undefined {
  if (storageCloud === clusterCloud) return undefined;
  return `use storage on ${CLOUD_NAME[clusterCloud]}, such as an ${STORAGE_EXAMPLE[clusterCloud]}: this one is on ${storageCloud}; a cluster mounts storage of its own cloud only`;
}

/** Why a cluster in the network at `clusterNetwork` (a construct path) cannot mount storage in `storageNetwork`, or undefined. */
export function storageNetworkProblem(clusterNetwork: string, storageNetwork: string): string | undefined {
  return storageNetwork === clusterNetwork ? undefined : `use storage in the cluster's network ${clusterNetwork}: this one is in ${storageNetwork}`;
}
