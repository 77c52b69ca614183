/**
 * Props of an owned GPU pool and their checks (pure apart from the site reference): what the pool
 * holds, how jobs reach it, what it costs and what it emits.
 */
import { findAccelerator, ACCELERATORS } from "../catalog/accelerators";
import type { INetwork } from "../core/contracts";
import { SHORT_NAME, SHORT_NAME_RULE, type Validator } from "../core/validate";
import { gridFactorOfRegion, gridRegions, nodePowerWatts, ON_PREM_DEFAULT_PUE } from "../planner/energy";
import type { PlacementFabric } from "../planner/types";
import { checkPoolCost, type PoolCost } from "./economics";
import { checkSlurmScheduler, type SlurmScheduler } from "./slurm";

/** The fabric between a pool's nodes. */
export interface PoolFabricProps {
  /** `infiniband`, `roce` (RDMA over Converged Ethernet) or `none`. */
  readonly kind: "infiniband" | "roce" | "none";
  /** Aggregate fabric bandwidth of one node, Gbit/s (e.g. 3200 for 8 x 400 Gb/s NDR); 0 with `none`. */
  readonly gbpsPerNode: number;
  /** Fabric adapters (HCAs or RoCE NICs) per node, for the record. @default - 1, or 0 with kind none */
  readonly interfaces?: number;
}

/** How a pool runs a job's image. */
export type PoolContainer = "pyxis" | "apptainer" | "none";

/** Props of `OnPremGpuPool`. */
export interface OnPremGpuPoolProps {
  /** The pool's name, unique in the app, e.g. `dgx-a`: 2-32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** The site that hosts it (an `OnPremSite`): its name is the pool's placements' region. */
  readonly site: INetwork;
  /** How jobs reach it: a Slurm partition, and where Slurm's commands run. */
  readonly scheduler: SlurmScheduler;
  /** Nodes of the partition that jobs may use: the most one job can have. At least 1. */
  readonly nodes: number;
  /** GPU model, a name of the catalog's accelerator table (e.g. `H100`, `A100-80GB`; case-insensitive). */
  readonly accelerator: string;
  /** GPUs on one node, 1-16. */
  readonly gpusPerNode: number;
  /** Host memory of one node, GiB. */
  readonly memoryGiBPerNode: number;
  /** CPU threads of one node, for the host power model. @default - 24 per GPU (p5.48xlarge's ratio: 192 vCPUs for 8 GPUs) */
  readonly vCpusPerNode?: number;
  /** The fabric between nodes; a job on more than one node needs one. */
  readonly fabric: PoolFabricProps;
  /**
   * The cluster's parallel file system as every node mounts it, e.g. `/lustre`: runs write their
   * logs and status under it, and a task's `dataPath` is read from `<sharedPath><dataPath>`.
   */
  readonly sharedPath: string;
  /**
   * How a task's `image` runs: `pyxis` (enroot images through the pyxis plugin, `srun --container-image`),
   * `apptainer`, or `none` (tasks with an image cannot run here; a command runs on the host).
   * @default "none"
   */
  readonly container?: PoolContainer;
  /** What an hour of one GPU costs: `{ usdPerGpuHour }`, or derived from `{ capexUsd, lifetimeYears, utilization, powerUsdPerKwh }`. */
  readonly cost: PoolCost;
  /**
   * The site's power usage effectiveness: facility energy / IT energy, from 1.0 to 3.
   * @default 1.63 (IDC's estimate for on-premises enterprise data centres)
   */
  readonly pue?: number;
  /** The site's grid emission factor, kgCO2e per kWh, 0-1.5 (give this or `gridRegion`). @default - looked up from gridRegion */
  readonly gridKgCo2ePerKwh?: number;
  /**
   * A cloud region on the same grid whose factor the committed table holds, e.g. `eu-central-1` or
   * `westeurope` (give this or `gridKgCo2ePerKwh`).
   * @default - gridKgCo2ePerKwh
   */
  readonly gridRegion?: string;
}

/** The props as checked and completed. */
export interface PoolSettings {
  readonly name: string;
  readonly scheduler: SlurmScheduler;
  readonly nodes: number;
  /** The catalog's spelling. */
  readonly accelerator: string;
  readonly gpuMemoryGiB: number;
  readonly gpusPerNode: number;
  readonly memoryGiBPerNode: number;
  readonly vCpusPerNode: number;
  readonly fabric: PlacementFabric;
  readonly sharedPath: string;
  readonly container: PoolContainer;
  readonly nodeWatts: number;
  readonly pue: number;
  readonly gridKgCo2ePerKwh: number;
  /** Where the grid factor comes from, e.g. `stated` or `eu-central-1 (Cloud Carbon Footprint (country))`. */
  readonly gridBasis: string;
  readonly usdPerGpuHour: number;
  /** How the cost was reached (see `checkPoolCost`). */
  readonly costBasis: string;
}

const FABRICS = ["infiniband", "roce", "none"] as const;
const CONTAINERS: readonly PoolContainer[] = ["pyxis", "apptainer", "none"];

