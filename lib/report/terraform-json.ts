/**
 * Small readers over synthesized Terraform JSON (`cdk.tf.json`): blocks, references and the
 * providers' regions. Values are read by lib/core/terraform-values, the reader the policy pack
 * uses too. Pure functions, no cdktf import.
 */
import { firstBlock, numberOf, objectOf, stringOf } from "../core/terraform-values";

/** A parsed `cdk.tf.json` (or any JSON object). */
export type TerraformJson = Readonly<Record<string, unknown>>;

/** One resource's arguments. */
export type ResourceArgs = Readonly<Record<string, unknown>>;

/** A resource of a stack: its type, logical name and arguments. */
export interface TfResource {
  readonly type: string;
  readonly name: string;
  readonly args: ResourceArgs;
}

/** Every resource of one type in a stack, in file order. */
export function resourcesOf(tf: TerraformJson, type: string): TfResource[] {
  return Object.entries(objectOf(objectOf(tf.resource)[type])).map(([name, args]) => ({ type, name, args: objectOf(args) }));
}

/** Every resource of a stack, of every type, in file order. */
export function allResources(tf: TerraformJson): TfResource[] {
  return Object.keys(objectOf(tf.resource)).flatMap((type) => resourcesOf(tf, type));
}

/** One resource by type and name, or undefined. */
export function findResource(tf: TerraformJson, type: string, name: string): TfResource | undefined {
  const args = objectOf(objectOf(tf.resource)[type])[name];
  return args === undefined ? undefined : { type, name, args: objectOf(args) };
}

/** The first block of a nested block argument, or an empty object. */
export function first(v: unknown): ResourceArgs {
  return firstBlock(v) ?? {};
}

/** An argument read as a block (blocks synthesize as objects or lists of them), or an empty object. */
export function block(args: ResourceArgs, key: string): ResourceArgs {
  return first(args[key]);
}

/** A number argument (numbers may synthesize as strings), or undefined. */
export const num = numberOf;

/** A string argument, or undefined. */
export const str = stringOf;

/** The resource a Terraform expression such as `${aws_vpc.net_vpc_1.id}` refers to (the first reference). */
export function refTarget(v: unknown): { type: string; name: string } | undefined {
  const m = typeof v === "string" ? /\$\{([a-z][a-z0-9_]*)\.([^.}\s]+)[.}]/.exec(v) : null;
  return m ? { type: m[1]!, name: m[2]! } : undefined;
}

/** The construct path cdktf records in a resource's `//` metadata, e.g. `stack/aws-network/vpc`. */
export function constructPath(r: TfResource): string | undefined {
  return str(objectOf(objectOf(r.args["//"]).metadata).path);
}

/** The construct a resource belongs to: its path without the stack and the resource's own id, e.g. `aws-network`, `task/cluster`. */
export function ownerId(r: TfResource): string {
  const parts = (constructPath(r) ?? "").split("/").slice(1, -1);
  return parts.length ? parts.join("/") : r.name;
}

/**
 * The region of the AWS provider a resource uses (its `provider` alias, else the default one).
 * @default - undefined when the stack has no AWS provider with a region
 */
export function awsRegion(tf: TerraformJson, r?: TfResource): string | undefined {
  const providers = (objectOf(tf.provider).aws as unknown[] | undefined) ?? [];
  const alias = str(r?.args.provider)?.split(".")[1];
  const p = providers.map(objectOf).find((c) => (alias === undefined ? c.alias === undefined : c.alias === alias));
  return str(p?.region);
}

/** The GpuTask metadata of a stack (`//.hgpu_tasks`). */
export function taskMetadata(tf: TerraformJson): Record<string, Record<string, unknown>> {
  const tasks = objectOf(objectOf(tf["//"]).hgpu_tasks);
  return Object.fromEntries(Object.entries(tasks).map(([k, v]) => [k, objectOf(v)]));
}

/** The `${...}` expressions in a value (nested braces inside an expression are kept whole). */
function expressions(v: unknown): string[] {
  const text = typeof v === "string" ? v : JSON.stringify(v ?? null);
  const found: string[] = [];
  for (let i = text.indexOf("${"); i >= 0; i = text.indexOf("${", i + 2)) {
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}" && --depth === 0) {
        found.push(text.slice(i + 2, j));
        break;
      }
    }
  }
  return found;
}

/** A block's address: `aws_vpc.net` or `data.aws_partition.p`. */
export type Address = string;

/**
 * What a resource (or data source) directly depends on: the resources and data sources its
 * arguments refer to, and its `depends_on`. Only blocks that exist in the stack are returned.
 */
export function directDependencies(tf: TerraformJson, address: Address): Address[] {
  const [kind, type, name] = address.startsWith("data.") ? ["data", ...address.slice(5).split(".")] : ["resource", ...address.split(".")];
  const args = objectOf(objectOf(objectOf(tf[kind!])[type!])[name!]);
  const exists = (a: string) => {
    const d = a.startsWith("data.");
    const [t, n] = (d ? a.slice(5) : a).split(".");
    return objectOf(objectOf(tf[d ? "data" : "resource"])[t!])[n!] !== undefined;
  };
  const refs = new Set<Address>();
  const { depends_on: dependsOn, ...rest } = args;
  for (const e of expressions(rest)) {
    for (const m of e.matchAll(/(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
      const a = `${m[1] ?? ""}${m[2]}.${m[3]}`;
      if (exists(a)) refs.add(a);
    }
  }
  for (const d of Array.isArray(dependsOn) ? dependsOn : []) if (typeof d === "string" && exists(d)) refs.add(d);
  refs.delete(address);
  return [...refs];
}

/** Everything a resource depends on, directly or not: what Terraform must create before it. */
export function dependencyClosure(tf: TerraformJson, address: Address): Set<Address> {
  const seen = new Set<Address>();
  const todo = [address];
  while (todo.length) {
    for (const d of directDependencies(tf, todo.pop()!)) {
      if (!seen.has(d)) {
        seen.add(d);
        todo.push(d);
      }
    }
  }
  return seen;
}
