// A stand-in for a cdktf app, for launcher tests against the real terraform binary. It writes a
// cdktf.out with one stack "task" shaped like a synthesized GpuTask stack (cdktf's real default
// backend: an absolute <project>/terraform.task.tfstate shared by every launch; resources under
// the task's construct path; //.hgpu_tasks; the task's outputs) made of built-in terraform_data
// resources whose local-exec provisioners act out a scenario (HGPU_TEST_SCENARIO, JSON).
//
// The "cloud" is a directory, <dir>/cloud: each created object is a file there, named after its
// resource and the run's ID, and removed by its destroy provisioner; what is left there after a
// test is what would still be billing. events.log records creates and destroys in order.
//
// Scenario fields: placements (keys, in order; HGPU_EXCLUDE_PLACEMENTS removes some, like a
// GpuTask), capacity/fail (keys whose apply fails with a capacity / other error), workload
// ("success" | "hang" | "flaky": the status path is unreadable for flakySeconds before the status
// appears), exitCode, applySeconds (the node's creation takes this long, after its cloud object
// exists), destroyFailures (the first N destroys fail), destroy fault file <dir>/destroy-fault
// (destroys fail while it exists), noTask, foreign (a resource outside the task), removeAtApply (a
// file the node's creation deletes: the terraform binary, to make it vanish before the destroy),
// synthSeconds (a slow synthesis), logCopyFails (the launcher's local log copy cannot be written),
// s3Backend (an S3 backend nobody answers). foreign may also name one placement key.
//
// recovery (the task's recovery output: maxRestarts, on, fallbackToOnDemand, spot) makes the node
// act like a GpuTask's run script with recovery, in the background after apply (as a real node
// boots after its group is created): on a restart (HGPU_RESTART_COUNT > 0) it waits for the
// launcher's SEEDED marker in its checkpoints folder and logs which checkpoint it found, then
// publishes checkpoint step-<restart> (files, then manifest; plus a newer half-written one without
// a manifest) and ends as stops[restart] says ("preempted", "node-failure", or an exit code; the
// last entry repeats). deadlineMinutes gives the stack a deadline output (HGPU_RUN_DEADLINE wins,
// as in a GpuTask); synthSecondsOnRestart slows a relaunch's synthesis.
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const s = JSON.parse(process.env.HGPU_TEST_SCENARIO);
// A slow synthesis (to interrupt it).
const restart = Number(process.env.HGPU_RESTART_COUNT || "0");
if (s.synthSecondsOnRestart && restart > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s.synthSecondsOnRestart * 1000);
if (s.synthSeconds) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s.synthSeconds * 1000);
const excluded = JSON.parse(process.env.HGPU_EXCLUDE_PLACEMENTS || "[]");
const key = s.placements.find((p) => !excluded.includes(p));
if (!key) {
  console.error("planner: no placement left");
  process.exit(1);
}
const out = process.env.CDKTF_OUTDIR;
const cloud = join(s.dir, "cloud");
const events = join(s.dir, "events.log");
mkdirSync(cloud, { recursive: true });
if (s.recovery) require("node:fs").appendFileSync(events, `synth ${key} restart ${restart}${process.env.HGPU_ON_DEMAND === "1" ? " on-demand" : ""}${process.env.HGPU_RUN_DEADLINE ? ` deadline ${process.env.HGPU_RUN_DEADLINE}` : ""}\n`);

const CAPACITY = {
  aws: "Error: waiting for Auto Scaling Group (s-task-cluster-nodes) capacity satisfied: scaling activity: Failed: We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (use1-az4). Our system will be working on provisioning additional capacity. (InsufficientInstanceCapacity)",
  azure: "Code=\"ZonalAllocationFailed\" Message=\"Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.\"",
};

