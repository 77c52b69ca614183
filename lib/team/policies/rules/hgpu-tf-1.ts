import { isObject, nonCompliant, show } from "../helpers";
import type { PolicyRule, StackView } from "../types";
import { resolveLiterals } from "../values";
import { isGpuInstanceType } from "./aws-gpu-nodes";
import { isAzureGpuSize } from "./azure-gpu-nodes";

/** HGPU-TF-1: Terraform modules are reported as not judged. */
export const moduleNotJudged: PolicyRule = {
  id: "HGPU-TF-1",
  level: "warning",
  title: "Terraform modules are not judged",
  explanation:
    "The pack judges the resources of the stack's Terraform JSON; a module call (a `module` block: TerraformHclModule, " +
    "TerraformModule) creates resources the pack never sees, only the inputs it is given. Each module call is a warning, naming " +
    "the GPU types its inputs mention: review what it creates (terraform plan), write those resources as constructs or L1 " +
    "resources the pack judges, or suppress the warning with the reason it is safe.",
  appliesTo: ["module"],
  check(module) {
    const gpuTypes = [...new Set(stringsIn(resolveLiterals(module.config, module.stack)).filter((s) => isGpuName(s, module.stack)))];
    const source = show(module.config.source);
    return nonCompliant(`module ${module.name} (source ${source}) is not judged: the pack sees its inputs, not the resources it creates` +
      (gpuTypes.length > 0 ? `; its inputs name GPU type${gpuTypes.length > 1 ? "s" : ""} ${gpuTypes.join(", ")}` : ""));
  },
};

/** Whether a literal string of a module input names a GPU instance type or VM size (expressions are not guessed at here). */
function isGpuName(value: string, stack: StackView): boolean {
  if (value.includes("${")) return false;
  return isGpuInstanceType(value, stack) || isAzureGpuSize(value, stack);
}

/** Every string in a value, at any depth. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}
