import { AwsProvider, IamRolePolicy, IamRolePolicyAttachment, S3Bucket, S3BucketLifecycleConfiguration, S3BucketLoggingA, S3BucketOwnershipControls, S3BucketPolicy, S3BucketPublicAccessBlock, S3BucketServerSideEncryptionConfigurationA, S3BucketVersioningA } from "../engine/aws";
import { dependable, TerraformStack, Token } from "../engine/core";
import type { Construct } from "constructs";
import { AwsGpuCluster, awsNcclEnv } from "../aws/gpu-cluster";
import { AwsLustreStorage } from "../aws/lustre-storage";
import { nameTags } from "../aws/names";
import { AwsNetwork } from "../aws/network";
import { awsProviders } from "../aws/provider";
import type { ISharedStorage } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { isS3BucketName, isS3KeyPrefix, KMS_KEY_ARN, S3_BUCKET_RULE, S3_KEY_PREFIX_RULE, type Validator } from "../core/validate";
import type { TaskTeardown } from "./gpu-task-props";
import { awsDeadline } from "./aws-deadline";
import { ecrRegistry, launchLines } from "./run-script";
import { grantAwsSecrets } from "./secret-grants";
import { dataMounts, type TaskBackend, type TaskBackendInput } from "./task-backend";
import type { RunsBucketOptions } from "./task-inputs";

/**
 * GpuTask's AWS backend: the network (unless given), FSx for Lustre loaded from `dataSource`, a
 * private run bucket, the Auto Scaling group of GPU nodes running the run script, and the
 * teardown: the nodes may set their own group to zero, and the cloud-side deadline
 * (`aws-deadline.ts`) sets it to zero, then deletes what else the task created that bills.
 */
