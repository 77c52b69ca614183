// A stand-in for a cdktf app, for launcher tests against the real terraform binary. It writes a
// cdktf.out with one stack "task" of built-in terraform_data resources whose local-exec
// provisioners act out a scenario (HGPU_TEST_SCENARIO, JSON): capacity errors with the clouds'
// real messages, other failures, a workload that succeeds, fails or never finishes, and destroys
// that fail a given number of times, or a stack with no task (noTask). It honours HGPU_EXCLUDE_PLACEMENTS like a GpuTask.
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const s = JSON.parse(process.env.HGPU_TEST_SCENARIO);
const excluded = JSON.parse(process.env.HGPU_EXCLUDE_PLACEMENTS || "[]");
const key = s.placements.find((p) => !excluded.includes(p));
if (!key) {
  console.error("planner: no placement left");
  process.exit(1);
}
const out = process.env.CDKTF_OUTDIR;
const run = join(s.dir, "run");
const events = join(s.dir, "events.log");

const CAPACITY = {
  aws: "Error: waiting for Auto Scaling Group (s-task-cluster-nodes) capacity satisfied: scaling activity: Failed: We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (use1-az4). Our system will be working on provisioning additional capacity. (InsufficientInstanceCapacity)",
  azure: "Code=\"ZonalAllocationFailed\" Message=\"Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.\"",
};

let create;
if (s.capacity && s.capacity.includes(key)) {
  create = `echo '${CAPACITY[key.startsWith("azure") ? "azure" : "aws"]}' >&2; exit 1`;
} else if (s.fail && s.fail.includes(key)) {
  create = "echo 'Error: creating IAM Role: AccessDenied: not authorized to perform iam:CreateRole' >&2; exit 1";
} else {
  const status = `{"runId":"run-1","exitCode":${s.exitCode ?? 0},"startedAt":"2026-11-28T10:00:00Z","finishedAt":"2026-11-28T11:00:00Z"}`;
  create = [
    `mkdir -p ${run}/logs`,
    `printf 'epoch 1 loss 2.3\\nepoch 2 loss 1.1\\n' > ${run}/logs/node0.log`,
    s.workload === "hang" ? "true" : `printf '%s\\n' '${status}' > ${run}/status.json`,
  ].join(" && ");
}
const destroyCounter = join(s.dir, "destroy-count");
const destroy = [
  `n=$(cat ${destroyCounter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${destroyCounter}`,
  `if [ $n -le ${s.destroyFailures ?? 0} ]; then echo 'Error: deleting EC2 VPC: DependencyViolation: the vpc has dependencies' >&2; exit 1; fi`,
  `echo "destroyed partial ${key}" >> ${events}`,
].join("; ");

const stack = {
  terraform: { backend: { local: { path: "terraform.tfstate" } } },
  resource: {
    terraform_data: {
      partial: { input: key, provisioner: [{ "local-exec": { when: "destroy", command: destroy } }] },
      node: { depends_on: ["terraform_data.partial"], input: key, provisioner: [{ "local-exec": { command: `echo "created ${key}" >> ${events}; ${create}` } }] },
    },
  },
  // noTask: a stack without a GpuTask's outputs, which the launcher must refuse before applying.
  output: s.noTask ? {} : {
    task_placement: { value: { key } },
    task_status_uri: { value: `file://${run}/status.json` },
    task_logs_uri: { value: `file://${run}/logs/` },
  },
};
mkdirSync(join(out, "stacks", "task"), { recursive: true });
writeFileSync(join(out, "stacks", "task", "cdk.tf.json"), JSON.stringify(stack, null, 2));
writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { task: { name: "task", synthesizedStackPath: "stacks/task/cdk.tf.json", workingDirectory: "stacks/task" } } }));
