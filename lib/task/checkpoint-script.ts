/**
 * Durable checkpoints on the node (pure: strings out), the bash the run script includes when a task
 * has `recovery`.
 *
 * The contract with the workload:
 * - it writes each checkpoint into its own folder `$HGPU_CHECKPOINT_DIR/<name>/` (a name of letters,
 *   digits, `.`, `_` and `-`, never reused, e.g. `step-000500`; file names of the same characters
 *   and `/`), and once every file is written and closed it creates the empty file
 *   `$HGPU_CHECKPOINT_DIR/<name>/COMPLETE`; it changes nothing in that folder afterwards;
 * - node 0 uploads each newly completed checkpoint to the run store: its files under
 *   `checkpoints/<name>/upload-<sequence>/` first, then `checkpoints/<name>/manifest.json` (name,
 *   sequence, upload prefix, each file's path and size) last. A checkpoint without a manifest is
 *   half-written and is never restored;
 * - on a restart (`HGPU_RESTART_COUNT` above 0) the launcher carries the previous attempt's latest
 *   checkpoint into this attempt's run store in the same layout, then writes the empty object
 *   `checkpoints/SEEDED` (also when there was nothing to carry); every node waits for it (polling
 *   every 10 seconds, at most `seedWaitMinutes`) before it restores, and without it the run stops
 *   with status `restore-failed` rather than start over;
 * - before the workload starts, every node restores the checkpoint with the highest sequence whose
 *   manifest exists (an older one if its files cannot be read) into `$HGPU_CHECKPOINT_DIR/<name>/`,
 *   with its COMPLETE marker, and the workload sees `HGPU_RESUMED_FROM=<name>` (empty on a fresh
 *   start) and `HGPU_RESTART_COUNT`.
 *
 * Node 0 syncs what is in its own `HGPU_CHECKPOINT_DIR`: ranks on other nodes that write parts of a
 * checkpoint need the folder on shared storage.
 */
import type { RunScriptCloud } from "./run-script";

/** The file whose creation marks a checkpoint complete, inside the checkpoint's folder. */
export const CHECKPOINT_MARKER = "COMPLETE";

/**
 * The object (under the checkpoints' prefix) the launcher writes once it has carried a restart's
 * checkpoint over (lib/launch/checkpoint-transfer.ts), even when there was nothing to carry.
 */
export const SEEDED_MARKER = "SEEDED";

/**
 * The characters of a checkpoint's name (and of its upload prefix), as a bracket-expression body
 * that bash `case` patterns, grep and JavaScript regular expressions read alike. The node's
 * script and the launcher (lib/launch/checkpoint-transfer.ts) both check names against it.
 */
export const CHECKPOINT_NAME_CHARS = "A-Za-z0-9._-";

/** The characters of a file's path inside a checkpoint: {@link CHECKPOINT_NAME_CHARS} and `/`. */
export const CHECKPOINT_PATH_CHARS = "A-Za-z0-9._/-";

/** Seconds between looks for the {@link SEEDED_MARKER}. */
const SEED_POLL_SECONDS = 10;

/** What the run script needs for checkpoints. */
export interface CheckpointScriptSpec {
  /** Where the workload writes its checkpoints on the node (a checked, plain shell word). */
  readonly checkpointPath: string;
  /**
   * Where the run's checkpoints are kept: an `s3://bucket/prefix` or Blob container URL with a
   * prefix (a Terraform reference is fine), shared by every attempt of the run.
   * @default - the run's prefix, where its status is written
   */
  readonly checkpointBase?: string;
  /** Restarts of the run before this attempt (a literal or a Terraform reference). @default 0 */
  readonly restartCount?: number | string;
  /**
   * On a restart, longest wait for the launcher's `checkpoints/SEEDED` marker before the restore,
   * minutes (looked for every 10 seconds); without it the run stops as `restore-failed`.
   * @default 30
   */
  readonly seedWaitMinutes?: number;
  /** Seconds between looks for newly completed checkpoints on node 0. @default 30 */
  readonly syncIntervalSeconds?: number;
  /** Files larger than this go to Blob storage in blocks of this size (Put Block, Put Block List). @default 268435456 (256 MiB) */
  readonly blobBlockBytes?: number;
}

/**
 * Object storage, per cloud, by full URI (so that checkpoints may live under another prefix than the
 * attempt's statuses): `obj_get <uri> <file>`, `obj_put <file> <uri>` (large files in parts) and
 * `obj_list <uri prefix>` (the keys under it, relative to it, one a line; nothing when there are
 * none). They use the node's own identity, as `put_object` does.
 */
