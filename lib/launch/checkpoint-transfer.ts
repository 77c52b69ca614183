/**
 * A run's latest complete checkpoint carried through the launcher's machine from one attempt's run
 * store to the next one's (possibly on the other cloud), in the format the nodes publish and restore
 * (`lib/task/checkpoint-script.ts`): `<checkpoints>/<name>/<upload>/<path>` for each file, then
 * `<checkpoints>/<name>/manifest.json` (name, sequence, upload prefix, each file's path and size).
 *
 * The saved copy lives in a folder of its own on the launcher's disk: `<localDir>/<name>/<path>` and
 * `<localDir>/manifest.json`, files 0600 and folders 0700. The manifest is written last: a folder
 * without it is not a saved checkpoint.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { EgressSource } from "../core/egress";
import { ValidationError } from "../core/errors";
import { readerFor } from "./object-readers";
import { CHECKPOINT_NAME_CHARS, CHECKPOINT_PATH_CHARS, SEEDED_MARKER } from "../task/checkpoint-script";
import { listAll, parsePrefix, storeFor, type StoreOptions } from "./object-store";

/** The saved copy's manifest, in the local folder. */
const LOCAL_MANIFEST = "manifest.json";
const INCOMING = ".incoming-";

/** A published checkpoint's manifest (the fields the transfer uses; others are kept as they are). */
export interface CheckpointManifest {
  /** The checkpoint's folder name. */
  readonly name: string;
  /** Its publication number in the run: the highest is the latest. */
  readonly sequence: number;
  /** The prefix under `<name>/` its files were uploaded to. */
  readonly upload: string;
  /** Each file's path relative to the checkpoint's folder, and its size. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  readonly [field: string]: unknown;
}

/** Options of {@link saveLatestCheckpoint}. */
export interface SaveCheckpointOptions {
  /** The run store's checkpoints prefix, e.g. `s3://bucket/runs/<id>/checkpoints/` (a trailing `/` is implied). */
  readonly checkpointsUri: string;
  /** The launcher's folder for the saved copy (the transfer's own: other folders in it are removed). */
  readonly localDir: string;
  /** How to reach the store, and how to move data. @default - the SDKs' defaults */
  readonly options?: StoreOptions;
}

/** Options of {@link seedCheckpoint}. */
export interface SeedCheckpointOptions {
  /** The folder {@link saveLatestCheckpoint} saved into (it may hold nothing). */
  readonly localDir: string;
  /** The new run store's checkpoints prefix (a trailing `/` is implied). */
  readonly checkpointsUri: string;
  /** How to reach the store, and how to move data. @default - the SDKs' defaults */
  readonly options?: StoreOptions;
}

/** What {@link saveLatestCheckpoint} saved. */
export interface SavedCheckpoint {
  readonly name: string;
  readonly sequence: number;
  /** Bytes downloaded (0 when the same checkpoint was already saved). */
  readonly bytes: number;
}

/**
 * Saves the latest complete checkpoint under `checkpointsUri` into `localDir`: the one with the
 * highest sequence whose files are all listed with the sizes its manifest states (an older one when
 * not; a checkpoint without a manifest is half-written and ignored). Its files are downloaded into a
 * temporary folder in `localDir`, their sizes checked, and the saved copy is then replaced (the
 * manifest last).
 * @returns what was saved, or undefined when no checkpoint is complete (the saved copy is kept)
 * @throws ValidationError when a manifest is malformed or names an unsafe path; Error when a download fails or a size differs
 */
export async function saveLatestCheckpoint(o: SaveCheckpointOptions): Promise<SavedCheckpoint | undefined> {
  const prefix = withSlash(o.checkpointsUri);
  const store = storeFor(prefix, o.options);
  const reader = readerFor(`${prefix}${SEEDED_MARKER}`, o.options); // serves every URI of the prefix's kind
  const sizes = new Map((await listAll(store, prefix)).map((x) => [x.key, x.bytes]));
  const manifests: CheckpointManifest[] = [];
  for (const key of sizes.keys()) {
    const name = MANIFEST_KEY.exec(key)?.[1];
    if (!name) continue;
    const text = await reader.read(prefix + key);
    if (text !== undefined) manifests.push(parseManifest(text, prefix + key, name));
  }
  manifests.sort((a, b) => b.sequence - a.sequence || (a.name < b.name ? 1 : -1));
  const chosen = manifests.find((m) => m.files.every((f) => sizes.get(`${m.name}/${m.upload}/${f.path}`) === f.bytes));
  if (!chosen) return undefined;

  await mkdir(o.localDir, { recursive: true, mode: 0o700 });
  await chmod(o.localDir, 0o700);
  const saved = await readSaved(o.localDir).catch(() => undefined);
  await removeStrays(o.localDir, saved?.name);
  if (saved && saved.name === chosen.name && saved.sequence === chosen.sequence && (await holdsFiles(o.localDir, saved))) {
    return { name: chosen.name, sequence: chosen.sequence, bytes: 0 };
  }
  const tmp = await mkdtemp(join(o.localDir, INCOMING));
  try {
    let bytes = 0;
    for (const f of chosen.files) {
      const dest = inside(tmp, chosen.name, f.path);
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
      const got = await store.download(`${prefix}${chosen.name}/${chosen.upload}/${f.path}`, dest);
      if (got !== f.bytes) throw new Error(`Checkpoint ${chosen.name}: ${f.path} downloaded ${got} bytes, not the ${f.bytes} its manifest states`);
      bytes += got;
    }
    await mkdir(join(tmp, chosen.name), { recursive: true, mode: 0o700 });
    await writeFile(join(tmp, LOCAL_MANIFEST), `${JSON.stringify(chosen)}\n`, { mode: 0o600 });
    await replaceSaved(o.localDir, tmp, chosen.name, saved?.name);
    return { name: chosen.name, sequence: chosen.sequence, bytes };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Uploads the saved checkpoint (if any) into `checkpointsUri` as the nodes publish one: each file
 * under `<name>/upload-<sequence>/`, then `<name>/manifest.json` (its sequence kept), and then, always,
 * the empty `SEEDED` marker the nodes wait for before they restore.
 * @returns the bytes uploaded (0 when nothing was saved)
 * @throws ValidationError when the saved manifest is malformed; Error when a saved file is missing or has another size, or an upload fails
 */
export async function seedCheckpoint(o: SeedCheckpointOptions): Promise<number> {
  const prefix = withSlash(o.checkpointsUri);
  const store = storeFor(prefix, o.options);
  const saved = await readSaved(o.localDir);
  let bytes = 0;
  if (saved) {
    if (!(await holdsFiles(o.localDir, saved, true))) throw new Error(`The saved checkpoint in ${o.localDir} is damaged`);
    const upload = `upload-${saved.sequence}`;
    for (const f of saved.files) {
      bytes += await store.upload(inside(o.localDir, saved.name, f.path), `${prefix}${saved.name}/${upload}/${f.path}`);
    }
    await store.put(`${prefix}${saved.name}/manifest.json`, JSON.stringify({ ...saved, upload }));
  }
  await store.put(`${prefix}${SEEDED_MARKER}`, "");
  return bytes;
}

/** Which cloud bytes read from `uri` leave: `aws` for S3, `azure` for Blob, `local` for files. */
export function egressSourceOf(uri: string): EgressSource {
  const kind = parsePrefix(uri).kind;
  return kind === "s3" ? "aws" : kind === "blob" ? "azure" : "local";
}

// ---------------------------------------------------------------------------------------------
// Manifests

/** The node's rules (lib/task/checkpoint-script.ts) for a checkpoint's name, a manifest's key and a file's path. */
const NAME = new RegExp(`^[${CHECKPOINT_NAME_CHARS}]+$`);
const MANIFEST_KEY = new RegExp(`^([${CHECKPOINT_NAME_CHARS}]+)/manifest\\.json$`);
const PATH = new RegExp(`^[${CHECKPOINT_PATH_CHARS}]+$`);
const PATH_RULE = 'a relative path of letters, digits, ".", "_", "-" and "/", without "..", empty or "." parts';

/**
 * Parses and checks a manifest read from `where` (for messages); `folder` is the name it was found under.
 * @throws ValidationError naming `where`, the field, the value and what is allowed
 */
export function parseManifest(text: string, where: string, folder?: string): CheckpointManifest {
  const bad = (field: string, value: unknown, allowed: string): never => {
    throw new ValidationError(`checkpoint manifest ${where}`, field, value, allowed);
  };
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return bad("text", text.length > 60 ? `${text.slice(0, 60)}...` : text, "JSON");
  }
  if (typeof m !== "object" || m === null || Array.isArray(m)) return bad("text", text, "a JSON object");
  const name = m.name;
  if (typeof name !== "string" || !NAME.test(name) || name === "." || name === "..") bad("name", name, "letters, digits, ., _ and -");
  if (folder !== undefined && name !== folder) bad("name", name, `the name of the folder it is in, ${JSON.stringify(folder)}`);
  if (!Number.isSafeInteger(m.sequence) || (m.sequence as number) < 1) bad("sequence", m.sequence, "a whole number >= 1");
  const upload = m.upload;
  if (typeof upload !== "string" || !NAME.test(upload) || upload === "." || upload === "..") bad("upload", upload, "letters, digits, ., _ and -");
  if (!Array.isArray(m.files)) return bad("files", m.files, "a list of { path, bytes }");
  const seen = new Set<string>();
  (m.files as unknown[]).forEach((f, i) => {
    const { path, bytes } = (typeof f === "object" && f !== null ? f : {}) as { path?: unknown; bytes?: unknown };
    if (typeof path !== "string" || !safePath(path)) bad(`files[${i}].path`, path, PATH_RULE);
    if (seen.has(path as string)) bad(`files[${i}].path`, path, "each path once");
    seen.add(path as string);
    if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) bad(`files[${i}].bytes`, bytes, "a whole number of bytes >= 0");
  });
  return m as CheckpointManifest;
}

/** The node's rule for a file's path in a checkpoint, and no empty or "." parts. */
function safePath(path: string): boolean {
  return PATH.test(path) && !path.startsWith("/") && !path.includes("..") && path.split("/").every((p) => p !== "" && p !== ".");
}

// ---------------------------------------------------------------------------------------------
// The saved copy

/** The saved checkpoint's manifest, or undefined when none is saved. @throws ValidationError when malformed */
async function readSaved(localDir: string): Promise<CheckpointManifest | undefined> {
  const file = join(localDir, LOCAL_MANIFEST);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return parseManifest(text, file);
}

/** Whether every file of `m` is in `localDir` with its size (throws the first difference when `loud`). */
async function holdsFiles(localDir: string, m: CheckpointManifest, loud = false): Promise<boolean> {
  for (const f of m.files) {
    const path = inside(localDir, m.name, f.path);
    const st = await lstat(path).catch(() => undefined);
    if (st?.isFile() && st.size === f.bytes) continue;
    if (loud) throw new Error(`The saved checkpoint ${m.name} in ${localDir}: ${f.path} is ${st ? `${st.isFile() ? st.size : "not a file of"} bytes` : "missing"}, not ${f.bytes} bytes`);
    return false;
  }
  return true;
}

/**
 * Puts the checkpoint downloaded into `tmp` in place of the saved one: its folder first, then its
 * manifest (one rename: the switch), then the old folder goes. When the name is the same, the old
 * manifest goes first, so no manifest ever names a folder being replaced.
 */
async function replaceSaved(localDir: string, tmp: string, name: string, oldName: string | undefined): Promise<void> {
  if (oldName === name) await rm(join(localDir, LOCAL_MANIFEST), { force: true });
  await rm(join(localDir, name), { recursive: true, force: true });
  await rename(join(tmp, name), join(localDir, name));
  await rename(join(tmp, LOCAL_MANIFEST), join(localDir, LOCAL_MANIFEST));
  if (oldName !== undefined && oldName !== name) await rm(join(localDir, oldName), { recursive: true, force: true });
}

/** Removes what an interrupted save left: temporary folders and checkpoint folders no manifest names. */
async function removeStrays(localDir: string, keep: string | undefined): Promise<void> {
  for (const entry of await readdir(localDir)) {
    if (entry === LOCAL_MANIFEST || entry === keep) continue;
    await rm(join(localDir, entry), { recursive: true, force: true });
  }
}

/** `root/name/path`, checked to stay inside `root` (the path was checked by {@link parseManifest}). */
function inside(root: string, name: string, path: string): string {
  const full = resolve(root, name, path);
  if (!full.startsWith(resolve(root) + sep)) throw new Error(`Checkpoint ${name}: ${path} would be outside ${root}`);
  return full;
}

function withSlash(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}
