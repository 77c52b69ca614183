import { CloudwatchMetricAlarm, DataAwsCallerIdentity, type FsxLustreFileSystem, IamRole, IamRolePolicy, SchedulerSchedule, SnsTopic, SnsTopicSubscription, SqsQueue } from "../engine/aws";
import { Fn, type ITerraformDependable, TerraformDataSource } from "../engine/core";
import type { Construct } from "constructs";
import { nameTags } from "../aws/names";
import type { AwsNetwork } from "../aws/network";
import { NAME_RULES, nameFromPath } from "../core/naming";

/**
 * A task's cloud-side deadline on AWS, independent of the launcher and the nodes: EventBridge
 * Scheduler one-time schedules. At `maxRuntime` one sets the Auto Scaling group to zero; at
 * `maxRuntime + teardownGrace` others delete what the task created that bills by the hour: its
 * FSx file system, its NAT gateways (then their Elastic IPs) and its interface endpoints. Each step
 * runs under a role that may do exactly that step. With `notify`, a failed invocation lands in a
 * dead-letter queue whose alarm e-mails (or publishes to) it.
 */

/** What the deadline needs to know. */
export interface AwsDeadlineProps {
  readonly task: Construct;
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly groupName: string;
  /** The deadline (a Terraform time expression). */
  readonly deadline: string;
  readonly maxRuntimeMinutes: number;
  /** Minutes after the deadline at which the task's hourly-billed resources are deleted. */
  readonly graceMinutes: number;
  /** The network, when the task created it (its NAT gateways and interface endpoints go at grace). */
  readonly network?: AwsNetwork;
  /** The file system, when the task created it (it goes at grace). */
  readonly fileSystem?: FsxLustreFileSystem;
  /** An e-mail address or SNS topic ARN told of failed invocations. */
  readonly notify?: string;
}

/** What the deadline created. */
export interface AwsDeadline {
  /** Everything the GPU group must wait for. */
  readonly before: readonly ITerraformDependable[];
  /** What the grace step deletes, in words (for the report). */
  readonly removes: readonly string[];
}

const RETRY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

/** The AWS account the task deploys to: one `aws_caller_identity` per task, shared by its grants. */
export function taskAccountId(task: Construct): string {
  const found = task.node.tryFindChild("account");
  const own = TerraformDataSource.isTerraformDataSource(found) && found.terraformResourceType === "aws_caller_identity";
  return (own ? (found as DataAwsCallerIdentity) : new DataAwsCallerIdentity(task, "account")).accountId;
}