/** Checks every prop through `v` (naming the prop, the value and what is allowed) and completes the defaults. */
export function checkPoolProps(v: Validator, props: OnPremGpuPoolProps): PoolSettings {
  const name = v.matches("name", props.name, SHORT_NAME, SHORT_NAME_RULE);
  v.check(typeof props.site === "object" && props.site !== null && props.site.cloud === "onprem", "site", (props.site as { node?: { path: string } } | undefined)?.node?.path ?? props.site, "use an OnPremSite: the data centre that hosts the pool");
  const scheduler = checkSlurmScheduler(v, props.scheduler);
  v.integer("nodes", props.nodes, { min: 1, max: 4096 });
  const gpusPerNode = v.integer("gpusPerNode", props.gpusPerNode, { min: 1, max: 16 });
  const accelerator = typeof props.accelerator === "string" ? findAccelerator(props.accelerator) : undefined;
  if (!accelerator) v.fail("accelerator", props.accelerator, `use an accelerator of the catalog: ${Object.keys(ACCELERATORS).join(", ")}`);
  v.number("memoryGiBPerNode", props.memoryGiBPerNode, { min: 1, max: 65536 });
  const vCpus = props.vCpusPerNode ?? 24 * gpusPerNode;
  v.integer("vCpusPerNode", vCpus, { min: 1, max: 4096 });
  const fabric = checkFabric(v, props.fabric);
  v.mountPath("sharedPath", props.sharedPath);
  const container = props.container ?? "none";
  v.oneOf("container", container, CONTAINERS);
  const pue = props.pue ?? ON_PREM_DEFAULT_PUE;
  v.check(Number.isFinite(pue) && pue >= 1 && pue <= 3, "pue", pue, "use a power usage effectiveness from 1.0 (every watt reaches the IT equipment) to 3");
  const grid = checkGrid(v, props);
  const nodeWatts = nodePowerWatts({ gpusPerNode, gpuTdpWatts: accelerator.tdpWatts, vCpus, memoryGiB: props.memoryGiBPerNode }).totalWatts;
  const cost = checkPoolCost(v, props.cost, { nodes: props.nodes, gpusPerNode, nodeWatts, pue });
  return {
    name, scheduler, nodes: props.nodes, accelerator: accelerator.name, gpuMemoryGiB: accelerator.memoryGiB, gpusPerNode,
    memoryGiBPerNode: props.memoryGiBPerNode, vCpusPerNode: vCpus, fabric, sharedPath: props.sharedPath, container, nodeWatts, pue,
    gridKgCo2ePerKwh: grid.value, gridBasis: grid.basis, usdPerGpuHour: cost.usdPerGpuHour, costBasis: cost.basis,
  };
}

function checkFabric(v: Validator, f: PoolFabricProps): PlacementFabric {
  v.check(typeof f === "object" && f !== null, "fabric", f, 'use { kind: "infiniband" | "roce" | "none", gbpsPerNode }');
  v.oneOf("fabric.kind", f.kind, FABRICS);
  if (f.kind === "none") {
    v.check(f.gbpsPerNode === 0 || f.gbpsPerNode === undefined, "fabric.gbpsPerNode", f.gbpsPerNode, "use 0 with kind none");
    v.check(f.interfaces === undefined || f.interfaces === 0, "fabric.interfaces", f.interfaces, "use 0 (or leave it out) with kind none");
    return { kind: "none", interfaces: 0, gbpsPerNode: 0 };
  }
  v.check(Number.isFinite(f.gbpsPerNode) && f.gbpsPerNode > 0 && f.gbpsPerNode <= 25600, "fabric.gbpsPerNode", f.gbpsPerNode, `use the Gbit/s of one node's ${f.kind} adapters together, above 0 and at most 25600 (e.g. 3200 for 8 x 400 Gb/s)`);
  const interfaces = f.interfaces ?? 1;
  v.integer("fabric.interfaces", interfaces, { min: 1, max: 32 });
  return { kind: f.kind, interfaces, gbpsPerNode: f.gbpsPerNode };
}

function checkGrid(v: Validator, props: OnPremGpuPoolProps): { value: number; basis: string } {
  v.check((props.gridKgCo2ePerKwh === undefined) !== (props.gridRegion === undefined), "gridKgCo2ePerKwh", props.gridKgCo2ePerKwh, "give either gridKgCo2ePerKwh (the site's grid factor, kgCO2e/kWh) or gridRegion (a cloud region on the same grid), not both nor neither");
  if (props.gridKgCo2ePerKwh !== undefined) {
    v.number("gridKgCo2ePerKwh", props.gridKgCo2ePerKwh, { min: 0, max: 1.5 });
    return { value: props.gridKgCo2ePerKwh, basis: "stated" };
  }
  const rate = gridFactorOfRegion(String(props.gridRegion));
  if (!rate) v.fail("gridRegion", props.gridRegion, `use a region of the grid emission table: ${gridRegions().join(", ")}`);
  return { value: rate.value, basis: `${props.gridRegion} (${rate.source})` };
}
