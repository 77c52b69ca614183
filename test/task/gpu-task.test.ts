import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { afterEach, describe, expect, it } from "vitest";
import { NoPlacementError, placementKey } from "../../lib/planner/planner";
import { EXCLUDE_PLACEMENTS_CONTEXT, GpuTask, PLACEMENT_CONTEXT, type GpuTaskProps } from "../../lib/task/gpu-task";
import { resources, synth, thrownBy, validationErrorOf, withoutTerraform } from "../helpers";

const seed: GpuTaskProps = {
  name: "neural-network-training",
  gpus: 30,
  memoryGiB: 256,
  image: "nvcr.io/nvidia/pytorch:24.05-py3",
  command: ["train.py", "--data", "/dataset/imagenet"],
  dataPath: "/dataset/imagenet",
  dataSource: "s3://ml-datasets/imagenet/",
};

function make(props: Partial<GpuTaskProps> = {}, context: Record<string, unknown> = {}) {
  const stack = new TerraformStack(Testing.app({ context }), "s");
  const task = new GpuTask(stack, "task", { ...seed, ...props });
  return { stack, task };
}

describe("GpuTask: the seed request on AWS", () => {
  const { stack, task } = make();
  const tf = synth(stack);
  const boot = Object.values(tf.locals as Record<string, string>)[0]!;

  it("places 30 GPUs on 4 x 8-GPU nodes, on the cheapest feasible placement", () => {
    // The cheapest AWS type with 8 GPUs a node and EFA in the catalog: g5.48xlarge, $16.288/h a node in us-east-1
    // (p4d.24xlarge, the next, costs $21.9576/h); 4 nodes hold the 30 GPUs.
    expect(task.chosen).toMatchObject({ cloud: "aws", region: "us-east-1", instanceType: "g5.48xlarge", nodes: 4, gpusPerNode: 8, gpus: 32, usdPerHour: 65.152 });
    // A placement prints as its sentence, in a template string too.
    expect(`${task.chosen}`).toBe("4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h");
    expect(resources(tf, "aws_autoscaling_group")[0]).toMatchObject({ min_size: 4, max_size: 4, desired_capacity: 4 });
    expect(resources(tf, "aws_launch_template")[0].instance_type).toBe("g5.48xlarge");
    expect(tf.provider.aws).toEqual([{ region: "us-east-1" }]);
    expect(task.rejected.length).toBeGreaterThan(0);
    expect(task.rejected).toContainEqual(expect.objectContaining({ instanceType: "g5.12xlarge", reason: "4 GPUs per node is less than minGpusPerNode 8" }));
  });

  it("synthesizes, validations included, with no terraform on the PATH: the start marker carries no synth-time version check", () => {
    const started = task.node.findChild("started");
    expect(withoutTerraform(() => started.node.validate())).toEqual([]);
    expect(Object.keys(withoutTerraform(() => synth(make().stack)).resource.terraform_data)).toEqual(["task_started_6FD60E8D"]);
  });

  it("loads the dataset into FSx for Lustre at /dataset/imagenet and mounts it", () => {
    expect(resources(tf, "aws_fsx_data_repository_association")[0]).toMatchObject({ data_repository_path: "s3://ml-datasets/imagenet/", file_system_path: "/dataset/imagenet" });
    expect(boot).toContain("mountpoint -q /fsx || mount /fsx");
    expect(boot).toContain("-v '/fsx/dataset/imagenet:/dataset/imagenet:ro'");
    expect(task.storage?.mountPath).toBe("/fsx");
  });

  it("starts the run script with torchrun and reports status and logs under the run ID", () => {
    expect(boot).toContain("systemd-run --unit hgpu-task");
    expect(boot).toContain("torchrun 'train.py' '--data' '/dataset/imagenet'");
    expect(boot).toMatch(/RUN_ID='\$\{terraform_data\.task_started_[0-9A-F]+\.id\}'/);
    const outputs = tf.output as Record<string, { value: unknown }>;
    expect(outputs.neural_network_training_status_uri!.value).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.task_runs_[0-9A-F]+\.bucket\}\/runs\/\$\{terraform_data\.task_started_[0-9A-F]+\.id\}\/status\.json$/);
    expect(outputs.neural_network_training_logs_uri!.value).toMatch(/\/logs\/$/);
    expect(outputs.neural_network_training_placement!.value).toMatchObject({ cloud: "aws", nodes: 4, key: placementKey(task.chosen) });
    expect(outputs.neural_network_training_usd_per_hour!.value).toBe(task.usdPerHour);
    const bucket = resources(tf, "aws_s3_bucket")[0];
    expect(bucket.bucket_prefix).toBe("s-task-runs-");
    expect(bucket.force_destroy).toBe(true);
    expect(resources(tf, "aws_s3_bucket_public_access_block")[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resources(tf, "aws_s3_bucket_policy")[0].policy).toContain('"aws:SecureTransport":"false"');
  });

  it("lets the nodes scale their own group to zero, and nothing more", () => {
    const policy = JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === "scale-own-group-to-zero").policy);
    expect(policy.Statement[0]).toMatchObject({ Action: "autoscaling:UpdateAutoScalingGroup", Resource: expect.stringMatching(/:autoScalingGroupName\/s-task-cluster-nodes$/), Condition: { NumericEquals: { "autoscaling:MinSize": "0", "autoscaling:MaxSize": "0" } } });
    // Peers find each other through the group's membership and the addresses they publish: no ec2:DescribeInstances.
    expect(policy.Statement).toHaveLength(2);
    expect(policy.Statement[1]).toEqual({ Sid: "FindPeers", Effect: "Allow", Action: "autoscaling:DescribeAutoScalingGroups", Resource: "*" });
    expect(resources(tf, "aws_autoscaling_group")[0].name).toBe("s-task-cluster-nodes");
    const s3 = JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === "s3-access").policy);
    expect(s3.Statement[1].Resource).toMatch(/runs\/\$\{terraform_data\.task_started_[0-9A-F]+\.id\}\/\*$/);
  });

  it("sets a cloud-side deadline 12 h after apply: a one-time schedule that stops the group", () => {
    const [schedule] = resources(tf, "aws_scheduler_schedule");
    expect(schedule.schedule_expression).toMatch(/^at\(\$\{formatdate\("YYYY-MM-DD'T'hh:mm:ss", timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "720m"\)\)\}\)$/);
    expect(schedule.target).toMatchObject({ arn: expect.stringMatching(/^arn:\$\{data\.aws_partition\.task_cluster_partition_[0-9A-F]+\.partition\}:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup$/), input: '{"AutoScalingGroupName":"s-task-cluster-nodes","MinSize":0,"MaxSize":0,"DesiredCapacity":0}' });
    const deadlinePolicy = JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === "stop-task-group").policy);
    expect(deadlinePolicy.Statement[0].Condition).toEqual({ NumericEquals: { "autoscaling:MinSize": "0", "autoscaling:MaxSize": "0" } });
    expect(boot).toMatch(/DEADLINE='\$\{timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "720m"\)\}'/);
    expect(resources(tf, "terraform_data")[0]).toMatchObject({ input: { at: "${timestamp()}" }, lifecycle: { ignore_changes: ["input"] } });
    expect(task.maxRuntimeMinutes).toBe(720);
    expect(boot).toContain('"$REMAIN"s docker run');
  });

  it("records its construct path below the stack, so the report charges it only for what lies under it", () => {
    // Testing.synth strips "//" metadata: read the stack's own JSON.
    const full = stack.toTerraform();
    expect(full["//"].hgpu_tasks["neural-network-training"]).toMatchObject({ path: "task", maxRuntimeMinutes: 720 });
    // The resources under it carry that path (the report's owner ids: task/cluster, task/data).
    expect(resources(full, "aws_autoscaling_group")[0]["//"].metadata.path).toBe("s/task/cluster/asg");
    expect(resources(full, "aws_fsx_lustre_file_system")[0]["//"].metadata.path).toMatch(/^s\/task\/data\//);
  });

  it("records a nested task's path in full", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const task = new GpuTask(new Construct(stack, "team"), "eval", { ...seed, name: "eval" });
    expect(task.node.path).toBe("s/team/eval");
    expect(stack.toTerraform()["//"].hgpu_tasks.eval.path).toBe("team/eval");
  });
});

