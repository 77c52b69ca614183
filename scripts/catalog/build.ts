import { ACCELERATORS } from "../../lib/catalog/accelerators";
import type { CatalogData, CatalogSource, ExcludedOffering, Offering, OfferingLocation } from "../../lib/catalog/types";
import type { GpuCloud } from "../../lib/core/types";
import { parseCsv } from "./csv";
import { EXCLUSIONS, INSTANCE_FACTS, SOURCES, type Exclusion, type InstanceFacts } from "./facts";

/** The source texts the catalog is built from. */
export interface CatalogSourceTexts {
  /** AWS rows in SkyPilot's catalog v9 schema. */
  readonly aws: string;
  /** Azure rows in SkyPilot's catalog v6 schema. */
  readonly azure: string;
  /** Extra AWS rows (types the extract lacks), in the supplement schema with a GpuMemoryMiB column. */
  readonly awsSupplement?: string;
}

/** What the build is told besides the source texts. */
export interface BuildOptions {
  /** ISO date recorded as the build date. */
  readonly builtAt: string;
  /** @default INSTANCE_FACTS */
  readonly facts?: Readonly<Record<string, InstanceFacts>>;
  /** @default EXCLUSIONS */
  readonly exclusions?: readonly Exclusion[];
  /** @default SOURCES */
  readonly sources?: readonly CatalogSource[];
}

interface Row {
  readonly cloud: GpuCloud;
  readonly instanceType: string;
  readonly accelerator: string;
  readonly gpus: number;
  readonly gpuMemoryGiB?: number;
  readonly vCpus: number;
  readonly memoryGiB: number;
  readonly location: OfferingLocation;
  readonly where: string;
}

/**
 * Builds the catalog from source CSV texts plus the curated facts (fabric, corrections,
 * exclusions). Pure and deterministic: the same inputs give the same JSON.
 * Throws on a malformed row, naming the file and row.
 */
