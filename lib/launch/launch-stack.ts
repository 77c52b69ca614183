import { readFileSync } from "node:fs";
import { allResources, constructPath, taskMetadata, type TerraformJson } from "../report/terraform-json";

/**
 * What `hgpu launch` accepts as a stack, read from its synthesized JSON before `init` (pure apart
 * from reading the file): exactly one GpuTask, and nothing that outlives it. A launch destroys its
 * whole stack at the end, so a resource outside the task (a team cluster, a shared network, a
 * module) would be destroyed with it; providers, backends, variables, outputs and data sources
 * are fine.
 */

/** The stack's one task, as the launcher needs it. */
export interface LaunchStack {
  /** The task's name (its outputs are `<name>_status_uri` etc.). */
  readonly taskName: string;
  /** The placement the task chose, e.g. `aws/us-east-1/use1-az4/p5.48xlarge`. */
  readonly placementKey: string;
  /** The placement's catalog price, USD/hour. @default - unknown */
  readonly usdPerHour?: number;
}

/** A stack `hgpu launch` must not apply. Nothing has been created when it is thrown. */
export class LaunchRefusedError extends Error {}

/** Reads and checks the synthesized stack `stackFile`; throws a {@link LaunchRefusedError} naming what is wrong. */
export function checkLaunchStack(stackFile: string, stack: string): LaunchStack {
  const tf = JSON.parse(readFileSync(stackFile, "utf8")) as TerraformJson & { output?: Record<string, { value?: unknown }> };
  const outputs = Object.entries(tf.output ?? {});
  const statusOutputs = outputs.filter(([k]) => k.endsWith("_status_uri"));
  const placements = outputs.filter(([k]) => k.endsWith("_placement"));
  const value = placements.length === 1 ? (placements[0]![1].value as { key?: unknown; usdPerHour?: unknown } | undefined) : undefined;
  if (statusOutputs.length === 0 || typeof value?.key !== "string") {
    throw new LaunchRefusedError(`hgpu launch: stack ${JSON.stringify(stack)} has no GpuTask (no *_status_uri and *_placement outputs): launch a stack with exactly one GpuTask`);
  }
  if (statusOutputs.length > 1) {
    throw new LaunchRefusedError(`hgpu launch: stack ${JSON.stringify(stack)} has ${statusOutputs.length} GpuTasks: launch a stack with exactly one GpuTask`);
  }
  const taskName = statusOutputs[0]![0].slice(0, -"_status_uri".length);
  const meta = Object.values(taskMetadata(tf));
  const taskPath = meta.length === 1 && typeof meta[0]!.path === "string" ? meta[0]!.path : undefined;
  if (taskPath === undefined) {
    throw new LaunchRefusedError(`hgpu launch: stack ${JSON.stringify(stack)} does not record its GpuTask's construct path (//.hgpu_tasks): synthesize it with this version of the library`);
  }
  const prefix = `${stack}/${taskPath}/`;
  const foreign = allResources(tf)
    .filter((r) => !(constructPath(r) ?? "").startsWith(prefix))
    .map((r) => `${r.type}.${r.name}${constructPath(r) ? ` (${constructPath(r)})` : ""}`);
  foreign.push(...Object.keys((tf.module as Record<string, unknown> | undefined) ?? {}).map((m) => `module.${m}`));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : "");
    throw new LaunchRefusedError(
      `hgpu launch: stack ${JSON.stringify(stack)} holds resources outside its GpuTask ${JSON.stringify(taskPath)}: ${shown}. ` +
        "A launch destroys its whole stack when the run ends: put the task in a stack of its own (e.g. new TeamStack(app, \"vision-task\", ...) " +
        "holding only the GpuTask, with the platform's network passed by reference)",
    );
  }
  const usd = typeof value.usdPerHour === "number" ? value.usdPerHour : undefined;
  return { taskName, placementKey: value.key, ...(usd !== undefined ? { usdPerHour: usd } : {}) };
}