describe("GpuTask: the seed request on Azure", () => {
  const { stack, task } = make({ clouds: ["azure"], dataSource: "https://mldata.blob.core.windows.net/datasets/imagenet" });
  const tf = synth(stack);

  it("places 4 x 8-GPU VMs in one scale set, with Managed Lustre from the blob container", () => {
    // The cheapest Azure size with 8 GPUs a node and InfiniBand: ND40rs v2 at $22.032/h a VM, in eastus and westus2 alike
    // (the tie goes to the name first in order, eastus).
    expect(task.chosen).toMatchObject({ cloud: "azure", region: "eastus", instanceType: "Standard_ND40rs_v2", nodes: 4, gpusPerNode: 8, usdPerHour: 88.128 });
    expect(resources(tf, "azurerm_linux_virtual_machine_scale_set")[0]).toMatchObject({ sku: "Standard_ND40rs_v2", location: "eastus", instances: 4, single_placement_group: true });
    // The run account takes no shared keys: azurerm must reach storage with Entra ID.
    expect(tf.provider.azurerm).toEqual([{ features: [{ storage: [{ data_plane_available: false }] }], storage_use_azuread: true }]);
    expect(resources(tf, "azurerm_managed_lustre_file_system")[0].hsm_setting).toMatchObject({ container_id: "${var.neural-network-training_data_storage_account_id}/blobServices/default/containers/datasets", import_prefix: "/imagenet" });
  });

  it("keeps its compute in a resource group of its own, where the nodes and the deadline each have a role of their own", () => {
    // writing a scale set re-checks the linked NSG, identity and subnet
    const WRITE = ["Microsoft.Compute/virtualMachineScaleSets/read", "Microsoft.Compute/virtualMachineScaleSets/write", "Microsoft.Network/networkSecurityGroups/join/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"];
    const [group] = resources(tf, "azurerm_resource_group").filter((g) => /compute/.test(g.name));
    expect(group.name).toMatch(/^s-task-compute-\$\{substr\(replace\(terraform_data\.task_started_[0-9A-F]+\.id, "-", ""\), 0, 8\)\}$/);
    const groupId = expect.stringMatching(/^\$\{azurerm_resource_group\.task_compute_[0-9A-F]+\.id\}$/);
    const vmss = resources(tf, "azurerm_linux_virtual_machine_scale_set")[0];
    expect(vmss.resource_group_name).toMatch(/^\$\{azurerm_resource_group\.task_compute_[0-9A-F]+\.name\}$/);
    expect(resources(tf, "azurerm_role_definition").filter((r) => /capacity/.test(r.description) && !/^Join/.test(r.description)).map((r) => [r.permissions[0].actions, r.scope, r.assignable_scopes])).toEqual([
      [[...WRITE], groupId, [groupId]],
      [[...WRITE, "Microsoft.Compute/virtualMachineScaleSets/networkInterfaces/read", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read"], groupId, [groupId]],
    ]);
    const grants = resources(tf, "azurerm_role_assignment").filter((a) => /azurerm_role_definition\.task_(deadline|scale-to-zero)-role/.test(a.role_definition_id ?? ""));
    expect(grants.map((a) => [a.scope, a.principal_id, a.role_definition_id])).toEqual([
      [groupId, expect.stringMatching(/logic_app_workflow\.task_deadline_[0-9A-F]+\.identity\[0\]\.principal_id/), expect.stringMatching(/task_deadline-role_/)],
      [groupId, expect.stringMatching(/user_assigned_identity\.task_cluster_identity_[0-9A-F]+\.principal_id/), expect.stringMatching(/task_scale-to-zero-role_/)],
    ]);
    const [trigger] = resources(tf, "azurerm_logic_app_trigger_recurrence").filter((t) => t.name === "at-deadline");
    expect(trigger).toMatchObject({ frequency: "Hour", interval: 1 });
    expect(trigger.start_time).toContain("timeadd(terraform_data.task_started_");
    const joins = resources(tf, "azurerm_role_assignment").filter((a) => /task_subnet-join-role_/.test(a.role_definition_id ?? ""));
    expect(joins.map((a) => [a.scope, a.principal_id])).toEqual([
      [expect.stringMatching(/azurerm_subnet\.task_network_compute-subnet_[0-9A-F]+\.id/), expect.stringMatching(/logic_app_workflow\.task_deadline_/)],
      [expect.stringMatching(/azurerm_subnet\.task_network_compute-subnet_[0-9A-F]+\.id/), expect.stringMatching(/user_assigned_identity\.task_cluster_identity_/)],
    ]);
    expect(resources(tf, "azurerm_role_definition").find((r) => /Join a GPU/.test(r.description)).permissions[0].actions).toEqual(["Microsoft.Network/virtualNetworks/subnets/read", "Microsoft.Network/virtualNetworks/subnets/join/action"]);
    const [action] = resources(tf, "azurerm_logic_app_action_custom").filter((a) => a.name === "scale-to-zero");
    // The target is built from the group's ID and the scale set's name: it exists before the scale set.
    expect(action.body).toMatch(/"uri" = "https:\/\/management\.azure\.com\$\{azurerm_resource_group\.task_compute_[0-9A-F]+\.id\}\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/s-task-cluster\?api-version=2023-09-01"/);
    expect(vmss.name).toBe("s-task-cluster");
    expect(action.body).toContain('"body" = {"sku" = {"capacity" = 0}}');
    expect(action.body).toContain("ManagedServiceIdentity");
    expect(resources(tf, "azurerm_logic_app_workflow")[0]).toMatchObject({ identity: { type: "SystemAssigned" }, resource_group_name: vmss.resource_group_name });
  });

  it("writes status to a private runs container the identity may write to, in an account without shared keys", () => {
    // The runs account is the one the status URI names (the network's flow logs have an account too).
    const runsAccount = /\$\{azurerm_storage_account\.([^.]+)\.primary_blob_endpoint\}/.exec((tf.output as Record<string, { value: string }>).neural_network_training_status_uri!.value)![1]!;
    expect(tf.resource.azurerm_storage_account[runsAccount]).toMatchObject({
      min_tls_version: "TLS1_2", https_traffic_only_enabled: true, allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false, default_to_oauth_authentication: true,
      blob_properties: { delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
    });
    expect((tf.output as Record<string, { value: string }>).neural_network_training_status_uri!.value).toMatch(/primary_blob_endpoint\}runs\/\$\{terraform_data\.task_started_[0-9A-F]+\.id\}\/status\.json$/);
    expect(resources(tf, "azurerm_role_assignment").some((a) => a.role_definition_name === "Storage Blob Data Contributor")).toBe(true);
    const reader = resources(tf, "azurerm_role_assignment").find((a) => a.role_definition_name === "Storage Blob Data Reader");
    expect(reader.principal_id).toMatch(/^\$\{data\.azurerm_client_config\.task_deployer_[0-9A-F]+\.object_id\}$/);
  });
});

describe("GpuTask: placement control for failover", () => {
  afterEach(() => {
    delete process.env.HGPU_EXCLUDE_PLACEMENTS;
    delete process.env.HGPU_PLACEMENT;
  });

  it("skips excluded placements given by context or environment", () => {
    const first = make().task.chosen;
    const ctx = make({}, { [EXCLUDE_PLACEMENTS_CONTEXT]: [placementKey(first)] }).task.chosen;
    expect(placementKey(ctx)).not.toBe(placementKey(first));
    process.env.HGPU_EXCLUDE_PLACEMENTS = JSON.stringify([placementKey(first)]);
    expect(placementKey(make().task.chosen)).toBe(placementKey(ctx));
  });

  it("refuses a malformed exclusion list with the variable's name", () => {
    process.env.HGPU_EXCLUDE_PLACEMENTS = "aws/us-east-1";
    expect(validationErrorOf(() => make())).toBe('s/task: HGPU_EXCLUDE_PLACEMENTS "aws/us-east-1" is not valid: use a JSON list of placement keys, e.g. ["aws/us-east-1/use1-az4/p5.48xlarge"]');
    delete process.env.HGPU_EXCLUDE_PLACEMENTS;
    expect(validationErrorOf(() => make({}, { [EXCLUDE_PLACEMENTS_CONTEXT]: [3] }))).toBe('s/task: hgpu:excludePlacements [3] is not valid: use a JSON list of placement keys, e.g. ["aws/us-east-1/use1-az4/p5.48xlarge"]');
  });

  it("uses the N-th placement when asked", () => {
    const all = make().task.placements;
    expect(make({ placement: 2 }).task.chosen).toEqual(all[1]);
    expect(make({}, { [PLACEMENT_CONTEXT]: 3 }).task.chosen).toEqual(all[2]);
  });

  it("keeps AWS placements in the region of the stack's provider", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "us-west-2" });
    const task = new GpuTask(stack, "task", seed);
    expect(task.chosen.region).toBe("us-west-2");
  });
});

