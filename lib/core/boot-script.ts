import type { Validator } from "./validate";

/**
 * The boot script GPU nodes run on both clouds (AWS user data, Azure custom data): strict bash,
 * a log file, the storage mount, then the user's hook lines. Pure; Terraform references inside
 * (e.g. a file system's DNS name) stay as they are.
 */
export function bootScript(mountCommand: string | undefined, hooks: readonly string[]): string {
  return ["#!/bin/bash", "set -euo pipefail", "exec >>/var/log/hgpu-boot.log 2>&1", ...(mountCommand ? [mountCommand] : []), ...hooks, ""].join("\n");
}

/**
 * Checks boot hook lines: Terraform reads `${` and `%{` in any string as template syntax, so a
 * hook must write `$VAR` (or escape as `$${` / `%%{`).
 */
export function checkBootHooks(v: Validator, field: string, hooks: readonly string[]): readonly string[] {
  for (const line of hooks) {
    v.check(!/(^|[^$])\$\{|(^|[^%])%\{/.test(line), field, line, "write $VAR instead of ${VAR} (Terraform reads ${ and %{ as template syntax), or escape them as $${ and %%{");
  }
  return hooks;
}
