/**
 * Hand-made catalogs, energy tables and an owned pool for the planner tests: figures small enough
 * to work out by hand, so no expected value comes from the planner itself.
 */
import type { CatalogData, Offering } from "../../lib/catalog/types";
import type { GpuCloud } from "../../lib/core/types";
import type { EnergyTables } from "../../lib/planner/energy";
import type { PoolOffering } from "../../lib/planner/types";

/** An AWS offering of 8 x 1000 W H100 with 32 EFA interfaces and no host to speak of: 8 x 1000 x 1.1 = 8.8 kW a node by the host power model. */
export function offering(partial: Partial<Offering> & Pick<Offering, "instanceType">): Offering {
  return {
    cloud: "aws", accelerator: "H100", gpusPerNode: 8, gpuMemoryGiB: 80, gpuTdpWatts: 1000, vCpus: 0, memoryGiB: 0,
    fabric: { kind: "efa", interfaces: 32, gbpsPerNode: 3200 }, locations: [], ...partial,
  };
}

/** A catalog of just these offerings. */
export function catalogOf(...offerings: Offering[]): CatalogData {
  return { schema: 1, builtAt: "2026-01-01", sources: [], excluded: [], offerings };
}

/** 8 GPUs a node on AWS, per region: r1 at $10/h, r2 at $15/h. */
export const A_8GPU = offering({ instanceType: "a.8gpu", locations: [{ region: "r1", usdPerHour: 10 }, { region: "r2", usdPerHour: 15 }] });
/** 8 GPUs a node on Azure with InfiniBand, in az1 at $12/h. */
export const B_8GPU = offering({ cloud: "azure", instanceType: "B_8gpu", fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 }, locations: [{ region: "az1", usdPerHour: 12 }] });

/** Hand-made grid factors (kgCO2e/kWh) by region: r1 0.4, r2 0.1, az1 0.2; any other region unknown. */
export const GRID: Readonly<Record<string, number>> = { r1: 0.4, r2: 0.1, az1: 0.2 };
/** {@link GRID} and a PUE of 1.1 on AWS, 1.2 on Azure. */
export const energy: EnergyTables = { gridKgCo2ePerKwh: (_c: GpuCloud, region: string) => GRID[region], pue: (c: GpuCloud) => (c === "aws" ? 1.1 : 1.2) };

/** 2 nodes of 8 H100 at $1.50 per GPU-hour, 8.8 kW a node, PUE 1.5, grid 0.3. */
export const pool: PoolOffering = {
  name: "dgx-a", site: "fra-dc1", accelerator: "H100", gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 2, memoryGiBPerNode: 1024,
  fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 }, usdPerGpuHour: 1.5, nodeWatts: 8800, pue: 1.5, gridKgCo2ePerKwh: 0.3,
};

// Placement keys of the offerings and the pool above.
export const R1 = "aws/r1//a.8gpu", R2 = "aws/r2//a.8gpu", AZ = "azure/az1//B_8gpu", POOL = "onprem/fra-dc1//dgx-a";
