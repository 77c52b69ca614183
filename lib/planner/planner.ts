import { AZURE_MAX_NODES_PER_CLUSTER } from "../catalog/azure-limits";
import { CATALOG, catalogRegions, catalogZones, catalogZonesOfRegion, offeredAccelerators } from "../catalog/catalog";
import type { CatalogData, Offering, OfferingLocation } from "../catalog/types";
import { ValidationError } from "../core/errors";
import type { Cloud } from "../core/types";
import { roundTo } from "../core/numbers";
import { plural } from "../core/plural";
import { AWS_ZONE_NAME } from "../core/regions";
import { Validator } from "../core/validate";
import { acceleratorMismatch, closest, describedPlacement, describePlacement, describeRejection, describeRequirements } from "./describe";
import { carbonOf, COMMITTED_ENERGY, nodePowerWatts } from "./energy";
import { poolCandidates } from "./pools";
import { placementOrder } from "./ranking";
import type { Interconnect, Placement, PlacementPlan, PlannerData, PoolOffering, Preference, RejectedCandidate, Requirements } from "./types";

export { closest, describeCarbon, describePlacement, describedPlacement, describeRejection, describeRequirements } from "./describe";

/** The clouds a requirement may name: the owned pools first, then the clouds of the catalog. */
export const PLACEMENT_CLOUDS: readonly Cloud[] = ["onprem", "aws", "azure"];
const INTERCONNECTS: readonly Interconnect[] = ["required", "preferred", "none"];
const PREFERENCES: readonly Preference[] = ["owned", "none"];

/** Hours a placement's `kgCo2e` covers when the requirements give no `maxRuntimeHours`: GpuTask's default maxRuntime. */
export const DEFAULT_RUNTIME_HOURS = 12;
/** Most hours a job may run: 14 days, as a GpuTask's maxRuntime. */
const MAX_RUNTIME_HOURS = 14 * 24;

/** The planner's subpath keeps exporting the Azure cluster limit; its home is the catalog. */
export { AZURE_MAX_NODES_PER_CLUSTER } from "../catalog/azure-limits";

/** Most GPUs one request may ask for; a guard against typos such as 30000 for 300. */
export const MAX_GPUS = 10_000;

/** The path planner errors are reported under. */
const WHERE = "planner";

/** Thrown when requirements are valid but no offering meets them all. */
export class NoPlacementError extends ValidationError {
  /** Every candidate and why it was ruled out. */
  public readonly rejected: readonly RejectedCandidate[];
  /** Best placements found by relaxing one requirement at a time, each with what was relaxed. */
  public readonly alternatives: readonly { relaxed: string; placement: Placement }[];

  constructor(requirements: Requirements, rejected: readonly RejectedCandidate[], alternatives: readonly { relaxed: string; placement: Placement }[]) {
    super(WHERE, "requirements", requirements, "no offering meets them all");
    this.name = "NoPlacementError";
    this.rejected = rejected;
    this.alternatives = alternatives;
    const closest = alternatives.map((a) => `${a.relaxed}: ${describePlacement(a.placement)}`).join("; ");
    // The candidates that came nearest are those ruled out last: by location, price or budget.
    const nearest = [...rejected].sort((a, b) => (b.region ? 1 : 0) - (a.region ? 1 : 0)).slice(0, 3);
    this.message =
      `${WHERE}: no placement meets ${describeRequirements(requirements)}: ${plural(rejected.length, "candidate")} rejected, ` +
      `e.g. ${nearest.map(describeRejection).join("; ")}. Closest feasible: ${closest || "none"}`;
  }
}

/**
 * Ranks every way the catalog's offerings and the owned pools in `data` can meet `requirements`
 * (owned pools first with `prefer: "owned"`, the default; then cheapest first, or cleanest, or by a
 * carbon price, as `optimize` says; ties: fewer nodes, more fabric bandwidth, then cloud, region,
 * zone and type in name order, so the ranking is stable), and lists every rejected candidate with
 * a one-line reason. Each placement carries its power, PUE and emissions.
 *
 * @throws ValidationError for malformed requirements (naming the field and what is allowed)
 * @throws NoPlacementError when no offering meets them, with the closest feasible alternatives
 */
