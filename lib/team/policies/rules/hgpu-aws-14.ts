import type { PolicyRule } from "../types";
import { findings, finiteSize, isGpuGroup, MAX_GPU_GROUP_NODES } from "./gpu-groups";

/** HGPU-AWS-14: GPU Auto Scaling groups outside a GpuTask have a finite maximum size. */
export const awsFiniteGpuGroups: PolicyRule = {
  id: "HGPU-AWS-14",
  level: "warning",
  title: "GPU groups have a finite size",
  explanation:
    "A GPU group without a firm ceiling can scale (or be scaled by a policy, a script or a typo) to a bill nobody planned. Every " +
    "aws_autoscaling_group outside a GpuTask that launches GPU nodes (a GPU launch template or launch configuration of the stack, " +
    "or a GPU type among its mixed-instances overrides) has a finite max_size: a literal number (or a variable with a literal " +
    `default) of at most ${MAX_GPU_GROUP_NODES} nodes (MAX_GPU_GROUP_NODES: 8,000 GPUs; a larger bound is a placeholder, not a ` +
    "limit). A max_size the pack cannot resolve is reported as unverifiable. A group whose launch template is not in the stack is " +
    "not judged. Groups inside a GpuTask are held to the task's planned size by HGPU-AWS-6.",
  appliesTo: ["aws_autoscaling_group"],
  check(group) {
    if (group.taskPath !== undefined || !isGpuGroup(group)) return "not-applicable";
    return findings([finiteSize(group, "max_size", group.config.max_size, "the group")]);
  },
};
