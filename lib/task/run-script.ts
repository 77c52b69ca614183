/**
 * The script every node of a task runs (pure: strings in, strings out). It finds the group's
 * nodes and elects node 0 (the lowest instance), runs the workload with torchrun's c10d
 * rendezvous on node 0's private address (through the PET_* variables torchrun reads), streams
 * its log to object storage, writes each node's exit status, and on node 0 writes the run's final
 * status and scales the group to zero: the first of a task's three teardown layers. With
 * `recovery` it also restores the latest published checkpoint before the workload, syncs each new
 * one from node 0, and watches the clouds' preemption notices (checkpoint-script.ts,
 * preemption-script.ts), so that its status says `preempted` or `node-failure` when that is why
 * the run stopped.
 *
 * The script holds no `${` or `%{` of its own (Terraform would read them as template syntax);
 * the Terraform references it is given (run ID, bucket) are resolved before the nodes boot.
 */

import { checkpointLines, objectStoreLines, type CheckpointScriptSpec } from "./checkpoint-script";
import { preemptionLines, RESTORE_FAILED_EXIT, type PreemptionScriptSpec } from "./preemption-script";
import { secretFetchLines, type SecretReference } from "./secrets";

/** Where a node writes its logs and statuses, and how it finds and stops its group. */
export type RunScriptCloud =
  | { readonly kind: "aws"; readonly bucket: string; readonly prefix: string; readonly groupName: string }
  | { readonly kind: "azure"; readonly blobBaseUrl: string };

/** A bind mount into the workload's container. */
export interface WorkloadMount {
  readonly host: string;
  readonly container: string;
  readonly readOnly?: boolean;
}

/**
 * A task's recovery on the node: its checkpoints synced to and restored from the run store, the
 * clouds' preemption notices watched, and the stop explained (`preempted`, `node-failure`).
 */
export interface RunScriptRecovery extends CheckpointScriptSpec, PreemptionScriptSpec {}

/** Everything the run script needs. */
export interface RunScriptSpec {
  readonly cloud: RunScriptCloud;
  readonly taskName: string;
  /** The run ID (a Terraform reference is fine). */
  readonly runId: string;
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** Container image; without it the command runs on the host. */
  readonly image?: string;
  /** argv given to torchrun (or the image's own entry point when absent). */
  readonly command?: readonly string[];
  /** Environment of the workload (NCCL settings, the user's variables, DATA_PATH). */
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly WorkloadMount[];
  /** JSON of the chosen placement, copied into the final status. */
  readonly placementJson: string;
  /**
   * The task's cloud-side deadline (RFC 3339; a Terraform reference is fine). The workload is
   * stopped (SIGTERM, then SIGKILL 5 minutes later) 10 minutes before it, so the status is written
   * before the capacity goes.
   */
  readonly deadline: string;
  /** Lines run before the image is pulled (e.g. a registry login); each runs under the pull timeout. @default - none */
  readonly beforePull?: readonly string[];
  /** Longest the registry login and the image pull may take, per try (3 tries), minutes. @default 20 */
  readonly pullTimeoutMinutes?: number;
  /** Stop a job whose log has not grown for this long (status `hung`, exit 124), minutes. @default 30; 0 turns the watchdog off */
  readonly idleTimeoutMinutes?: number;
  /**
   * Give the container the host's EFA libraries (libfabric and the AWS OFI NCCL plugin of the Deep
   * Learning AMI, under /opt/amazon), read-only and first on its library path, so NCCL uses EFA
   * even in images that do not ship them.
   * @default false
   */
  readonly efaHostLibraries?: boolean;
  /**
   * Secrets the node reads at boot with its own identity, after the pull, into 0600 files, and
   * hands the workload as environment variables. A secret that cannot be read ends the run with
   * status `secrets-unavailable` (exit 96). The script holds only the references.
   * @default - none
   */
  readonly secrets?: readonly SecretReference[];
  /**
   * Checkpoints and preemption handling (checkpoint-script.ts, preemption-script.ts): the workload
   * sees `HGPU_CHECKPOINT_DIR` (mounted at the same path in its container), `HGPU_RESTART_COUNT`
   * and `HGPU_RESUMED_FROM`.
   * @default - none: the script is the same as without recovery
   */
  readonly recovery?: RunScriptRecovery;
}

