import { Annotations, Fn, TerraformStack, Token } from "../engine/core";
import { TerraformData } from "../engine/terraform-data";
import { Construct } from "constructs";
import type { AwsNetwork } from "../aws/network";
import { providerRegion } from "../aws/provider";
import type { AzureNetwork } from "../azure/network";
import type { IGpuCluster, ISharedStorage } from "../core/contracts";
import type { Cloud, GpuCloud } from "../core/types";
import { CATALOG } from "../catalog/catalog";
import { OnPremGpuPool } from "../onprem/gpu-pool";
import { hasTemplateSyntax } from "../core/template-syntax";
import { azureLocation } from "../core/regions";
import { EMAIL_ADDRESS, Validator } from "../core/validate";
import { describedPlacement, describeRejection, planPlacements } from "../planner/planner";
import type { Placement, PlacementPlan, RejectedCandidate, Requirements } from "../planner/types";
import { buildAwsTask } from "./aws-task";
import { buildAzureTask } from "./azure-task";
import { MAX_RUNTIME_MINUTES, durationMinutes, terraformDuration } from "./duration";
import { parseSecrets, secretsCloud, SECRET_STORE_CLOUD } from "./secrets";
import { sourceCloud } from "./task-text";
import { checkWorkload, taskDurations } from "./task-checks";
import { readExcluded, readRank, readRunDeadline } from "./placement-context";
import { buildPoolTask, poolProblem, refuseLatePools, type SlurmJobSpec } from "./pool-task";
import type { GpuTaskProps, TaskTeardown } from "./gpu-task-props";
import { taskOutputs } from "./task-outputs";
import { SHARED_MOUNT_PATHS, taskRecovery } from "./task-recovery";

const SNS_TOPIC = /^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export { EXCLUDE_PLACEMENTS_CONTEXT, ON_DEMAND_CONTEXT, PLACEMENT_CONTEXT, RESTART_COUNT_CONTEXT, RUN_DEADLINE_CONTEXT } from "./placement-context";
export type { GpuTaskProps, TaskTeardown } from "./gpu-task-props";

export type { GpuTaskAwsInputs, GpuTaskAzureInputs, RunsBucketOptions } from "./task-inputs";
export { SIGNAL_BEFORE_LIMIT_SECONDS, type SlurmJobSpec } from "./pool-task";

/**
 * A training job as infrastructure: from requirements (GPUs, memory, accelerator, budget, clouds)
 * the planner ranks placements; the task builds, on the chosen cloud, the network (unless given),
 * the cluster sized to the request, shared storage loaded from object storage when `dataPath` is
 * set, a run bucket or container for logs and status, and the run itself: torchrun with c10d
 * rendezvous on node 0, NCCL set up for EFA or InfiniBand.
 *
 * It never leaks a GPU-hour, with three independent teardown layers, all in the plan: the nodes
 * scale their group to zero when the workload ends (their identity may do that and reads for
 * rendezvous, nothing more); a cloud-side deadline removes the capacity at `maxRuntime` even when
 * the nodes and the launcher are gone (AWS: a one-time EventBridge Scheduler schedule that sets
 * the Auto Scaling group to zero; Azure: a Logic App with a managed identity that scales the
 * scale set to zero); and `hgpu launch` destroys the stack in a `finally`. On an owned pool (an
 * `OnPremGpuPool` of the app, first with `prefer: "owned"`) it builds no cloud compute: the stack
 * carries the Slurm job (`slurmJob`), whose time limit is the deadline.
 *
 * ```ts
 * const task = new GpuTask(stack, "train", {
 *   name: "neural-network-training", gpus: 30, memoryGiB: 256,
 *   image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"],
 *   dataPath: "/dataset/imagenet", dataSource: "s3://ml-datasets/imagenet/",
 * });
 * task.chosen;   // the placement, e.g. 4 x g5.48xlarge in us-east-1
 * task.rejected; // every other candidate, with its reason
 * ```
 */