export function buildAwsTask(input: TaskBackendInput): TaskBackend {
  const { task, props, v, name, chosen, runId, deadline, maxRuntimeMinutes, placementJson, mountPath, env, watchdogs, secrets } = input;
  let storage: ISharedStorage | undefined;
  ensureAwsProvider(task, chosen.region);
  const ownNetwork = !(props.network instanceof AwsNetwork);
  const network = props.network instanceof AwsNetwork ? props.network : new AwsNetwork(task, "network", { region: chosen.region, ...(chosen.zone ? { zones: [chosen.zone] } : {}) });
  const zone = chosen.zone && network.hasZone(chosen.zone) ? chosen.zone : network.zones[0]!;
  if (props.storage) {
    storage = props.storage;
  } else if (props.dataPath !== undefined) {
    storage = new AwsLustreStorage(task, "data", {
      network, zone, storageCapacityGiB: 2400, throughputPerTiB: 250, mountPath,
      dataRepository: { bucket: props.dataSource!, fileSystemPath: props.dataPath, autoExport: false },
    });
  }
  const runsOptions = checkRunsBucket(v, props.aws?.runsBucket ?? {});
  const bucket = runsBucket(task, name, runsOptions);
  const prefix = `runs/${runId}`;
  const statusUri = `s3://${bucket.bucket}/${prefix}/status.json`;
  const logsUri = `s3://${bucket.bucket}/${prefix}/logs/`;
  const checkpointsUri = `s3://${bucket.bucket}/${prefix}/checkpoints/`;
  const groupName = AwsGpuCluster.autoScalingGroupName(`${task.node.path}/cluster`);
  const mounts = storage ? dataMounts(storage.mountPath, props.dataPath) : [];
  const ecr = props.image ? ecrRegistry(props.image) : undefined;
  const cluster = new AwsGpuCluster(task, "cluster", {
    network, instanceType: chosen.instanceType, nodes: chosen.nodes, zone, spot: chosen.spot,
    ...(storage ? { storage: storage } : {}),
    s3Access: [{ bucket: bucket.bucket, prefix: `${prefix}/`, write: true, ...(runsOptions.kmsKeyArn !== undefined ? { kmsKeyArn: runsOptions.kmsKeyArn } : {}) }],
    userData: launchLines({
      cloud: { kind: "aws", bucket: bucket.bucket, prefix, groupName },
      taskName: name, runId: runId, nodes: chosen.nodes, gpusPerNode: chosen.gpusPerNode,
      ...(props.image ? { image: props.image } : {}), ...(props.command ? { command: props.command } : {}),
      env: { ...awsNcclEnv(chosen.instanceType, chosen.fabric.kind === "efa"), ...env },
      mounts, placementJson, deadline, ...watchdogs,
      efaHostLibraries: chosen.fabric.kind === "efa", secrets, ...(input.recovery ? { recovery: input.recovery } : {}),
      ...(ecr ? { beforePull: [`aws ecr get-login-password --region ${ecr.region} | docker login --username AWS --password-stdin ${ecr.registry}`] } : {}),
    }),
  });
  const nodesNeed: (IamRolePolicyAttachment | IamRolePolicy)[] = [];
  if (ecr) {
    nodesNeed.push(new IamRolePolicyAttachment(task, "ecr-read", { role: cluster.role.name, policyArn: `arn:${cluster.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly` }));
  }
  // the task's secrets, exactly: the nodes read them at boot
  const readSecrets = grantAwsSecrets(task, cluster.role, cluster.partition, chosen.region, secrets);
  if (readSecrets) nodesNeed.push(readSecrets);
  const asgArn = `arn:${cluster.partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
  // Only to zero: the request must set the group's minimum and maximum to 0.
  const toZeroOnly = { NumericEquals: { "autoscaling:MinSize": "0", "autoscaling:MaxSize": "0" } };
  // Layer 1: the nodes may stop their own group (and read what rendezvous needs), nothing more.
  const selfStop = new IamRolePolicy(task, "scale-to-zero", {
    role: cluster.role.id,
    name: "scale-own-group-to-zero",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "StopOwnGroup", Effect: "Allow", Action: "autoscaling:UpdateAutoScalingGroup", Resource: asgArn, Condition: toZeroOnly },
        // Peers publish their addresses in the run's prefix: only the group's membership is read (this action takes no resource ARN).
        { Sid: "FindPeers", Effect: "Allow", Action: "autoscaling:DescribeAutoScalingGroups", Resource: "*" },
      ],
    }),
  });
  // Layer 2: the cloud-side deadline (the group to zero), then, after the grace, the rest that bills.
  const late = awsDeadline({
    task, name, region: chosen.region, partition: cluster.partition, groupName, deadline, maxRuntimeMinutes,
    graceMinutes: input.teardownGrace.graceMinutes, ...(input.teardownGrace.notify ? { notify: input.teardownGrace.notify } : {}),
    ...(ownNetwork ? { network } : {}), ...(storage instanceof AwsLustreStorage && !props.storage ? { fileSystem: storage.fileSystem } : {}),
  });
  // Teardown before capacity: the group (and so every GPU) is created only once its deadline and
  // the nodes' permission to stop it exist, so no launcher death can leave GPUs without them.
  const group = cluster.autoScalingGroup;
  group.dependsOn = [...(group.dependsOn ?? []), ...[...nodesNeed, selfStop, ...late.before].map((r) => dependable(r))];
  const teardown: TaskTeardown = {
    selfScaleToZero: `node 0 sets Auto Scaling group ${groupName} to 0`,
    deadline,
    deadlineMechanism: "EventBridge Scheduler one-time schedule calling autoscaling:UpdateAutoScalingGroup",
    afterGrace: late.removes,
    remains: "the VPC, subnets, security groups, roles, flow logs and the run bucket (free, or cents a month)",
  };
  return { network, ...(storage ? { storage } : {}), cluster, statusUri, logsUri, checkpointsUri, teardown };
}

function checkRunsBucket(v: Validator, options: RunsBucketOptions): RunsBucketOptions {
  if (options.kmsKeyArn !== undefined) v.matches("aws.runsBucket.kmsKeyArn", options.kmsKeyArn, KMS_KEY_ARN, "use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (the nodes' role is granted the key by ARN)");
  const logs = options.accessLogs;
  if (logs !== undefined) {
    v.check(Token.isUnresolved(logs.bucket) || isS3BucketName(logs.bucket), "aws.runsBucket.accessLogs.bucket", logs.bucket, `use an S3 bucket name (${S3_BUCKET_RULE})`);
    if (logs.prefix !== undefined) v.check(isS3KeyPrefix(logs.prefix), "aws.runsBucket.accessLogs.prefix", logs.prefix, `${S3_KEY_PREFIX_RULE}, e.g. s3-access/`);
  }
  return options;
}

function runsBucket(task: Construct, name: string, options: RunsBucketOptions): S3Bucket {
  const bucket = new S3Bucket(task, "runs", {
    // Bucket names are global: AWS appends a unique suffix to the path-derived prefix.
    bucketPrefix: `${nameFromPath(task.node.path, { ...NAME_RULES.awsS3Bucket, maxLength: 36, globallyUnique: false }, "runs")}-`,
    // The launcher copies status and logs before it destroys; a kept bucket would fail the destroy.
    forceDestroy: true,
    tags: nameTags(task, `${name}-runs`),
  });
  new S3BucketPublicAccessBlock(task, "runs-public-access", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new S3BucketOwnershipControls(task, "runs-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  new S3BucketServerSideEncryptionConfigurationA(task, "runs-encryption", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", ...(options.kmsKeyArn !== undefined ? { kmsMasterKeyId: options.kmsKeyArn } : {}) }, bucketKeyEnabled: true }] });
  if (options.versioning) new S3BucketVersioningA(task, "runs-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  if (options.accessLogs) new S3BucketLoggingA(task, "runs-access-logs", { bucket: bucket.id, targetBucket: options.accessLogs.bucket, targetPrefix: options.accessLogs.prefix ?? `${bucket.bucket}/` });
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