describe("GpuTask: private images", () => {
  it("logs in to ECR before pulling an ECR image, with read-only ECR access", () => {
    const { stack } = make({ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0" });
    const tf = synth(stack);
    const boot = Object.values(tf.locals as Record<string, string>)[0]!;
    expect(boot).toContain("aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com");
    expect(boot.indexOf("docker login")).toBeLessThan(boot.indexOf("docker pull"));
    expect(resources(tf, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toContainEqual(expect.stringMatching(/:iam::aws:policy\/AmazonEC2ContainerRegistryReadOnly$/));
  });
  it("adds nothing for a public image", () => {
    const tf = synth(make().stack);
    expect(resources(tf, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).not.toContainEqual(expect.stringMatching(/AmazonEC2ContainerRegistryReadOnly/));
  });
});

describe("GpuTask: bad input", () => {
  it.each<[Partial<GpuTaskProps>, string]>([
    [{ gpus: 0 }, "s/task: gpus 0 is not valid: use a whole number of at least 1"],
    [{ gpus: -4 }, "s/task: gpus -4 is not valid: use a whole number of at least 1"],
    [{ maxRuntime: Number.POSITIVE_INFINITY }, 's/task: maxRuntime Infinity is not valid: use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)'],
    [{ maxRuntime: -3 }, 's/task: maxRuntime -3 is not valid: use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)'],
    [{ maxRuntime: "forever" }, 's/task: maxRuntime "forever" is not valid: use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)'],
    [{ maxRuntime: "15d" }, 's/task: maxRuntime "15d" is not valid: use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)'],
    [{ dataSource: undefined }, 's/task: dataPath "/dataset/imagenet" is not valid: set dataSource (an S3 or Blob URI loaded into new shared storage) or storage (shared storage that already holds it), or clouds: ["onprem"] (the pools hold it under their sharedPath)'],
    [{ dataPath: undefined }, 's/task: dataSource "s3://ml-datasets/imagenet/" is not valid: set dataPath too: the path the workload reads the data from'],
    [{ dataSource: "ftp://data/imagenet" }, 's/task: dataSource "ftp://data/imagenet" is not valid: use s3://bucket/prefix/ or https://<account>.blob.core.windows.net/<container>/<prefix>'],
    [{ clouds: ["azure"] }, 's/task: clouds ["azure"] is not valid: include aws, where dataSource s3://ml-datasets/imagenet/ is'],
    [{ image: undefined, command: undefined }, 's/task: command (missing) is not valid: set image, command or both: the task needs something to run'],
    [{ command: ["train.py", "--out=${HOME}"] }, 's/task: command[1] "--out=${HOME}" is not valid: use text without line breaks, and without ${ or %{ (Terraform reads ${ and %{ as template syntax; escape them as $${ and %%{)'],
    [{ env: { "BAD-NAME": "x" } }, 's/task: env "BAD-NAME" is not valid: use variable names of letters, digits and _ (not starting with a digit)'],
    [{ name: "Neural Network Training" }, 's/task: name "Neural Network Training" is not valid: use 2-40 lowercase letters, digits and hyphens, starting with a letter'],
    [{ idleTimeout: "4m" }, 's/task: idleTimeout "4m" is not valid: use a duration of at least 5m, e.g. "30m", or false to turn the watchdog off'],
    [{ idleTimeout: "soon" }, 's/task: idleTimeout "soon" is not valid: use a duration of at least 5m, e.g. "30m", or false to turn the watchdog off'],
    [{ pullTimeout: "4h", maxRuntime: "12h" }, 's/task: pullTimeout "4h" is not valid: use a duration whose 3 tries fit in maxRuntime (720 minutes), e.g. "20m"'],
    [{ pullTimeout: "0m" }, 's/task: pullTimeout "0m" is not valid: use a duration whose 3 tries fit in maxRuntime (720 minutes), e.g. "20m"'],
    [{ placement: 9999 }, expect.stringMatching(/^s\/task: placement 9999 is not valid: use a rank from 1 to \d+ \(the feasible placements\)$/) as never],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => make(props))).toEqual(message);
  });

  it("accepts the watchdogs' boundaries: a 5-minute idle timeout, no idle watchdog, a pull timeout whose 3 tries just fit", () => {
    const boot = (props: Partial<GpuTaskProps>) => Object.values(synth(make(props).stack).locals as Record<string, string>)[0]!;
    expect(boot({ idleTimeout: "5m" })).toContain("IDLE_LIMIT=5;");
    expect(boot({ idleTimeout: false })).toContain("IDLE_LIMIT=0;");
    const fits = boot({ maxRuntime: "61m", pullTimeout: "20m" });
    expect(fits).toContain(`timeout 20m bash -c 'docker pull '\\''nvcr.io/nvidia/pytorch:24.05-py3'\\''' && return 0`);
    expect(fits).toContain('RDZV_CONF="join_timeout=4200,read_timeout=600"');
    expect(validationErrorOf(() => make({ maxRuntime: "60m", pullTimeout: "20m" }))).toBe('s/task: pullTimeout "20m" is not valid: use a duration whose 3 tries fit in maxRuntime (60 minutes), e.g. "20m"');
    expect(boot({})).toContain("IDLE_LIMIT=30;");
  });

  it("two tasks of one name in a stack: an error naming the first, since outputs are keyed by name", () => {
    const { stack } = make();
    expect(validationErrorOf(() => new GpuTask(stack, "again", seed))).toBe(
      's/again: name "neural-network-training" is not valid: use a name no other GpuTask of the stack has (s/task has it): the task\'s outputs and report entry are keyed by name');
  });

  it("no feasible placement: the planner's explanation, with the task's path", () => {
    const error = thrownBy(() => make({ accelerator: "B300", maxUsdPerHour: 10 }), NoPlacementError);
    expect(error.message).toMatch(/^s\/task: no placement meets 30 GPUs \(B300\), >= 8 GPUs per node, 256 GiB memory, interconnect required, clouds \[aws\], max \$10\/h: .*Closest feasible: without maxUsdPerHour: 4 x p6-b300\.48xlarge/);
  });
});

describe("GpuTask's run bucket options on AWS", () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  it("encrypts with the given key (granted to the nodes through S3 for this bucket), keeps versions and logs access", () => {
    const { stack } = make({ aws: { runsBucket: { kmsKeyArn: KEY, versioning: true, accessLogs: { bucket: "ml-access-logs", prefix: "runs/" } } } });
    const tf = synth(stack);
    const [sse] = resources(tf, "aws_s3_bucket_server_side_encryption_configuration");
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true }]);
    expect(resources(tf, "aws_s3_bucket_versioning")).toEqual([expect.objectContaining({ versioning_configuration: { status: "Enabled" } })]);
    expect(resources(tf, "aws_s3_bucket_logging")).toEqual([expect.objectContaining({ target_bucket: "ml-access-logs", target_prefix: "runs/" })]);
    const policy = JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === "s3-access").policy);
    expect(policy.Statement.find((st: { Sid: string }) => st.Sid === "Key0")).toMatchObject({ Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY });
  });

  it("keeps none of that by default", () => {
    const tf = synth(make().stack);
    expect(resources(tf, "aws_s3_bucket_server_side_encryption_configuration")[0].rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms" });
    expect([...resources(tf, "aws_s3_bucket_versioning"), ...resources(tf, "aws_s3_bucket_logging")]).toEqual([]);
  });

  it.each([
    [{ kmsKeyArn: "alias/runs" }, 's/task: aws.runsBucket.kmsKeyArn "alias/runs" is not valid: use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (the nodes\' role is granted the key by ARN)'],
    [{ accessLogs: { bucket: "Logs_Bucket" } }, "s/task: aws.runsBucket.accessLogs.bucket \"Logs_Bucket\" is not valid: use an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias)"],
    [{ accessLogs: { bucket: "logs", prefix: "runs" } }, 's/task: aws.runsBucket.accessLogs.prefix "runs" is not valid: use a key prefix ending in / (without a leading /, *, ? or $), e.g. s3-access/'],
  ])("refuses %j", (runsBucket, message) => {
    expect(validationErrorOf(() => make({ aws: { runsBucket } }))).toBe(message);
  });
});

