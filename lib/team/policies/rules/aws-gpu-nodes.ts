/**
 * Every way an AWS stack gets GPU nodes: launch templates (and whatever launches from them: Auto
 * Scaling groups with their mixed-instance overrides, EC2 fleets, Spot fleets, instances), instances
 * and Spot instance requests, launch configurations, Spot fleet launch specifications, and the
 * network interfaces attached to GPU instances. A type is a GPU type when the catalog lists it or
 * its family has accelerators; a value the pack cannot resolve counts as one.
 */
import { getOffering } from "../../../catalog/catalog";
import { block, blocks, numberOf, refersTo, resourcesOfType, strings } from "../helpers";
import type { L1View, StackView } from "../types";
import { isUnresolvedValue, referencedElement, resolveLiterals } from "../values";

/** EC2 families with GPUs or ML accelerators (p, g, gr, trn, inf, dl, vt), for types the catalog does not list. */
const ACCELERATED_FAMILY = /^(p|g|gr|trn|inf|dl|vt)\d[a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Whether an `instance_type` value names a GPU (or ML accelerator) type: a type of the catalog or of an
 * accelerated family. Variables with a literal default are read as their default (given `stack`);
 * any other Terraform expression counts: it cannot be shown not to be one.
 */
export function isGpuInstanceType(value: unknown, stack?: StackView): boolean {
  const resolved = stack ? resolveLiterals(value, stack) : value;
  if (typeof resolved !== "string") return false;
  if (isUnresolvedValue(resolved)) return true;
  return getOffering(resolved) !== undefined || ACCELERATED_FAMILY.test(resolved);
}

/** Whether an `instance_requirements` block asks for accelerators (a minimum count above 0, or type gpu). */
function asksForAccelerators(requirements: unknown): boolean {
  const r = block(requirements);
  if (!r) return false;
  const min = block(r.accelerator_count)?.min;
  return (numberOf(min) ?? 0) > 0 || isUnresolvedValue(min) || strings(r.accelerator_types).some((t) => t === "gpu" || isUnresolvedValue(t));
}

/** Whether an override block (of a mixed instances policy or a fleet) launches GPU types. */
function gpuOverride(override: Readonly<Record<string, unknown>>, stack: StackView): boolean {
  return isGpuInstanceType(override.instance_type, stack) || asksForAccelerators(override.instance_requirements);
}

/** The Auto Scaling groups of the stack that launch from `template` (directly or through a mixed instances policy). */
export function groupsUsing(template: L1View): L1View[] {
  return resourcesOfType(template.stack, "aws_autoscaling_group").filter((g) => {
    const direct = block(g.config.launch_template);
    const mixed = block(block(block(g.config.mixed_instances_policy)?.launch_template)?.launch_template_specification);
    return [direct?.id, direct?.name, mixed?.launch_template_id, mixed?.launch_template_name].some((v) => refersTo(v, template));
  });
}

/** The override blocks that apply to `template` where something launches from it: ASG mixed policies, EC2 fleets, Spot fleets. */
function overridesOf(template: L1View): Readonly<Record<string, unknown>>[] {
  const out = groupsUsing(template).flatMap((g) => blocks(block(block(g.config.mixed_instances_policy)?.launch_template)?.override));
  for (const fleet of resourcesOfType(template.stack, "aws_ec2_fleet")) {
    for (const config of blocks(fleet.config.launch_template_config)) {
      const spec = block(config.launch_template_specification);
      if ([spec?.launch_template_id, spec?.launch_template_name].some((v) => refersTo(v, template))) out.push(...blocks(config.override));
    }
  }
  for (const fleet of resourcesOfType(template.stack, "aws_spot_fleet_request")) {
    for (const config of blocks(fleet.config.launch_template_config)) {
      const spec = block(config.launch_template_specification);
      if ([spec?.id, spec?.name].some((v) => refersTo(v, template))) out.push(...blocks(config.overrides));
    }
  }
  return out;
}

/** Instances and Spot instance requests that launch from `template`. */
function instancesFrom(template: L1View): L1View[] {
  return INSTANCE_TYPES.flatMap((type) => resourcesOfType(template.stack, type)).filter((i) => {
    const spec = block(i.config.launch_template);
    return refersTo(spec?.id, template) || refersTo(spec?.name, template);
  });
}

/**
 * Whether a launch template launches GPU nodes: its instance_type is a GPU type, its
 * instance_requirements ask for accelerators, or something launching from it (an Auto Scaling
 * group's mixed-instance override, an EC2 or Spot fleet override, an instance) picks a GPU type.
 */
export function isGpuLaunchTemplate(template: L1View): boolean {
  const stack = template.stack;
  if (isGpuInstanceType(template.config.instance_type, stack)) return true;
  if (asksForAccelerators(template.config.instance_requirements)) return true;
  if (overridesOf(template).some((o) => gpuOverride(o, stack))) return true;
  return instancesFrom(template).some((i) => isGpuInstanceType(i.config.instance_type, stack));
}

/** The stack's GPU launch templates. */
export function gpuLaunchTemplates(stack: StackView): L1View[] {
  return templatesOf(stack);
}

/** `compute` with one answer per stack view: rules ask the same question for every resource they judge. */
function memoized<T>(compute: (stack: StackView) => T): (stack: StackView) => T {
  const answers = new WeakMap<StackView, T>();
  return (stack) => {
    if (!answers.has(stack)) answers.set(stack, compute(stack));
    return answers.get(stack) as T;
  };
}

const templatesOf = memoized((stack) => resourcesOfType(stack, "aws_launch_template").filter(isGpuLaunchTemplate));

/** The resource types that launch one instance: aws_instance and aws_spot_instance_request (same arguments). */
export const INSTANCE_TYPES: readonly string[] = ["aws_instance", "aws_spot_instance_request"];

/** Whether an aws_instance or aws_spot_instance_request is a GPU node: a GPU instance_type, or (without one) a GPU launch template. */
export function isGpuInstance(instance: L1View): boolean {
  if (instance.config.instance_type !== undefined) return isGpuInstanceType(instance.config.instance_type, instance.stack);
  const spec = block(instance.config.launch_template);
  return gpuLaunchTemplates(instance.stack).some((t) => refersTo(spec?.id, t) || refersTo(spec?.name, t));
}

/** The stack's GPU instances (aws_instance and aws_spot_instance_request). */
export function gpuInstances(stack: StackView): L1View[] {
  return instancesOf(stack);
}

const instancesOf = memoized((stack) => INSTANCE_TYPES.flatMap((type) => resourcesOfType(stack, type)).filter(isGpuInstance));

/** The stack's launch configurations of a GPU instance_type. */
export function gpuLaunchConfigurations(stack: StackView): L1View[] {
  return resourcesOfType(stack, "aws_launch_configuration").filter((c) => isGpuInstanceType(c.config.instance_type, stack));
}

/** The GPU launch specifications of a Spot fleet request (by index). */
export function gpuLaunchSpecifications(fleet: L1View): { readonly index: number; readonly spec: Readonly<Record<string, unknown>> }[] {
  return blocks(fleet.config.launch_specification)
    .map((spec, index) => ({ index, spec }))
    .filter(({ spec }) => isGpuInstanceType(spec.instance_type, fleet.stack));
}

/**
 * The stack's network interfaces of GPU instances: attached by an `attachment` block or an
 * aws_network_interface_attachment, or named by a GPU instance's `network_interface` block or a
 * GPU launch template's `network_interfaces.network_interface_id`.
 */
export function gpuNetworkInterfaces(stack: StackView): L1View[] {
  return interfacesOf(stack);
}

const interfacesOf = memoized(interfacesOfGpuNodes);

function interfacesOfGpuNodes(stack: StackView): L1View[] {
  const instances = gpuInstances(stack);
  const toGpu = (value: unknown) => instances.some((i) => refersTo(value, i));
  const attachments = resourcesOfType(stack, "aws_network_interface_attachment").filter((a) => toGpu(a.config.instance_id));
  const named = [
    ...instances.flatMap((i) => blocks(i.config.network_interface).map((n) => n.network_interface_id)),
    ...gpuLaunchTemplates(stack).flatMap((t) => blocks(t.config.network_interfaces).map((n) => n.network_interface_id)),
  ];
  return resourcesOfType(stack, "aws_network_interface").filter((nic) =>
    blocks(nic.config.attachment).some((a) => toGpu(a.instance)) || attachments.some((a) => refersTo(a.config.network_interface_id, nic)) ||
    named.some((v) => refersTo(v, nic)));
}

/** Whether a `network_interface_id` value names an interface of a GPU node: a GPU interface of the stack, or a GPU instance's primary interface. */
export function isGpuInterfaceId(value: unknown, stack: StackView): boolean {
  const ref = referencedElement(value, stack);
  if (!ref || ref.isDataSource) return false;
  const target = ref.element as L1View;
  if (INSTANCE_TYPES.includes(target.type)) return ref.attribute === "primary_network_interface_id" && isGpuInstance(target);
  return gpuNetworkInterfaces(ref.stack).some((n) => n.address === target.address);
}

/** A GPU node of the stack with the security groups it lists. */
export interface AwsGpuNode {
  /** What it is, e.g. `GPU launch template aws_launch_template.lt`. */
  readonly what: string;
  /** The resource that declares it. */
  readonly resource: L1View;
  /** The security group values it lists (IDs, names, references, or expressions), each with its attribute. */
  readonly groups: readonly { readonly attribute: string; readonly value: unknown }[];
  /** Whether it takes the VPC's default group (it names none and does not launch from a template). */
  readonly defaultGroup: boolean;
}

/** Every GPU node of the stack that takes security groups, with the groups it names. */
export function awsGpuNodes(stack: StackView): AwsGpuNode[] {
  return nodesOf(stack);
}

const nodesOf = memoized(gpuNodesOf);

function gpuNodesOf(stack: StackView): AwsGpuNode[] {
  const out: AwsGpuNode[] = [];
  const listed = (resource: L1View, what: string, attrs: readonly [string, unknown][], fromTemplate = false) => {
    const groups = attrs.flatMap(([attribute, value]) => listItems(value).map((v) => ({ attribute, value: v })));
    out.push({ what, resource, groups, defaultGroup: groups.length === 0 && !fromTemplate });
  };
  for (const t of gpuLaunchTemplates(stack)) {
    listed(t, `GPU launch template ${t.address}`, [
      ["vpc_security_group_ids", t.config.vpc_security_group_ids], ["security_group_names", t.config.security_group_names],
      ...blocks(t.config.network_interfaces).map((n, i): [string, unknown] => [`network_interfaces[${i}].security_groups`, n.security_groups]),
    ]);
  }
  for (const i of gpuInstances(stack)) {
    const fromTemplate = block(i.config.launch_template) !== undefined || blocks(i.config.network_interface).length > 0;
    listed(i, `GPU instance ${i.address}`, [["vpc_security_group_ids", i.config.vpc_security_group_ids], ["security_groups", i.config.security_groups]], fromTemplate);
  }
  for (const c of gpuLaunchConfigurations(stack)) listed(c, `GPU launch configuration ${c.address}`, [["security_groups", c.config.security_groups]]);
  for (const f of resourcesOfType(stack, "aws_spot_fleet_request")) {
    for (const { index, spec } of gpuLaunchSpecifications(f)) {
      listed(f, `launch_specification[${index}] of Spot fleet ${f.address}`, [[`launch_specification[${index}].vpc_security_group_ids`, spec.vpc_security_group_ids]]);
    }
  }
  for (const n of gpuNetworkInterfaces(stack)) listed(n, `network interface ${n.address} of a GPU instance`, [["security_groups", n.config.security_groups]]);
  for (const a of resourcesOfType(stack, "aws_network_interface_sg_attachment").filter((x) => isGpuInterfaceId(x.config.network_interface_id, stack))) {
    listed(a, `GPU node interface (${a.address})`, [["security_group_id", a.config.security_group_id]], true);
  }
  return out;
}

/** A list attribute's items: a list, or one value (a whole-list expression stays one item). */
function listItems(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
