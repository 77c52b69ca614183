import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./run-files";

/**
 * One attempt, one state. The launcher writes an override file next to the synthesized stack
 * (Terraform merges `*_override.tf.json` last, and a backend block there replaces the stack's
 * wholly) so that every attempt of every run has a state no other run can reach:
 * - cdktf's default local backend (an absolute `<project>/terraform.<stack>.tfstate`, shared by
 *   every launch) or no backend: a local state inside the attempt's own directory;
 * - S3 or azurerm (`key`), or gcs (`prefix`): the stack's own settings with a key under the
 *   stack's key, `<key>/runs/<run id>/attempt-<n>`, so the team's state is never touched.
 * Any other backend (Terraform Cloud, remote, consul, ...) is refused: the launcher cannot give it
 * a per-run state.
 */

/** Where one attempt keeps its state. */
export type StateLocation =
  | { readonly backend: "local"; readonly path: string }
  | { readonly backend: "s3" | "azurerm" | "gcs"; readonly key: string; readonly description: string };

/** The override file's name. */
export const STATE_OVERRIDE_FILE = "hgpu_run_override.tf.json";
/** What Terraform (`.tf`) and OpenTofu (also `.tofu`) read as an override file: `override.tf`, `*_override.tf`, their `.json`. */
const OVERRIDE_FILE = /^(.*_)?override\.(tf|tofu)(\.json)?$/;

const KEYED: Record<string, "key" | "prefix"> = { s3: "key", azurerm: "key", gcs: "prefix" };

/** A stack whose backend the launcher cannot isolate. */
export class StateIsolationError extends Error {}

/**
 * Gives the attempt in `attemptDir` a state of its own: writes the override into `stackDir` and
 * returns where the state lives. Throws a {@link StateIsolationError} (before `init`) for a
 * backend it cannot isolate.
 */
export function isolateState(stackDir: string, attemptDir: string, runId: string, attempt: number, stack: string): StateLocation {
  // Terraform merges override files in name order, the last one's backend winning: another one could undo this one.
  const others = readdirSync(stackDir).filter((f) => OVERRIDE_FILE.test(f) && f !== STATE_OVERRIDE_FILE).sort();
  if (others.length) {
    throw new StateIsolationError(`hgpu launch: stack ${JSON.stringify(stack)} has override files of its own (${others.join(", ")}): Terraform merges override files in name order, so one could replace the launcher's backend and give every run the same state; leave them out of the stack's folder`);
  }
  const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { terraform?: { backend?: Record<string, Record<string, unknown>>; cloud?: unknown } };
  if (tf.terraform?.cloud !== undefined) {
    throw new StateIsolationError(`hgpu launch: stack ${JSON.stringify(stack)} uses a Terraform Cloud (cloud) block: the launcher cannot give each run its own state there; use the local, s3, azurerm or gcs backend`);
  }
  const backends = Object.entries(tf.terraform?.backend ?? {});
  const [name, config] = backends[0] ?? ["local", {}];
  let location: StateLocation;
  let override: Record<string, Record<string, unknown>>;
  if (name === "local") {
    const path = join(attemptDir, "terraform.tfstate");
    location = { backend: "local", path };
    override = { local: { path } };
  } else if (KEYED[name]) {
    const field = KEYED[name]!;
    const base = typeof config[field] === "string" ? String(config[field]).replace(/\/+$/, "") : "";
    if (base === "" || base.includes("${")) {
      throw new StateIsolationError(`hgpu launch: stack ${JSON.stringify(stack)} has a ${name} backend without a literal ${field}: the launcher keeps each run's state under it; give the backend a ${field}`);
    }
    const key = `${base}/runs/${runId}/attempt-${attempt}`;
    location = { backend: name as "s3" | "azurerm" | "gcs", key, description: describeRemote(name, config, key) };
    override = { [name]: { ...config, [field]: key } };
  } else {
    throw new StateIsolationError(`hgpu launch: stack ${JSON.stringify(stack)} uses the ${name} backend: the launcher cannot give each run its own state there; use the local, s3, azurerm or gcs backend`);
  }
  writeStateOverride(stackDir, override);
  return location;
}

/** Writes the override file that gives the stack in `stackDir` the backend settings `backend` (one backend by name). */
export function writeStateOverride(stackDir: string, backend: Record<string, Record<string, unknown>>): void {
  writeFileAtomic(join(stackDir, STATE_OVERRIDE_FILE), `${JSON.stringify({ terraform: { backend } }, null, 2)}\n`);
}

function describeRemote(name: string, config: Record<string, unknown>, key: string): string {
  const where = name === "s3" ? `s3://${String(config.bucket)}` : name === "azurerm" ? `azurerm ${String(config.storage_account_name)}/${String(config.container_name)}` : `gs://${String(config.bucket)}`;
  return `${where}/${key}`;
}

/**
 * The managed resources in a local state file (data sources bill nothing and are left out), read
 * without Terraform; [] when the file does not exist, undefined when it cannot be read or parsed.
 */
export function localStateResources(path: string): string[] | undefined {
  if (!existsSync(path)) return [];
  try {
    const text = readFileSync(path, "utf8");
    if (text.trim() === "") return undefined; // truncated (e.g. a full disk): unknown, not empty
    type StateResource = { module?: string; mode?: string; type?: string; name?: string; instances?: { index_key?: string | number }[] };
    const state = JSON.parse(text) as { resources?: StateResource[] };
    return (state.resources ?? [])
      .filter((r) => r.mode === "managed" && (r.instances?.length ?? 0) > 0)
      .flatMap((r) => r.instances!.map((i) => `${r.module ? `${r.module}.` : ""}${r.type}.${r.name}${i.index_key === undefined ? "" : `[${JSON.stringify(i.index_key)}]`}`));
  } catch {
    return undefined;
  }
}