// The run's folder in the "object store", per run like a GpuTask's run ID.
const run = `${s.dir}/runs/\${terraform_data.partial.id}`;
const failing = (s.capacity && s.capacity.includes(key)) || (s.fail && s.fail.includes(key));
let create;
if (s.capacity && s.capacity.includes(key)) {
  create = `echo '${CAPACITY[key.startsWith("azure") ? "azure" : "aws"]}' >&2; exit 1`;
} else if (s.fail && s.fail.includes(key)) {
  create = "echo 'Error: creating IAM Role: AccessDenied: not authorized to perform iam:CreateRole' >&2; exit 1";
} else {
  const status = `{"runId":"\${terraform_data.partial.id}","exitCode":${s.exitCode ?? 0},"startedAt":"2026-11-28T10:00:00Z","finishedAt":"2026-11-28T11:00:00Z"}`;
  const steps = [`mkdir -p ${run}/logs`, `printf 'epoch 1 loss 2.3\\nepoch 2 loss 1.1\\n' > ${run}/logs/node0.log`];
  // The launcher's local copy of the log cannot be written: a directory stands where it goes
  // (<run dir>/node0.log; Terraform works in <run dir>/attempt-1/cdktf.out/stacks/task).
  if (s.logCopyFails) steps.push("mkdir -p ../../../../node0.log");
  if (s.workload === "flaky") {
    // A directory where the status object will be: every read fails until it is replaced.
    steps.push(`mkdir -p ${run}/status.json`, `printf '%s\\n' '${status}' > ${run}/status.tmp`);
    steps.push(`(setsid sh -c 'sleep ${s.flakySeconds ?? 3}; rmdir ${run}/status.json; mv ${run}/status.tmp ${run}/status.json' >/dev/null 2>&1 &)`);
  } else if (s.recovery) {
    steps.push(`(setsid sh -c ${shq(recoveringNode())} >/dev/null 2>&1 &)`);
  } else if (s.workload !== "hang") {
    steps.push(`printf '%s\\n' '${status}' > ${run}/status.json`);
  }
  create = steps.join(" && ");
}
// A node with recovery: restore after the launcher seeds, publish a checkpoint, stop as told.
function recoveringNode() {
  const ckpt = `${run}/checkpoints`;
  const stop = (s.stops || [0])[Math.min(restart, (s.stops || [0]).length - 1)];
  const [code, reason] = stop === "preempted" ? [93, "preempted"] : stop === "node-failure" ? [94, "node-failure"] : [stop, stop === 0 ? "completed" : "workload-failed"];
  const statusOf = (c, r) => `{"runId":"\${terraform_data.partial.id}","exitCode":${c},"reason":"${r}","startedAt":"2026-11-28T10:00:00Z","finishedAt":"2026-11-28T11:00:00Z"}`;
  const name = `step-${restart}`;
  const body = `weights after restart ${restart} on ${key}`;
  const manifest = `{"name":"${name}","sequence":${restart + 1},"upload":"upload-${restart + 1}","files":[{"path":"model/weights.bin","bytes":${Buffer.byteLength(body)}}],"restartCount":${restart},"node":"node-0","publishedAt":"2026-11-28T10:30:00Z"}`;
  return [
    `mkdir -p ${ckpt}`,
    ...(restart > 0
      ? [
          `i=0; while [ ! -e ${ckpt}/SEEDED ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
          `if [ ! -e ${ckpt}/SEEDED ]; then printf '%s\n' '${statusOf(95, "restore-failed")}' > ${run}/status.json; exit 0; fi`,
          `found=$(cd ${ckpt} && ls -d */manifest.json 2>/dev/null | cut -d/ -f1 | tr '\\n' ' ')`,
          `echo "restored [$found] on ${key}" >> ${events}`,
        ]
      : []),
    `mkdir -p ${ckpt}/${name}/upload-${restart + 1}/model ${ckpt}/step-999/upload-999`,
    `printf '%s' '${body}' > ${ckpt}/${name}/upload-${restart + 1}/model/weights.bin`,
    `printf 'half' > ${ckpt}/step-999/upload-999/weights.bin`,
    `printf '%s' '${manifest}' > ${ckpt}/${name}/manifest.json`,
    `printf '%s\n' '${statusOf(code, reason)}' > ${run}/status.json`,
  ].join("; ");
}

function inMinutes(minutes) {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

function shq(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const object = (name) => `${cloud}/${name}-\${self.id}`;
const destroyCounter = join(s.dir, "destroy-count");
const destroyOf = (name) => [
  `n=$(cat ${destroyCounter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${destroyCounter}`,
  `if [ $n -le ${s.destroyFailures ?? 0} ] || [ -e ${s.dir}/destroy-fault ]; then echo 'Error: deleting EC2 VPC: DependencyViolation: the vpc has dependencies' >&2; exit 1; fi`,
  `rm -f ${object(name)}`,
  `echo "destroyed ${name} ${key}" >> ${events}`,
].join("; ");
const meta = (path) => ({ metadata: { path: `task/${path}`, uniqueId: path.replace(/\W/g, "_") } });

const resources = {
  partial: {
    "//": meta("task/network/vpc"),
    input: key,
    provisioner: [
      { "local-exec": { command: `touch ${object("partial")}; echo "$TF_PLUGIN_CACHE_DIR" > ${s.dir}/plugin-cache-dir` } },
      { "local-exec": { when: "destroy", command: destroyOf("partial") } },
    ],
  },
  node: {
    "//": meta("task/cluster/asg"),
    depends_on: ["terraform_data.partial"],
    input: key,
    provisioner: [
      // The object appears when the creation call succeeds, after applySeconds: an interrupted or
      // failed creation leaves nothing billing (Terraform keeps such a resource as tainted and runs
      // no destroy provisioner for it). Between the object's creation and Terraform saving the
      // resource in state, Terraform prints a line: a Terraform killed by SIGPIPE there (its
      // launcher died with the pipe) leaves the object outside any state.
      { "local-exec": { command: `echo "created ${key}" >> ${events}; ${s.removeAtApply ? `rm -f ${s.removeAtApply}; ` : ""}sleep ${s.applySeconds ?? 0}; ${failing ? create : `touch ${object("node")} && ${create}`}` } },
      { "local-exec": { when: "destroy", command: destroyOf("node") } },
    ],
  },
};
if (s.foreign === true || s.foreign === key) resources.team_cluster = { "//": meta("team-cluster/asg"), input: "long-lived" };

const stack = {
  "//": { hgpu_tasks: { task: { path: "task", chosen: key } } },
  // s3Backend: a remote backend that cannot be reached (nothing listens on its endpoint).
  terraform: {
    backend: s.s3Backend
      ? { s3: { bucket: "team-state", key: "task/terraform.tfstate", region: "us-east-1", endpoints: { s3: "http://127.0.0.1:9" }, use_path_style: true, access_key: "x", secret_key: "x", skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, max_retries: 1 } }
      : { local: { path: join(s.dir, "terraform.task.tfstate") } },
  },
  resource: { terraform_data: resources },
  // noTask: a stack without a GpuTask's outputs, which the launcher must refuse before applying.
  output: s.noTask ? {} : {
    task_placement: { value: { key, usdPerHour: 98.32 } },
    task_status_uri: { value: `file://${run}/status.json` },
    task_logs_uri: { value: `file://${run}/logs/` },
    ...(s.recovery
      ? {
          task_recovery: { value: { maxRestarts: 3, on: ["preemption", "node-failure"], fallbackToOnDemand: false, spot: true, checkpointPath: "/checkpoints", ...s.recovery, restartCount: restart } },
          task_checkpoints_uri: { value: `file://${run}/checkpoints/` },
        }
      : {}),
    ...(s.deadlineMinutes !== undefined ? { task_deadline: { value: process.env.HGPU_RUN_DEADLINE || inMinutes(s.deadlineMinutes) } } : {}),
  },
};
mkdirSync(join(out, "stacks", "task"), { recursive: true });
writeFileSync(join(out, "stacks", "task", "cdk.tf.json"), JSON.stringify(stack, null, 2));
writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { task: { name: "task", synthesizedStackPath: "stacks/task/cdk.tf.json", workingDirectory: "stacks/task" } } }));