describe("GpuTask on Azure in a location without availability zones", () => {
  // The catalog sells ND96isr_H100_v5 in westus (no zones) at $127.816/h a node, and in eastus and eastus2.
  const azure = { clouds: ["azure" as const], accelerator: "H100", gpus: 16, memoryGiB: undefined, dataSource: "https://mldata.blob.core.windows.net/datasets/imagenet" };

  it("rules the location out when the task creates Managed Lustre, which is zonal", () => {
    const { task } = make({ ...azure, regions: ["westus", "eastus"] });
    expect(task.chosen).toMatchObject({ cloud: "azure", region: "eastus", instanceType: "Standard_ND96isr_H100_v5" });
    expect(task.placements.map((p) => p.region)).not.toContain("westus");
    expect(task.rejected).toContainEqual({ cloud: "azure", instanceType: "Standard_ND96isr_H100_v5", region: "westus", reason: "westus has no availability zones, which the task's Managed Lustre file system needs" });
  });

  it("says why when every feasible placement is ruled out", () => {
    expect(validationErrorOf(() => make({ ...azure, regions: ["westus"] }))).toBe(
      's/task: regions ["westus"] is not valid: use regions where the task can be built: every feasible placement is ruled out (azure Standard_ND96isr_H100_v5 in westus: westus has no availability zones, which the task\'s Managed Lustre file system needs)',
    );
  });

  it("keeps it for a task without data", () => {
    const { task } = make({ ...azure, regions: ["westus"], dataPath: undefined, dataSource: undefined });
    expect(task.chosen).toMatchObject({ region: "westus", instanceType: "Standard_ND96isr_H100_v5", nodes: 2 });
  });
});

describe("GpuTask on Azure without data", () => {
  it("keeps the scale set regional when no zonal storage needs it", () => {
    const { stack } = make({ clouds: ["azure"], dataPath: undefined, dataSource: undefined });
    const tf = synth(stack);
    expect(resources(tf, "azurerm_linux_virtual_machine_scale_set")[0].zones).toBeUndefined();
    expect(resources(tf, "azurerm_managed_lustre_file_system")).toEqual([]);
  });
});
