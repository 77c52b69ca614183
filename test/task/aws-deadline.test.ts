import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsLustreStorage } from "../../lib/aws/lustre-storage";
import { AwsNetwork } from "../../lib/aws/network";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { validationErrorOf, resources, synth } from "../helpers";

const base: GpuTaskProps = { name: "train", gpus: 16, clouds: ["aws"], image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"], dataPath: "/data", dataSource: "s3://ml-data/set/", maxRuntime: "6h" };

function make(props: Partial<GpuTaskProps> = {}, build?: (stack: TerraformStack) => Partial<GpuTaskProps>) {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { ...base, ...props, ...(build ? build(stack) : {}) });
  return { stack, task, tf: synth(stack) };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const schedules = (tf: unknown): Record<string, any> => Object.fromEntries(resources(tf, "aws_scheduler_schedule").map((s) => [s.name, s]));
const policy = (tf: unknown, name: string) => JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === name).policy);

describe("AWS deadline: maxRuntime up to 14 days", () => {
  it("takes exactly 14 days (20160 minutes), as a string or in hours", () => {
    for (const maxRuntime of ["14d", 336, "13d24h"] as const) {
      const { tf, task } = make({ maxRuntime });
      expect(task.maxRuntimeMinutes).toBe(20160);
      expect(schedules(tf)["s-task-deadline"]!.schedule_expression).toContain('output.at, "20160m")');
    }
  });
  it.each(["14d1m", "20161m", 336.02])("refuses %j, a minute or more past 14 days", (maxRuntime) => {
    expect(validationErrorOf(() => make({ maxRuntime }))).toBe(
      `s/task: maxRuntime ${JSON.stringify(maxRuntime)} is not valid: use a finite duration from 1m to 14d, e.g. "12h", "90m" or 6 (hours)`,
    );
  });
});

describe("AWS deadline: everything that bills goes", () => {
  const { task, tf } = make();
  const all = schedules(tf);

  it("at maxRuntime the group goes to zero; teardownGrace (1 h) later the file system, the NAT gateway and the interface endpoints; 30 min after that the NAT's address", () => {
    const zones = (task.network as AwsNetwork).zones;
    expect(zones.length).toBe(2); // a NAT gateway per zone
    expect(Object.keys(all).sort()).toEqual(["s-task-deadline", "s-task-grace-endpoints", "s-task-grace-fsx", ...zones.flatMap((z) => [`s-task-grace-nat-${z}`, `s-task-grace-eip-${z}`])].sort());
    const at = (s: { schedule_expression: string }) => /timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "360m"\)(, "(\d+)m")?/.exec(s.schedule_expression);
    expect(at(all["s-task-deadline"]!)?.[2]).toBeUndefined();
    expect(all["s-task-grace-fsx"]!.schedule_expression).toMatch(/^at\(\$\{formatdate\("YYYY-MM-DD'T'hh:mm:ss", timeadd\(timeadd\(terraform_data\.task_started_[0-9A-F]+\.output\.at, "360m"\), "60m"\)\)\}\)$/);
    const eip = Object.values(all).find((s) => s.name.includes("grace-eip"))!;
    expect(eip.schedule_expression).toContain('"360m"), "90m")');
    expect(all["s-task-grace-fsx"]!.target).toMatchObject({
      arn: expect.stringMatching(/:scheduler:::aws-sdk:fsx:deleteFileSystem$/),
      input: expect.stringMatching(/^\{"FileSystemId":"\$\{aws_fsx_lustre_file_system\.task_data_fs_[0-9A-F]+\.id\}"\}$/),
      retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
    });
    expect(Object.values(all).find((s) => s.name.includes("grace-nat"))!.target.arn).toMatch(/aws-sdk:ec2:deleteNatGateway$/);
    expect(all["s-task-grace-endpoints"]!.target.input).toMatch(/^\{"VpcEndpointIds":\["\$\{aws_vpc_endpoint\.task_network_ssm-endpoint_[0-9A-F]+\.id\}","\$\{aws_vpc_endpoint\.task_network_ssmmessages-endpoint_[0-9A-F]+\.id\}","\$\{aws_vpc_endpoint\.task_network_ec2messages-endpoint_[0-9A-F]+\.id\}"\]\}$/);
    expect(task.teardown.afterGrace).toEqual(["the FSx for Lustre file system", ...zones.map((z) => `the NAT gateway in ${z}`), ...zones.map((z) => `the NAT gateway's Elastic IP in ${z}`), "3 interface endpoints"]);
  });

  it("the grace role may do exactly those deletions, on those resources; the deadline role only stops the group", () => {
    const grace = policy(tf, "delete-task-billing").Statement as { Action: string; Resource: string | string[] }[];
    expect(grace.map((s) => s.Action)).toEqual(["fsx:DeleteFileSystem", "ec2:DeleteNatGateway", "ec2:DeleteNatGateway", "ec2:ReleaseAddress", "ec2:ReleaseAddress", "ec2:DeleteVpcEndpoints"]);
    expect(grace[0]!.Resource).toMatch(/^\$\{aws_fsx_lustre_file_system\.task_data_fs_[0-9A-F]+\.arn\}$/);
    expect(grace[1]!.Resource).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\}:ec2:us-east-1:\$\{data\.aws_caller_identity\.task_account_[0-9A-F]+\.account_id\}:natgateway\/\$\{aws_nat_gateway\.[^}]+\.id\}$/);
    expect(grace[3]!.Resource).toMatch(/:elastic-ip\/\$\{aws_eip\.[^}]+\.allocation_id\}$/);
    expect(grace[5]!.Resource).toHaveLength(3);
    expect(policy(tf, "stop-task-group").Statement.map((s: { Action: string }) => s.Action)).toEqual(["autoscaling:UpdateAutoScalingGroup"]);
    const roles = resources(tf, "aws_iam_role").filter((r) => /deadline|grace/.test(r.name));
    expect(roles.map((r) => JSON.parse(r.assume_role_policy).Statement[0].Principal.Service)).toEqual(["scheduler.amazonaws.com", "scheduler.amazonaws.com"]);
  });

  it("without notify: no dead-letter queue or alarm, and a warning saying nobody will be told", () => {
    expect(resources(tf, "aws_sqs_queue")).toEqual([]);
    expect(resources(tf, "aws_cloudwatch_metric_alarm")).toEqual([]);
    const warnings = task.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual(["s/task: no notify: nobody is told when a deadline step fails (set notify to an e-mail address or an SNS topic ARN)"]);
    expect(make({ notify: "a@example.com" }).task.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });
});