export function objectStoreLines(cloud: RunScriptCloud, spec: CheckpointScriptSpec): string[] {
  if (cloud.kind === "aws") {
    return [
      'obj_get() { aws s3 cp --only-show-errors "$1" "$2"; }',
      // the CLI uploads large files in parts by itself
      'obj_put() { aws s3 cp --only-show-errors "$1" "$2"; }',
      // list-objects-v2 pages through everything, and says None (exit 0) when nothing is there
      'obj_list() { local bucket path; bucket=$(echo "$1" | cut -d/ -f3); path=$(echo "$1" | cut -d/ -f4-); aws s3api list-objects-v2 --bucket "$bucket" --prefix "$path" --query "Contents[].Key" --output text | tr \'\\t\' \'\\n\' | awk \'NF && $0 != "None"\' | sed "s#^$path##"; }',
    ];
  }
  const block = spec.blobBlockBytes ?? 268435456;
  return [
    // one token for 5 minutes (they last hours): IMDS throttles a VM past 5 requests a second
    "storage_token() {",
    "  local t",
    '  if [ -s /opt/hgpu/storage-token ] && [ $(( $(date +%s) - $(stat -c %Y /opt/hgpu/storage-token) )) -lt 300 ]; then cat /opt/hgpu/storage-token; return; fi',
    '  t=$(token https://storage.azure.com/) && [ -n "$t" ] && printf \'%s\' "$t" > /opt/hgpu/storage-token && printf \'%s\' "$t"',
    "}",
    'blob() { curl -sf -H "Authorization: Bearer $(storage_token)" -H "x-ms-version: 2021-08-06" "$@"; }',
    'obj_get() { blob -o "$2" "$1"; }',
    // List Blobs, page by page (NextMarker)
    "obj_list() {",
    '  local account prefix marker="" page',
    '  account=$(echo "$1" | cut -d/ -f1-4); prefix=$(echo "$1" | cut -d/ -f5-)',
    "  while :; do",
    '    page=$(blob -G --data-urlencode restype=container --data-urlencode comp=list --data-urlencode "prefix=$prefix" --data-urlencode "marker=$marker" "$account") || return 1',
    "    echo \"$page\" | grep -o '<Name>[^<]*</Name>' | sed -e 's#^<Name>##' -e 's#</Name>$##' -e \"s#^$prefix##\"",
    "    marker=$(echo \"$page\" | grep -o '<NextMarker>[^<]*</NextMarker>' | sed -e 's#^<NextMarker>##' -e 's#</NextMarker>$##')",
    '    [ -n "$marker" ] || return 0',
    "  done",
    "}",
    // one Put Blob takes up to 5000 MiB: larger files go in blocks (Put Block, then Put Block List)
    `BLOB_BLOCK_BYTES=${block}`,
    "obj_put() {",
    '  local size off=0 i=0 id ids=""',
    '  size=$(stat -c %s "$1") || return 1',
    '  if [ "$size" -le "$BLOB_BLOCK_BYTES" ]; then blob -X PUT -H "x-ms-blob-type: BlockBlob" --data-binary "@$1" "$2" >/dev/null; return; fi',
    '  while [ "$off" -lt "$size" ]; do',
    "    id=$(printf '%06d' \"$i\" | base64)",
    '    dd if="$1" bs=4M iflag=skip_bytes,count_bytes skip="$off" count="$BLOB_BLOCK_BYTES" status=none | blob -X PUT --data-binary @- "$2?comp=block&blockid=$id" >/dev/null || return 1',
    '    ids="$ids<Latest>$id</Latest>"; off=$((off + BLOB_BLOCK_BYTES)); i=$((i + 1))',
    "  done",
    "  printf '<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>%s</BlockList>' \"$ids\" | blob -X PUT --data-binary @- \"$2?comp=blocklist\" >/dev/null",
    "}",
  ];
}

/**
 * The checkpoint functions (with `CKPT_BASE`, the checkpoints' URI prefix, set before): `ckpt_restore` (every node, before the workload), `ckpt_sync_new`
 * (node 0: publish each newly completed checkpoint, oldest first, one at a time under a lock) and
 * `ckpt_watch` (node 0, in the background while the workload runs).
 */
