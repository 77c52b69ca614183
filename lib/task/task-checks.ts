import { Token } from "../engine/core";
import type { Validator } from "../core/validate";
import { durationMinutes } from "./duration";
import type { GpuTaskProps } from "./gpu-task-props";
import { checkArgNotSecret, checkAzureInput, checkEnvNotSecret, checkText, shown } from "./task-text";

/**
 * GpuTask's checks of its durations and of what the workload runs with (the command, image,
 * environment, Azure inputs and secret references), each failing through `v` with the prop's name.
 */

/** A task's durations besides maxRuntime, minutes, checked against their ranges (`maxRuntimeMinutes` bounds the pull timeout). */
export function taskDurations(
  v: Validator,
  props: GpuTaskProps,
  maxRuntimeMinutes: number,
): { graceMinutes: number; pullMinutes: number; queueMinutes: number; idleMinutes: number } {
  const graceMinutes = durationMinutes(props.teardownGrace ?? "1h");
  v.check(graceMinutes !== undefined && graceMinutes <= 1440, "teardownGrace", props.teardownGrace, `use a duration from 1m to 24h, e.g. "1h"`);
  const pullMinutes = durationMinutes(props.pullTimeout ?? "20m");
  v.check(pullMinutes !== undefined && pullMinutes * 3 < maxRuntimeMinutes, "pullTimeout", props.pullTimeout, `use a duration whose 3 tries fit in maxRuntime (${maxRuntimeMinutes} minutes), e.g. "20m"`);
  const queueMinutes = durationMinutes(props.maxQueueWait ?? "10m");
  v.check(queueMinutes !== undefined && queueMinutes <= 1440, "maxQueueWait", props.maxQueueWait, `use a duration from 1m to 24h, e.g. "10m": how long a job may wait in an owned pool's queue before the next placement is tried`);
  const idleMinutes = props.idleTimeout === false ? 0 : durationMinutes(props.idleTimeout ?? "30m");
  v.check(idleMinutes !== undefined && (idleMinutes === 0 || idleMinutes >= 5), "idleTimeout", props.idleTimeout, `use a duration of at least 5m, e.g. "30m", or false to turn the watchdog off`);
  return { graceMinutes: graceMinutes!, pullMinutes: pullMinutes!, queueMinutes: queueMinutes!, idleMinutes: idleMinutes! };
}

/**
 * The workload's text: something to run, one-line text without template syntax or literal secrets,
 * environment names that are the workload's, Azure inputs as IDs or references, secret references known at synth.
 */
export function checkWorkload(v: Validator, props: GpuTaskProps): void {
  v.check(props.image !== undefined || (props.command !== undefined && props.command.length > 0), "command", props.command, "set image, command or both: the task needs something to run");
  for (const [i, arg] of (props.command ?? []).entries()) {
    checkText(v, `command[${i}]`, arg);
    checkArgNotSecret(v, `command[${i}]`, arg);
  }
  if (props.image !== undefined) checkText(v, "image", props.image);
  for (const [k, value] of Object.entries(props.env ?? {})) {
    v.matches("env", k, /^[A-Za-z_][A-Za-z0-9_]*$/, "use variable names of letters, digits and _ (not starting with a digit)");
    v.check(!k.startsWith("HGPU_"), "env", k, "use names that do not start with HGPU_: the run script sets those (HGPU_CHECKPOINT_DIR, HGPU_RESTART_COUNT, HGPU_RESUMED_FROM)");
    checkText(v, `env.${k}`, value);
    checkEnvNotSecret(v, k, value);
  }
  checkAzureInput(v, "azure.dataStorageAccountId", props.azure?.dataStorageAccountId, "the storage account's resource ID");
  checkAzureInput(v, "azure.hpcCacheResourceProviderPrincipalId", props.azure?.hpcCacheResourceProviderPrincipalId, "the object ID (a GUID)");
  for (const [k, ref] of Object.entries(props.secrets ?? {})) {
    v.check(!Token.isUnresolved(ref), `secrets.${k}`, shown(`${ref}`), "use a literal reference known at synth, e.g. ssm:/team/hf-token, not a Terraform reference: the nodes' grant names each secret exactly");
  }
}
