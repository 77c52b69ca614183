/**
 * The batch script of a task on an owned Slurm pool (pure: strings in, a string out). One `sbatch`
 * job holds the task's nodes for at most its maxRuntime (`--time`, Slurm's own deadline); `srun`
 * starts one `torchrun` per node with c10d rendezvous on the job's first node; the script keeps the
 * clouds' run contract in the run's folder on the shared file system: `logs/node<i>.log` (node 0's
 * is the one the launcher streams), `logs/node<i>.exit`, and `status.json` (runId, exitCode,
 * reason, startedAt, finishedAt...) written once, atomically, however the job ends:
 * - the workload ends: its exit code, `completed` or `workload-failed`;
 * - Slurm's warning before the time limit (`--signal=B:USR1@<s>`): the workload gets SIGTERM
 *   (torchrun passes it on), then `time-limit`, exit 124;
 * - SIGTERM at the time limit (Slurm stops every process of the job, SIGKILL after KillWait):
 *   `time-limit`, exit 124; SIGTERM before it (scancel): `cancelled`, exit 143;
 * - node 0's log silent for the idle timeout: the workload is stopped as `hung`, exit 124.
 */
import { shellQuote } from "../task/run-script";

/** What the batch script needs. */
export interface SlurmScriptSpec {
  /** The task's name (in the status). */
  readonly task: string;
  /** The run's ID: the rendezvous ID and the status' runId. */
  readonly runId: string;
  /** `--job-name`: unique per launch attempt, so the job can be found (and cancelled) by it. */
  readonly jobName: string;
  readonly scheduler: { readonly partition: string; readonly account?: string; readonly qos?: string };
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** `--time`, minutes. */
  readonly timeLimitMinutes: number;
  /** How long before the limit the workload is told to stop, seconds (shortened for short limits, see {@link warningSeconds}). */
  readonly signalBeforeLimitSeconds: number;
  /** The run's folder on the shared file system. */
  readonly runDir: string;
  /** How the workload runs: in a container (pyxis, apptainer) or on the host. */
  readonly container: { readonly kind: "pyxis" | "apptainer" | "none"; readonly image?: string; readonly mounts: readonly { readonly host: string; readonly container: string; readonly readOnly?: boolean }[] };
  /** argv handed to torchrun. @default - the image's own entry point (apptainer run) */
  readonly command?: readonly string[];
  /** The workload's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The placement, JSON, copied into the status. */
  readonly placementJson: string;
  /** Stop the job when node 0's log has not grown for this long, minutes; 0 turns it off. @default 30 */
  readonly idleTimeoutMinutes?: number;
  /** Longest wait of the rendezvous for the slowest node, minutes. @default 30 */
  readonly joinTimeoutMinutes?: number;
}

/**
 * Seconds before the limit at which Slurm warns the job: the spec's, but at most a quarter of the
 * limit, so a short task runs most of its time (Slurm checks limits every 30 s and may signal up to
 * a minute early). 0: no warning (the TERM at the limit still writes the status).
 */
export function warningSeconds(spec: Pick<SlurmScriptSpec, "timeLimitMinutes" | "signalBeforeLimitSeconds">): number {
  return Math.max(0, Math.min(Math.floor(spec.signalBeforeLimitSeconds), Math.floor((spec.timeLimitMinutes * 60) / 4)));
}

/** The #SBATCH options of the job. */
export function sbatchOptions(spec: SlurmScriptSpec): string[] {
  const warn = warningSeconds(spec);
  return [
    `--job-name=${spec.jobName}`,
    `--partition=${spec.scheduler.partition}`,
    ...(spec.scheduler.account ? [`--account=${spec.scheduler.account}`] : []),
    ...(spec.scheduler.qos ? [`--qos=${spec.scheduler.qos}`] : []),
    `--nodes=${spec.nodes}`,
    "--ntasks-per-node=1",
    `--gpus-per-node=${spec.gpusPerNode}`,
    `--time=${spec.timeLimitMinutes}`,
    ...(warn > 0 ? [`--signal=B:USR1@${warn}`] : []),
    `--output=${spec.runDir}/slurm-%j.out`,
    `--chdir=${spec.runDir}`,
    // A requeued job would run the script again over the same run folder: a run is one attempt.
    "--no-requeue",
  ];
}