export class GpuTask extends Construct {
  /** The placement the task runs on. */
  public readonly chosen: Placement;
  /** The task's name, unique in its stack (its outputs are `<name>_status_uri` etc.). */
  public readonly name: string;
  /** Every ranked placement (the failover order). */
  public readonly placements: readonly Placement[];
  /** Every candidate the planner ruled out, with its reason. */
  public readonly rejected: readonly RejectedCandidate[];
  /** The cluster (none on an owned pool). */
  public readonly cluster?: IGpuCluster;
  /** The network (none on an owned pool). */
  public readonly network?: AwsNetwork | AzureNetwork;
  /** The owned pool the task runs on, when the chosen placement is one. */
  public readonly pool?: OnPremGpuPool;
  /** The Slurm job `hgpu launch` submits, when the chosen placement is an owned pool (also the `<name>_slurm_job` output). */
  public readonly slurmJob?: SlurmJobSpec;
  /** How long a job may wait in an owned pool's queue, minutes. */
  public readonly maxQueueWaitMinutes: number;
  /** The shared storage, when the task has data. */
  public readonly storage?: ISharedStorage;
  /** The run ID (known at apply: the ID of the task's start marker). */
  public readonly runId: string;
  /** Where node 0 writes the final status object. */
  public readonly statusUri: string;
  /** Where the nodes write their logs (one object per node). */
  public readonly logsUri: string;
  /** Deadline in minutes after apply. */
  public readonly maxRuntimeMinutes: number;
  /** The three teardown layers. */
  public readonly teardown: TaskTeardown;
  /** USD per hour of the cluster. */
  public readonly usdPerHour: number;

