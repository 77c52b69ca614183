import type { FabricKind, GpuCloud } from "../core/types";
import type { Validator } from "../core/validate";
import data from "./data/catalog.json";
import type { CatalogData, CatalogSource, Offering, OfferingFabric, OfferingLocation } from "./types";

/** The committed catalog (see `scripts/update-catalog.ts`). */
export const CATALOG: CatalogData = data as CatalogData;

/** One value or a list of values, any of which matches. */
export type OneOrMany<T> = T | readonly T[];

/** Criteria for {@link findOfferings}; every given field must match. */
export interface OfferingQuery {
  /** Cloud(s). @default - any */
  readonly cloud?: OneOrMany<GpuCloud>;
  /** Instance type(s) or VM size(s), exact (case-insensitive). @default - any */
  readonly instanceType?: OneOrMany<string>;
  /** Accelerator name(s), e.g. `H100` (case-insensitive). @default - any */
  readonly accelerator?: OneOrMany<string>;
  /** Exactly this many GPUs per node. @default - any */
  readonly gpusPerNode?: number;
  /** At least this many GPUs per node. @default - any */
  readonly minGpusPerNode?: number;
  /** At least this much memory per GPU, in GiB. @default - any */
  readonly minGpuMemoryGiB?: number;
  /** At least this much host memory per node, in GiB. @default - any */
  readonly minMemoryGiB?: number;
  /** Fabric kind(s). @default - any */
  readonly fabric?: OneOrMany<FabricKind>;
  /** At least this much fabric bandwidth per node, in Gbit/s. @default - any */
  readonly minFabricGbps?: number;
  /** Region(s): offerings keep only their locations in these regions. @default - any */
  readonly region?: OneOrMany<string>;
  /** AWS zone ID(s): offerings keep only their locations in these zones. @default - any */
  readonly zone?: OneOrMany<string>;
}