export function buildCatalog(texts: CatalogSourceTexts, options: BuildOptions): CatalogData {
  const facts = options.facts ?? INSTANCE_FACTS;
  const exclusions = options.exclusions ?? EXCLUSIONS;
  const rows: Row[] = [
    ...parseCsv(texts.aws).map((r, i) => awsRow(r, `aws row ${i + 2}`)),
    ...(texts.awsSupplement ? parseCsv(texts.awsSupplement).map((r, i) => awsRow(r, `aws supplement row ${i + 2}`)) : []),
    ...parseCsv(texts.azure).map((r, i) => azureRow(r, `azure row ${i + 2}`)),
  ];

  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.cloud}:${row.instanceType}`;
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }

  const offerings: Offering[] = [];
  const excluded: ExcludedOffering[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const exclusion = exclusions.find((e) => e.cloud === first.cloud && e.pattern.test(first.instanceType));
    if (exclusion) {
      excluded.push({ cloud: first.cloud, instanceType: first.instanceType, reason: exclusion.reason });
      continue;
    }
    offerings.push(toOffering(group, facts[first.instanceType]));
  }

  offerings.sort((a, b) => compare(a.cloud, b.cloud) || compare(a.instanceType, b.instanceType));
  excluded.sort((a, b) => compare(a.cloud, b.cloud) || compare(a.instanceType, b.instanceType));
  return { schema: 1, builtAt: options.builtAt, sources: options.sources ?? SOURCES, offerings, excluded };
}

function toOffering(group: Row[], facts: InstanceFacts | undefined): Offering {
  const first = group[0]!;
  for (const row of group) {
    for (const field of ["accelerator", "gpus", "vCpus", "memoryGiB"] as const) {
      if (row[field] !== first[field]) {
        throw new Error(`${row.where}: ${first.instanceType} has ${field} ${row[field]}, earlier rows say ${first[field]}`);
      }
    }
  }
  const accelerator = facts?.accelerator ?? first.accelerator;
  const known = ACCELERATORS[accelerator];
  if (!known) throw new Error(`${first.where}: ${first.instanceType} has accelerator ${accelerator}, which the accelerator table lacks`);

  const seen = new Set<string>();
  const locations: OfferingLocation[] = [];
  for (const row of group) {
    const key = `${row.location.region}/${row.location.zone ?? ""}`;
    if (seen.has(key)) throw new Error(`${row.where}: ${first.instanceType} is listed twice for ${key}`);
    seen.add(key);
    locations.push(row.location);
  }
  locations.sort((a, b) => compare(a.region, b.region) || compare(a.zone ?? "", b.zone ?? ""));

  const gpuMemoryGiB = facts?.gpuMemoryGiB ?? first.gpuMemoryGiB ?? known.memoryGiB;
  const offering: Offering = {
    cloud: first.cloud,
    instanceType: first.instanceType,
    accelerator,
    gpusPerNode: facts?.gpusPerNode ?? first.gpus,
    gpuMemoryGiB: Math.round(gpuMemoryGiB * 10) / 10,
    gpuTdpWatts: facts?.gpuTdpWatts ?? known.tdpWatts,
    vCpus: first.vCpus,
    memoryGiB: first.memoryGiB,
    fabric: facts?.fabric ?? { kind: "none", interfaces: 0, gbpsPerNode: 0 },
    locations,
    ...(facts?.vmGenerations ? { vmGenerations: facts.vmGenerations } : {}),
    ...(facts?.encryptionAtHost !== undefined ? { encryptionAtHost: facts.encryptionAtHost } : {}),
    ...(facts?.notes ? { notes: facts.notes } : {}),
  };
  return offering;
}

function awsRow(r: Record<string, string>, where: string): Row {
  const zone = r.AvailabilityZone || undefined;
  const memMiB = r.GpuMemoryMiB ?? /'SizeInMiB':\s*(\d+)/.exec(r.GpuInfo ?? "")?.[1];
  return {
    cloud: "aws",
    instanceType: required(r, "InstanceType", where),
    accelerator: required(r, "AcceleratorName", where),
    gpus: positive(r, "AcceleratorCount", where),
    ...(memMiB ? { gpuMemoryGiB: Number(memMiB) / 1024 } : {}),
    vCpus: positive(r, "vCPUs", where),
    memoryGiB: positive(r, "MemoryGiB", where),
    location: {
      region: required(r, "Region", where),
      ...(zone ? { zone } : {}),
      ...(zone && isLocalZone(zone) ? { localZone: true } : {}),
      ...price(r, "Price", "usdPerHour", where),
      ...price(r, "SpotPrice", "spotUsdPerHour", where),
    },
    where,
  };
}

function azureRow(r: Record<string, string>, where: string): Row {
  return {
    cloud: "azure",
    instanceType: required(r, "InstanceType", where),
    accelerator: required(r, "AcceleratorName", where),
    gpus: positive(r, "AcceleratorCount", where),
    vCpus: positive(r, "vCPUs", where),
    memoryGiB: positive(r, "MemoryGiB", where),
    location: {
      region: required(r, "Region", where),
      ...price(r, "Price", "usdPerHour", where),
      ...price(r, "SpotPrice", "spotUsdPerHour", where),
    },
    where,
  };
}

/** AWS Local Zone IDs carry a location code between the region code and the zone: `use1-atl2-az1`. */
export function isLocalZone(zoneId: string): boolean {
  return /^[a-z]+\d+-[a-z]+\d+[a-z]?-az\d+$/.test(zoneId);
}

function required(r: Record<string, string>, column: string, where: string): string {
  const v = r[column];
  if (v === undefined || v.trim() === "") throw new Error(`${where}: column ${column} is empty`);
  return v.trim();
}

function positive(r: Record<string, string>, column: string, where: string): number {
  const n = Number(required(r, column, where));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${where}: column ${column} is ${JSON.stringify(r[column])}, not a positive number`);
  return n;
}

function price<K extends string>(r: Record<string, string>, column: string, key: K, where: string): Partial<Record<K, number>> {
  const v = (r[column] ?? "").trim();
  if (v === "") return {};
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${where}: column ${column} is ${JSON.stringify(v)}, not a price`);
  return { [key]: n } as Partial<Record<K, number>>;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
