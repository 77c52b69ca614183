// A stand-in for a cdktf app, for launches on a real Slurm (test/onprem/slurm-cluster.ts). It writes
// a cdktf.out with one stack "task" shaped like a synthesized GpuTask stack: on an owned pool
// (placement keys starting with onprem/) the task's start marker (a terraform_data whose ID is the
// run ID) and its outputs, among them the Slurm job hgpu launch submits; on a cloud placement, a
// terraform_data "node" whose creation writes a successful status and a log under the project's
// folder, as test/launch/fixture-app.cjs does.
//
// HGPU_TEST_SCENARIO (JSON): dir (the project), placements (keys, in order; HGPU_EXCLUDE_PLACEMENTS
// removes some, like a GpuTask), job (fields of the Slurm job: partition, shared, command,
// gpusPerNode, timeLimitMinutes, maxQueueWaitMinutes, signalBeforeLimitSeconds).
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const s = JSON.parse(process.env.HGPU_TEST_SCENARIO);
const excluded = JSON.parse(process.env.HGPU_EXCLUDE_PLACEMENTS || "[]");
const key = s.placements.find((p) => !excluded.includes(p));
if (!key) {
  console.error("planner: no placement left");
  process.exit(1);
}
const meta = (path) => ({ metadata: { path: `task/task/${path}`, uniqueId: path.replace(/\W/g, "_") } });
const events = join(s.dir, "events.log");
let resource;
let output;
if (key.startsWith("onprem/")) {
  const j = s.job;
  const runDir = `${j.shared}/hgpu-runs/task/task/\${terraform_data.started.id}`;
  resource = { started: { "//": meta("started"), input: { task: "task" } } };
  output = {
    task_run_id: { value: "${terraform_data.started.id}" },
    task_status_uri: { value: `file://${runDir}/status.json` },
    task_logs_uri: { value: `file://${runDir}/logs/` },
    task_placement: { value: { cloud: "onprem", region: "dc1", instanceType: "dgx", key, usdPerHour: 24 } },
    task_slurm_job: {
      value: {
        version: 1, task: "task", pool: "dgx", site: "dc1", placementKey: key,
        scheduler: { kind: "slurm", partition: j.partition ?? "gpu" },
        nodes: 1, gpusPerNode: j.gpusPerNode ?? 1, timeLimitMinutes: j.timeLimitMinutes ?? 5,
        signalBeforeLimitSeconds: j.signalBeforeLimitSeconds ?? 600, maxQueueWaitMinutes: j.maxQueueWaitMinutes ?? 10,
        sharedPath: j.shared, runDir, container: { kind: "none", mounts: [] }, command: j.command,
        env: { DATA_PATH: "/dataset/imagenet" }, watchdogs: { pullTimeoutMinutes: 20, idleTimeoutMinutes: 30 }, next: s.placements.slice(s.placements.indexOf(key) + 1),
      },
    },
  };
} else {
  // The node's own provisioner names it self; the outputs name it by its address.
  const runOf = (id) => `${s.dir}/runs/\${${id}}`;
  const run = runOf("self.id");
  const status = `{"runId":"\${self.id}","exitCode":0,"startedAt":"2026-11-30T10:00:00Z","finishedAt":"2026-11-30T11:00:00Z"}`;
  resource = {
    node: {
      "//": meta("cluster/asg"),
      input: key,
      provisioner: [
        { "local-exec": { command: `echo "created ${key}" >> ${events}; mkdir -p ${run}/logs && echo 'cloud epoch 1' > ${run}/logs/node0.log && printf '%s\\n' '${status}' > ${run}/status.json` } },
        { "local-exec": { when: "destroy", command: `echo "destroyed ${key}" >> ${events}` } },
      ],
    },
  };
  output = {
    task_status_uri: { value: `file://${runOf("terraform_data.node.id")}/status.json` },
    task_logs_uri: { value: `file://${runOf("terraform_data.node.id")}/logs/` },
    task_placement: { value: { key, usdPerHour: 98.32 } },
  };
}
const stack = {
  "//": { hgpu_tasks: { task: { path: "task", chosen: key } } },
  terraform: { backend: { local: { path: join(s.dir, "terraform.task.tfstate") } } },
  resource: { terraform_data: resource },
  output,
};
const out = process.env.CDKTF_OUTDIR;
mkdirSync(join(out, "stacks", "task"), { recursive: true });
writeFileSync(join(out, "stacks", "task", "cdk.tf.json"), JSON.stringify(stack, null, 2));
writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { task: { name: "task", synthesizedStackPath: "stacks/task/cdk.tf.json", workingDirectory: "stacks/task" } } }));