function list<T>(v: OneOrMany<T> | undefined): readonly T[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function matchesText(value: string, wanted: readonly string[] | undefined): boolean {
  return wanted === undefined || wanted.some((w) => w.toLowerCase() === value.toLowerCase());
}

/**
 * Offerings that match every given criterion, in catalog order (cloud, then type). When the query
 * names regions or zones, each offering's `locations` is narrowed to them, and offerings sold in
 * none of them are left out.
 */
export function findOfferings(query: OfferingQuery = {}, catalog: CatalogData = CATALOG): Offering[] {
  const clouds = list(query.cloud);
  const types = list(query.instanceType);
  const accelerators = list(query.accelerator);
  const fabrics = list(query.fabric);
  const regions = list(query.region);
  const zones = list(query.zone);
  const out: Offering[] = [];
  for (const o of catalog.offerings) {
    if (clouds && !clouds.includes(o.cloud)) continue;
    if (!matchesText(o.instanceType, types)) continue;
    if (!matchesText(o.accelerator, accelerators)) continue;
    if (query.gpusPerNode !== undefined && o.gpusPerNode !== query.gpusPerNode) continue;
    if (query.minGpusPerNode !== undefined && o.gpusPerNode < query.minGpusPerNode) continue;
    if (query.minGpuMemoryGiB !== undefined && o.gpuMemoryGiB < query.minGpuMemoryGiB) continue;
    if (query.minMemoryGiB !== undefined && o.memoryGiB < query.minMemoryGiB) continue;
    if (fabrics && !fabrics.includes(o.fabric.kind)) continue;
    if (query.minFabricGbps !== undefined && o.fabric.gbpsPerNode < query.minFabricGbps) continue;
    if (regions || zones) {
      const locations = o.locations.filter(
        (l: OfferingLocation) => matchesText(l.region, regions) && (zones === undefined || (l.zone !== undefined && matchesText(l.zone, zones))),
      );
      if (locations.length === 0) continue;
      out.push({ ...o, locations });
    } else {
      out.push(o);
    }
  }
  return out;
}

/** The network cards of an AWS type that carry EFA, in order (every card unless the catalog says otherwise). */
export function efaCardsOf(fabric: OfferingFabric): number[] {
  if (fabric.kind !== "efa") return [];
  return fabric.efaCards ? [...fabric.efaCards] : Array.from({ length: fabric.networkCards ?? fabric.interfaces }, (_, i) => i);
}

/** The offering of an instance type or VM size (case-insensitive), or undefined. */
export function getOffering(instanceType: string, catalog: CatalogData = CATALOG): Offering | undefined {
  return catalog.offerings.find((o) => o.instanceType.toLowerCase() === instanceType.toLowerCase());
}

/** Names of the accelerators that at least one offering carries, sorted. */
export function offeredAccelerators(catalog: CatalogData = CATALOG): string[] {
  return [...new Set(catalog.offerings.map((o) => o.accelerator))].sort();
}

/** Regions that sell at least one offering of a cloud (or of any cloud), sorted. */
export function catalogRegions(cloud?: GpuCloud, catalog: CatalogData = CATALOG): string[] {
  const regions = catalog.offerings.filter((o) => cloud === undefined || o.cloud === cloud).flatMap((o) => o.locations.map((l) => l.region));
  return [...new Set(regions)].sort();
}

/** AWS zone IDs the catalog records, sorted. */
export function catalogZones(catalog: CatalogData = CATALOG): string[] {
  const zones = catalog.offerings.flatMap((o) => o.locations.flatMap((l) => (l.zone ? [l.zone] : [])));
  return [...new Set(zones)].sort();
}

/** Zone IDs of a region that the catalog knows (Availability Zones only, no Local Zones), sorted. */
export function catalogZonesOfRegion(region: string, catalog: CatalogData = CATALOG): string[] {
  const zones = catalog.offerings.flatMap((o) => o.locations.filter((l) => l.region === region && l.zone && !l.localZone).map((l) => l.zone!));
  return [...new Set(zones)].sort();
}

/** When the catalog was built and how old its prices are, per source. */
export function catalogDate(catalog: CatalogData = CATALOG): { builtAt: string; sources: readonly CatalogSource[] } {
  return { builtAt: catalog.builtAt, sources: catalog.sources };
}

/**
 * The sources' names and price dates, one after the other (pure), e.g.
 * `AWS p-series catalog 2026-01-22, AWS g5/g6e supplement 2026-08-17, Azure catalog (date unknown)`.
 */
export function describeCatalogSources(sources: readonly CatalogSource[]): string {
  return sources.map((s) => `${s.label} ${s.pricesAsOf ?? "(date unknown)"}`).join(", ");
}

/** How a construct names the offering it wants: a type, or an accelerator and GPU count. */
export interface OfferingSpec {
  /** Instance type or VM size. */
  readonly instanceType?: string;
  /** Accelerator, with `gpusPerNode`, when no type is given (or to double-check it). */
  readonly accelerator?: string;
  /** GPUs per node, with `accelerator` (or to double-check the type). */
  readonly gpusPerNode?: number;
}

/**
 * The offering a cluster construct asked for: the named type (checked against `accelerator` and
 * `gpusPerNode` when given too), or else the cheapest type of `cloud` with that accelerator and GPU
 * count in `region`. Bad input fails through `v` with the field a user wrote: `typeField` is the
 * construct's name for the type (`instanceType`, `vmSize`).
 */
export function chooseOffering(v: Validator, cloud: GpuCloud, spec: OfferingSpec, region: string, typeField: string, catalog: CatalogData = CATALOG): Offering {
  const what = cloud === "aws" ? "an AWS GPU instance type" : "an Azure GPU VM size";
  if (spec.instanceType !== undefined) {
    const o = getOffering(spec.instanceType, catalog);
    if (!o || o.cloud !== cloud) {
      v.fail(typeField, spec.instanceType, `use ${what} from the catalog: ${findOfferings({ cloud }, catalog).map((x) => x.instanceType).join(", ")}`);
    }
    if (spec.accelerator !== undefined) {
      v.check(o.accelerator.toLowerCase() === spec.accelerator.toLowerCase(), "accelerator", spec.accelerator, `leave it out or use ${o.accelerator}, the accelerator of ${o.instanceType}`);
    }
    if (spec.gpusPerNode !== undefined) {
      v.check(o.gpusPerNode === spec.gpusPerNode, "gpusPerNode", spec.gpusPerNode, `leave it out or use ${o.gpusPerNode}, the GPU count of ${o.instanceType}`);
    }
    return o;
  }
  if (spec.accelerator === undefined || spec.gpusPerNode === undefined) {
    v.fail(typeField, undefined, `set ${typeField}, or accelerator and gpusPerNode`);
  }
  const candidates = findOfferings({ cloud, accelerator: spec.accelerator, gpusPerNode: spec.gpusPerNode }, catalog);
  if (candidates.length === 0) {
    const shapes = [...new Set(findOfferings({ cloud, accelerator: spec.accelerator }, catalog).map((o) => `${o.gpusPerNode} (${o.instanceType})`))];
    v.fail("gpusPerNode", spec.gpusPerNode, shapes.length ? `use a GPU count ${what} has for ${spec.accelerator}: ${shapes.join(", ")}` : `no ${cloud} offering in the catalog has ${spec.accelerator}`);
  }
  // the cheapest on-demand price in the region; a size without one there sorts last
  const price = (o: Offering) => Math.min(...o.locations.filter((l) => l.region === region).map((l) => l.usdPerHour ?? Infinity), Infinity);
  return [...candidates].sort((a, b) => price(a) - price(b) || b.fabric.gbpsPerNode - a.fabric.gbpsPerNode || (a.instanceType < b.instanceType ? -1 : 1))[0]!;
}

/** Azure sizes of the catalog that support encryption at host (recorded `encryptionAtHost: true`), in catalog order. */
export function encryptionAtHostSizes(catalog: CatalogData = CATALOG): string[] {
  return catalog.offerings.filter((o) => o.cloud === "azure" && o.encryptionAtHost === true).map((o) => o.instanceType);
}

/**
 * Whether a scale set of `offering` encrypts at the host: as `requested`, else on, except on a size
 * the catalog records as not supporting it (off, and `requested: true` fails through `v` on the
 * `encryptionAtHost` field, naming the size and the sizes that support it). A size without a record
 * keeps the request, on by default: Azure refuses it at apply if the size turns out not to support it.
 */
export function encryptionAtHostFor(v: Validator, offering: Offering, requested: boolean | undefined, catalog: CatalogData = CATALOG): boolean {
  if (offering.encryptionAtHost !== false) return requested ?? true;
  v.check(
    requested !== true, "encryptionAtHost", requested,
    `leave it out or set it to false: ${offering.instanceType} does not support encryption at host (its EncryptionAtHostSupported capability is False); ` +
      `sizes in the catalog that support it: ${encryptionAtHostSizes(catalog).join(", ") || "none"}`,
    `for ${offering.instanceType}`,
  );
  return false;
}
