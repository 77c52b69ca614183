/**
 * GpuTask's `recovery` as synthesized: the run script's checkpoints and notices on both clouds, the
 * `<name>_recovery` and `<name>_checkpoints_uri` outputs and the task record the launcher and the
 * report read, the launch inputs of a restart (HGPU_RESTART_COUNT, HGPU_ON_DEMAND), the nodes'
 * access to the checkpoints, the rules on where checkpoints may go, and a task on an owned pool.
 */
import { TerraformStack, Testing } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { OnPremGpuPool } from "../../lib/onprem";
import { GpuTask, ON_DEMAND_CONTEXT, RESTART_COUNT_CONTEXT, RUN_DEADLINE_CONTEXT, type GpuTaskProps } from "../../lib/task/gpu-task";
import { resources, validationErrorOf } from "../helpers";
import { hybridStack } from "../hybrid/helpers";
import { poolProps, synthWithMetadata } from "../onprem/helpers";

const seed: GpuTaskProps = {
  name: "neural-network-training", gpus: 16, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"],
  dataPath: "/dataset/imagenet", dataSource: "s3://ml-datasets/imagenet/", notify: "ml-oncall@example.com",
  spot: true, recovery: {},
};
const AZURE: Partial<GpuTaskProps> = { dataSource: "https://mldata.blob.core.windows.net/datasets/imagenet" };

/** The stack's JSON after validations, with its `//` record. */
const synth = synthWithMetadata;

function make(props: Partial<GpuTaskProps> = {}, context: Record<string, unknown> = {}) {
  const stack = new TerraformStack(Testing.app({ context }), "s");
  const task = new GpuTask(stack, "task", { ...seed, ...props });
  return { stack, task };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const boot = (tf: any) => Object.values(tf.locals as Record<string, string>)[0]!;
const RUN_ID = "\\$\\{terraform_data\\.task_started_[0-9A-F]+\\.id\\}";
const warnings = (task: GpuTask) => task.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data as string);

afterEach(() => {
  delete process.env.HGPU_RUN_DEADLINE;
  delete process.env.HGPU_RESTART_COUNT;
  delete process.env.HGPU_ON_DEMAND;
});

describe("a spot task with recovery on AWS", () => {
  const { stack, task } = make();
  const tf = synth(stack);

  it("tells the launcher how to relaunch it, and where this attempt's checkpoints are", () => {
    expect(task.chosen).toMatchObject({ cloud: "aws", spot: true });
    expect(tf.output.neural_network_training_recovery.value).toEqual({
      maxRestarts: 3, on: ["preemption", "node-failure"], fallbackToOnDemand: false, checkpointPath: "/checkpoints", restartCount: 0, spot: true,
    });
    expect(tf.output.neural_network_training_checkpoints_uri.value).toMatch(new RegExp(`^s3://\\$\\{aws_s3_bucket\\.task_runs_[0-9A-F]+\\.bucket\\}/runs/${RUN_ID}/checkpoints/$`));
    // the same run prefix as the status the node writes
    expect(tf.output.neural_network_training_checkpoints_uri.value.replace(/checkpoints\/$/, "status.json")).toBe(tf.output.neural_network_training_status_uri.value);
    expect(tf["//"].hgpu_tasks["neural-network-training"].recovery).toEqual({ maxRestarts: 3, spot: true });
  });

  it("renders checkpoints and notices into the nodes' run script, the checkpoint folder mounted into the container", () => {
    const script = boot(tf);
    expect(script).toContain("CKPT_DIR=/checkpoints\n");
    expect(script).toContain('RESTART_COUNT=0; case "$RESTART_COUNT"');
    expect(script).toContain('CKPT_BASE="$BASE"');
    expect(script).toContain("-v '/checkpoints:/checkpoints'");
    expect(script).toContain("spot/instance-action");
    expect(script).toContain("if ! ckpt_restore >> \"$LOG\" 2>&1; then");
  });

  it("lets the nodes list, read and write the checkpoints: ListBucket on the run's prefix, objects under it", () => {
    const [policy] = resources(tf, "aws_iam_role_policy").filter((p) => p.name === "s3-access");
    const statements = JSON.parse(policy.policy).Statement;
    const bucket = "\\$\\{aws_s3_bucket\\.task_runs_[0-9A-F]+\\.bucket\\}";
    expect(statements[0]).toMatchObject({ Action: "s3:ListBucket", Resource: expect.stringMatching(new RegExp(`^arn:\\$\\{data\\.aws_partition\\.[^}]+\\.partition\\}:s3:::${bucket}$`)) });
    const [listed] = statements[0].Condition.StringLike["s3:prefix"];
    expect(listed).toMatch(new RegExp(`^runs/${RUN_ID}/\\*$`));
    expect(statements[1].Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]);
    expect(statements[1].Resource).toMatch(new RegExp(`:s3:::${bucket}/runs/${RUN_ID}/\\*$`));
    // the checkpoints' keys (runs/<id>/checkpoints/...) fall under both grants
    const key = tf.output.neural_network_training_checkpoints_uri.value.replace(/^s3:\/\/[^/]+\//, "");
    expect(key.startsWith(listed.replace(/\*$/, ""))).toBe(true);
  });
});