export function checkpointLines(spec: CheckpointScriptSpec): string[] {
  const restarts = spec.restartCount ?? 0;
  return [
    `CKPT_DIR=${spec.checkpointPath}`,
    `RESTART_COUNT=${typeof restarts === "number" ? restarts : `'${restarts}'`}; case "$RESTART_COUNT" in ''|*[!0-9]*) RESTART_COUNT=0 ;; esac`,
    `CKPT_INTERVAL=${spec.syncIntervalSeconds ?? 30}; [ -n "$TEST_POLL" ] && CKPT_INTERVAL=$TEST_POLL`,
    "RESUMED_FROM=''",
    // on a restart, the number of looks for the launcher's seed marker (every 10 s; tests look faster, as often)
    `SEED_POLLS=${Math.ceil(((spec.seedWaitMinutes ?? 30) * 60) / SEED_POLL_SECONDS)}; SEED_POLL=${SEED_POLL_SECONDS}; [ -n "$TEST_POLL" ] && SEED_POLL=$TEST_POLL`,
    // the run store's record of this node: names synced (or restored), the last sequence published
    "CKPT_STATE=/opt/hgpu/checkpoints; mkdir -p \"$CKPT_STATE\"; touch \"$CKPT_STATE/synced\"; [ -s \"$CKPT_STATE/sequence\" ] || echo 0 > \"$CKPT_STATE/sequence\"",
    // a manifest: the checkpoint's files (path and size), read from 'path<TAB>bytes' lines
    "ckpt_manifest() {",
    "  python3 -c 'import json,sys,time",
    "name, seq, restarts, node = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]",
    "files = []",
    "for line in sys.stdin.read().splitlines():",
    "    path, size = line.rsplit(\"\\t\", 1)",
    "    files.append({\"path\": path, \"bytes\": int(size)})",
    "print(json.dumps({\"name\": name, \"sequence\": seq, \"upload\": \"upload-%d\" % seq, \"files\": files, \"restartCount\": restarts, \"node\": node, \"publishedAt\": time.strftime(\"%Y-%m-%dT%H:%M:%SZ\", time.gmtime())}))' \"$@\"",
    "}",
    // publish one completed checkpoint: its files under a fresh upload prefix, then the manifest
    "ckpt_publish() {",
    '  local name=$1 dir="$CKPT_DIR/$1" files seq rel size',
    '  files=$(cd "$dir" && find . -type f ! -path ./COMPLETE -printf \'%P\\t%s\\n\' | LC_ALL=C sort) || return 1',
    `  if printf '%s\\n' "$files" | cut -f1 | grep '[^${CHECKPOINT_PATH_CHARS}]' >/dev/null; then`,
    '    echo "hgpu: checkpoint $name not synced: a file name has characters other than letters, digits, . _ - /"; echo "$name" >> "$CKPT_STATE/synced"; return 0',
    "  fi",
    '  seq=$(( $(cat "$CKPT_STATE/sequence") + 1 ))',
    "  while IFS=$'\\t' read -r rel size; do",
    '    [ -n "$rel" ] || continue',
    '    obj_put "$dir/$rel" "$CKPT_BASE/checkpoints/$name/upload-$seq/$rel" </dev/null || { echo "hgpu: checkpoint $name: uploading $rel failed"; return 1; }',
    '  done <<< "$files"',
    '  printf \'%s\\n\' "$files" | grep . | ckpt_manifest "$name" "$seq" "$RESTART_COUNT" "$SELF" > "$CKPT_STATE/manifest.json" || return 1',
    '  obj_put "$CKPT_STATE/manifest.json" "$CKPT_BASE/checkpoints/$name/manifest.json" </dev/null || { echo "hgpu: checkpoint $name: publishing its manifest failed"; return 1; }',
    '  echo "$seq" > "$CKPT_STATE/sequence"; echo "$name" >> "$CKPT_STATE/synced"; echo "$name" > "$CKPT_STATE/latest"',
    '  echo "hgpu: checkpoint $name synced to the run store ($(printf \'%s\\n\' "$files" | grep -c .) files, sequence $seq)"',
    "}",
    // every completed checkpoint not yet synced, oldest marker first; one publisher at a time
    "ckpt_sync_unlocked() {",
    "  local dir name",
    '  find "$CKPT_DIR" -mindepth 2 -maxdepth 2 -name COMPLETE -printf \'%T@ %h\\n\' 2>/dev/null | sort -n | cut -d" " -f2- | while IFS= read -r dir; do',
    '    name=$(basename "$dir")',
    `    case "$name" in .*|*[!${CHECKPOINT_NAME_CHARS}]*) continue ;; esac`,
    '    grep -qxF "$name" "$CKPT_STATE/synced" && continue',
    '    ckpt_publish "$name" || exit 1',
    "  done",
    "}",
    'ckpt_sync_new() { ( flock 9; ckpt_sync_unlocked ) 9>"$CKPT_STATE/lock"; }',
    'ckpt_watch() { while :; do sleep "$CKPT_INTERVAL"; ckpt_sync_new >> "$LOG" 2>&1; done; }',
    // fetch one published checkpoint into a private folder, check each size, then move it in place
    "ckpt_fetch() {",
    '  local name=$1 tmp="$CKPT_DIR/.hgpu-restore-$$" upload rel size',
    '  upload=$(python3 -c \'import json,sys; print(json.load(open(sys.argv[1]))["upload"])\' "$CKPT_STATE/manifests/$name.json") || return 1',
    '  rm -rf "$tmp"; mkdir -p "$tmp/$name"',
    "  while IFS=$'\\t' read -r rel size; do",
    '    [ -n "$rel" ] || continue',
    `    case "$rel" in /*|*..*|*[!${CHECKPOINT_PATH_CHARS}]*) echo "hgpu: checkpoint $name: unsafe file name in its manifest"; rm -rf "$tmp"; return 1 ;; esac`,
    '    mkdir -p "$(dirname "$tmp/$name/$rel")"',
    '    obj_get "$CKPT_BASE/checkpoints/$name/$upload/$rel" "$tmp/$name/$rel" </dev/null && [ "$(stat -c %s "$tmp/$name/$rel")" = "$size" ] || { echo "hgpu: checkpoint $name: $rel is missing or not $size bytes"; rm -rf "$tmp"; return 1; }',
    '  done < <(python3 -c \'import json,sys; [print("%s\\t%d" % (f["path"], f["bytes"])) for f in json.load(open(sys.argv[1]))["files"]]\' "$CKPT_STATE/manifests/$name.json")',
    '  touch "$tmp/$name/COMPLETE"',
    // on shared storage another node may have restored it first
    '  if [ -e "$CKPT_DIR/$name/COMPLETE" ]; then rm -rf "$tmp"; else rm -rf "$CKPT_DIR/$name"; mv "$tmp/$name" "$CKPT_DIR/$name"; rm -rf "$tmp"; fi',
    "}",
    // the latest published checkpoint (highest sequence), or an older one when its files cannot be read
    // a restart's checkpoints are carried over by the launcher after the apply: wait for its marker
    "ckpt_wait_seeded() {",
    "  local i",
    `  echo "hgpu: restart $RESTART_COUNT: waiting for the launcher to seed the checkpoints (checkpoints/${SEEDED_MARKER})"`,
    '  for i in $(seq 0 "$SEED_POLLS"); do',
    `    if obj_get "$CKPT_BASE/checkpoints/${SEEDED_MARKER}" "$CKPT_STATE/seeded" </dev/null >/dev/null 2>&1; then echo "hgpu: the launcher seeded the checkpoints of restart $RESTART_COUNT"; return 0; fi`,
    '    [ "$i" -lt "$SEED_POLLS" ] && sleep "$SEED_POLL"',
    "  done",
    `  echo "hgpu: the launcher never seeded the checkpoints: no checkpoints/${SEEDED_MARKER} in the run store after ${spec.seedWaitMinutes ?? 30} minutes (restart $RESTART_COUNT)"; return 1`,
    "}",
    "ckpt_restore() {",
    "  local keys key name order",
    '  mkdir -p "$CKPT_DIR" "$CKPT_STATE/manifests" || return 1',
    '  if [ "$RESTART_COUNT" -gt 0 ]; then ckpt_wait_seeded || return 1; fi',
    '  keys=$(obj_list "$CKPT_BASE/checkpoints/") || { echo "hgpu: cannot list the checkpoints in the run store"; return 1; }',
    `  for key in $(printf '%s\\n' "$keys" | grep -E '^[${CHECKPOINT_NAME_CHARS}]+/manifest\\.json$'); do`,
    '    name=$(echo "$key" | cut -d/ -f1)',
    '    obj_get "$CKPT_BASE/checkpoints/$key" "$CKPT_STATE/manifests/$name.json" || { echo "hgpu: cannot read checkpoints/$key"; return 1; }',
    "  done",
    // name and sequence of each manifest, highest sequence first
    '  order=$(python3 -c \'import glob,json,os,sys',
    "rows = []",
    "for p in glob.glob(os.path.join(sys.argv[1], \"*.json\")):",
    "    m = json.load(open(p))",
    "    rows.append((int(m[\"sequence\"]), m[\"name\"]))",
    "for seq, name in sorted(rows, reverse=True):",
    "    print(seq, name)' \"$CKPT_STATE/manifests\") || return 1",
    '  if [ -z "$order" ]; then echo "hgpu: no published checkpoint in the run store: starting fresh"; return 0; fi',
    '  echo "$order" | head -n 1 | cut -d" " -f1 > "$CKPT_STATE/sequence"',
    '  for name in $(echo "$order" | cut -d" " -f2); do',
    '    if ckpt_fetch "$name"; then RESUMED_FROM=$name; echo "$name" >> "$CKPT_STATE/synced"; echo "$name" > "$CKPT_STATE/latest"; echo "hgpu: restored checkpoint $name (restart $RESTART_COUNT)"; return 0; fi',
    '    echo "hgpu: checkpoint $name could not be restored: trying an older one"',
    "  done",
    '  echo "hgpu: no published checkpoint could be restored"; return 1',
    "}",
  ];
}