/** The batch script's text. @throws Error when the spec cannot be rendered (a path or variable name the script cannot carry). */
export function slurmJobScript(spec: SlurmScriptSpec): string {
  checkSpec(spec);
  const idle = spec.idleTimeoutMinutes ?? 30;
  const join = spec.joinTimeoutMinutes ?? 30;
  const argv = (spec.command ?? []).map(shellQuote).join(" ");
  const { kind, image, mounts } = spec.container;
  const mountList = mounts.map((m) => `${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`).join(",");
  // srun runs the node wrapper once per node; the wrapper runs the workload and records its exit code.
  const workload =
    kind === "pyxis"
      ? `--container-image=${shellQuote(image!)}${mountList ? ` --container-mounts=${shellQuote(mountList)}` : ""} bash -c "$NODE_WRAPPER" hgpu-node torchrun ${argv}`
      : kind === "apptainer"
        ? `bash -c "$NODE_WRAPPER" hgpu-node apptainer ${spec.command ? "exec" : "run"} --nv${mounts.map((m) => ` --bind ${shellQuote(`${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`)}`).join("")} ${shellQuote(apptainerUri(image!))}${spec.command ? ` torchrun ${argv}` : ""}`
        : `bash -c "$NODE_WRAPPER" hgpu-node torchrun ${argv}`;
  return [
    "#!/bin/bash",
    ...sbatchOptions(spec).map((o) => `#SBATCH ${o}`),
    `# hgpu task ${spec.task}: rendezvous on the first node, run, report`,
    "set -uo pipefail",
    `RUN_ID=${shellQuote(spec.runId)}`,
    `RUN_DIR=${shellQuote(spec.runDir)}`,
    `NODES=${spec.nodes}`,
    `GPUS_PER_NODE=${spec.gpusPerNode}`,
    `LIMIT_SECONDS=${spec.timeLimitMinutes * 60}`,
    `PLACEMENT=${shellQuote(spec.placementJson)}`,
    "START_S=$(date +%s); STARTED=$(date -u +%FT%TZ); REPORTED=0; REASON=''",
    'mkdir -p "$RUN_DIR/logs"; LOG="$RUN_DIR/logs/node0.log"; touch "$LOG"',
    // The status is written once, whole (a temporary file renamed), by whichever way out comes first.
    "report() {",
    '  [ "$REPORTED" = 1 ] && return 0; REPORTED=1',
    `  printf '{"runId":"%s","task":%s,"exitCode":%d,"reason":"%s","startedAt":"%s","finishedAt":"%s","nodes":%d,"reportedBy":"%s","slurmJobId":"%s","placement":%s}\\n' "$RUN_ID" ${shellQuote(JSON.stringify(spec.task))} "$1" "$2" "$STARTED" "$(date -u +%FT%TZ)" "$NODES" "$(hostname)" "$SLURM_JOB_ID" "$PLACEMENT" > "$RUN_DIR/.status.json.tmp" && mv -f "$RUN_DIR/.status.json.tmp" "$RUN_DIR/status.json"`,
    "}",
    "# SIGTERM: the time limit (Slurm stops the job) or scancel",
    'on_term() { if [ $(( $(date +%s) - START_S )) -ge $(( LIMIT_SECONDS - 10 )) ]; then report 124 time-limit; echo "hgpu: Slurm\'s time limit ($LIMIT_SECONDS s) stopped the task" >> "$LOG"; exit 124; fi; report 143 cancelled; exit 143; }',
    // srun itself, signalled, kills the step at once: the step's processes get the TERM instead
    "stop_workload() { scancel --signal=TERM \"$SLURM_JOB_ID.0\" 2>/dev/null; }",
    "# Slurm's warning before the time limit: the workload is asked to stop (SIGTERM) and may save its state",
    'on_warning() { REASON=time-limit; echo "hgpu: Slurm\'s time limit ($LIMIT_SECONDS s) is near: stopping the workload" >> "$LOG"; stop_workload; }',
    "trap on_term TERM",
    "trap on_warning USR1",
    ...Object.entries(spec.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    "# the job's first node is the rendezvous; the port follows the job ID, so jobs sharing a node do not collide",
    'HEAD=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    "PORT=$(( 20000 + SLURM_JOB_ID % 10000 ))",
    `export PET_NNODES=$NODES PET_NPROC_PER_NODE=$GPUS_PER_NODE PET_RDZV_BACKEND=c10d PET_RDZV_ENDPOINT="$HEAD:$PORT" PET_RDZV_ID="$RUN_ID" PET_RDZV_CONF="join_timeout=${join * 60},read_timeout=600" PET_MAX_RESTARTS=0`,
    "export HGPU_RUN_DIR=\"$RUN_DIR\"",
    // the wrapper outlives the SIGTERM Slurm sends every process of the step, to record the workload's exit code
    `NODE_WRAPPER='trap : TERM; "$@"; c=$?; echo "$c" > "$HGPU_RUN_DIR/logs/node$SLURM_NODEID.exit"; exit "$c"'`,
    `srun --kill-on-bad-exit=1 --ntasks-per-node=1 --output="$RUN_DIR/logs/node%n.log" ${workload} &`,
    "WORKLOAD=$!",
    // node 0's log silent for the idle timeout means a hung job; until its first output the
    // rendezvous gets its join timeout on top
    ...(idle > 0
      ? [
          `( IDLE=0; SIZE=$(stat -c %s "$LOG"); SPOKE=0; while sleep 60; do NOW=$(stat -c %s "$LOG" 2>/dev/null || echo 0); if [ "$NOW" != "$SIZE" ]; then SIZE=$NOW; IDLE=0; SPOKE=1; else IDLE=$((IDLE + 1)); fi; LIMIT=${idle}; [ "$SPOKE" = 0 ] && LIMIT=$((${idle} + ${join})); if [ "$IDLE" -ge "$LIMIT" ]; then echo "hgpu: no output for $LIMIT minutes: stopping the job as hung" >> "$LOG"; touch "$RUN_DIR/.hung"; stop_workload; break; fi; done ) &`,
          "WATCHDOG=$!",
        ]
      : ["WATCHDOG="]),
    // wait returns early when a trapped signal arrives: wait again until the workload is gone
    'while kill -0 "$WORKLOAD" 2>/dev/null; do wait "$WORKLOAD"; done',
    'wait "$WORKLOAD"; CODE=$?',
    '[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null',
    'if [ -e "$RUN_DIR/.hung" ]; then CODE=124; REASON=hung; elif [ "$REASON" = time-limit ]; then CODE=124; elif [ "$CODE" = 0 ]; then REASON=completed; else REASON=workload-failed; fi',
    'report "$CODE" "$REASON"',
    'exit "$CODE"',
    "",
  ].join("\n");
}

/** An image reference as apptainer takes it: `docker://` unless it names a scheme or a .sif file already. */
export function apptainerUri(image: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//.test(image) || image.endsWith(".sif") ? image : `docker://${image}`;
}

function checkSpec(spec: SlurmScriptSpec): void {
  const problems: string[] = [];
  // #SBATCH lines end at white space, and %-patterns in --output are Slurm's.
  if (!/^\/[A-Za-z0-9_./-]*$/.test(spec.runDir)) problems.push(`runDir ${JSON.stringify(spec.runDir)} must be an absolute path of letters, digits, _ . / and -`);
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.jobName)) problems.push(`jobName ${JSON.stringify(spec.jobName)} must be letters, digits, _ . and -`);
  for (const k of Object.keys(spec.env)) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) problems.push(`env ${JSON.stringify(k)} is not a variable name`);
  if (spec.container.kind !== "none" && !spec.container.image) problems.push(`container ${spec.container.kind} needs an image`);
  if (spec.container.kind === "none" && spec.container.image) problems.push(`image ${spec.container.image} needs a container runtime (pyxis or apptainer)`);
  if (spec.container.kind !== "apptainer" && !spec.command?.length) problems.push(`a command is needed: ${spec.container.kind === "pyxis" ? "pyxis runs the command given, not the image's entry point" : "there is no image to run"}`);
  if (spec.container.mounts.some((m) => /[,:]/.test(m.host) || /[,:]/.test(m.container))) problems.push("mount paths must not hold , or :");
  if (problems.length) throw new Error(`cannot write the Slurm job of task ${spec.task}: ${problems.join("; ")}`);
}
