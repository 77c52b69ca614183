import { TerraformStack, Token } from "../engine/core";
import { Construct, type IConstruct } from "constructs";
import type { INetwork } from "../core/contracts";
import { Validator } from "../core/validate";
import type { PlacementFabric, PoolOffering } from "../planner/types";
import { checkPoolProps, type OnPremGpuPoolProps, type PoolContainer } from "./pool-props";
import { poolOfferingOf, type PoolRecord } from "./pool-record";
import type { SlurmScheduler } from "./slurm";

/** The brand every {@link OnPremGpuPool} carries, shared by all copies of the library. */
const POOL_BRAND: unique symbol = Symbol.for("cdktf-hybrid-gpu.OnPremGpuPool") as typeof POOL_BRAND;

/**
 * GPUs the company owns: a Slurm partition at an `OnPremSite`, with what its nodes hold, what an
 * hour of a GPU costs (stated, or amortized from the purchase) and what it emits (the site's PUE
 * and grid). It creates no cloud resource: it is a placement target. A `GpuTask` of the app
 * places on it like on a cloud offering (first, with `prefer: "owned"`, when it fits), the report
 * shows its cost and carbon, and the topology draws it inside its site. It records itself in its
 * stack's JSON (`//.hgpu_pools.<name>`, ignored by Terraform) for the tools that read the
 * synthesized app.
 *
 * Declare pools before the tasks that may use them: a task reads the app's pools when it is built.
 *
 * ```ts
 * const pool = new OnPremGpuPool(stack, "dgx", {
 *   name: "dgx-a", site: dc, scheduler: { kind: "slurm", partition: "gpu", submitHost: "login1.dc.example.com" },
 *   nodes: 4, accelerator: "H100", gpusPerNode: 8, memoryGiBPerNode: 2048,
 *   fabric: { kind: "infiniband", gbpsPerNode: 3200 }, sharedPath: "/lustre", container: "pyxis",
 *   cost: { capexUsd: 1_600_000, lifetimeYears: 4, utilization: 0.7, powerUsdPerKwh: 0.12 },
 *   pue: 1.3, gridRegion: "eu-central-1",
 * });
 * ```
 */
export class OnPremGpuPool extends Construct {
  /** Whether `x` is an `OnPremGpuPool` of any copy of this library (its brand, not `instanceof`). */
  public static isOnPremGpuPool(x: unknown): x is OnPremGpuPool {
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[POOL_BRAND] === true;
  }

  /** Every pool of the app `scope` belongs to, in construction order. */
  public static poolsOf(scope: IConstruct): OnPremGpuPool[] {
    return scope.node.root.node.findAll().filter((c): c is OnPremGpuPool => OnPremGpuPool.isOnPremGpuPool(c));
  }

  /** The pool's name, unique in the app: its placements' `instanceType`. */
  public readonly name: string;
  /** The site that hosts it. */
  public readonly site: INetwork;
  /** How jobs reach it. */
  public readonly scheduler: SlurmScheduler;
  public readonly nodes: number;
  /** Accelerator, as the catalog spells it. */
  public readonly accelerator: string;
  public readonly gpusPerNode: number;
  /** nodes x gpusPerNode. */
  public readonly gpus: number;
  public readonly memoryGiBPerNode: number;
  public readonly fabric: PlacementFabric;
  /** The parallel file system every node mounts. */
  public readonly sharedPath: string;
  public readonly container: PoolContainer;
  /** Amortized USD per GPU-hour (stated or derived). */
  public readonly usdPerGpuHour: number;
  /** Power of one node at full load (GPUs at board power + host), W. */
  public readonly nodeWatts: number;
  public readonly pue: number;
  public readonly gridKgCo2ePerKwh: number;
  /** What the stack records (and the planner's view of it through {@link offering}). */
  public readonly record: PoolRecord;

  constructor(scope: Construct, id: string, props: OnPremGpuPoolProps) {
    super(scope, id);
    Object.defineProperty(this, POOL_BRAND, { value: true, enumerable: false });
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const s = checkPoolProps(v, props);
    const twin = OnPremGpuPool.poolsOf(this).find((p) => p !== this && p.name === s.name);
    v.check(twin === undefined, "name", s.name, `use a name no other OnPremGpuPool of the app has (${twin?.node.path} has it): placements name a pool by it`);
    this.name = s.name;
    this.site = props.site;
    this.scheduler = s.scheduler;
    this.nodes = s.nodes;
    this.accelerator = s.accelerator;
    this.gpusPerNode = s.gpusPerNode;
    this.gpus = s.nodes * s.gpusPerNode;
    this.memoryGiBPerNode = s.memoryGiBPerNode;
    this.fabric = s.fabric;
    this.sharedPath = s.sharedPath;
    this.container = s.container;
    this.usdPerGpuHour = s.usdPerGpuHour;
    this.nodeWatts = s.nodeWatts;
    this.pue = s.pue;
    this.gridKgCo2ePerKwh = s.gridKgCo2ePerKwh;
    const [stack, ...path] = this.node.path.split("/");
    const [siteStack, ...sitePath] = props.site.node.path.split("/");
    this.record = { ...s, path: path.join("/"), stack: stack!, site: { name: props.site.region, stack: siteStack!, path: sitePath.join("/") } };
    TerraformStack.of(this).addOverride(`//.hgpu_pools.${s.name}`, this.record);
  }

  /** The pool as the planner takes it (a fresh copy). */
  public get offering(): PoolOffering {
    return poolOfferingOf(this.record);
  }
}
