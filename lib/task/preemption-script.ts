/**
 * Why a run stopped, on the node (pure: strings out): the bash the run script includes when a task
 * has `recovery`. Every node watches its cloud's notices; on one it stops the workload so that it
 * can checkpoint, node 0 syncs the final checkpoint, and the run's status says `preempted`.
 *
 * - AWS: the spot interruption notice, `GET /latest/meta-data/spot/instance-action` with an IMDSv2
 *   token: 404 until EC2 marks the instance, then 200 with `{"action": "terminate" | "stop" |
 *   "hibernate", "time": "<UTC>"}`, about two minutes ahead; AWS asks for a check every 5 seconds
 *   and wants no acknowledgement (EC2 user guide, "Spot Instance interruption notices"). The
 *   rebalance recommendation (`/latest/meta-data/events/recommendations/rebalance`) is not acted
 *   on: it is advisory, often never followed by an interruption, and a checkpoint cadence the
 *   workload chooses serves better than a stop on a maybe.
 * - Azure: Scheduled Events, `GET /metadata/scheduledevents?api-version=2020-07-01` with the header
 *   `Metadata: true`; an event with `EventType` `Preempt` (spot eviction, at least 30 seconds
 *   ahead) or `Terminate` whose `Resources` name this VM, with its `EventId` and `NotBefore`. A
 *   scale set's VMs see each other's events, hence the check on `Resources`. The node acknowledges
 *   its own event after the final checkpoint with a POST of `{"StartRequests": [{"EventId": ...}]}`
 *   to the same URL, which lets Azure proceed at once (Azure docs, "Azure Metadata Service:
 *   Scheduled Events for Linux VMs").
 *
 * A node that sees its own notice publishes it under `notices/attempt-<restart count>/` in the run
 * store; every node of a multi-node run also watches there, so the whole run stops together.
 *
 * `node-failure` is the rule below, applied only when the workload exited non-zero (not hung, not
 * the deadline) with no notice seen: torchrun's rendezvous timed out or could not connect
 * (`RendezvousTimeoutError`, `RendezvousConnectionError` in node 0's log: a peer never joined or
 * node 0's store was unreachable), or a node the run started with is no longer in the group by the
 * cloud's own account (AWS: not InService in the Auto Scaling group; Azure: fewer NICs in the scale
 * set). An NCCL error alone is not enough: a rank that failed on its own makes its peers' NCCL calls
 * fail the same way, and the workload's own failure is never retried. Limits: a node that hangs
 * without leaving the group is not seen as failed; on Azure a replaced VM hides the lost one.
 *
 * The metadata address is `http://169.254.169.254`; `HGPU_TEST_METADATA_URL` in the run script's
 * own environment (never the task's env, which is read later) replaces it for tests.
 */
import type { RunScriptCloud } from "./run-script";

/** The exit code and status of a run stopped by a preemption notice. */
export const PREEMPTED_EXIT = 93;
/** The exit code and status of a run whose node failed (see the rule above). */
export const NODE_FAILURE_EXIT = 94;
/** The exit code of a run whose published checkpoint could not be restored (status `restore-failed`). */
export const RESTORE_FAILED_EXIT = 95;

/** Timing of the notice handling. */
export interface PreemptionScriptSpec {
  /** Seconds between looks at the cloud's notices (and the peers'). @default 5 */
  readonly noticeIntervalSeconds?: number;
  /** Seconds kept, before the notice's time, to sync the final checkpoint and write the status. @default 15 */
  readonly reserveSeconds?: number;
  /** Longest wait for the workload's final checkpoint after the notice, seconds (at least 5 unless this is less). @default 100 */
  readonly maxWindowSeconds?: number;
}

