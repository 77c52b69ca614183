import { describe, expect, it } from "vitest";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("AwsNetwork flow logs", () => {
  const tf = synth(withNetwork().stack);
  const account = "${data.aws_caller_identity.net_flow-log-account_C5BD575B.account_id}";

  it("log every flow by default, to a log group kept 90 days and encrypted with the network's own key", () => {
    expect(resources(tf, "aws_flow_log")).toEqual([expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs", vpc_id: "${aws_vpc.net_vpc_189A1278.id}" })]);
    const [group] = resources(tf, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/vpc/flow-logs/s-net-vpc", retention_in_days: 90, kms_key_id: "${aws_kms_key.net_flow-log-key_C021B6FF.arn}" });
    expect(resources(tf, "aws_kms_key")[0]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
  });

  it("let CloudWatch Logs use the key for this log group only, and the account administer it", () => {
    const policy = JSON.parse(resources(tf, "aws_kms_key")[0].policy);
    const partition = "${data.aws_partition.net_flow-log-partition_DA312FCA.partition}";
    expect(policy.Statement).toEqual([
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "LogsUseForThisGroup",
        Effect: "Allow",
        Principal: { Service: "logs.us-east-1.${data.aws_partition.net_flow-log-partition_DA312FCA.dns_suffix}" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:us-east-1:${account}:log-group:/vpc/flow-logs/s-net-vpc` } },
      },
    ]);
  });

  it("write through a role only the account's VPC flow logs can assume, allowed only to write to the group", () => {
    const role = resources(tf, "aws_iam_role").find((r) => String(r.name).includes("flow-logs"))!;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } },
    ]);
    expect(JSON.parse(resources(tf, "aws_iam_role_policy")[0].policy).Statement).toEqual([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: "${aws_cloudwatch_log_group.net_flow-log-group_FC5A1DD4.arn}:*" },
    ]);
  });

  it("take a key of the user's, creating none", () => {
    const own = synth(withNetwork({ flowLogsKmsKeyArn: KEY_ARN }).stack);
    expect(resources(own, "aws_kms_key")).toEqual([]);
    expect(resources(own, "aws_cloudwatch_log_group")[0].kms_key_id).toBe(KEY_ARN);
  });

  it("log only refused flows with REJECT, and none with none", () => {
    expect(resources(synth(withNetwork({ flowLogs: "REJECT" }).stack), "aws_flow_log")[0].traffic_type).toBe("REJECT");
    const none = synth(withNetwork({ flowLogs: "none" }).stack);
    expect([...resources(none, "aws_flow_log"), ...resources(none, "aws_kms_key"), ...resources(none, "aws_cloudwatch_log_group")]).toEqual([]);
  });

  it.each([
    [{ flowLogsKmsKeyArn: "alias/logs" }, 's/net: flowLogsKmsKeyArn "alias/logs" is not valid: use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (CloudWatch Logs takes no key ID or alias)'],
    [{ flowLogsKmsKeyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" }, 's/net: flowLogsKmsKeyArn "1234abcd-12ab-34cd-56ef-1234567890ab" is not valid: use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (CloudWatch Logs takes no key ID or alias)'],
    [{ flowLogs: "none" as const, flowLogsKmsKeyArn: KEY_ARN }, `s/net: flowLogsKmsKeyArn "${KEY_ARN}" is not valid: leave it out with flowLogs none`],
  ])("refuse %j", (props, message) => {
    expect(validationErrorOf(() => withNetwork(props))).toBe(message);
  });
});