describe("AWS deadline: what the task was given stays", () => {
  it("a given network and storage are not deleted at grace: only the group goes, at the deadline", () => {
    const { tf, task } = make({}, (stack) => {
      const network = new AwsNetwork(stack, "net", { region: "us-east-1", cidr: "10.40.0.0/16", zones: ["use1-az4"] });
      return { network, storage: new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 1200, mountPath: "/fsx" }), regions: ["us-east-1"] };
    });
    expect(Object.keys(schedules(tf))).toEqual(["s-task-deadline"]);
    expect(resources(tf, "aws_iam_role_policy").some((p) => p.name === "delete-task-billing")).toBe(false);
    expect(task.teardown.afterGrace).toEqual([]);
  });
});

describe("AWS deadline: nobody left unaware", () => {
  it("with an e-mail: a dead-letter queue on every schedule, an alarm on it, a topic e-mailing the address; the roles may send to the queue", () => {
    const { tf } = make({ notify: "ml-oncall@example.com", teardownGrace: "2h" });
    const [queue] = resources(tf, "aws_sqs_queue");
    expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    for (const s of Object.values(schedules(tf))) expect(s.target.dead_letter_config).toEqual({ arn: expect.stringMatching(/^\$\{aws_sqs_queue\.task_deadline-dlq_[0-9A-F]+\.arn\}$/) });
    expect(resources(tf, "aws_sns_topic_subscription")[0]).toMatchObject({ protocol: "email", endpoint: "ml-oncall@example.com" });
    expect(resources(tf, "aws_cloudwatch_metric_alarm")[0]).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", threshold: 0, comparison_operator: "GreaterThanThreshold", alarm_actions: [expect.stringMatching(/aws_sns_topic\.task_deadline-alerts_/)] });
    for (const name of ["stop-task-group", "delete-task-billing"]) expect(policy(tf, name).Statement.at(-1)).toMatchObject({ Action: "sqs:SendMessage" });
    expect(schedules(tf)["s-task-grace-fsx"]!.schedule_expression).toContain('"120m"');
  });

  it("with an SNS topic ARN: the alarm publishes to it, no topic is created, and the task stays in the topic's region", () => {
    const { tf, task } = make({ notify: "arn:aws:sns:us-east-1:123456789012:ml-oncall" });
    expect(resources(tf, "aws_sns_topic")).toEqual([]);
    expect(resources(tf, "aws_cloudwatch_metric_alarm")[0].alarm_actions).toEqual(["arn:aws:sns:us-east-1:123456789012:ml-oncall"]);
    expect(task.placements.length).toBeGreaterThan(1);
    expect(task.placements.filter((p) => p.region !== "us-east-1")).toEqual([]);
    expect(validationErrorOf(() => make({ notify: "arn:aws:sns:eu-west-1:123456789012:ml-oncall", regions: ["us-east-1", "us-west-2"] }))).toBe(
      's/task: notify "arn:aws:sns:eu-west-1:123456789012:ml-oncall" is not valid: use an SNS topic in one of the task\'s regions (us-east-1, us-west-2): an alarm publishes only to a topic in its own region',
    );
  });

  it.each([
    [{ teardownGrace: "25h" }, 's/task: teardownGrace "25h" is not valid: use a duration from 1m to 24h, e.g. "1h"'],
    [{ teardownGrace: "0m" }, 's/task: teardownGrace "0m" is not valid: use a duration from 1m to 24h, e.g. "1h"'],
    [{ teardownGrace: -1 }, "s/task: teardownGrace -1 is not valid: use a duration from 1m to 24h, e.g. \"1h\""],
    [{ notify: "ml-oncall" }, 's/task: notify "ml-oncall" is not valid: use an e-mail address or an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)'],
    [{ notify: "arn:aws:sqs:us-east-1:123456789012:q" }, 's/task: notify "arn:aws:sqs:us-east-1:123456789012:q" is not valid: use an e-mail address or an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)'],
  ] as const)("bad input %j", (props, message) => {
    expect(validationErrorOf(() => make(props as Partial<GpuTaskProps>))).toBe(message);
  });

  it("accepts the boundaries: a 24 h grace, a 1 min grace", () => {
    expect(schedules(make({ teardownGrace: "24h" }).tf)["s-task-grace-fsx"]!.schedule_expression).toContain('"1440m"');
    expect(schedules(make({ teardownGrace: "1m" }).tf)["s-task-grace-fsx"]!.schedule_expression).toContain('"1m"');
  });
});
