import { getOffering } from "../../../catalog/catalog";
import { block, blocks, nonCompliant, numberOf, refersTo, resourcesOfType, show } from "../helpers";
import type { L1View, RuleResult } from "../types";
import { cannotVerifyText, readValue } from "../values";
import { gpuLaunchTemplates, isGpuInstanceType } from "./aws-gpu-nodes";

/**
 * The most nodes a GPU group outside a GpuTask may be allowed to reach for HGPU-AWS-14 and
 * HGPU-AZ-14 to call its size finite: 1,000 nodes are 8,000 GPUs (about $98,000 an hour of
 * p5.48xlarge on demand), and Azure caps a scale set at 1,000 VMs (100 in one placement group).
 * A bound that large is no bound: it is a placeholder or a typo.
 */
export const MAX_GPU_GROUP_NODES = 1000;

/** Whether an Auto Scaling group launches GPU nodes: a GPU launch template or launch configuration of the stack, or a GPU override. */
export function isGpuGroup(group: L1View): boolean {
  const c = group.config;
  const direct = block(c.launch_template);
  const mixed = block(c.mixed_instances_policy);
  const spec = block(block(mixed?.launch_template)?.launch_template_specification);
  const refs = [direct?.id, direct?.name, spec?.launch_template_id, spec?.launch_template_name];
  if (gpuLaunchTemplates(group.stack).some((t) => refs.some((r) => refersTo(r, t)))) return true;
  if (blocks(block(mixed?.launch_template)?.override).some((o) => isGpuInstanceType(o.instance_type))) return true;
  return resourcesOfType(group.stack, "aws_launch_configuration").some((lc) => refersTo(c.launch_configuration, lc) && isGpuInstanceType(lc.config.instance_type));
}

/** Whether an Azure VM size (a scale set's sku or sku_name) is a GPU size: an N-series size or one of the catalog's; an expression counts. */
export function isGpuVmSize(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (value.includes("${")) return true;
  return /^Standard_N[A-Z]/i.test(value) || getOffering(value) !== undefined;
}

/** Why a size attribute is not a literal number of at most MAX_GPU_GROUP_NODES, or undefined when it is. */
export function finiteSize(resource: L1View, attribute: string, raw: unknown, what: string): string | undefined {
  const read = readValue(raw, resource.stack);
  if (read.kind !== "literal") return cannotVerifyText(attribute, raw);
  const n = numberOf(read.value);
  if (n === undefined) return `${attribute} is ${show(read.value)}, not a number`;
  if (n > MAX_GPU_GROUP_NODES) return `${attribute} is ${show(read.value)}: ${what} may grow past ${MAX_GPU_GROUP_NODES} GPU nodes, which is no bound at all; set the most nodes it may ever run`;
  return undefined;
}

/** A result from a list of problems (at the rule's level). */
export function findings(problems: readonly (string | undefined)[]): RuleResult {
  const found = problems.filter((p): p is string => p !== undefined);
  return found.length === 0 ? "compliant" : nonCompliant(found.join("; "));
}