export function planPlacements(requirements: Requirements, catalog: CatalogData = CATALOG, data: PlannerData = {}): PlacementPlan {
  validateRequirements(requirements, catalog, data.pools ?? []);
  const plan = rank(requirements, catalog, data);
  if (plan.placements.length === 0) {
    throw new NoPlacementError(requirements, plan.rejected, alternatives(requirements, catalog, data));
  }
  return plan;
}

function validateRequirements(r: Requirements, catalog: CatalogData, pools: readonly PoolOffering[]): void {
  const v = new Validator(WHERE);
  v.integer("gpus", r.gpus, { min: 1, max: MAX_GPUS });
  if (r.accelerator !== undefined) {
    const offered = [...new Set([...offeredAccelerators(catalog), ...pools.map((p) => p.accelerator)])].sort();
    const asked = Array.isArray(r.accelerator) ? (r.accelerator as readonly string[]) : [r.accelerator as string];
    v.check(asked.length > 0, "accelerator", r.accelerator, `use one or more of ${offered.join(", ")}`);
    for (const a of asked) {
      const known = offered.some((o) => o.toLowerCase() === String(a).toLowerCase());
      v.check(known, "accelerator", a, `use one of ${offered.join(", ")} (closest: ${closest(String(a), offered).join(", ")})`);
    }
  }
  if (r.minGpuMemoryGiB !== undefined) v.number("minGpuMemoryGiB", r.minGpuMemoryGiB, { min: 0 });
  if (r.minGpusPerNode !== undefined) v.integer("minGpusPerNode", r.minGpusPerNode, { min: 1, max: 16 });
  if (r.memoryGiB !== undefined) v.number("memoryGiB", r.memoryGiB, { min: 0 });
  if (r.maxUsdPerHour !== undefined) {
    v.check(Number.isFinite(r.maxUsdPerHour) && r.maxUsdPerHour > 0, "maxUsdPerHour", r.maxUsdPerHour, "use a price above 0 in USD per hour");
  }
  if (r.interconnect !== undefined) v.oneOf("interconnect", r.interconnect, INTERCONNECTS);
  if (r.clouds !== undefined) {
    v.check(Array.isArray(r.clouds) && r.clouds.length > 0, "clouds", r.clouds, `use at least one of ${PLACEMENT_CLOUDS.map((c) => JSON.stringify(c)).join(", ")}`);
    for (const c of r.clouds) v.oneOf("clouds", c, PLACEMENT_CLOUDS);
  }
  if (r.pools !== undefined) {
    const names = pools.map((p) => p.name);
    v.check(Array.isArray(r.pools) && r.pools.length > 0, "pools", r.pools, "use at least one pool name, or leave pools out to allow every pool");
    for (const name of r.pools) {
      v.check(names.includes(name), "pools", name, names.length ? `use the name of an OnPremGpuPool of the app: ${names.join(", ")}` : "leave pools out: the app has no OnPremGpuPool");
    }
  }
  if (r.prefer !== undefined) v.oneOf("prefer", r.prefer, PREFERENCES);
  if (r.optimize !== undefined) {
    const o = r.optimize as unknown;
    const price = typeof o === "object" && o !== null ? (o as { usdPerKgCo2e?: unknown }).usdPerKgCo2e : undefined;
    const ok = o === "cost" || o === "carbon" || (typeof price === "number" && Number.isFinite(price) && price >= 0 && Object.keys(o as object).length === 1);
    v.check(ok, "optimize", o, `use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }`);
  }
  if (r.maxRuntimeHours !== undefined) {
    v.check(Number.isFinite(r.maxRuntimeHours) && r.maxRuntimeHours > 0 && r.maxRuntimeHours <= MAX_RUNTIME_HOURS, "maxRuntimeHours", r.maxRuntimeHours, `use a number of hours above 0, at most ${MAX_RUNTIME_HOURS} (14 days)`);
  }
  if (r.regions !== undefined) {
    v.check(Array.isArray(r.regions) && r.regions.length > 0, "regions", r.regions, "use at least one region, or leave regions out to allow any");
    const known = catalogRegions(undefined, catalog);
    for (const region of r.regions) {
      v.check(known.includes(region), "regions", region, `use a region the catalog knows (closest: ${closest(region, known).join(", ")})`);
    }
  }
  if (r.zones !== undefined) {
    v.check(Array.isArray(r.zones) && r.zones.length > 0, "zones", r.zones, "use at least one AWS zone ID, or leave zones out to allow any");
    const known = catalogZones(catalog);
    for (const zone of r.zones) {
      if (known.includes(zone)) continue;
      const region = AWS_ZONE_NAME.exec(zone)?.[1];
      const idsThere = region ? catalogZonesOfRegion(region, catalog) : [];
      if (idsThere.length > 0) {
        v.fail("zones", zone, `use AWS zone IDs, not zone names (a name maps to a different zone in each account); ${region} has ${idsThere.join(", ")}`);
      }
      v.fail("zones", zone, `use an AWS zone ID the catalog knows, e.g. use1-az4 (closest: ${closest(zone, known).join(", ")})`);
    }
  }
}

