import { getOffering } from "../../../catalog/catalog";
import { block, blocks, numberOf, refersTo, resourcesOfType, strings } from "../helpers";
import type { L1View, StackView } from "../types";

/** EC2 families with GPUs or ML accelerators (p, g, gr, trn, inf, dl), for types the catalog does not list. */
const ACCELERATED_FAMILY = /^(p|g|gr|trn|inf|dl)\d[a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Whether an `instance_type` value names a GPU (or ML accelerator) type: a type of the catalog or of an
 * accelerated family. A Terraform expression (`${var.type}`) counts: it cannot be shown not to be one.
 */
export function isGpuInstanceType(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (value.includes("${")) return true;
  return getOffering(value) !== undefined || ACCELERATED_FAMILY.test(value);
}

/** The Auto Scaling groups of the stack that launch from `template` (directly or through a mixed instances policy). */
export function groupsUsing(template: L1View): L1View[] {
  return resourcesOfType(template.stack, "aws_autoscaling_group").filter((g) => {
    const direct = block(g.config.launch_template);
    const mixed = block(block(block(g.config.mixed_instances_policy)?.launch_template)?.launch_template_specification);
    return [direct?.id, direct?.name, mixed?.launch_template_id, mixed?.launch_template_name].some((v) => refersTo(v, template));
  });
}

/**
 * Whether a launch template launches GPU nodes: its instance_type is a GPU type, its
 * instance_requirements ask for accelerators, or a group using it overrides the type with a GPU type.
 */
export function isGpuLaunchTemplate(template: L1View): boolean {
  if (isGpuInstanceType(template.config.instance_type)) return true;
  const requirements = block(template.config.instance_requirements);
  if (requirements && ((numberOf(block(requirements.accelerator_count)?.min) ?? 0) > 0 || strings(requirements.accelerator_types).includes("gpu"))) return true;
  return groupsUsing(template).some((g) =>
    blocks(block(block(g.config.mixed_instances_policy)?.launch_template)?.override).some((o) => isGpuInstanceType(o.instance_type)));
}

/** The stack's GPU launch templates. */
export function gpuLaunchTemplates(stack: StackView): L1View[] {
  return resourcesOfType(stack, "aws_launch_template").filter(isGpuLaunchTemplate);
}

/** Whether an aws_instance is a GPU node: a GPU instance_type, or (without one) a GPU launch template. */
export function isGpuInstance(instance: L1View): boolean {
  if (instance.config.instance_type !== undefined) return isGpuInstanceType(instance.config.instance_type);
  const spec = block(instance.config.launch_template);
  return gpuLaunchTemplates(instance.stack).some((t) => refersTo(spec?.id, t) || refersTo(spec?.name, t));
}

/** The stack's GPU instances (aws_instance). */
export function gpuInstances(stack: StackView): L1View[] {
  return resourcesOfType(stack, "aws_instance").filter(isGpuInstance);
}

/** The stack's network interfaces attached to a GPU instance (an `attachment` block or an aws_network_interface_attachment). */
export function gpuNetworkInterfaces(stack: StackView): L1View[] {
  const instances = gpuInstances(stack);
  const toGpu = (value: unknown) => instances.some((i) => refersTo(value, i));
  const attachments = resourcesOfType(stack, "aws_network_interface_attachment").filter((a) => toGpu(a.config.instance_id));
  return resourcesOfType(stack, "aws_network_interface").filter((nic) =>
    blocks(nic.config.attachment).some((a) => toGpu(a.instance)) || attachments.some((a) => refersTo(a.config.network_interface_id, nic)));
}