  constructor(scope: Construct, id: string, props: GpuTaskProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const name = (this.name = v.matches("name", props.name, /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, "use 2-40 lowercase letters, digits and hyphens, starting with a letter"));
    const twin = TerraformStack.of(this).node.findAll().find((c): c is GpuTask => c !== this && c instanceof GpuTask && c.name === name);
    v.check(twin === undefined, "name", name, `use a name no other GpuTask of the stack has (${twin?.node.path} has it): the task's outputs and report entry are keyed by name`);
    v.integer("gpus", props.gpus, { min: 1 });
    const minutes = durationMinutes(props.maxRuntime ?? "12h");
    v.check(minutes !== undefined && minutes <= MAX_RUNTIME_MINUTES, "maxRuntime", props.maxRuntime, `use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)`);
    this.maxRuntimeMinutes = minutes!;
    const { graceMinutes, pullMinutes, queueMinutes, idleMinutes } = taskDurations(v, props, this.maxRuntimeMinutes);
    this.maxQueueWaitMinutes = queueMinutes;
    if (props.notify !== undefined) {
      v.check(!hasTemplateSyntax(props.notify) && (EMAIL_ADDRESS.test(props.notify) || SNS_TOPIC.test(props.notify)), "notify", props.notify, "use an e-mail address or an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)");
    } else {
      Annotations.of(this).addWarning(`${this.node.path}: no notify: nobody is told when a deadline step fails (set notify to an e-mail address or an SNS topic ARN)`);
    }
    checkWorkload(v, props);
    const secrets = parseSecrets(v, props.secrets ?? {}, props.env ?? {});
    const secretCloud = secretsCloud(v, secrets);
    const dataCloud = props.dataSource !== undefined ? sourceCloud(v, props.dataSource) : undefined;
    const ownedOnly = props.clouds !== undefined && props.clouds.length > 0 && props.clouds.every((c) => c === "onprem");
    if (props.dataPath !== undefined) {
      v.mountPath("dataPath", props.dataPath);
      v.check(props.dataSource !== undefined || props.storage !== undefined || ownedOnly, "dataPath", props.dataPath, 'set dataSource (an S3 or Blob URI loaded into new shared storage) or storage (shared storage that already holds it), or clouds: ["onprem"] (the pools hold it under their sharedPath)');
    } else {
      v.check(props.dataSource === undefined, "dataSource", props.dataSource, "set dataPath too: the path the workload reads the data from");
    }
    if (dataCloud && props.clouds) {
      v.check(props.clouds.includes(dataCloud), "clouds", props.clouds, `include ${dataCloud}, where dataSource ${props.dataSource} is`);
    }
    if (secretCloud) {
      const first = secrets[0]!;
      const where = `${Object.keys(props.secrets!).length === 1 ? "the secret" : "the secrets"} (${first.store}) ${Object.keys(props.secrets!).length === 1 ? "is" : "are"}`;
      if (dataCloud) v.check(secretCloud === dataCloud, `secrets.${first.env}`, props.secrets![first.env], `use a store on ${dataCloud}, where dataSource ${props.dataSource} is (${Object.entries(SECRET_STORE_CLOUD).filter(([, c]) => c === dataCloud).map(([s]) => s).join(", ")})`);
      if (props.clouds) v.check(props.clouds.includes(secretCloud), "clouds", props.clouds, `include ${secretCloud}, where ${where}`);
      if (props.network) v.check(props.network.cloud === secretCloud, "network", props.network.node.path, `use a network on ${secretCloud}, where ${where}`);
    }
    // data, secrets and a given network each keep the task on their cloud
    const pinnedCloud = dataCloud ?? secretCloud ?? (props.network?.cloud as GpuCloud | undefined);
    // recovery, and this attempt of the run (restarts so far, an on-demand fallback)
    const sharedMount = props.storage?.mountPath ?? (props.dataPath !== undefined && dataCloud ? SHARED_MOUNT_PATHS[dataCloud] : undefined);
    const recovery = taskRecovery(this, v, props, this.maxRuntimeMinutes, sharedMount);

    // --- place
    const stackAwsRegion = providerRegion(this);
    let regions = props.regions ?? (props.network ? [props.network.region] : undefined);
    // A CloudWatch alarm publishes only to a topic in its own region: a topic keeps the task there.
    const topicRegion = props.notify !== undefined && SNS_TOPIC.test(props.notify) ? props.notify.split(":")[3]! : undefined;
    if (topicRegion !== undefined) {
      v.check(props.clouds === undefined || props.clouds.includes("aws"), "notify", props.notify, "use an e-mail address: an SNS topic ARN is for tasks on AWS");
      v.check(regions === undefined || regions.includes(topicRegion), "notify", props.notify, `use an SNS topic in one of the task's regions (${(regions ?? []).join(", ")}): an alarm publishes only to a topic in its own region`);
      regions = [topicRegion];
    }
    const pools = OnPremGpuPool.poolsOf(this);
    const allowOwned = props.clouds ? props.clouds.includes("onprem") : pools.length > 0;
    const clouds: readonly Cloud[] | undefined = pinnedCloud ? [...(allowOwned ? ["onprem" as const] : []), pinnedCloud] : props.clouds;
    const requirements: Requirements = {
      gpus: props.gpus,
      ...(props.memoryGiB !== undefined ? { memoryGiB: props.memoryGiB } : {}),
      ...(props.accelerator !== undefined ? { accelerator: props.accelerator } : {}),
      ...(props.minGpuMemoryGiB !== undefined ? { minGpuMemoryGiB: props.minGpuMemoryGiB } : {}),
      minGpusPerNode: props.minGpusPerNode ?? Math.min(8, props.gpus),
      interconnect: "required",
      ...(clouds ? { clouds } : {}),
      ...(regions ? { regions } : {}),
      ...(props.spot !== undefined ? { spot: props.spot && !recovery.onDemand } : {}),
      ...(props.maxUsdPerHour !== undefined ? { maxUsdPerHour: props.maxUsdPerHour } : {}),
      ...(props.prefer !== undefined ? { prefer: props.prefer } : {}),
      ...(props.optimize !== undefined ? { optimize: props.optimize } : {}),
      maxRuntimeHours: this.maxRuntimeMinutes / 60,
      excludePlacements: readExcluded(this),
    };
    let plan: PlacementPlan;
    try {
      plan = planPlacements(requirements, CATALOG, { pools: pools.map((p) => p.offering) });
    } catch (e) {
      // The planner reports under "planner"; the task's path takes its place (its requirements are the task's props).
      if (e instanceof Error) e.message = `${this.node.path}: ${e.message.replace(/^planner: /, "")}`;
      throw e;
    }
    // On AWS the stack's provider fixes the region: placements elsewhere are not reachable.
    // Placements the task cannot build: AWS outside the provider's region; Azure without zones when the task creates Managed Lustre (it is zonal).
    const poolOf = (p: Placement) => pools.find((x) => x.name === p.instanceType)!;
    const unreachableBecause = (p: Placement): string | undefined =>
      p.cloud === "onprem" ? poolProblem(poolOf(p), props)
      : p.cloud === "aws" && stackAwsRegion !== undefined && p.region !== stackAwsRegion ? `region ${p.region} is not the stack's AWS provider region ${stackAwsRegion}`
      : p.cloud === "azure" && props.dataPath !== undefined && props.storage === undefined && azureLocation(p.region)?.zones === false ? `${p.region} has no availability zones, which the task's Managed Lustre file system needs`
      : undefined;
    const reachable = plan.placements.filter((p) => unreachableBecause(p) === undefined);
    const unreachable = plan.placements
      .filter((p) => !reachable.includes(p))
      .map((p) => ({ cloud: p.cloud, instanceType: p.instanceType, region: p.region, ...(p.zone ? { zone: p.zone } : {}), reason: unreachableBecause(p)! }));
    v.check(reachable.length > 0, "regions", regions ?? "(any)", `use regions where the task can be built: every feasible placement is ruled out (${unreachable.slice(0, 3).map(describeRejection).join("; ")})`);
    const rank = props.placement ?? readRank(this) ?? 1;
    v.check(Number.isInteger(rank) && rank >= 1 && rank <= reachable.length, "placement", rank, `use a rank from 1 to ${reachable.length} (the feasible placements)`);
    this.placements = reachable.map((p, i) => describedPlacement({ ...p, rank: i + 1 }));
    this.chosen = this.placements[rank - 1]!;
    this.rejected = [...plan.rejected, ...unreachable];
    this.usdPerHour = this.chosen.usdPerHour;
    const chosen = this.chosen;
    if (props.network) {
      v.check(props.network.cloud === chosen.cloud, "network", props.network.node.path, `use a network on ${chosen.cloud}, the cloud of the chosen placement`);
    }

    // --- the start marker: its ID is the run ID, its creation time starts the deadline clock
    const started = new TerraformData(this, "started", { input: { task: name, at: "${timestamp()}" }, lifecycle: { ignoreChanges: ["input"] } });
    this.runId = started.id;
    // A relaunch keeps the run's deadline (the first attempt's): maxRuntime counts the whole run.
    const deadline = readRunDeadline(this) ?? Fn.timeadd(Token.asString(Fn.lookup(started.output, "at", "")), terraformDuration(this.maxRuntimeMinutes));
    const placementJson = JSON.stringify({
      cloud: chosen.cloud, region: chosen.region, zone: chosen.zone ?? null, instanceType: chosen.instanceType,
      nodes: chosen.nodes, gpus: chosen.gpus, usdPerHour: chosen.usdPerHour, spot: chosen.spot,
    });
    const env: Record<string, string> = { ...(props.env ?? {}) };
    if (props.dataPath !== undefined) env.DATA_PATH = props.dataPath;
    const watchdogs = { pullTimeoutMinutes: pullMinutes, idleTimeoutMinutes: idleMinutes };
    const stackName = this.node.path.split("/")[0]!;

    refuseLatePools(this, pools);
    const outputs = {
      name, chosen, rank, placements: this.placements, rejected: this.rejected, runId: this.runId, deadline,
      maxRuntimeMinutes: this.maxRuntimeMinutes, graceMinutes, placementJson,
    };
    if (chosen.cloud === "onprem") {
      // An owned pool: no cloud compute; the launcher submits the Slurm job.
      const pool = (this.pool = poolOf(chosen));
      const owned = buildPoolTask({
        props, name, stack: stackName, pool, chosen, next: this.placements.slice(rank), runId: this.runId,
        maxRuntimeMinutes: this.maxRuntimeMinutes, maxQueueWaitMinutes: this.maxQueueWaitMinutes, env, watchdogs,
      });
      this.slurmJob = owned.job;
      this.statusUri = owned.statusUri;
      this.logsUri = owned.logsUri;
      this.teardown = owned.teardown;
      if (recovery.resolved) {
        Annotations.of(this).addWarning(`${this.node.path}: recovery is not rendered on owned pool ${pool.name}: a run there is not relaunched by hgpu launch and its checkpoints are not synced (Slurm's requeue is the pool's own business); it applies when the task is placed on a cloud`);
      }
      const ownedOutputs = { pool: pool.name, job: owned.job, maxQueueWaitMinutes: this.maxQueueWaitMinutes };
      taskOutputs(this, { ...outputs, statusUri: this.statusUri, logsUri: this.logsUri, teardown: this.teardown, owned: ownedOutputs });
    } else {
      const r = recovery.resolved;
      const backend = (chosen.cloud === "aws" ? buildAwsTask : buildAzureTask)({
        task: this, props, v, name, chosen, runId: this.runId, deadline, secrets, maxRuntimeMinutes: this.maxRuntimeMinutes, placementJson,
        mountPath: SHARED_MOUNT_PATHS[chosen.cloud], env, watchdogs,
        teardownGrace: { graceMinutes: graceMinutes, ...(props.notify ? { notify: props.notify } : {}) },
        ...(r ? { recovery: { checkpointPath: r.checkpointPath, restartCount: recovery.restartCount } } : {}),
      });
      this.network = backend.network;
      if (backend.storage) this.storage = backend.storage;
      this.cluster = backend.cluster;
      this.statusUri = backend.statusUri;
      this.logsUri = backend.logsUri;
      this.teardown = backend.teardown;
      const attempt = r ? { resolved: r, restartCount: recovery.restartCount, spot: chosen.spot, checkpointsUri: backend.checkpointsUri } : undefined;
      taskOutputs(this, { ...outputs, statusUri: this.statusUri, logsUri: this.logsUri, teardown: this.teardown, ...(attempt ? { recovery: attempt } : {}) });
    }
  }
}