describe("a spot task with recovery on Azure", () => {
  const { stack, task } = make({ ...AZURE, recovery: { checkpointPath: "/lustre/checkpoints", maxRestarts: 5, on: ["preemption"] } });
  const tf = synth(stack);

  it("publishes its checkpoints under the run's prefix in the run container, as its status", () => {
    expect(task.chosen).toMatchObject({ cloud: "azure", spot: true });
    expect(tf.output.neural_network_training_recovery.value).toEqual({
      maxRestarts: 5, on: ["preemption"], fallbackToOnDemand: false, checkpointPath: "/lustre/checkpoints", restartCount: 0, spot: true,
    });
    expect(tf.output.neural_network_training_checkpoints_uri.value).toMatch(new RegExp(`^\\$\\{azurerm_storage_account\\.task_runs_[0-9A-F]+\\.primary_blob_endpoint\\}runs/${RUN_ID}/checkpoints/$`));
    expect(tf.output.neural_network_training_checkpoints_uri.value.replace(/checkpoints\/$/, "status.json")).toBe(tf.output.neural_network_training_status_uri.value);
    expect(tf["//"].hgpu_tasks["neural-network-training"].recovery).toEqual({ maxRestarts: 5, spot: true });
    const script = boot(tf);
    expect(script).toContain("CKPT_DIR=/lustre/checkpoints\n");
    expect(script).toContain("scheduledevents");
  });

  it("lets the nodes' identity list, read and write the run container's blobs", () => {
    const identity = resources(tf, "azurerm_user_assigned_identity")[0];
    expect(identity).toBeDefined();
    const grants = resources(tf, "azurerm_role_assignment").filter((r) => /^\$\{azurerm_user_assigned_identity\.[^}]+\.principal_id\}$/.test(r.principal_id) && /^Storage Blob/.test(r.role_definition_name ?? ""));
    expect(grants.map((g) => [g.role_definition_name, g.scope])).toEqual([["Storage Blob Data Contributor", expect.stringMatching(/^\$\{azurerm_storage_container\.task_runs-container_[0-9A-F]+\.resource_manager_id\}$/)]]);
    expect(resources(tf, "azurerm_storage_container").filter((c) => c.name === "runs")).toHaveLength(1);
  });
});