/** The ranking without validation or errors: used for the plan and for its relaxations. */
function rank(r: Requirements, catalog: CatalogData, data: PlannerData): PlacementPlan {
  const interconnect = r.interconnect ?? "required";
  const spot = r.spot ?? false;
  const hours = r.maxRuntimeHours ?? DEFAULT_RUNTIME_HOURS;
  const energy = data.energy ?? COMMITTED_ENERGY;
  const accelerators = r.accelerator === undefined ? undefined : [r.accelerator].flat().map((a) => a.toLowerCase());
  const excluded = (p: Pick<Placement, "cloud" | "region" | "zone" | "instanceType">) => r.excludePlacements?.includes(placementKey(p)) ?? false;
  const owned = poolCandidates(data.pools ?? [], r, interconnect, accelerators, hours, excluded);
  const rejected: RejectedCandidate[] = [...owned.rejected];
  const feasible: Placement[] = [...owned.placements];

  for (const o of catalog.offerings) {
    const nodes = Math.ceil(r.gpus / o.gpusPerNode);
    const why = offeringProblem(o, r, nodes, interconnect, accelerators);
    if (why) {
      rejected.push({ cloud: o.cloud, instanceType: o.instanceType, reason: why });
      continue;
    }
    const powerKw = roundTo((nodes * nodePowerWatts(o).totalWatts) / 1000);
    for (const l of o.locations) {
      const price = spot ? l.spotUsdPerHour : l.usdPerHour;
      const problem = locationProblem(l, r, spot, nodes, price) ??
        (excluded({ cloud: o.cloud, region: l.region, zone: l.zone, instanceType: o.instanceType })
          ? "excluded (excludePlacements), e.g. after a capacity error in an earlier attempt"
          : undefined);
      if (problem) {
        rejected.push({ cloud: o.cloud, instanceType: o.instanceType, region: l.region, ...(l.zone ? { zone: l.zone } : {}), reason: problem });
        continue;
      }
      feasible.push({
        rank: 0,
        cloud: o.cloud,
        region: l.region,
        ...(l.zone ? { zone: l.zone } : {}),
        instanceType: o.instanceType,
        accelerator: o.accelerator,
        gpusPerNode: o.gpusPerNode,
        nodes,
        gpus: nodes * o.gpusPerNode,
        gpuMemoryGiB: o.gpuMemoryGiB,
        memoryGiB: nodes * o.memoryGiB,
        spot,
        usdPerNodeHour: price!,
        usdPerHour: roundTo(price! * nodes),
        fabric: { kind: o.fabric.kind, interfaces: o.fabric.interfaces, gbpsPerNode: o.fabric.gbpsPerNode },
        fabricGbpsPerNode: o.fabric.gbpsPerNode,
        ...carbonOf(powerKw, energy.pue(o.cloud), energy.gridKgCo2ePerKwh(o.cloud, l.region), hours),
      });
    }
  }

  feasible.sort(placementOrder(r.prefer ?? "owned", interconnect, r.optimize ?? "cost"));
  return { placements: feasible.map((p, i) => describedPlacement({ ...p, rank: i + 1 })), rejected };
}

