import { TerraformResource, TerraformStack } from "../../engine/core";
import type { IConstruct } from "constructs";
import { isGpuCluster } from "../../core/contracts";
import { isObject, objectOf } from "../../core/terraform-values";
import { isWithin } from "./helpers";
import type { ElementView, L1View, StackView, VariableView } from "./types";

/** A stack's view plus the construct behind each resource address (absent for resources written with `stack.addOverride`). */
export interface SynthesizedStack {
  /** The plain view the rules read. */
  readonly view: StackView;
  /** The construct of each resource, by Terraform address. */
  readonly constructs: ReadonlyMap<string, TerraformResource>;
}

/**
 * Reads a stack as Terraform will: `stack.toTerraform()` (every element's `toTerraform()` with
 * its `addOverride`s merged, plus the stack's own overrides, tokens resolved to `${...}`
 * expressions), so hand-written resources and overrides are judged like the library's own.
 */
export function synthesizeStackView(stack: TerraformStack, views: Map<TerraformStack, StackView> = new Map()): SynthesizedStack {
  const tf = stack.toTerraform() as Record<string, unknown>;
  const byAddress = new Map<string, TerraformResource>();
  for (const c of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(c)) byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
  }
  const resources: L1View[] = [];
  const dataSources: ElementView[] = [];
  const providers: Record<string, Readonly<Record<string, unknown>>[]> = {};
  const modules: L1View[] = [];
  const variables: Record<string, VariableView> = {};
  const outputs: Record<string, unknown> = {};
  const locals: Record<string, unknown> = isObject(tf.locals) ? { ...tf.locals } : {};
  let others: readonly StackView[] | undefined;
  const view: StackView = {
    path: stack.node.path, resources, dataSources, modules, providers, variables, locals, outputs,
    otherStacks: () => (others ??= otherStacksOf(stack, views)),
  };
  views.set(stack, view);

  for (const [name, raw] of Object.entries(isObject(tf.variable) ? tf.variable : {})) {
    const v = isObject(raw) ? raw : {};
    variables[name] = { hasDefault: "default" in v && v.default !== undefined, ...("default" in v ? { default: v.default } : {}), sensitive: v.sensitive === true };
  }
  for (const [name, raw] of Object.entries(isObject(tf.output) ? tf.output : {})) {
    if (isObject(raw)) outputs[name] = raw.value;
  }
  const modulePaths = new Map(stack.node.findAll().filter(isModule).map((m) => [m.friendlyUniqueId, m.node.path]));
  const taskPaths = taskPathsOf(stack, tf);
  for (const [name, raw] of Object.entries(isObject(tf.module) ? tf.module : {})) {
    const config = withoutMetadata(raw);
    modules.push({ type: "module", name, address: `module.${name}`, path: modulePaths.get(name) ?? `${stack.node.path}/module.${name}`, config, taggable: false, stack: view });
  }

  for (const [name, configs] of Object.entries(isObject(tf.provider) ? tf.provider : {})) {
    providers[name] = (Array.isArray(configs) ? configs : [configs]).filter(isObject);
  }
  for (const [type, byName] of Object.entries(isObject(tf.data) ? tf.data : {})) {
    for (const [name, raw] of Object.entries(isObject(byName) ? byName : {})) {
      dataSources.push({ type, name, address: `data.${type}.${name}`, config: withoutMetadata(raw) });
    }
  }
  for (const [type, byName] of Object.entries(isObject(tf.resource) ? tf.resource : {})) {
    for (const [name, raw] of Object.entries(isObject(byName) ? byName : {})) {
      const address = `${type}.${name}`;
      const construct = byAddress.get(address);
      const config = withoutMetadata(raw);
      const taskPath = construct ? taskPaths.find((p) => isWithin(construct.node.path, p)) : undefined;
      const cluster = construct ? enclosingCluster(construct) : undefined;
      const awsClusterPath = cluster?.placement.cloud === "aws" ? cluster.node.path : undefined;
      const azureClusterPath = cluster?.placement.cloud === "azure" ? cluster.node.path : undefined;
      resources.push({
        type,
        name,
        address,
        path: construct?.node.path ?? `${stack.node.path}/${address}`,
        config,
        taggable: (construct !== undefined && "tagsInput" in construct) || "tags" in config,
        ...(taskPath !== undefined ? { taskPath } : {}),
        ...(awsClusterPath !== undefined ? { awsClusterPath } : {}),
        ...(azureClusterPath !== undefined ? { azureClusterPath } : {}),
        stack: view,
      });
    }
  }
  // Only constructs that really synthesize a resource (not moved away) are reported against.
  const constructs = new Map([...byAddress].filter(([address]) => resources.some((r) => r.address === address)));
  return { view, constructs };
}

