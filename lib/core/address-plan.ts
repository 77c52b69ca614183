import type { IConstruct } from "constructs";
import { allocate, contains, overlaps, parseCidr } from "./cidr";
import { Validator } from "./validate";
import { ValidationError } from "./errors";

/**
 * What an address block belongs to. Blocks are compared only with blocks of the same kind:
 * `network` (networks and on-prem sites), `subnet`, `tunnel` (tunnel inside blocks and the APIPA
 * BGP addresses of sites and gateways, which must all be unique).
 */
export type AddressKind = "network" | "subnet" | "tunnel";

/** One address block a construct uses. */
export interface AddressEntry {
  /** The construct that owns the block. */
  readonly owner: IConstruct;
  /** The owner's prop or part that holds it, e.g. `cidr`, `subnet use1-az4`, `tunnel 1`. */
  readonly field: string;
  readonly cidr: string;
  /**
   * What the owner's prop holds, when it is not `cidr` itself (an address registered as its /32).
   * @default - the `cidr`
   */
  readonly value?: string;
  readonly kind: AddressKind;
  /**
   * The block this one must fit in (a subnet's network).
   * @default - none
   */
  readonly parent?: string;
}

/** Settings of the app-wide plan. */
export interface AddressPlanOptions {
  /** Where blocks for networks without a CIDR come from. @default "10.0.0.0/8" */
  readonly pool?: string;
  /** Size of each handed-out block. @default 16 */
  readonly prefix?: number;
}

const plans = new WeakMap<IConstruct, AddressPlan>();

/**
 * The one address plan of an app: every network, on-prem site and tunnel registers its blocks
 * here, networks without a CIDR get the first free block of the pool (so the same program always
 * gets the same blocks), and each registering construct validates at synth that its blocks
 * overlap no one else's (networks and sites with each other, tunnels with each other) and that
 * its subnets fit inside it. An overlap is reported once, by the construct whose path sorts
 * first, naming both constructs and both blocks.
 */
export class AddressPlan {
  /** The plan of the app that `scope` belongs to. */
  public static of(scope: IConstruct): AddressPlan {
    const root = scope.node.root;
    let plan = plans.get(root);
    if (!plan) {
      plan = new AddressPlan();
      plans.set(root, plan);
    }
    return plan;
  }

  /**
   * Sets the pool and block size of the app's plan. Call it before the first network without a
   * CIDR is created.
   */
  public static configure(scope: IConstruct, options: AddressPlanOptions): AddressPlan {
    const plan = AddressPlan.of(scope);
    const v = new Validator(scope.node.path || "App");
    v.check(!plan.handedOut, "AddressPlan.configure", options, "configure the address plan before the first network without a cidr is created");
    if (options.pool !== undefined) plan.pool = v.cidr("pool", options.pool);
    if (options.prefix !== undefined) {
      const poolPrefix = parseCidr(plan.pool).prefix;
      plan.prefix = v.integer("prefix", options.prefix, { min: poolPrefix, max: 28 });
    }
    return plan;
  }

  /** The pool blocks are handed out from. */
  public pool = "10.0.0.0/8";
  /** Prefix length of handed-out blocks. */
  public prefix = 16;
  private readonly registry: AddressEntry[] = [];
  private handedOut = false;

  private constructor() {}

  /** Every registered block, in registration order. */
  public get entries(): readonly AddressEntry[] {
    return [...this.registry];
  }

  /** Records a block. */
  public register(entry: AddressEntry): void {
    this.registry.push(entry);
  }

  /**
   * The first block of `prefix` (default: the plan's) in the pool that overlaps no registered
   * network or site block; registration is the caller's (with its own field name).
   * @throws Error when the pool is full
   */
  public allocate(owner: IConstruct, prefix: number = this.prefix): string {
    const taken = this.registry.filter((e) => e.kind === "network").map((e) => e.cidr);
    const block = allocate(this.pool, prefix, taken);
    if (block === undefined) {
      throw new ValidationError(owner.node.path, "cidr", undefined, `set one: the address plan's pool ${this.pool} has no free /${prefix} left`);
    }
    this.handedOut = true;
    return block;
  }

  /** Validation messages for the blocks `owner` registered (empty when all is well). */
  public problemsFor(owner: IConstruct): string[] {
    const problems: string[] = [];
    const mine = this.registry.filter((e) => e.owner === owner);
    for (const a of mine) {
      if (a.parent !== undefined && !contains(a.parent, a.cidr)) {
        problems.push(new ValidationError(owner.node.path, a.field, a.cidr, `use a block inside the network's ${a.parent}`).message);
      }
      for (const b of this.registry) {
        if (b.kind !== a.kind || !overlaps(a.cidr, b.cidr)) continue;
        if (a.kind === "subnet" && b.owner !== a.owner) continue; // subnets of different networks are covered by their networks
        if (!this.reportsFirst(a, b)) continue;
        const what = a.kind === "tunnel" ? "tunnel" : a.kind === "subnet" ? "subnet of the same network" : "network or on-prem site";
        const allowed = a.value !== undefined ? "use an address that no tunnel or other APIPA BGP address of the app uses" : `use a block that overlaps no other ${what}`;
        problems.push(new ValidationError(owner.node.path, a.field, a.value ?? a.cidr, `${allowed}: it overlaps ${b.field} ${b.value ?? b.cidr} of ${b.owner.node.path}`).message);
      }
    }
    return problems;
  }

  /** Whether `a` reports its overlap with `b` (never with itself: an entry does not come before itself). */
  private reportsFirst(a: AddressEntry, b: AddressEntry): boolean {
    if (a.owner === b.owner) return this.registry.indexOf(a) < this.registry.indexOf(b);
    return a.owner.node.path < b.owner.node.path;
  }
}

/**
 * Registers a construct's blocks with the app's plan and makes the construct validate them at
 * synth. Networks, sites and links call this once with all their blocks.
 */
export function registerAddresses(owner: IConstruct, entries: readonly Omit<AddressEntry, "owner">[]): void {
  const plan = AddressPlan.of(owner);
  for (const e of entries) plan.register({ ...e, owner });
  owner.node.addValidation({ validate: () => AddressPlan.of(owner).problemsFor(owner) });
}
