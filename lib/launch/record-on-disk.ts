import { existsSync, readdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AttemptRecord, RunRecord } from "./run-record";
import { localStateResources } from "./state-location";

/**
 * A run record as its folder is found now. The record holds absolute paths (its folder, each
 * attempt's folder, stack and local state); a project moved, renamed or mounted elsewhere (a
 * container) would point `hgpu runs` and `hgpu destroy` at folders that are gone, where a state
 * that is not there reads as empty. So the paths are re-rooted where the record was found, and an
 * attempt folder whose local state holds resources the record does not know of (its write failed)
 * is added as an attempt, so that what it created is never hidden.
 */
export function recordAsFound(record: RunRecord, runDir: string): RunRecord {
  return withStatesOnDisk(rebased(record, resolve(runDir)));
}

/** `record` with every path under its old project re-rooted under the folder it was found in; `movedFrom` says where it was. */
function rebased(record: RunRecord, runDir: string): RunRecord {
  if (record.runDir === runDir || !isAbsolute(record.runDir)) return record;
  // The project moved with its runs folder inside it (<project>/.hgpu/runs/<id>); else the run folder alone.
  const inProject = relative(record.project, record.runDir);
  const projectMoved = inProject !== "" && !inProject.startsWith("..") && !isAbsolute(inProject) && runDir.endsWith(sep + inProject);
  const oldRoot = projectMoved ? record.project : record.runDir;
  const newRoot = projectMoved ? runDir.slice(0, runDir.length - inProject.length - 1) : runDir;
  const move = (value: unknown): unknown => {
    if (typeof value === "string") return value === oldRoot || value.startsWith(oldRoot + sep) ? newRoot + value.slice(oldRoot.length) : value;
    if (Array.isArray(value)) return value.map(move);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v)]));
    return value;
  };
  return { ...(move(record) as RunRecord), movedFrom: record.runDir };
}

/** `record` plus an attempt for each `attempt-<n>` folder whose local state holds resources (or cannot be read) while the record has no state for it. */
function withStatesOnDisk(record: RunRecord): RunRecord {
  if (!existsSync(record.runDir)) return record;
  const found: AttemptRecord[] = [];
  for (const entry of readdirSync(record.runDir, { withFileTypes: true })) {
    const n = /^attempt-(\d+)$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || n === undefined) continue;
    const known = record.attempts.find((a) => a.n === Number(n));
    if (known?.state && known.applyStarted) continue;
    const dir = join(record.runDir, entry.name);
    const path = join(dir, "terraform.tfstate");
    if (!existsSync(path) || localStateResources(path)?.length === 0) continue;
    const stackDir = join(dir, "cdktf.out", "stacks", record.stack);
    found.push({ ...known, n: Number(n), dir, ...(existsSync(stackDir) ? { stackDir } : {}), state: { backend: "local", path }, applyStarted: true, creating: true });
  }
  if (found.length === 0) return record;
  const attempts = [...record.attempts.filter((a) => !found.some((f) => f.n === a.n)), ...found].sort((a, b) => a.n - b.n);
  return { ...record, attempts };
}