/** The notice watcher, the stop classification and the status fields, for `cloud`. */
export function preemptionLines(cloud: RunScriptCloud, hasImage: boolean, spec: PreemptionScriptSpec = {}): string[] {
  const aws = cloud.kind === "aws";
  const noticeCheck = aws
    ? [
        // IMDSv2: 200 with the notice, 404 without; a token past its TTL (401) is renewed once
        "imds_get() {",
        "  local out code",
        "  for attempt in 1 2; do",
        // the status line and headers come first (-i): the body follows the first empty line
        '    out=$(curl -s -i -m 5 -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/$1")',
        "    code=$(printf '%s' \"$out\" | head -n 1 | awk '{print $2}')",
        '    case "$code" in',
        "      200) printf '%s' \"$out\" | sed '1,/^\\r\\?$/d'; return 0 ;;",
        "      401) TOKEN=$(curl -s -m 5 -X PUT \"$IMDS/latest/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600') ;;",
        "      *) return 1 ;;",
        "    esac",
        "  done",
        "  return 1",
        "}",
        "notice_check() {",
        "  local doc",
        "  doc=$(imds_get spot/instance-action) || return 1",
        "  printf '%s' \"$doc\" | python3 -c 'import json,sys",
        "n = json.load(sys.stdin)",
        "assert n[\"action\"] in (\"terminate\", \"stop\", \"hibernate\")",
        "print(json.dumps({\"node\": sys.argv[1], \"cloud\": \"aws\", \"action\": n[\"action\"], \"time\": n.get(\"time\"), \"eventId\": None}))' \"$SELF\" > /opt/hgpu/notice.new 2>/dev/null",
        "}",
        // spot interruptions take no acknowledgement
        "notice_ack() { return 0; }",
      ]
    : [
        'EVENTS_URL="$IMDS/metadata/scheduledevents?api-version=2020-07-01"',
        "notice_check() {",
        "  local doc",
        '  doc=$(curl -sf -m 10 -H Metadata:true "$EVENTS_URL") || return 1',
        "  printf '%s' \"$doc\" | python3 -c 'import json,sys",
        "for e in json.load(sys.stdin).get(\"Events\", []):",
        "    if e.get(\"EventType\") in (\"Preempt\", \"Terminate\") and sys.argv[1] in e.get(\"Resources\", []) and e.get(\"EventStatus\") != \"Completed\":",
        "        print(json.dumps({\"node\": sys.argv[1], \"cloud\": \"azure\", \"action\": e[\"EventType\"], \"time\": e.get(\"NotBefore\") or None, \"eventId\": e[\"EventId\"]}))",
        "        sys.exit(0)",
        "sys.exit(1)' \"$SELF\" > /opt/hgpu/notice.new 2>/dev/null",
        "}",
        // this node's own event, once its part is done: Azure may go ahead at once
        "notice_ack() {",
        "  local id",
        "  id=$(python3 -c 'import json,sys; n = json.load(open(sys.argv[1])); print(n[\"eventId\"] if n[\"node\"] == sys.argv[2] and n.get(\"eventId\") else \"\")' /opt/hgpu/notice.json \"$SELF\" 2>/dev/null)",
        '  [ -n "$id" ] || return 0',
        '  curl -s -m 10 -X POST -H Metadata:true -H "Content-Type: application/json" -d "{\\"StartRequests\\":[{\\"EventId\\":\\"$id\\"}]}" "$EVENTS_URL" >/dev/null && echo "hgpu: acknowledged scheduled event $id" >> "$LOG"',
        "}",
      ];
  const group = aws
    ? [
        'remember_group() { START_IDS=$(echo "$IDS" | tr \'\\n\' \' \'); }',
        // a node the run started with that the group no longer has in service; no answer is not gone
        "peers_gone() {",
        "  local now id",
        "  now=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names \"$GROUP\" --query 'AutoScalingGroups[0].Instances[?LifecycleState==`InService`].InstanceId' --output text 2>/dev/null) || return 1",
        '  [ -n "$now" ] || return 1',
        // grep reads all its input (no -q): an early exit would fail the pipe and read as gone
        '  for id in $START_IDS; do echo "$now" | tr \'\\t\' \'\\n\' | grep -xF "$id" >/dev/null || { DETAIL=peer-lost; return 0; }; done',
        "  return 1",
        "}",
      ]
    : [
        'remember_group() { START_COUNT=$COUNT; }',
        "peers_gone() {",
        "  local nics now",
        '  nics=$(curl -sf -H "Authorization: Bearer $(token https://management.azure.com/)" "$ARM/networkInterfaces?api-version=2018-10-01") || return 1',
        "  now=$(echo \"$nics\" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"value\"]))') || return 1",
        '  [ "$now" -lt "$START_COUNT" ] && { DETAIL=peer-lost; return 0; }',
        "  return 1",
        "}",
      ];
  const stop = hasImage
    ? [
        'stop_workload() { docker stop -t "$1" hgpu-task >/dev/null 2>&1 & }',
        "kill_workload() { docker kill hgpu-task >/dev/null 2>&1; }",
      ]
    : [
        // timeout leads the workload's process group and passes the signal on to torchrun's
        'workload_leader() { if [ "$(ps -o comm= -p "$WORKLOAD")" = timeout ]; then echo "$WORKLOAD"; else pgrep -x -P "$WORKLOAD" timeout; fi; }',
        'stop_workload() { local p; for p in $(workload_leader); do kill -TERM "$p" 2>/dev/null; done; }',
        'kill_workload() { local p; for p in $(workload_leader); do kill -KILL -- "-$p" 2>/dev/null; done; }',
      ];
  return [
    ...noticeCheck,
    ...group,
    ...stop,
    `NOTICE_INTERVAL=${spec.noticeIntervalSeconds ?? 5}; [ -n "$TEST_POLL" ] && NOTICE_INTERVAL=$TEST_POLL`,
    `NOTICE_RESERVE=${spec.reserveSeconds ?? 15}; NOTICE_MAX=${spec.maxWindowSeconds ?? 100}`,
    'NOTICES="$BASE/notices/attempt-$RESTART_COUNT"; DETAIL=\'\'; NOTICE_WATCH=\'\'; CKPT_WATCH=\'\'',
    // a peer's notice in the run store (this attempt's), copied to notice.new
    "peer_notice() {",
    "  local key",
    "  key=$(obj_list \"$NOTICES/\" | grep -E '^[A-Za-z0-9._-]+\\.json$' | head -n 1)",
    '  [ -n "$key" ] && obj_get "$NOTICES/$key" /opt/hgpu/notice.new',
    "}",
    // the background watcher: the cloud's notice for this node, else a peer's; then the stop
    "notice_watch() {",
    "  while :; do",
    '    if notice_check; then mv /opt/hgpu/notice.new /opt/hgpu/notice.json; obj_put /opt/hgpu/notice.json "$NOTICES/$SELF.json" || obj_put /opt/hgpu/notice.json "$NOTICES/$SELF.json"; break; fi',
    '    if [ "$NODES" -gt 1 ] && peer_notice; then mv /opt/hgpu/notice.new /opt/hgpu/notice.json; break; fi',
    '    sleep "$NOTICE_INTERVAL"',
    "  done",
    "  local at now window until",
    "  at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(\"time\") or \"\")' /opt/hgpu/notice.json)",
    '  now=$(date +%s); at=$( [ -n "$at" ] && date -d "$at" +%s 2>/dev/null || echo $((now + 30)) )',
    '  window=$((at - now - NOTICE_RESERVE)); [ "$window" -lt 5 ] && window=5; [ "$window" -gt "$NOTICE_MAX" ] && window=$NOTICE_MAX',
    '  echo "hgpu: preemption notice $(cat /opt/hgpu/notice.json): stopping the workload, $window s for its final checkpoint" >> "$LOG"',
    '  stop_workload "$window"',
    // until the workload has stopped or the window is over (node 0's periodic sync goes on meanwhile)
    '  until=$(( $(date +%s) + window ))',
    '  while [ "$(date +%s)" -lt "$until" ] && kill -0 "$WORKLOAD" 2>/dev/null; do sleep 1; done',
    '  kill -0 "$WORKLOAD" 2>/dev/null && { echo "hgpu: the workload did not stop within $window s: killing it" >> "$LOG"; kill_workload; }',
    '  [ "$IS_HEAD" = 1 ] && ckpt_sync_new >> "$LOG" 2>&1',
    "  return 0",
    "}",
    // the main loop's pause: a minute, or until the workload ends
    'nap() { local i=0; while [ "$i" -lt "$1" ] && kill -0 "$WORKLOAD" 2>/dev/null; do sleep 1; i=$((i + 1)); done; }',
    // the watchers, once the workload runs
    "recovery_start() {",
    '  notice_watch & NOTICE_WATCH=$!',
    '  if [ "$IS_HEAD" = 1 ]; then ckpt_watch & CKPT_WATCH=$!; fi',
    "}",
    // once the workload has ended: let a notice's handling finish, sync what it completed, and say why it stopped
    "recovery_after_workload() {",
    '  [ -n "$CKPT_WATCH" ] && kill "$CKPT_WATCH" 2>/dev/null',
    '  if [ -s /opt/hgpu/notice.json ]; then wait "$NOTICE_WATCH"; else kill "$NOTICE_WATCH" 2>/dev/null; wait "$NOTICE_WATCH" 2>/dev/null; fi',
    '  [ "$IS_HEAD" = 1 ] && ckpt_sync_new >> "$LOG" 2>&1',
    `  if [ -s /opt/hgpu/notice.json ]; then CODE=${PREEMPTED_EXIT}; REASON=preempted`,
    `  elif [ "$REASON" = workload-failed ] && grep -qE 'RendezvousTimeoutError|RendezvousConnectionError' "$LOG"; then CODE=${NODE_FAILURE_EXIT}; REASON=node-failure; DETAIL=rendezvous`,
    "  fi",
    "}",
    // node 0, once the nodes' statuses are in (or not): a peer's late notice, or a peer gone
    "recovery_before_report() {",
    '  [ "$REASON" = workload-failed ] || return 0',
    `  if [ "$NODES" -gt 1 ] && peer_notice; then mv /opt/hgpu/notice.new /opt/hgpu/notice.json; CODE=${PREEMPTED_EXIT}; REASON=preempted; return 0; fi`,
    `  if peers_gone; then CODE=${NODE_FAILURE_EXIT}; REASON=node-failure; fi`,
    "}",
    // a worker whose node 0 is gone without a status: its notice, or a node failure
    "report_lost_head() {",
    `  if peer_notice; then mv /opt/hgpu/notice.new /opt/hgpu/notice.json; report ${PREEMPTED_EXIT} preempted; else DETAIL=node0-lost; report ${NODE_FAILURE_EXIT} node-failure; fi`,
    "}",
    // the status's recovery fields
    "json_or_null() { if [ -n \"$1\" ]; then printf '\"%s\"' \"$1\"; else printf null; fi; }",
    "recovery_status() {",
    "  local notice=null",
    '  [ -s /opt/hgpu/notice.json ] && notice=$(tr -d \'\\n\' < /opt/hgpu/notice.json)',
    "  printf ',\"restartCount\":%d,\"resumedFrom\":%s,\"checkpoint\":%s,\"notice\":%s,\"detail\":%s' \"$RESTART_COUNT\" \"$(json_or_null \"$RESUMED_FROM\")\" \"$(json_or_null \"$(cat \"$CKPT_STATE/latest\" 2>/dev/null)\")\" \"$notice\" \"$(json_or_null \"$DETAIL\")\"",
    "}",
  ];
}
