import type { LaunchTemplateNetworkInterfaces } from "../engine/aws";
import type { Offering } from "../catalog/types";

/** EFA on AWS: the interface layout of a launch template, NCCL's settings, and FSx's EFA budget (pure). */

/** Most EFA connections one FSx for Lustre file system accepts, across all its clients. */
export const EFA_LUSTRE_CONNECTION_LIMIT = 1024;

/** EFA interfaces AWS's FSx client setup binds per instance (FSx guide, "Configuring EFA clients"). */
export function efaLustreConnections(offering: Offering): number {
  if (offering.instanceType.startsWith("p6-b300")) return 16;
  if (/^(p5|p5e|p5en|p6-b200|p6e-gb200)\./.test(offering.instanceType)) return 8;
  return (offering.fabric.networkCards ?? 1) > 1 ? 2 : 1;
}

/** Instance families whose EFA supports GPUDirect RDMA. */
const RDMA_FAMILIES = /^(p4d|p4de|p5|p5e|p5en|p6-[a-z0-9]+)\./;

/** The environment that points NCCL at EFA (through the AWS OFI NCCL plugin), or off the fabric. */
export function awsNcclEnv(instanceType: string, efa: boolean): Record<string, string> {
  if (!efa) return { NCCL_IB_DISABLE: "1" };
  return { FI_PROVIDER: "efa", ...(RDMA_FAMILIES.test(instanceType) ? { FI_EFA_USE_DEVICE_RDMA: "1" } : {}) };
}

/**
 * The launch template's interfaces, as the current EC2 user guide lays them out for EFA on
 * instances with several network cards ("Maximize network bandwidth on Amazon EC2 instances with
 * multiple network cards"): the primary interface is ENA (card 0, device index 0; an EFA-only
 * interface cannot be primary); card 0, when it supports EFA, also gets an `efa-only` interface
 * at device index 1; every other card that carries EFA gets an `efa-only` interface at device
 * index 0 (on p6-b300, card 0 is ENA-only and EFA is on cards 1-16). So every EFA card carries one
 * EFA interface. Without EFA: the ENA interface alone. Security groups go on each interface (a
 * template with interfaces cannot set them elsewhere); EC2 assigns no public IP when several
 * interfaces are requested, and a single one is told so.
 */
export function networkInterfaces(efaCards: readonly number[], securityGroupId: string): LaunchTemplateNetworkInterfaces[] {
  const common = { securityGroups: [securityGroupId], deleteOnTermination: "true" };
  const primary: LaunchTemplateNetworkInterfaces = { networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface", ...common };
  if (efaCards.length === 0) return [{ ...primary, associatePublicIpAddress: "false" }];
  return [primary, ...efaCards.map((card) => ({ networkCardIndex: card, deviceIndex: card === 0 ? 1 : 0, interfaceType: "efa-only", ...common }))];
}