function offeringProblem(o: Offering, r: Requirements, nodes: number, interconnect: Interconnect, accelerators: string[] | undefined): string | undefined {
  if (r.clouds && !r.clouds.includes(o.cloud)) return `cloud ${o.cloud} is not in clouds [${r.clouds.join(", ")}]`;
  if (accelerators && !accelerators.includes(o.accelerator.toLowerCase())) {
    return acceleratorMismatch(o.accelerator, r.accelerator!);
  }
  if (r.minGpuMemoryGiB !== undefined && o.gpuMemoryGiB < r.minGpuMemoryGiB) {
    return `${o.gpuMemoryGiB} GiB per GPU is less than minGpuMemoryGiB ${r.minGpuMemoryGiB}`;
  }
  if (r.minGpusPerNode !== undefined && o.gpusPerNode < r.minGpusPerNode) {
    return `${plural(o.gpusPerNode, "GPU")} per node is less than minGpusPerNode ${r.minGpusPerNode}`;
  }
  if (interconnect === "required" && nodes > 1 && o.fabric.kind === "none") {
    return `needs ${nodes} nodes but has no node-to-node fabric (interconnect: required)`;
  }
  if (o.cloud === "azure" && nodes > AZURE_MAX_NODES_PER_CLUSTER) {
    return `needs ${nodes} nodes; one Azure scale set with a single placement group holds at most ${AZURE_MAX_NODES_PER_CLUSTER}`;
  }
  if (r.memoryGiB !== undefined && nodes * o.memoryGiB < r.memoryGiB) {
    return `${plural(nodes, "node")} x ${o.memoryGiB} GiB = ${nodes * o.memoryGiB} GiB host memory is less than memoryGiB ${r.memoryGiB}`;
  }
  return undefined;
}

function locationProblem(
  l: OfferingLocation, r: Requirements, spot: boolean, nodes: number, price: number | undefined,
): string | undefined {
  if (r.regions && !r.regions.includes(l.region)) return `region ${l.region} is not in regions [${r.regions.join(", ")}]`;
  if (r.zones) {
    if (l.zone === undefined) return "the catalog prices this offering per region, not per zone, so it cannot meet zones";
    if (!r.zones.includes(l.zone)) return `zone ${l.zone} is not in zones [${r.zones.join(", ")}]`;
  } else if (l.localZone) {
    return `zone ${l.zone} is a Local Zone, which needs an opt-in: name it in zones to allow it`;
  }
  if (price === undefined) return `the catalog has no ${spot ? "spot" : "on-demand"} price here`;
  const total = roundTo(price * nodes);
  if (r.maxUsdPerHour !== undefined && total > r.maxUsdPerHour) {
    return `${plural(nodes, "node")} x $${price}/h = $${total}/h is more than maxUsdPerHour ${r.maxUsdPerHour}`;
  }
  return undefined;
}

/** Relaxes one requirement at a time and returns the best placement each relaxation allows. */
function alternatives(r: Requirements, catalog: CatalogData, data: PlannerData): { relaxed: string; placement: Placement }[] {
  // Relaxing a requirement that was not given would rank the same infeasible requirements again.
  const without = (field: keyof Requirements): Requirements | undefined => (r[field] === undefined ? undefined : { ...r, [field]: undefined });
  const relaxations: [string, Requirements | undefined][] = [
    ["without maxUsdPerHour", without("maxUsdPerHour")],
    ["in any region", without("regions")],
    ["in any zone", without("zones")],
    ["on any cloud", without("clouds")],
    ["in any pool", without("pools")],
    ["with any accelerator", without("accelerator")],
    ["without minGpuMemoryGiB", without("minGpuMemoryGiB")],
    ["without memoryGiB", without("memoryGiB")],
    ["without minGpusPerNode", without("minGpusPerNode")],
    ["on-demand instead of spot", r.spot ? { ...r, spot: false } : undefined],
    ["spot instead of on-demand", !r.spot ? { ...r, spot: true } : undefined],
    ["with interconnect: none", r.interconnect !== "none" ? { ...r, interconnect: "none" } : undefined],
  ];
  const out: { relaxed: string; placement: Placement }[] = [];
  for (const [relaxed, req] of relaxations) {
    if (!req) continue;
    const best = rank(req, catalog, data).placements[0];
    if (best) out.push({ relaxed, placement: best });
  }
  if (out.length === 0) {
    const best = rank({ gpus: r.gpus, interconnect: r.interconnect }, catalog, data).placements[0];
    if (best) out.push({ relaxed: `keeping only gpus${r.interconnect ? " and interconnect" : ""}`, placement: best });
  }
  return out;
}

/** A placement's identity: `cloud/region/zone/instanceType` (zone empty when region-level; an owned pool: `onprem/<site>//<pool>`). */
export function placementKey(p: { cloud: string; region: string; zone?: string | undefined; instanceType: string }): string {
  return `${p.cloud}/${p.region}/${p.zone ?? ""}/${p.instanceType}`;
}
