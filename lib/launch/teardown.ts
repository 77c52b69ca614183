import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Progress } from "./progress";
import type { AttemptRecord } from "./run-record";
import { cancelSlurmAttempt, slurmJobsLeft } from "./slurm-leftovers";
import { localStateResources } from "./state-location";
import type { TerraformResult, TerraformRunner } from "./terraform";
import { sleep } from "./sleep";

/**
 * Destroying an attempt and telling the truth about what is left: shared by the launcher's
 * `finally` and `hgpu destroy`. An attempt on an owned pool also has a Slurm job: it is cancelled
 * before the destroy, and what Slurm still lists counts as left. What is left is read from the state itself (a local state file is
 * read without Terraform, so a missing binary or a broken provider cannot hide it), never taken
 * from destroy's exit code.
 */

/** Retries and backoff of a destroy. */
export interface DestroyOptions {
  /** Destroy attempts before giving up. @default 4 */
  readonly attempts?: number;
  /** Wait before the first retry, doubled each time, ms. @default 15000 */
  readonly backoffMs?: number;
}

/**
 * The managed resources in the attempt's state now: [] when none; a one-line placeholder when
 * the state cannot be read (so it never reads as empty).
 */
export async function resourcesInState(attempt: AttemptRecord, tf?: TerraformRunner): Promise<string[]> {
  // An owned pool's job is asked of Slurm itself.
  const jobs = attempt.slurm ? await slurmJobsLeft(attempt.slurm) : [];
  return [...jobs, ...(await inState(attempt, tf))];
}

async function inState(attempt: AttemptRecord, tf?: TerraformRunner): Promise<string[]> {
  // Before apply, nothing exists: a failed init (a remote state that cannot be reached) leaves nothing.
  if (!attempt.state || !attempt.applyStarted) return [];
  if (attempt.state.backend === "local") {
    // Terraform writes the state once it starts creating: missing after that, it is unknown.
    if (attempt.creating && !existsSync(attempt.state.path)) return [`(state ${attempt.state.path} is missing although resources were being created: treat everything as left)`];
    return localStateResources(attempt.state.path) ?? [`(state ${attempt.state.path} cannot be read: treat everything as left)`];
  }
  const listed = tf ? await tf.stateList() : undefined;
  return listed ?? [`(state ${attempt.state.description} cannot be read without the cloud: treat everything as left)`];
}

/** Destroys, retrying with exponential backoff; returns what is still in state (empty on success). */
export async function destroyWithRetries(attempt: AttemptRecord, tf: TerraformRunner, progress: Progress, options: DestroyOptions = {}): Promise<string[]> {
  const tries = options.attempts ?? 4;
  let backoff = options.backoffMs ?? 15000;
  for (let i = 1; i <= tries; i++) {
    // An owned pool's job is cancelled first, and waited for until Slurm reports it gone.
    if (attempt.slurm) await cancelSlurmAttempt(attempt.slurm, progress);
    progress.phase(`destroy${attempt.n > 1 ? ` attempt-${attempt.n}` : ""}${i > 1 ? ` (try ${i} of ${tries})` : ""}`);
    const result: TerraformResult = await tf.destroy((e) => progress.event(e));
    const left = await resourcesInState(attempt, tf);
    if (left.length === 0) {
      progress.note(result.code === 0 ? "destroyed: nothing left in state" : `destroy exited ${result.code}, but nothing is left in state`);
      return [];
    }
    progress.note(`destroy left ${left.length} resource(s) in state (exit ${result.code})${result.errors.length ? `: ${result.errors.join("; ")}` : ""}`);
    if (i < tries) {
      await sleep(backoff);
      backoff *= 2;
    }
  }
  return resourcesInState(attempt, tf);
}

/** The loud report of resources left, ending with the commands that remove them. */
export function leftReport(runId: string, left: readonly { attempt: AttemptRecord; resources: readonly string[] }[], project: string, binary = "terraform"): string {
  const bar = "!".repeat(78);
  const lines = ["", bar, "!!! DESTROY FAILED: these resources are still in state and may be running and billing:"];
  for (const { attempt, resources } of left) {
    lines.push(`!!! attempt ${attempt.n} (${attempt.placementKey ?? "?"}${attempt.state ? `, state ${attempt.state.backend === "local" ? attempt.state.path : attempt.state.description}` : ""}):`);
    lines.push(...resources.map((r) => `!!!   ${r}`));
    const errored = attempt.stackDir ? join(attempt.stackDir, "errored.tfstate") : undefined;
    if (errored && existsSync(errored)) lines.push(`!!!   Terraform could not save its state and dumped it to ${errored}: push it back with \`${binary} state push\` there`);
  }
  lines.push("!!! Remove them once the cause is fixed, with either:");
  lines.push(`!!!   hgpu destroy ${runId}${relative(process.cwd(), project) ? `   (from ${project} or a folder inside it)` : ""}`);
  for (const { attempt } of left) if (attempt.stackDir) lines.push(`!!!   ${binary} -chdir=${attempt.stackDir} destroy`);
  const logs = left.map(({ attempt }) => join(attempt.dir, "terraform-logs")).filter((d) => existsSync(d));
  if (logs.length) lines.push(`!!! Terraform's own output (errors, emergency state dumps): ${logs.join(", ")}`);
  lines.push(bar, "");
  return lines.join("\n");
}
