import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
import { LogicAppTriggerRecurrence } from "@cdktf/provider-azurerm/lib/logic-app-trigger-recurrence";
import { LogicAppWorkflow } from "@cdktf/provider-azurerm/lib/logic-app-workflow";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { DataResource, Fn, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { AwsGpuCluster, awsNcclEnv } from "../aws/gpu-cluster";
import { AwsLustreStorage } from "../aws/lustre-storage";
import { nameTags } from "../aws/names";
import { AwsNetwork } from "../aws/network";
import { awsProviders, providerRegion } from "../aws/provider";
import { AzureGpuCluster, azureNcclEnv } from "../azure/gpu-cluster";
import { AzureLustreStorage } from "../azure/lustre-storage";
import { AzureNetwork } from "../azure/network";
import type { IGpuCluster, ISharedStorage } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import type { GpuCloud } from "../core/types";
import { Validator } from "../core/validate";
import { describePlacement, describeRejection, placementKey, planPlacements } from "../planner/planner";
import type { Placement, PlacementPlan, RejectedCandidate, Requirements } from "../planner/types";
import { MAX_RUNTIME_MINUTES, durationMinutes, terraformDuration } from "./duration";
import { ecrRegistry, launchLines } from "./run-script";

/** The context key (or environment variable `HGPU_EXCLUDE_PLACEMENTS`, a JSON list) of placement keys to skip. */
export const EXCLUDE_PLACEMENTS_CONTEXT = "hgpu:excludePlacements";
/** The context key (or environment variable `HGPU_PLACEMENT`) of the placement rank to use. */
export const PLACEMENT_CONTEXT = "hgpu:placement";

/** Inputs a task needs on Azure; each becomes a Terraform variable when not given. */
export interface GpuTaskAzureInputs {
  /** SSH public key of the nodes' admin user. @default - variable `<task>_ssh_public_key` */
  readonly sshPublicKey?: string;
  /** Resource ID of the storage account that holds `dataSource`. @default - variable `<task>_data_storage_account_id` */
  readonly dataStorageAccountId?: string;
  /** Object ID of the "HPC Cache Resource Provider" service principal. @default - variable `<task>_hpc_cache_rp_object_id` */
  readonly hpcCacheResourceProviderPrincipalId?: string;
}

/** Props of {@link GpuTask}. */
export interface GpuTaskProps {
  /** Task name, e.g. `neural-network-training`: lowercase letters, digits and hyphens. */
  readonly name: string;
  /** GPUs the job needs. */
  readonly gpus: number;
  /** Host memory of all nodes together, GiB. @default - any */
  readonly memoryGiB?: number;
  /** Accelerator(s), e.g. `H100`. @default - any */
  readonly accelerator?: string | readonly string[];
  /** Least memory per GPU, GiB. @default - any */
  readonly minGpuMemoryGiB?: number;
  /**
   * Least GPUs per node. Whole nodes of up to 8 GPUs keep most traffic on NVLink.
   * @default - min(8, gpus)
   */
  readonly minGpusPerNode?: number;
  /** Clouds allowed. @default - the cloud of `dataSource`, or both */
  readonly clouds?: readonly GpuCloud[];
  /** Regions allowed. @default - any (on AWS: the stack's provider region, when it has one) */
  readonly regions?: readonly string[];
  /** Spot capacity. @default false */
  readonly spot?: boolean;
  /** Budget for the whole cluster, USD/hour. @default - none */
  readonly maxUsdPerHour?: number;
  /** Container image the workload runs in (with the GPUs, the fabric devices and host networking). @default - the command runs on the host */
  readonly image?: string;
  /** argv handed to `torchrun` (e.g. `["train.py", "--epochs", "90"]`). @default - the image's own entry point */
  readonly command?: readonly string[];
  /** Extra environment variables of the workload. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the workload finds its data, e.g. `/dataset/imagenet`, served from shared storage. @default - no shared storage */
  readonly dataPath?: string;
  /** Object storage URI loaded into the shared storage at `dataPath`: `s3://bucket/prefix/` or `https://<account>.blob.core.windows.net/<container>/<prefix>`. @default - none */
  readonly dataSource?: string;
  /** Shared storage that already holds `dataPath` (instead of `dataSource`). @default - none */
  readonly storage?: ISharedStorage;
  /**
   * Deadline: the cloud removes the capacity this long after apply, whatever else happens, and the
   * workload is stopped a little before. A string such as `12h`, `90m`, `1h30m`, `2d`, or hours.
   * @default "12h"
   */
  readonly maxRuntime?: string | number;
  /**
   * Use the N-th ranked placement (1 = best), e.g. to pin a placement by hand. The
   * `hgpu:placement` context or the `HGPU_PLACEMENT` variable set it without a code change. (The
   * launcher fails over differently: it excludes placements through `HGPU_EXCLUDE_PLACEMENTS`.)
   * @default 1
   */
  readonly placement?: number;
  /** A network on the chosen cloud to use instead of creating one. @default - a new network (address from the AddressPlan) */
  readonly network?: AwsNetwork | AzureNetwork;
  /** Azure inputs (SSH key, data account, resource provider ID). @default - Terraform variables */
  readonly azure?: GpuTaskAzureInputs;
}

/** How the task stops spending, three ways. */
export interface TaskTeardown {
  /** The nodes scale their own group to zero when the workload ends. */
  readonly selfScaleToZero: string;
  /** The cloud-side deadline (ISO time expression, resolved at apply). */
  readonly deadline: string;
  /** What removes the capacity at the deadline. */
  readonly deadlineMechanism: string;
}

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
 * scale set to zero); and `hgpu launch` destroys the stack in a `finally`.
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
  /** The cluster. */
  public readonly cluster: IGpuCluster;
  /** The network. */
  public readonly network: AwsNetwork | AzureNetwork;
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
    v.check(props.image !== undefined || (props.command !== undefined && props.command.length > 0), "command", props.command, "set image, command or both: the task needs something to run");
    for (const [i, arg] of (props.command ?? []).entries()) checkText(v, `command[${i}]`, arg);
    if (props.image !== undefined) checkText(v, "image", props.image);
    for (const [k, value] of Object.entries(props.env ?? {})) {
      v.matches("env", k, /^[A-Za-z_][A-Za-z0-9_]*$/, "use variable names of letters, digits and _ (not starting with a digit)");
      checkText(v, `env.${k}`, value);
    }
    const dataCloud = props.dataSource !== undefined ? sourceCloud(v, props.dataSource) : undefined;
    if (props.dataPath !== undefined) {
      v.mountPath("dataPath", props.dataPath);
      v.check(props.dataSource !== undefined || props.storage !== undefined, "dataPath", props.dataPath, "set dataSource (an S3 or Blob URI loaded into new shared storage) or storage (shared storage that already holds it)");
    } else {
      v.check(props.dataSource === undefined, "dataSource", props.dataSource, "set dataPath too: the path the workload reads the data from");
    }
    if (dataCloud && props.clouds) {
      v.check(props.clouds.includes(dataCloud), "clouds", props.clouds, `include ${dataCloud}, where dataSource ${props.dataSource} is`);
    }

    // --- place
    const stackAwsRegion = providerRegion(this);
    const requirements: Requirements = {
      gpus: props.gpus,
      ...(props.memoryGiB !== undefined ? { memoryGiB: props.memoryGiB } : {}),
      ...(props.accelerator !== undefined ? { accelerator: props.accelerator } : {}),
      ...(props.minGpuMemoryGiB !== undefined ? { minGpuMemoryGiB: props.minGpuMemoryGiB } : {}),
      minGpusPerNode: props.minGpusPerNode ?? Math.min(8, props.gpus),
      interconnect: "required",
      ...(props.clouds ?? dataCloud ?? props.network ? { clouds: props.clouds ?? [dataCloud ?? props.network!.cloud as GpuCloud] } : {}),
      ...(props.regions ?? (props.network ? [props.network.region] : undefined) ? { regions: props.regions ?? [props.network!.region] } : {}),
      ...(props.spot !== undefined ? { spot: props.spot } : {}),
      ...(props.maxUsdPerHour !== undefined ? { maxUsdPerHour: props.maxUsdPerHour } : {}),
      excludePlacements: readExcluded(this),
    };
    let plan: PlacementPlan;
    try {
      plan = planPlacements(requirements);
    } catch (e) {
      // The planner reports under "planner"; say which task asked.
      if (e instanceof Error) e.message = `${this.node.path}: ${e.message}`;
      throw e;
    }
    // On AWS the stack's provider fixes the region: placements elsewhere are not reachable.
    const reachable = plan.placements.filter((p) => p.cloud !== "aws" || stackAwsRegion === undefined || p.region === stackAwsRegion);
    const unreachable = plan.placements.filter((p) => !reachable.includes(p)).map((p) => ({ cloud: p.cloud, instanceType: p.instanceType, region: p.region, ...(p.zone ? { zone: p.zone } : {}), reason: `region ${p.region} is not the stack's AWS provider region ${stackAwsRegion}` }));
    const rank = props.placement ?? readRank(this) ?? 1;
    v.check(Number.isInteger(rank) && rank >= 1 && rank <= reachable.length, "placement", rank, `use a rank from 1 to ${reachable.length} (the feasible placements)`);
    this.placements = reachable.map((p, i) => ({ ...p, rank: i + 1 }));
    this.chosen = this.placements[rank - 1]!;
    this.rejected = [...plan.rejected, ...unreachable];
    this.usdPerHour = this.chosen.usdPerHour;
    const chosen = this.chosen;
    if (props.network) {
      v.check(props.network.cloud === chosen.cloud, "network", props.network.node.path, `use a network on ${chosen.cloud}, the cloud of the chosen placement`);
    }

    // --- the start marker: its ID is the run ID, its creation time starts the deadline clock
    const started = new DataResource(this, "started", { input: { task: name, at: "${timestamp()}" }, lifecycle: { ignoreChanges: ["input"] } });
    this.runId = started.id;
    const deadline = Fn.timeadd(Token.asString(Fn.lookup(started.output, "at", "")), terraformDuration(this.maxRuntimeMinutes));
    const placementJson = JSON.stringify({ cloud: chosen.cloud, region: chosen.region, zone: chosen.zone ?? null, instanceType: chosen.instanceType, nodes: chosen.nodes, gpus: chosen.gpus, usdPerHour: chosen.usdPerHour, spot: chosen.spot });
    const mountPath = chosen.cloud === "aws" ? "/fsx" : "/lustre";
    const env: Record<string, string> = { ...(props.env ?? {}) };
    if (props.dataPath !== undefined) env.DATA_PATH = props.dataPath;

    if (chosen.cloud === "aws") {
      ensureAwsProvider(this, chosen.region);
      const network = (this.network = props.network instanceof AwsNetwork ? props.network : new AwsNetwork(this, "network", { region: chosen.region, ...(chosen.zone ? { zones: [chosen.zone] } : {}) }));
      const zone = chosen.zone && network.hasZone(chosen.zone) ? chosen.zone : network.zones[0]!;
      if (props.storage) {
        this.storage = props.storage;
      } else if (props.dataPath !== undefined) {
        this.storage = new AwsLustreStorage(this, "data", {
          network, zone, storageCapacityGiB: 2400, throughputPerTiB: 250, mountPath,
          dataRepository: { bucket: props.dataSource!, fileSystemPath: props.dataPath, autoExport: false },
        });
      }
      const bucket = runsBucket(this, name);
      const prefix = `runs/${this.runId}`;
      this.statusUri = `s3://${bucket.bucket}/${prefix}/status.json`;
      this.logsUri = `s3://${bucket.bucket}/${prefix}/logs/`;
      const groupName = AwsGpuCluster.autoScalingGroupName(`${this.node.path}/cluster`);
      const mounts = this.storage ? dataMounts(this.storage.mountPath, props.dataPath) : [];
      const ecr = props.image ? ecrRegistry(props.image) : undefined;
      const cluster = new AwsGpuCluster(this, "cluster", {
        network, instanceType: chosen.instanceType, nodes: chosen.nodes, zone, spot: chosen.spot,
        ...(this.storage ? { storage: this.storage } : {}),
        s3Access: [{ bucket: bucket.bucket, prefix: `${prefix}/`, write: true }],
        userData: launchLines({
          cloud: { kind: "aws", bucket: bucket.bucket, prefix, groupName },
          taskName: name, runId: this.runId, nodes: chosen.nodes, gpusPerNode: chosen.gpusPerNode,
          ...(props.image ? { image: props.image } : {}), ...(props.command ? { command: props.command } : {}),
          env: { ...awsNcclEnv(chosen.instanceType, chosen.fabric.kind === "efa"), ...env },
          mounts, placementJson, deadline,
          efaHostLibraries: chosen.fabric.kind === "efa",
          ...(ecr ? { beforePull: [`aws ecr get-login-password --region ${ecr.region} | docker login --username AWS --password-stdin ${ecr.registry}`] } : {}),
        }),
      });
      this.cluster = cluster;
      if (ecr) {
        new IamRolePolicyAttachment(this, "ecr-read", { role: cluster.role.name, policyArn: `arn:${cluster.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly` });
      }
      const asgArn = `arn:${cluster.partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
      // Only to zero: the request must set the group's minimum and maximum to 0.
      const toZeroOnly = { NumericEquals: { "autoscaling:MinSize": "0", "autoscaling:MaxSize": "0" } };
      // Layer 1: the nodes may stop their own group (and read what rendezvous needs), nothing more.
      new IamRolePolicy(this, "scale-to-zero", {
        role: cluster.role.id,
        name: "scale-own-group-to-zero",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "StopOwnGroup", Effect: "Allow", Action: "autoscaling:UpdateAutoScalingGroup", Resource: asgArn, Condition: toZeroOnly },
            { Sid: "FindPeers", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances"], Resource: "*" },
          ],
        }),
      });
      // Layer 2: a one-time schedule at the deadline sets the group to zero, whoever is left.
      const schedulerRole = new IamRole(this, "deadline-role", {
        name: nameFromPath(`${this.node.path}/deadline`, NAME_RULES.awsIamRole, chosen.region),
        // Only schedules of this account may use the role (confused-deputy guard).
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": new DataAwsCallerIdentity(this, "account").accountId } } }],
        }),
        tags: nameTags(this, "deadline"),
      });
      new IamRolePolicy(this, "deadline-policy", {
        role: schedulerRole.id,
        name: "stop-task-group",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "autoscaling:UpdateAutoScalingGroup", Resource: asgArn, Condition: toZeroOnly }] }),
      });
      new SchedulerSchedule(this, "deadline", {
        name: nameFromPath(this.node.path, NAME_RULES.awsSchedule, "deadline"),
        description: `Deadline of ${name}: stop every node ${this.maxRuntimeMinutes} minutes after apply`,
        scheduleExpression: `at(${Fn.formatdate("YYYY-MM-DD'T'hh:mm:ss", deadline)})`,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: `arn:${cluster.partition}:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup`,
          roleArn: schedulerRole.arn,
          input: JSON.stringify({ AutoScalingGroupName: groupName, MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }),
          retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
        },
      });
      this.teardown = { selfScaleToZero: `node 0 sets Auto Scaling group ${groupName} to 0`, deadline, deadlineMechanism: "EventBridge Scheduler one-time schedule calling autoscaling:UpdateAutoScalingGroup" };
    } else {
      ensureAzureProvider(this);
      const azure = props.azure ?? {};
      const network = (this.network = props.network instanceof AzureNetwork ? props.network : new AzureNetwork(this, "network", { location: chosen.region }));
      // Managed Lustre is zonal and its clients must share its zone; without it the scale set stays regional.
      const zone = props.dataPath !== undefined && !props.storage ? "1" : props.storage instanceof AzureLustreStorage ? props.storage.zone : undefined;
      if (props.storage) {
        this.storage = props.storage;
      } else if (props.dataPath !== undefined) {
        const { container, prefix } = blobParts(v, props.dataSource!);
        this.storage = new AzureLustreStorage(this, "data", {
          network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: zone!, mountPath,
          blob: {
            storageAccountId: azure.dataStorageAccountId ?? variable(this, `${name}_data_storage_account_id`, "Resource ID of the storage account that holds the task's dataSource"),
            container,
            importPrefix: prefix,
            hpcCacheResourceProviderPrincipalId: azure.hpcCacheResourceProviderPrincipalId ?? variable(this, `${name}_hpc_cache_rp_object_id`, "Object ID of the HPC Cache Resource Provider: az ad sp show --id 4392ab71-2ce2-4b0d-8770-b352745c73f5 --query id -o tsv"),
          },
        });
      }
      // Account and custom role names are global (tenant-wide): the run ID makes them unique.
      const runSuffix = Fn.substr(Fn.replace(this.runId, "-", ""), 0, 8);
      const account = new StorageAccount(this, "runs", {
        name: `${nameFromPath(this.node.path, { ...NAME_RULES.azureStorageAccount, maxLength: 16 }, "runs")}${runSuffix}`,
        resourceGroupName: network.resourceGroupName,
        location: network.location,
        accountTier: "Standard",
        accountReplicationType: "LRS",
        minTlsVersion: "TLS1_2",
        httpsTrafficOnlyEnabled: true,
        allowNestedItemsToBePublic: false,
        infrastructureEncryptionEnabled: true,
      });
      const container = new StorageContainer(this, "runs-container", { name: "runs", storageAccountId: account.id, containerAccessType: "private" });
      // Whoever deploys (the launcher's identity) may read the run's status and logs.
      const deployer = new DataAzurermClientConfig(this, "deployer");
      new RoleAssignment(this, "deployer-reads-runs", { scope: container.resourceManagerId, principalId: deployer.objectId, roleDefinitionName: "Storage Blob Data Reader", description: `Read ${name}'s status and logs` });
      const base = `${account.primaryBlobEndpoint}runs/${this.runId}`;
      this.statusUri = `${base}/status.json`;
      this.logsUri = `${base}/logs/`;
      const cluster = new AzureGpuCluster(this, "cluster", {
        network, vmSize: chosen.instanceType, nodes: chosen.nodes, ...(zone ? { zone } : {}), spot: chosen.spot,
        ...(this.storage ? { storage: this.storage } : {}),
        sshPublicKey: azure.sshPublicKey ?? variable(this, `${name}_ssh_public_key`, "OpenSSH public key of the task nodes' admin user"),
        storageAccess: [{ scope: container.resourceManagerId, write: true }],
        customData: launchLines({
          cloud: { kind: "azure", blobBaseUrl: base },
          taskName: name, runId: this.runId, nodes: chosen.nodes, gpusPerNode: chosen.gpusPerNode,
          ...(props.image ? { image: props.image } : {}), ...(props.command ? { command: props.command } : {}),
          env: { ...azureNcclEnv(chosen.instanceType, chosen.fabric.kind === "infiniband"), ...env },
          mounts: this.storage ? dataMounts(this.storage.mountPath, props.dataPath) : [],
          placementJson, deadline,
        }),
      });
      this.cluster = cluster;
      // Layers 1 and 2 share one narrow role: read the scale set and its NICs, and write it (to set its capacity).
      const role = new RoleDefinition(this, "scale-to-zero-role", {
        name: `${nameFromPath(this.node.path, NAME_RULES.azureGeneric, "scale-to-zero")}-${runSuffix}`,
        scope: network.resourceGroupId,
        description: "Read a GPU scale set and its NICs, and set its capacity (hgpu task teardown)",
        permissions: [{ actions: ["Microsoft.Compute/virtualMachineScaleSets/read", "Microsoft.Compute/virtualMachineScaleSets/write", "Microsoft.Compute/virtualMachineScaleSets/networkInterfaces/read", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read"] }],
        assignableScopes: [network.resourceGroupId],
      });
      new RoleAssignment(this, "nodes-scale-to-zero", { scope: cluster.scaleSet.id, principalId: cluster.identity, principalType: "ServicePrincipal", roleDefinitionId: role.roleDefinitionResourceId });
      const workflow = new LogicAppWorkflow(this, "deadline", {
        name: nameFromPath(this.node.path, NAME_RULES.azureGeneric, "deadline"),
        resourceGroupName: network.resourceGroupName,
        location: network.location,
        identity: { type: "SystemAssigned" },
      });
      new RoleAssignment(this, "deadline-scale-to-zero", { scope: cluster.scaleSet.id, principalId: workflow.identity.principalId, principalType: "ServicePrincipal", roleDefinitionId: role.roleDefinitionResourceId });
      // Hourly from the deadline on (idempotent): set the scale set's capacity to 0.
      new LogicAppTriggerRecurrence(this, "deadline-trigger", {
        name: "at-deadline",
        logicAppId: workflow.id,
        frequency: "Hour",
        interval: 1,
        startTime: Fn.formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", deadline),
      });
      new LogicAppActionCustom(this, "deadline-action", {
        name: "scale-to-zero",
        logicAppId: workflow.id,
        body: Fn.jsonencode({
          type: "Http",
          inputs: {
            method: "PATCH",
            uri: `https://management.azure.com${cluster.scaleSet.id}?api-version=2023-09-01`,
            body: { sku: { capacity: 0 } },
            authentication: { type: "ManagedServiceIdentity", audience: "https://management.azure.com/" },
          },
          runAfter: {},
        }),
      });
      this.teardown = { selfScaleToZero: "node 0 sets the scale set's capacity to 0", deadline, deadlineMechanism: "Logic App (managed identity) setting the scale set's capacity to 0, hourly from the deadline" };
    }

    // For reviewers and `hgpu summary`: the choice and every rejected candidate, in the JSON itself
    // (Terraform ignores "//" keys). `path` is the task's construct path without the stack's id,
    // as the report names constructs (e.g. `eval`, whose cluster is `eval/cluster`): the report
    // charges the task only for what lies under it, not for the stack's other constructs.
    TerraformStack.of(this).addOverride(`//.hgpu_tasks.${name}`, {
      path: this.node.path.split("/").slice(1).join("/"),
      chosen: describePlacement(chosen),
      next: this.placements.slice(rank, rank + 4).map(describePlacement),
      rejected: this.rejected.map(describeRejection),
      deadline: `${this.maxRuntimeMinutes} minutes after apply (${this.teardown.deadlineMechanism})`,
      maxRuntimeMinutes: this.maxRuntimeMinutes,
    });

    new TerraformOutput(this, "run_id", { value: this.runId, description: `Run ID of ${name}` }).overrideLogicalId(`${name.replace(/-/g, "_")}_run_id`);
    new TerraformOutput(this, "status_uri", { value: this.statusUri, description: "Final status object, written by node 0" }).overrideLogicalId(`${name.replace(/-/g, "_")}_status_uri`);
    new TerraformOutput(this, "logs_uri", { value: this.logsUri, description: "Log objects, one per node" }).overrideLogicalId(`${name.replace(/-/g, "_")}_logs_uri`);
    new TerraformOutput(this, "placement", { value: { ...JSON.parse(placementJson), zone: chosen.zone ?? "", key: placementKey(chosen), summary: describePlacement(chosen) }, description: "The chosen placement" }).overrideLogicalId(`${name.replace(/-/g, "_")}_placement`);
    new TerraformOutput(this, "usd_per_hour", { value: this.usdPerHour, description: "Catalog price of the cluster, USD/hour" }).overrideLogicalId(`${name.replace(/-/g, "_")}_usd_per_hour`);
    new TerraformOutput(this, "deadline-output", { value: deadline, description: "When the cloud removes the capacity regardless" }).overrideLogicalId(`${name.replace(/-/g, "_")}_deadline`);
  }
}

function checkText(v: Validator, field: string, text: string): void {
  v.check(typeof text === "string" && !/\$\{|%\{/.test(text) && !/[\n\r]/.test(text), field, text, "use text without ${, %{ (Terraform template syntax) or line breaks");
}

function sourceCloud(v: Validator, uri: string): GpuCloud {
  if (/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(uri)) return "aws";
  if (/^https:\/\/[a-z0-9]{3,24}\.blob\.core\.windows\.net\/[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9](\/.*)?$/.test(uri)) return "azure";
  return v.fail("dataSource", uri, "use s3://bucket/prefix/ or https://<account>.blob.core.windows.net/<container>/<prefix>");
}

function blobParts(v: Validator, uri: string): { container: string; prefix: string } {
  const m = /^https:\/\/[^/]+\/([^/]+)(\/.*)?$/.exec(uri);
  if (!m) return v.fail("dataSource", uri, "use https://<account>.blob.core.windows.net/<container>/<prefix>");
  return { container: m[1]!, prefix: (m[2] ?? "/").replace(/\/+$/, "") || "/" };
}

function dataMounts(mountPath: string, dataPath: string | undefined): { host: string; container: string; readOnly?: boolean }[] {
  return [{ host: mountPath, container: mountPath }, ...(dataPath ? [{ host: `${mountPath}${dataPath}`, container: dataPath, readOnly: true }] : [])];
}

function readExcluded(scope: Construct): string[] {
  const fromContext = scope.node.tryGetContext(EXCLUDE_PLACEMENTS_CONTEXT) as unknown;
  const raw = fromContext ?? process.env.HGPU_EXCLUDE_PLACEMENTS;
  if (raw === undefined || raw === "") return [];
  const list = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
    throw new Error(`${scope.node.path}: ${EXCLUDE_PLACEMENTS_CONTEXT} must be a JSON list of placement keys`);
  }
  return list as string[];
}

function readRank(scope: Construct): number | undefined {
  const raw = (scope.node.tryGetContext(PLACEMENT_CONTEXT) as unknown) ?? process.env.HGPU_PLACEMENT;
  return raw === undefined || raw === "" ? undefined : Number(raw);
}

function variable(scope: Construct, name: string, description: string): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(`var-${name}`) as TerraformVariable | undefined;
  const v = existing ?? new TerraformVariable(stack, `var-${name}`, { type: "string", description });
  if (!existing) v.overrideLogicalId(name);
  return v.stringValue;
}

function runsBucket(task: Construct, name: string): S3Bucket {
  const bucket = new S3Bucket(task, "runs", {
    // Bucket names are global: AWS appends a unique suffix to the path-derived prefix.
    bucketPrefix: `${nameFromPath(task.node.path, { ...NAME_RULES.awsS3Bucket, maxLength: 36, globallyUnique: false }, "runs")}-`,
    // The launcher copies status and logs before it destroys; a kept bucket would fail the destroy.
    forceDestroy: true,
    tags: nameTags(task, `${name}-runs`),
  });
  new S3BucketPublicAccessBlock(task, "runs-public-access", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new S3BucketOwnershipControls(task, "runs-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  new S3BucketServerSideEncryptionConfigurationA(task, "runs-encryption", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] });
  new S3BucketPolicy(task, "runs-tls-only", {
    bucket: bucket.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    }),
  });
  new S3BucketLifecycleConfiguration(task, "runs-expiry", { bucket: bucket.id, rule: [{ id: "expire-runs", status: "Enabled", filter: [{ prefix: "runs/" }], expiration: [{ days: 90 }] }] });
  return bucket;
}

function ensureAwsProvider(scope: Construct, region: string): void {
  if (awsProviders(scope).length > 0) return;
  new AwsProvider(TerraformStack.of(scope), "aws", { region });
}

function ensureAzureProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (stack.node.findAll().some((c) => c instanceof AzurermProvider)) return;
  new AzurermProvider(stack, "azurerm", { features: [{}] });
}