/** Builds the deadline's schedules, roles and alarm under `task`. */
export function awsDeadline(p: AwsDeadlineProps): AwsDeadline {
  const { task, partition } = p;
  const account = taskAccountId(task);
  // Only schedules of this account may use the roles (confused-deputy guard).
  const assume = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } }],
  });
  const dlq = p.notify ? deadLetters(p, account) : undefined;
  const dlqStatement = dlq ? [{ Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn }] : [];
  const at = (minutes: number) => `at(${Fn.formatdate("YYYY-MM-DD'T'hh:mm:ss", minutes === 0 ? p.deadline : Fn.timeadd(p.deadline, `${minutes}m`))})`;
  const schedule = (id: string, when: number, description: string, role: IamRole, call: string, input: unknown) =>
    new SchedulerSchedule(task, id, {
      name: nameFromPath(task.node.path, NAME_RULES.awsSchedule, id),
      description,
      scheduleExpression: at(when),
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: { arn: `arn:${partition}:scheduler:::aws-sdk:${call}`, roleArn: role.arn, input: JSON.stringify(input), retryPolicy: RETRY, ...(dlq ? { deadLetterConfig: { arn: dlq.arn } } : {}) },
    });

  // At the deadline: the group to zero (only to zero: the request must set its minimum and maximum to 0).
  const asgArn = `arn:${partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/${p.groupName}`;
  const stopRole = new IamRole(task, "deadline-role", { name: nameFromPath(`${task.node.path}/deadline`, NAME_RULES.awsIamRole, p.region), assumeRolePolicy: assume, tags: nameTags(task, "deadline") });
  const stopPolicy = new IamRolePolicy(task, "deadline-policy", {
    role: stopRole.id,
    name: "stop-task-group",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "autoscaling:UpdateAutoScalingGroup", Resource: asgArn, Condition: { NumericEquals: { "autoscaling:MinSize": "0", "autoscaling:MaxSize": "0" } } }, ...dlqStatement] }),
  });
  const stop = schedule("deadline", 0, `Deadline of ${p.name}: stop every node ${p.maxRuntimeMinutes} minutes after apply`, stopRole, "autoscaling:updateAutoScalingGroup", { AutoScalingGroupName: p.groupName, MinSize: 0, MaxSize: 0, DesiredCapacity: 0 });

  // At the deadline plus the grace: what else the task created that bills by the hour.
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${p.region}:${account}:${resource}`;
  const steps: { id: string; when: number; what: string; call: string; input: unknown; action: string; resource: string | string[] }[] = [];
  if (p.fileSystem) {
    steps.push({ id: "grace-fsx", when: p.graceMinutes, what: "the FSx for Lustre file system", call: "fsx:deleteFileSystem", input: { FileSystemId: p.fileSystem.id }, action: "fsx:DeleteFileSystem", resource: p.fileSystem.arn });
  }
  const nats = Object.entries(p.network?.natGateways ?? {});
  for (const [zone, nat] of nats) {
    steps.push({ id: `grace-nat-${zone}`, when: p.graceMinutes, what: `the NAT gateway in ${zone}`, call: "ec2:deleteNatGateway", input: { NatGatewayId: nat.id }, action: "ec2:DeleteNatGateway", resource: arn("ec2", `natgateway/${nat.id}`) });
  }
  // An address is released once its NAT gateway is gone (the retries cover a slow deletion).
  for (const [zone, eip] of Object.entries(p.network?.natAddresses ?? {})) {
    steps.push({ id: `grace-eip-${zone}`, when: p.graceMinutes + 30, what: `the NAT gateway's Elastic IP in ${zone}`, call: "ec2:releaseAddress", input: { AllocationId: eip.allocationId }, action: "ec2:ReleaseAddress", resource: arn("ec2", `elastic-ip/${eip.allocationId}`) });
  }
  const endpoints = Object.values(p.network?.interfaceEndpoints ?? {});
  if (endpoints.length > 0) {
    steps.push({ id: "grace-endpoints", when: p.graceMinutes, what: `${endpoints.length} interface endpoints`, call: "ec2:deleteVpcEndpoints", input: { VpcEndpointIds: endpoints.map((e) => e.id) }, action: "ec2:DeleteVpcEndpoints", resource: endpoints.map((e) => arn("ec2", `vpc-endpoint/${e.id}`)) });
  }
  const before: ITerraformDependable[] = [stopPolicy, stop];
  if (steps.length > 0) {
    const graceRole = new IamRole(task, "grace-role", { name: nameFromPath(`${task.node.path}/grace`, NAME_RULES.awsIamRole, p.region), assumeRolePolicy: assume, tags: nameTags(task, "grace") });
    const gracePolicy = new IamRolePolicy(task, "grace-policy", {
      role: graceRole.id,
      name: "delete-task-billing",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [...steps.map((s) => ({ Effect: "Allow", Action: s.action, Resource: s.resource })), ...dlqStatement] }),
    });
    before.push(gracePolicy);
    for (const s of steps) before.push(schedule(s.id, s.when, `Deadline of ${p.name} + ${p.graceMinutes} min: delete ${s.what}`, graceRole, s.call, s.input));
  }
  return { before, removes: steps.map((s) => s.what) };
}

/** The dead-letter queue of the schedules, and the alarm that tells `notify` of anything in it. */
function deadLetters(p: AwsDeadlineProps, account: string): SqsQueue {
  const { task } = p;
  const queue = new SqsQueue(task, "deadline-dlq", {
    name: nameFromPath(task.node.path, { ...NAME_RULES.awsSchedule, maxLength: 80 }, "deadline-dlq"),
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 1209600,
    tags: nameTags(task, "deadline-dlq"),
  });
  const isTopic = p.notify!.startsWith("arn:");
  const topicArn = isTopic ? p.notify! : new SnsTopic(task, "deadline-alerts", { name: nameFromPath(task.node.path, { ...NAME_RULES.awsSchedule, maxLength: 256 }, "deadline-alerts"), tags: nameTags(task, "deadline-alerts") }).arn;
  if (!isTopic) new SnsTopicSubscription(task, "deadline-alerts-email", { topicArn, protocol: "email", endpoint: p.notify! });
  new CloudwatchMetricAlarm(task, "deadline-alarm", {
    alarmName: nameFromPath(task.node.path, { ...NAME_RULES.awsSchedule, maxLength: 255 }, "deadline-failed"),
    alarmDescription: `A deadline step of ${p.name} failed (account ${account}): its GPUs or storage may still be running. See the queue's messages.`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [topicArn],
    tags: nameTags(task, "deadline-alarm"),
  });
  return queue;
}