describe("a restart, as the launcher synthesizes it", () => {
  it("HGPU_RESTART_COUNT reaches the output and the workload's HGPU_RESTART_COUNT; the context key wins over the variable", () => {
    process.env.HGPU_RESTART_COUNT = "2";
    const tf = synth(make().stack);
    expect(tf.output.neural_network_training_recovery.value.restartCount).toBe(2);
    expect(boot(tf)).toContain('RESTART_COUNT=2; case "$RESTART_COUNT"');
    const fromContext = synth(make({}, { [RESTART_COUNT_CONTEXT]: 3 }).stack);
    expect(fromContext.output.neural_network_training_recovery.value.restartCount).toBe(3);
    expect(synth(make({}, { [RESTART_COUNT_CONTEXT]: "100" }).stack).output.neural_network_training_recovery.value.restartCount).toBe(100);
  });

  it.each([["x"], ["-1"], ["101"], ["1.5"], [" 2"]])("refuses HGPU_RESTART_COUNT %j", (value) => {
    process.env.HGPU_RESTART_COUNT = value;
    expect(validationErrorOf(() => make())).toBe(`s/task: HGPU_RESTART_COUNT ${JSON.stringify(value)} is not valid: use a whole number from 0 to 100: the run's restarts before this attempt`);
  });

  it("HGPU_RUN_DEADLINE replaces maxRuntime-after-apply: the relaunch keeps the first attempt's deadline, to the second", () => {
    const first = synth(make().stack);
    // Without it: maxRuntime after the start marker's time, resolved at apply.
    expect(first.output.neural_network_training_deadline.value).toMatch(/^\$\{timeadd\(/);
    process.env.HGPU_RUN_DEADLINE = "2099-01-02T03:04:05.678Z";
    const tf = synth(make().stack);
    expect(tf.output.neural_network_training_deadline.value).toBe("2099-01-02T03:04:05Z");
    // The node stops the workload before it: the script is given the same time.
    expect(boot(tf)).toContain("2099-01-02T03:04:05Z");
    expect(synth(make({}, { [RUN_DEADLINE_CONTEXT]: "2099-05-06T07:08:09Z" }).stack).output.neural_network_training_deadline.value).toBe("2099-05-06T07:08:09Z");
  });

  it.each([["tomorrow"], ["2099-01-02 03:04:05Z"], ["2099-01-02T03:04:05+01:00"], ["2099-13-02T03:04:05Z"]])("refuses HGPU_RUN_DEADLINE %j", (value) => {
    process.env.HGPU_RUN_DEADLINE = value;
    expect(validationErrorOf(() => make())).toBe(
      `s/task: HGPU_RUN_DEADLINE ${JSON.stringify(value)} is not valid: use an RFC 3339 UTC time such as 2026-11-30T18:00:00Z: the run's deadline, set by hgpu launch on a relaunch`,
    );
  });

  it("refuses a run deadline that has passed", () => {
    process.env.HGPU_RUN_DEADLINE = "2020-01-01T00:00:00Z";
    expect(validationErrorOf(() => make())).toMatch(
      /^s\/task: HGPU_RUN_DEADLINE "2020-01-01T00:00:00Z" is not valid: use a time after now \(\d{4}-\d{2}-\d{2}T[\d:.]+Z\): a relaunch starts only before its run's deadline$/,
    );
  });

  it("refuses a restart count in the context by its key", () => {
    expect(validationErrorOf(() => make({}, { [RESTART_COUNT_CONTEXT]: 101 }))).toBe("s/task: hgpu:restartCount 101 is not valid: use a whole number from 0 to 100: the run's restarts before this attempt");
  });

  it.each([["1"], ["true"]])("HGPU_ON_DEMAND=%s moves a spot task with fallbackToOnDemand to on-demand capacity, with the same restart budget", (value) => {
    process.env.HGPU_ON_DEMAND = value;
    const { stack, task } = make({ recovery: { fallbackToOnDemand: true } });
    const tf = synth(stack);
    expect(task.chosen.spot).toBe(false);
    expect(tf.output.neural_network_training_recovery.value).toMatchObject({ maxRestarts: 3, fallbackToOnDemand: true, spot: false });
    expect(tf.output.neural_network_training_placement.value.spot).toBe(false);
    expect(resources(tf, "aws_autoscaling_group")[0].mixed_instances_policy).toBeUndefined();
    expect(warnings(task).filter((w) => /ON_DEMAND/.test(w))).toEqual([]);
  });

  it("HGPU_ON_DEMAND=0 or false, or the context's false, keeps spot", () => {
    process.env.HGPU_ON_DEMAND = "0";
    expect(make({ recovery: { fallbackToOnDemand: true } }).task.chosen.spot).toBe(true);
    process.env.HGPU_ON_DEMAND = "false";
    expect(make({ recovery: { fallbackToOnDemand: true } }).task.chosen.spot).toBe(true);
    process.env.HGPU_ON_DEMAND = "1";
    expect(make({ recovery: { fallbackToOnDemand: true } }, { [ON_DEMAND_CONTEXT]: false }).task.chosen.spot).toBe(true);
  });

  it("without fallbackToOnDemand, HGPU_ON_DEMAND is ignored with a warning", () => {
    process.env.HGPU_ON_DEMAND = "1";
    const { task } = make();
    expect(task.chosen.spot).toBe(true);
    expect(warnings(task)).toContain("s/task: HGPU_ON_DEMAND is set but the task has no recovery.fallbackToOnDemand: ignored, the task stays on spot capacity as its props ask");
  });

  it("refuses HGPU_ON_DEMAND other than 1, 0, true or false", () => {
    process.env.HGPU_ON_DEMAND = "yes";
    expect(validationErrorOf(() => make())).toBe('s/task: HGPU_ON_DEMAND "yes" is not valid: use 1 or true (plan this attempt on on-demand capacity), or 0 or false');
    process.env.HGPU_ON_DEMAND = "True";
    expect(validationErrorOf(() => make())).toBe('s/task: HGPU_ON_DEMAND "True" is not valid: use 1 or true (plan this attempt on on-demand capacity), or 0 or false');
  });
});

describe("rules", () => {
  it("env names starting HGPU_ are the run script's, with or without recovery", () => {
    const message = 's/task: env "HGPU_RESUMED_FROM" is not valid: use names that do not start with HGPU_: the run script sets those (HGPU_CHECKPOINT_DIR, HGPU_RESTART_COUNT, HGPU_RESUMED_FROM)';
    expect(validationErrorOf(() => make({ env: { HGPU_RESUMED_FROM: "x" } }))).toBe(message);
    expect(validationErrorOf(() => make({ recovery: undefined, env: { HGPU_RESUMED_FROM: "x" } }))).toBe(message);
    // only the prefix: these are the workload's
    expect(make({ env: { MY_HGPU_MODE: "a", HGPU: "b", hgpu_mode: "c" } }).task.chosen.cloud).toBe("aws");
  });

  it.each([
    ["/fsx", seed, "use a sub-folder of the shared file system such as /fsx/checkpoints, not its root /fsx: restored checkpoints would land at its top, beside the data"],
    ["/lustre", AZURE, "use a sub-folder of the shared file system such as /lustre/checkpoints, not its root /lustre: restored checkpoints would land at its top, beside the data"],
  ])("refuses the shared file system's root %s", (path, props, allowed) => {
    expect(validationErrorOf(() => make({ ...props, recovery: { checkpointPath: path } }))).toBe(`s/task: recovery.checkpointPath "${path}" is not valid: ${allowed}`);
  });

  const DATA = "use a folder apart from the task's data (/dataset/imagenet, on the shared file system /fsx/dataset/imagenet): the data is mounted read-only, and a checkpoint folder may neither hold it nor lie in it";
  it.each([["/dataset/imagenet"], ["/dataset/imagenet/checkpoints"], ["/dataset"], ["/fsx/dataset/imagenet/checkpoints"], ["/fsx/dataset"]])("refuses %s, which holds the data or lies in it", (path) => {
    expect(validationErrorOf(() => make({ recovery: { checkpointPath: path } }))).toBe(`s/task: recovery.checkpointPath "${path}" is not valid: ${DATA}`);
  });

  it("accepts a sub-folder of the shared file system beside the data, and a folder whose name only begins like the data's", () => {
    for (const path of ["/fsx/checkpoints", "/fsx/datasets", "/dataset/imagenet-checkpoints", "/data"]) {
      expect(make({ recovery: { checkpointPath: path } }).task.chosen.cloud).toBe("aws");
    }
    // /fsx is a folder like any other when the task has no shared storage
    const noData = make({ dataPath: undefined, dataSource: undefined, recovery: { checkpointPath: "/fsx" } });
    expect(synth(noData.stack).output.neural_network_training_recovery.value.checkpointPath).toBe("/fsx");
  });

  it("keeps the rules of recovery itself (maxRuntime, maxRestarts) on the task's path", () => {
    expect(validationErrorOf(() => make({ maxRuntime: "29m", pullTimeout: "5m" }))).toBe(
      "s/task: recovery {} is not valid with maxRuntime 29 minutes: set maxRuntime to at least 30 minutes, or leave recovery out: a restart (new nodes, image pull, checkpoint restore) takes minutes of the run's time",
    );
    expect(make({ maxRuntime: "30m", pullTimeout: "5m" }).task.maxRuntimeMinutes).toBe(30);
    expect(validationErrorOf(() => make({ recovery: { maxRestarts: 101 } }))).toBe("s/task: recovery.maxRestarts 101 is not valid: use a whole number from 0 to 100");
  });

  it("without recovery: no recovery output, record entry or checkpoint script", () => {
    const tf = synth(make({ recovery: undefined }).stack);
    expect(Object.keys(tf.output).filter((o) => /recovery|checkpoints/.test(o))).toEqual([]);
    expect(tf["//"].hgpu_tasks["neural-network-training"].recovery).toBeUndefined();
    expect(boot(tf)).not.toMatch(/CKPT_DIR|ckpt_restore/);
  });
});

describe("a task with recovery on an owned pool", () => {
  const app = Testing.app();
  const { stack: platform, aws, azure } = hybridStack("us-east-1", app, "platform");
  const site = new OnPremSite(platform, "dc", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [aws, azure] });
  new OnPremGpuPool(platform, "pool", poolProps(site, { scheduler: { kind: "slurm", partition: "gpu" } }));
  const stack = new TerraformStack(app, "train");
  const task = new GpuTask(stack, "task", { ...seed, spot: undefined, recovery: { maxRestarts: 2 } });
  const tf = synthWithMetadata(stack);

  it("is accepted and placed on the pool, but not rendered: no recovery output, a warning that the run is not relaunched", () => {
    expect(task.chosen.cloud).toBe("onprem");
    expect(Object.keys(tf.output).filter((o) => /recovery|checkpoints/.test(o))).toEqual([]);
    expect(tf["//"].hgpu_tasks["neural-network-training"].recovery).toBeUndefined();
    expect(JSON.stringify(tf.output.neural_network_training_slurm_job.value)).not.toMatch(/CKPT|HGPU_CHECKPOINT/);
    expect(warnings(task)).toContain(
      "train/task: recovery is not rendered on owned pool dgx-a: a run there is not relaunched by hgpu launch and its checkpoints are not synced (Slurm's requeue is the pool's own business); it applies when the task is placed on a cloud",
    );
  });
});