/**
 * Stack views shared by the stack validations of one synthesis, per app: judging each of 50 team
 * stacks would otherwise read the other 49 again (a rule looks across stacks), 2,450 reads. cdktf
 * synthesizes stack after stack, each after its aspects ran, so a stack's view is dropped when
 * aspects visit it (they may still change it); aspects visiting a stack already judged mean a new
 * synthesis, which drops them all; and nothing outlives the tick (a synthesis runs in one).
 */
const SHARED_VIEWS = new WeakMap<IConstruct, { readonly views: Map<TerraformStack, StackView>; readonly judged: Set<TerraformStack> }>();

/** The views shared by this synthesis's validations of the app `stack` belongs to, for judging `stack`. */
export function sharedViews(stack: TerraformStack): Map<TerraformStack, StackView> {
  const root = stack.node.root;
  let shared = SHARED_VIEWS.get(root);
  if (!shared) {
    shared = { views: new Map(), judged: new Set() };
    SHARED_VIEWS.set(root, shared);
    setImmediate(() => SHARED_VIEWS.delete(root));
  }
  shared.judged.add(stack);
  return shared.views;
}

/** Aspects visit `stack`: its shared view is dropped (all of them when it was judged already: a new synthesis). */
export function forgetSharedView(stack: TerraformStack): void {
  const shared = SHARED_VIEWS.get(stack.node.root);
  if (shared?.judged.has(stack)) SHARED_VIEWS.delete(stack.node.root);
  else shared?.views.delete(stack);
}

/** The views of the app's other stacks (read once per `views` map). */
function otherStacksOf(stack: TerraformStack, views: Map<TerraformStack, StackView>): StackView[] {
  const root = stack.node.root;
  return root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c) && c !== stack)
    .map((s) => views.get(s) ?? synthesizeStackView(s, views).view);
}

function withoutMetadata(raw: unknown): Readonly<Record<string, unknown>> {
  if (!isObject(raw)) return {};
  const { ["//"]: _metadata, ...config } = raw;
  return config;
}

/**
 * The construct paths of the stack's GpuTasks, read from the record each task writes into the stack
 * (`//.hgpu_tasks.<name>.path`, its path without the stack's id): metadata any copy of the library
 * writes alike, where `instanceof GpuTask` would miss another copy's tasks.
 */
function taskPathsOf(stack: TerraformStack, tf: Record<string, unknown>): string[] {
  const root = stack.node.path.split("/")[0]!;
  return Object.values(objectOf(objectOf(tf["//"]).hgpu_tasks))
    .map((record) => objectOf(record).path)
    .filter((path): path is string => typeof path === "string" && path !== "")
    .map((path) => `${root}/${path}`);
}

/** The GPU cluster (of either cloud, by its contract) a construct belongs to. */
function enclosingCluster(construct: IConstruct) {
  return construct.node.scopes.find(isGpuCluster);
}

/** A Terraform module block's construct: an element with a module source (cdktf gives modules no symbol check). */
function isModule(c: IConstruct): c is IConstruct & { friendlyUniqueId: string; source: string } {
  const x = c as { friendlyUniqueId?: unknown; source?: unknown };
  return !TerraformResource.isTerraformResource(c) && typeof x.friendlyUniqueId === "string" && typeof x.source === "string";
}
