import { Token } from "../engine/core";
import type { Offering } from "../catalog/types";
import type { Validator } from "../core/validate";
import { EFA_LUSTRE_CONNECTION_LIMIT, efaLustreConnections, networkInterfaces } from "./efa";
import type { AwsLustreStorage } from "./lustre-storage";
import type { AwsNetwork } from "./network";

/** Where a cluster's capacity comes from, as {@link planCapacity} decided it. */
export interface CapacityPlan {
  /** Spot capacity. */
  readonly spot: boolean;
  /** A Capacity Block for ML (`capacityReservationId` names it). */
  readonly capacityBlock: boolean;
  /** Whether to create a new cluster placement group. */
  readonly usePlacementGroup: boolean;
}

/** The capacity props of a cluster (a subset of `AwsGpuClusterProps`). */
export interface CapacityProps {
  readonly spot?: boolean;
  readonly capacityReservationId?: string;
  readonly capacityBlock?: boolean;
  readonly placementGroup?: boolean;
  readonly placementGroupName?: string;
}

/**
 * Checks how the cluster gets capacity (spot, an On-Demand Capacity Reservation, a Capacity Block,
 * or on-demand where AWS sells it) and whether it needs a new placement group: an existing
 * reservation cannot be in a new group, and AWS co-locates Capacity Block instances itself.
 */
export function planCapacity(v: Validator, props: CapacityProps, offering: Offering, region: string, nodes: number): CapacityPlan {
  const spot = props.spot ?? false;
  const reservation = props.capacityReservationId;
  if (reservation !== undefined) {
    v.matches("capacityReservationId", reservation, /^cr-[0-9a-f]{8}([0-9a-f]{9})?$/, "use a capacity reservation ID such as cr-0123456789abcdef0");
    v.check(!spot, "capacityReservationId", reservation, "leave it out with spot: capacity reservations hold on-demand capacity");
  }
  const capacityBlock = props.capacityBlock ?? false;
  if (capacityBlock) v.check(reservation !== undefined, "capacityBlock", true, "set capacityReservationId to the Capacity Block's reservation ID too");
  // Some types are sold only as spot, reservations or Capacity Blocks (p5e): no on-demand launch.
  if (!spot && reservation === undefined) {
    const onDemand = offering.locations.some((l) => l.region === region && l.usdPerHour !== undefined);
    v.check(onDemand, "instanceType", offering.instanceType, `AWS sells no on-demand ${offering.instanceType} in ${region}: set spot: true, capacityReservationId (an On-Demand Capacity Reservation), or capacityBlock: true with the Capacity Block's reservation ID`);
  }
  const usePlacementGroup = props.placementGroup ?? (nodes > 1 && !capacityBlock && reservation === undefined && props.placementGroupName === undefined);
  if (capacityBlock) v.check(!usePlacementGroup, "placementGroup", true, "leave it out or false with a Capacity Block");
  if (capacityBlock) v.check(props.placementGroupName === undefined, "placementGroupName", props.placementGroupName, "leave it out with a Capacity Block: AWS co-locates its instances itself");
  if (props.placementGroupName !== undefined) {
    v.check(!usePlacementGroup, "placementGroupName", props.placementGroupName, "leave placementGroup out (or false) when launching into an existing group");
    v.check(Token.isUnresolved(props.placementGroupName) || /^[\x20-\x7e]{1,255}$/.test(props.placementGroupName), "placementGroupName", props.placementGroupName, "use a placement group name (1-255 ASCII characters)");
  }
  return { spot, capacityBlock, usePlacementGroup };
}

/** What {@link checkFit} needs to know of a cluster. */
export interface FitRequest {
  /** The cluster's construct path. */
  readonly path: string;
  readonly network: AwsNetwork;
  readonly zone: string;
  readonly nodes: number;
  readonly offering: Offering;
  /** Network cards that carry an EFA interface (none without EFA). */
  readonly efaCards: readonly number[];
  /** An EFA-enabled file system the nodes mount over EFA. */
  readonly storage?: AwsLustreStorage;
}

/**
 * Takes the cluster's share of what it shares with others, refusing what does not fit: subnet
 * addresses (one per ENA interface; EFA-only interfaces take none) beside the endpoints and the
 * other clusters of the zone, and an EFA file system's EFA connections beside its other clients
 * (which also need NAT, since AWS's EFA client setup is downloaded at boot).
 */
export function checkFit(v: Validator, fit: FitRequest): void {
  const { network, zone, nodes } = fit;
  const addressesPerNode = networkInterfaces(fit.efaCards, "").filter((nic) => nic.interfaceType !== "efa-only").length;
  if (network.hasZone(zone)) {
    const room = network.takeAddresses(zone, fit.path, nodes * addressesPerNode);
    const others = room.takenBy ? `, ${room.usable - room.free} of them taken (${room.takenBy})` : "";
    v.check(room.fits, "nodes", nodes, `use at most ${Math.floor(room.free / addressesPerNode)}: the private subnet of ${zone} (${room.block}) has ${room.usable} usable addresses${others}, and each node takes ${addressesPerNode} (its ENA interface; EFA-only interfaces take none)`);
  }
  const storage = fit.storage;
  if (storage === undefined) return;
  if (storage.efaClientSetupPinned) {
    v.check(Object.keys(network.natGateways).length > 0, "storage", storage.node.path, `use a network with NAT gateways (natGateways "single" or "perZone"), or set efa: false to mount over TCP: the nodes download AWS's EFA client setup (pinned by efaClientSetupSha256) at boot, and ${network.node.path} has no route to the internet`);
  }
  const perNode = efaLustreConnections(fit.offering);
  const budget = storage.takeEfaConnections(fit.path, nodes * perNode);
  const others = budget.taken > 0 ? ` (${budget.takenBy} already)` : "";
  v.check(budget.fits, "nodes", nodes, `use at most ${Math.floor((EFA_LUSTRE_CONNECTION_LIMIT - budget.taken) / perNode)}: an EFA file system takes ${EFA_LUSTRE_CONNECTION_LIMIT} EFA connections${others} and each ${fit.offering.instanceType} uses ${perNode}`);
}