/** The registry of an Amazon ECR image (`<account>.dkr.ecr.<region>.amazonaws.com`), or undefined. */
export function ecrRegistry(image: string): { registry: string; region: string } | undefined {
  const m = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\//.exec(image);
  return m ? { registry: m[1]!, region: m[2]! } : undefined;
}

/** Quotes a string for bash: single quotes, with embedded single quotes escaped. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The run script's text. */
export function runScript(spec: RunScriptSpec): string {
  const argv = (spec.command ?? []).map(shellQuote).join(" ");
  const secrets = spec.secrets ?? [];
  const pullMinutes = spec.pullTimeoutMinutes ?? 20;
  const idleMinutes = spec.idleTimeoutMinutes ?? 30;
  // The image is pulled (and the registry logged in to) before the workload starts, each step under
  // a timeout, three tries: a registry that hangs cannot hold the GPUs until the deadline.
  const pull = spec.image
    ? [
        "pull_image() {",
        "  for i in 1 2 3; do",
        ...[...(spec.beforePull ?? []), `docker pull ${shellQuote(spec.image)}`].map((line, i, all) => `    timeout ${pullMinutes}m bash -c ${shellQuote(line)}${i < all.length - 1 ? " &&" : " && return 0"}`),
        "    sleep 30",
        "  done",
        "  return 1",
        "}",
      ]
    : ["pull_image() { return 0; }"];
  const workload = spec.image
    ? [
        "DEVICES=$(for d in /dev/infiniband/*; do [ -e \"$d\" ] && printf -- '--device=%s ' \"$d\"; done)",
        `timeout --signal=TERM --kill-after=5m "$REMAIN"s docker run --rm --name hgpu-task --gpus all --network host --ipc host --ulimit memlock=-1 --ulimit stack=67108864 $DEVICES --env-file /opt/hgpu/env.list ${secrets.map((r) => `-e ${r.env} `).join("")}${[...spec.mounts, ...(spec.recovery ? [{ host: spec.recovery.checkpointPath, container: spec.recovery.checkpointPath }] : []), ...(spec.efaHostLibraries ? [{ host: "/opt/amazon", container: "/opt/amazon", readOnly: true }] : [])].map((m) => `-v ${shellQuote(`${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`)}`).join(" ")} ${shellQuote(spec.image)}${spec.command ? `${spec.efaHostLibraries ? ` bash -c ${shellQuote('export LD_LIBRARY_PATH=/opt/amazon/ofi-nccl/lib/x86_64-linux-gnu:/opt/amazon/ofi-nccl/lib:/opt/amazon/efa/lib:$LD_LIBRARY_PATH; exec "$@"')} --` : ""} torchrun ${argv}` : ""}`,
      ]
    : [`timeout --signal=TERM --kill-after=5m "$REMAIN"s torchrun ${argv}`];

  const c = spec.cloud;
  const r = spec.recovery;
  const cloudLines =
    c.kind === "aws"
      ? [
          `GROUP=${shellQuote(c.groupName)}`,
          `BASE=${shellQuote(`s3://${c.bucket}/${c.prefix}`)}`,
          'TOKEN=$(curl -sX PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")',
          'imds() { curl -s -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/$1"; }',
          "export AWS_DEFAULT_REGION=$(imds placement/region)",
          "SELF=$(imds instance-id)",
          "put_object() { aws s3 cp --only-show-errors \"$1\" \"$BASE/$2\"; }",
          "count_objects() { aws s3 ls \"$BASE/$1\" | grep -c . || true; }",
          "imds local-ipv4 > /opt/hgpu/address",
          'retry put_object /opt/hgpu/address "addresses/$SELF" || true',
          "discover() {",
          "  IDS=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names \"$GROUP\" --query 'AutoScalingGroups[0].Instances[?LifecycleState==`InService`].InstanceId' --output text | tr '\\t' '\\n' | grep . | sort)",
          "  COUNT=$(echo \"$IDS\" | grep -c . || true)",
          "  HEAD_ID=$(echo \"$IDS\" | head -n 1)",
          // Each node publishes its address in the run's prefix: no ec2:DescribeInstances on every instance of the account.
          "  [ -n \"$HEAD_ID\" ] && HEAD_IP=$(aws s3 cp --only-show-errors \"$BASE/addresses/$HEAD_ID\" - 2>/dev/null | tr -d '[:space:]')",
          "  IS_HEAD=0; [ \"$SELF\" = \"$HEAD_ID\" ] && IS_HEAD=1",
          "}",
          "scale_to_zero() { aws autoscaling update-auto-scaling-group --auto-scaling-group-name \"$GROUP\" --min-size 0 --max-size 0 --desired-capacity 0; }",
          // 0: node 0 is in service; 1: it is gone (leaving the group, or no longer in it); 2: no answer (throttling, credentials)
          "head_alive() { local out; out=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names \"$GROUP\" --query \"AutoScalingGroups[0].Instances[?InstanceId=='$HEAD_ID'].LifecycleState\" --output text 2>&1) || return 2; case \"$out\" in InService|Pending*) return 0 ;; ''|None|Terminat*|Detach*|Standby*|Quarantined) return 1 ;; *) return 2 ;; esac; }",
        ]
      : [
          `BASE=${shellQuote(c.blobBaseUrl)}`,
          'META=$(curl -s -H Metadata:true "$IMDS/metadata/instance/compute?api-version=2021-02-01")',
          "meta() { echo \"$META\" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' \"$1\"; }",
          "SUB=$(meta subscriptionId); RG=$(meta resourceGroupName); GROUP=$(meta vmScaleSetName); SELF=$(meta name)",
          'SELF_IP=$(curl -s -H Metadata:true "$IMDS/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress?api-version=2021-02-01&format=text")',
          'token() { curl -s -H Metadata:true "$IMDS/metadata/identity/oauth2/token?api-version=2018-02-01&resource=$1" | python3 -c \'import json,sys; print(json.load(sys.stdin)["access_token"])\'; }',
          'ARM="https://management.azure.com/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.Compute/virtualMachineScaleSets/$GROUP"',
          'put_object() { curl -sf -X PUT -H "Authorization: Bearer $(token https://storage.azure.com/)" -H "x-ms-version: 2021-08-06" -H "x-ms-blob-type: BlockBlob" --data-binary "@$1" "$BASE/$2" >/dev/null; }',
          'count_objects() { ACCOUNT_URL=$(echo "$BASE" | cut -d/ -f1-4); PREFIX=$(echo "$BASE" | cut -d/ -f5-); curl -s -H "Authorization: Bearer $(token https://storage.azure.com/)" -H "x-ms-version: 2021-08-06" "$ACCOUNT_URL?restype=container&comp=list&prefix=$PREFIX/$1" | grep -o "<Name>" | wc -l; }',
          "discover() {",
          '  ROWS=$(curl -s -H "Authorization: Bearer $(token https://management.azure.com/)" "$ARM/networkInterfaces?api-version=2018-10-01" | python3 -c \'import json,re,sys',
          "rows=[]",
          'for n in json.load(sys.stdin).get("value", []):',
          '    m = re.search("/virtualMachines/([0-9]+)/", n["id"])',
          "    if m:",
          '        rows.append((int(m.group(1)), n["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]))',
          "rows.sort()",
          "print(len(rows), rows[0][1] if rows else \"\")')",
          "  COUNT=$(echo \"$ROWS\" | awk '{print $1}'); HEAD_IP=$(echo \"$ROWS\" | awk '{print $2}')",
          "  IS_HEAD=0; [ \"$SELF_IP\" = \"$HEAD_IP\" ] && IS_HEAD=1",
          "}",
          "scale_to_zero() { curl -sf -X PATCH -H \"Authorization: Bearer $(token https://management.azure.com/)\" -H 'Content-Type: application/json' -d '{\"sku\":{\"capacity\":0}}' \"$ARM?api-version=2023-09-01\" >/dev/null; }",
          // node 0 is the VM with the lowest instance number: alive while it still is
          "head_alive() { local nics; nics=$(curl -sf -H \"Authorization: Bearer $(token https://management.azure.com/)\" \"$ARM/networkInterfaces?api-version=2018-10-01\") || return 2; case \"$nics\" in *\\\"$HEAD_IP\\\"*) return 0 ;; *\\\"value\\\"*) return 1 ;; *) return 2 ;; esac; }",
        ];

  return [
    "#!/bin/bash",
    `# hgpu task ${spec.taskName}: rendezvous, run, report, scale to zero`,
    "set -uo pipefail",
    // the instance metadata service; tests point the script's own environment elsewhere (the task's env is read later)
    "IMDS=$(printenv HGPU_TEST_METADATA_URL || echo http://169.254.169.254)",
    ...(r ? ["TEST_POLL=$(printenv HGPU_TEST_POLL_SECONDS || true)"] : []),
    `RUN_ID=${shellQuote(spec.runId)}`,
    `NODES=${spec.nodes}`,
    `GPUS_PER_NODE=${spec.gpusPerNode}`,
    `PLACEMENT=${shellQuote(spec.placementJson)}`,
    `DEADLINE=${shellQuote(spec.deadline)}`,
    "HEAD_IP=''; HEAD_ID=''; COUNT=0; IS_HEAD=0",
    // every write and every scale-to-zero retries with backoff (throttling, a role still propagating)
    "retry() { local wait=5; for i in 1 2 3 4 5 6 7 8; do \"$@\" && return 0; sleep $wait; wait=$((wait * 2)); [ $wait -gt 300 ] && wait=300; done; return 1; }",
    ...cloudLines,
    ...(r
      ? [
          ...objectStoreLines(c, r),
          `CKPT_BASE=${r.checkpointBase !== undefined ? shellQuote(r.checkpointBase) : '"$BASE"'}`,
          ...checkpointLines(r),
          ...preemptionLines(c, spec.image !== undefined, r),
        ]
      : []),
    ...pull,
    ...(secrets.length > 0 ? secretFetchLines(secrets) : []),
    "LOG=/var/log/hgpu-task.log",
    "# every node of the group, then node 0 (the lowest instance) is the rendezvous",
    "for i in $(seq 1 180); do discover; [ \"$COUNT\" -ge \"$NODES\" ] && [ -n \"$HEAD_IP\" ] && break; sleep 10; done",
    "STARTED=$(date -u +%FT%TZ)",
    "report() { printf '{\"runId\":\"%s\",\"task\":%s,\"exitCode\":%d,\"reason\":\"%s\",\"startedAt\":\"%s\",\"finishedAt\":\"%s\",\"nodes\":%d,\"reportedBy\":\"%s\",\"placement\":%s" + (r ? "%s" : "") + "}\\n' \"$RUN_ID\" " + shellQuote(JSON.stringify(spec.taskName)) + " \"$1\" \"$2\" \"$STARTED\" \"$(date -u +%FT%TZ)\" \"$NODES\" \"$SELF\" \"$PLACEMENT\"" + (r ? ' "$(recovery_status)"' : "") + " > /opt/hgpu/status.json; retry put_object /opt/hgpu/status.json status.json; }",
    "node_report() { printf '{\"runId\":\"%s\",\"node\":\"%s\",\"exitCode\":%d,\"reason\":\"%s\",\"startedAt\":\"%s\",\"finishedAt\":\"%s\"}\\n' \"$RUN_ID\" \"$SELF\" \"$1\" \"$2\" \"$STARTED\" \"$(date -u +%FT%TZ)\" > /opt/hgpu/node-status.json; retry put_object /opt/hgpu/node-status.json \"nodes/$SELF.json\" || true; }",
    "if [ \"$COUNT\" -lt \"$NODES\" ] || [ -z \"$HEAD_IP\" ]; then",
    "  # the group never filled up: report it and stop every node rather than idle until the deadline",
    "  echo \"rendezvous failed: $COUNT of $NODES nodes\" > \"$LOG\"; retry put_object \"$LOG\" \"logs/$SELF.log\"",
    "  report 97 group-incomplete; retry scale_to_zero; exit 97",
    "fi",
    ...(r ? ["remember_group"] : []),
    "# node 0's log has a well-known name, so the launcher can stream it",
    "LOG_KEY=\"logs/$SELF.log\"; [ \"$IS_HEAD\" = 1 ] && LOG_KEY=logs/node0.log",
    "if ! pull_image > \"$LOG\" 2>&1; then",
    "  # the registry did not answer in time: node 0 stops the run; a worker says so and leaves it to node 0",
    "  retry put_object \"$LOG\" \"$LOG_KEY\" || true",
    "  if [ \"$IS_HEAD\" = 1 ]; then report 98 pull-timeout; retry scale_to_zero; else node_report 98 pull-timeout; fi",
    "  exit 98",
    "fi",
    ...(secrets.length > 0
      ? [
          "if ! fetch_secrets >> \"$LOG\" 2>&1; then",
          "  # a secret the node's identity cannot read: node 0 stops the run; a worker says so and leaves it to node 0",
          "  retry put_object \"$LOG\" \"$LOG_KEY\" || true",
          "  if [ \"$IS_HEAD\" = 1 ]; then report 96 secrets-unavailable; retry scale_to_zero; else node_report 96 secrets-unavailable; fi",
          "  exit 96",
          "fi",
        ]
      : []),
    ...(r
      ? [
          "# the latest published checkpoint, before the workload starts",
          "if ! ckpt_restore >> \"$LOG\" 2>&1; then",
          "  retry put_object \"$LOG\" \"$LOG_KEY\" || true",
          `  if [ "$IS_HEAD" = 1 ]; then report ${RESTORE_FAILED_EXIT} restore-failed; retry scale_to_zero; else node_report ${RESTORE_FAILED_EXIT} restore-failed; fi`,
          `  exit ${RESTORE_FAILED_EXIT}`,
          "fi",
        ]
      : []),
    "# the workload stops 10 minutes before the cloud-side deadline",
    "REMAIN=$(( $(date -d \"$DEADLINE\" +%s) - $(date +%s) - 600 )); [ \"$REMAIN\" -lt 60 ] && REMAIN=60; STOP_AT=$(( $(date +%s) + REMAIN ))",
    // rendezvous waits for the slowest node's pull, not torchrun's default
    `RDZV_CONF="join_timeout=${(pullMinutes * 3 + 10) * 60},read_timeout=600"`,
    "export PET_NNODES=$NODES PET_NPROC_PER_NODE=$GPUS_PER_NODE PET_RDZV_BACKEND=c10d PET_RDZV_ENDPOINT=\"$HEAD_IP:29400\" PET_RDZV_ID=\"$RUN_ID\" PET_RDZV_CONF=\"$RDZV_CONF\" PET_MAX_RESTARTS=0",
    "printf 'PET_NNODES=%s\\nPET_NPROC_PER_NODE=%s\\nPET_RDZV_BACKEND=c10d\\nPET_RDZV_ENDPOINT=%s:29400\\nPET_RDZV_ID=%s\\nPET_RDZV_CONF=%s\\nPET_MAX_RESTARTS=0\\n' \"$NODES\" \"$GPUS_PER_NODE\" \"$HEAD_IP\" \"$RUN_ID\" \"$RDZV_CONF\" >> /opt/hgpu/env.list",
    ". /opt/hgpu/env.sh",
    // after the task's env: these are the script's to set
    ...(r
      ? [
          'export HGPU_CHECKPOINT_DIR="$CKPT_DIR" HGPU_RESTART_COUNT="$RESTART_COUNT" HGPU_RESUMED_FROM="$RESUMED_FROM"',
          "printf 'HGPU_CHECKPOINT_DIR=%s\\nHGPU_RESTART_COUNT=%s\\nHGPU_RESUMED_FROM=%s\\n' \"$CKPT_DIR\" \"$RESTART_COUNT\" \"$RESUMED_FROM\" >> /opt/hgpu/env.list",
        ]
      : []),
    "STARTED_SIZE=$(stat -c %s \"$LOG\" 2>/dev/null || echo 0)",
    // the secrets reach the workload's environment only, never this script's own cloud calls
    "( " + [...(secrets.length > 0 ? ["load_secrets"] : []), ...workload].join("\n  ") + " ) >>\"$LOG\" 2>&1 &",
    "WORKLOAD=$!",
    ...(r ? ["recovery_start"] : []),
    // the progress watchdog: a log that has not grown for the idle timeout means a hung job
    // on node 0 only (other ranks are often silent by design); until the job's first output it also
    // allows the rendezvous its full join timeout, since torchrun prints nothing while it waits
    `IDLE_LIMIT=${idleMinutes}; JOIN_MINUTES=${pullMinutes * 3 + 10}; IDLE=0; HUNG=0; SIZE=$STARTED_SIZE; SPOKE=0`,
    "[ \"$IS_HEAD\" = 1 ] || IDLE_LIMIT=0",
    "while kill -0 \"$WORKLOAD\" 2>/dev/null; do",
    "  put_object \"$LOG\" \"$LOG_KEY\" || true",
    "  NOW_SIZE=$(stat -c %s \"$LOG\" 2>/dev/null || echo 0)",
    "  if [ \"$NOW_SIZE\" != \"$SIZE\" ]; then SIZE=$NOW_SIZE; IDLE=0; SPOKE=1; else IDLE=$((IDLE + 1)); fi",
    "  LIMIT=$IDLE_LIMIT; [ \"$SPOKE\" = 0 ] && LIMIT=$((IDLE_LIMIT + JOIN_MINUTES))",
    "  if [ \"$IDLE_LIMIT\" -gt 0 ] && [ \"$IDLE\" -ge \"$LIMIT\" ]; then",
    "    echo \"hgpu: no output for $LIMIT minutes: stopping the job as hung\" >> \"$LOG\"; HUNG=1",
    "    docker stop -t 60 hgpu-task >/dev/null 2>&1; pkill -TERM -P \"$WORKLOAD\" 2>/dev/null; kill -TERM \"$WORKLOAD\" 2>/dev/null; break",
    "  fi",
    r ? "  nap 60" : "  sleep 60",
    "done",
    "wait \"$WORKLOAD\"; CODE=$?",
    "REASON=completed; [ \"$CODE\" != 0 ] && REASON=workload-failed",
    // timeout returns 124 after SIGTERM, 137 when it had to SIGKILL: past the stop time it was the deadline
    "if [ \"$HUNG\" = 1 ]; then CODE=124; REASON=hung; elif [ \"$(date +%s)\" -ge \"$STOP_AT\" ] && { [ \"$CODE\" = 124 ] || [ \"$CODE\" = 137 ]; }; then CODE=124; REASON=deadline; fi",
    // a killed docker client leaves its container: stop it
    "[ \"$REASON\" = hung ] || [ \"$REASON\" = deadline ] && docker stop -t 30 hgpu-task >/dev/null 2>&1",
    ...(r ? ["recovery_after_workload"] : []),
    "put_object \"$LOG\" \"$LOG_KEY\" || true",
    "node_report \"$CODE\" \"$REASON\"",
    ...(r ? ["[ \"$IS_HEAD\" = 1 ] || notice_ack"] : []),
    "if [ \"$IS_HEAD\" = 1 ]; then",
    "  # node 0 decides: wait (10 minutes at most) for every node's status, report its own result, stop the group",
    "  for i in $(seq 1 60); do [ \"$(count_objects nodes/)\" -ge \"$NODES\" ] && break; " + (r ? "[ -s /opt/hgpu/notice.json ] && break; [ \"$REASON\" = workload-failed ] && peers_gone && break; " : "") + "sleep 10; done",
    ...(r ? ["  recovery_before_report"] : []),
    "  report \"$CODE\" \"$REASON\"",
    ...(r ? ["  notice_ack"] : []),
    "  retry scale_to_zero",
    "else",
    "  # a worker never stops the group while node 0 lives (it may still be saving); only when node 0 is",
    "  # gone without a status does a worker report node0-lost and stop the group",
    // gone is 3 answers in a row that it is gone (no answer is not an answer); the run's result is unknown: 99
    "  GONE=0",
    "  while [ \"$(count_objects status.json)\" -lt 1 ]; do",
    "    head_alive; case $? in 0) GONE=0 ;; 1) GONE=$((GONE + 1)) ;; esac",
    "    if [ \"$GONE\" -ge 3 ]; then",
    "      [ \"$(count_objects status.json)\" -ge 1 ] && break",
    r ? "      report_lost_head; retry scale_to_zero; break" : "      report 99 node0-lost; retry scale_to_zero; break",
    "    fi",
    "    sleep 30",
    "  done",
    "fi",
    "exit \"$CODE\"",
    "",
  ].join("\n");
}

/**
 * Boot-script lines that install the run script and its environment files and start it as a
 * transient systemd service, so the boot script (cloud-init) finishes while the workload runs.
 */
export function launchLines(spec: RunScriptSpec): string[] {
  const envSh = Object.entries(spec.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  const envList = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  return [
    // the environment files are the root's alone, from their first byte
    "umask 077",
    "mkdir -p /opt/hgpu",
    "cat > /opt/hgpu/env.sh <<'HGPU_EOF'",
    ...envSh,
    "HGPU_EOF",
    "cat > /opt/hgpu/env.list <<'HGPU_EOF'",
    ...envList,
    "HGPU_EOF",
    "chmod 600 /opt/hgpu/env.sh /opt/hgpu/env.list",
    "cat > /opt/hgpu/run.sh <<'HGPU_EOF'",
    runScript(spec).trimEnd(),
    "HGPU_EOF",
    "chmod 700 /opt/hgpu/run.sh",
    "systemd-run --unit hgpu-task --description 'hgpu task' /opt/hgpu/run.sh",
  ];
}
