import { CloudwatchLogGroup, DataAwsCallerIdentity, DataAwsPartition, FlowLog, IamRole, IamRolePolicy, KmsKey } from "../engine/aws";
import type { Construct } from "constructs";
import { NAME_RULES } from "../core/naming";
import { awsName, nameTags } from "./names";

/** What {@link vpcFlowLog} created. */
export interface VpcFlowLogResources {
  readonly flowLog: FlowLog;
  readonly logGroup: CloudwatchLogGroup;
  /** The key that encrypts the log group, when the network created one. */
  readonly kmsKey?: KmsKey;
}

/**
 * VPC flow logs to a CloudWatch log group kept 90 days and encrypted with a KMS key (a new key
 * with yearly rotation, usable only by the account and by CloudWatch Logs for this log group,
 * unless `kmsKeyArn` names one), written through a role only the account's VPC flow logs can
 * assume. Resources are created under `scope` (the network) with the ids it always used.
 */
export function vpcFlowLog(scope: Construct, vpcId: string, region: string, trafficType: "ALL" | "REJECT", kmsKeyArn?: string): VpcFlowLogResources {
  const name = `/vpc/flow-logs/${awsName(scope, "vpc")}`;
  const partition = new DataAwsPartition(scope, "flow-log-partition");
  const account = new DataAwsCallerIdentity(scope, "flow-log-account").accountId;
  const groupArn = `arn:${partition.partition}:logs:${region}:${account}:log-group:${name}`;
  const kmsKey = kmsKeyArn === undefined
    ? new KmsKey(scope, "flow-log-key", {
        description: `Encrypts the VPC flow logs of ${scope.node.path}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition.partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
              Sid: "LogsUseForThisGroup",
              Effect: "Allow",
              Principal: { Service: `logs.${region}.${partition.dnsSuffix}` },
              Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
              Resource: "*",
              Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": groupArn } },
            },
          ],
        }),
        tags: nameTags(scope, "flow-logs"),
      })
    : undefined;
  const logGroup = new CloudwatchLogGroup(scope, "flow-log-group", { name, retentionInDays: 90, kmsKeyId: kmsKeyArn ?? kmsKey!.arn, tags: nameTags(scope, "flow-logs") });
  const role = new IamRole(scope, "flow-log-role", {
    name: awsName(scope, `flow-logs-${region}`, NAME_RULES.awsIamRole),
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } }],
    }),
    tags: nameTags(scope, "flow-logs"),
  });
  new IamRolePolicy(scope, "flow-log-policy", {
    role: role.id,
    name: "write-flow-logs",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: `${logGroup.arn}:*` }],
    }),
  });
  const flowLog = new FlowLog(scope, "flow-log", { vpcId, trafficType, logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, tags: nameTags(scope, "flow-logs") });
  return { flowLog, logGroup, ...(kmsKey ? { kmsKey } : {}) };
}
