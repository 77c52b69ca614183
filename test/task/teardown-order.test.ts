/**
 * Teardown before capacity: in every task's plan, each GPU group (Auto Scaling group, scale set)
 * depends, directly or not, on its cloud-side deadline and on the nodes' permission to stop it, so
 * Terraform cannot create a GPU before them, whatever interrupts the apply.
 */
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureNetwork } from "../../lib/azure/network";
import { dependencyClosure } from "../../lib/report/terraform-json";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { synth } from "../helpers";

const base: GpuTaskProps = { name: "train", gpus: 16, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"] };

/** Addresses of one resource type. */
const addresses = (tf: Record<string, Record<string, object>>, type: string) => Object.keys(tf.resource?.[type] ?? {}).map((n) => `${type}.${n}`);

const cases: [string, (stack: TerraformStack) => GpuTaskProps][] = [
  ["AWS, own network and FSx", () => ({ ...base, clouds: ["aws"], dataPath: "/data", dataSource: "s3://ml-data/set/" })],
  ["AWS, a given network, no storage", (stack) => ({ ...base, network: new AwsNetwork(stack, "net", { region: "us-east-1", cidr: "10.40.0.0/16" }), regions: ["us-east-1"] })],
  ["AWS, an ECR image", () => ({ ...base, clouds: ["aws"], image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1" })],
  ["Azure, own network and Managed Lustre", () => ({ ...base, clouds: ["azure"], dataPath: "/data", dataSource: "https://mldata.blob.core.windows.net/sets/imagenet" })],
  ["Azure, a given network, no storage", (stack) => ({ ...base, network: new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" }) })],
];

describe("teardown before capacity", () => {
  it.each(cases)("%s: no GPU group can be created before its deadline and the nodes' stop permission", (_name, props) => {
    const stack = new TerraformStack(Testing.app(), "s");
    new GpuTask(stack, "task", props(stack));
    const tf = synth(stack);
    const groups = [...addresses(tf, "aws_autoscaling_group"), ...addresses(tf, "azurerm_linux_virtual_machine_scale_set")];
    expect(groups).toHaveLength(1);
    const before = dependencyClosure(tf, groups[0]!);
    const required = groups[0]!.startsWith("aws_")
      ? [
          ...addresses(tf, "aws_scheduler_schedule"),
          ...addresses(tf, "aws_iam_role_policy").filter((a) => /scale-to-zero|deadline-policy/.test(a)),
          ...addresses(tf, "aws_iam_role_policy_attachment").filter((a) => /ecr-read/.test(a)),
        ]
      : [
          ...addresses(tf, "azurerm_logic_app_workflow"),
          ...addresses(tf, "azurerm_logic_app_trigger_recurrence"),
          ...addresses(tf, "azurerm_logic_app_action_custom"),
          ...addresses(tf, "azurerm_role_assignment").filter((a) => /scale-to-zero|storage-access/.test(a)),
          ...addresses(tf, "azurerm_role_definition"),
          ...addresses(tf, "azurerm_user_assigned_identity"),
        ];
    expect(required.length).toBeGreaterThanOrEqual(groups[0]!.startsWith("aws_") ? 3 : 7);
    expect(required.filter((r) => !before.has(r))).toEqual([]);
    // ... and none of them waits for the GPUs.
    for (const r of required) expect(dependencyClosure(tf, r).has(groups[0]!), r).toBe(false);
  });
});

describe("dependencyClosure", () => {
  it("follows references in expressions (nested too) and depends_on, not literal text", () => {
    const tf = {
      data: { aws_partition: { p: {} } },
      resource: {
        aws_vpc: { v: { cidr_block: "10.0.0.0/16", tags: { note: "aws_subnet.s is text, not a reference" } } },
        aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}" } },
        aws_instance: { i: { subnet_id: '${element([aws_subnet.s.id], 0)}', arn: "arn:${data.aws_partition.p.partition}:x", depends_on: ["aws_security_group.g"] } },
        aws_security_group: { g: {} },
      },
    };
    expect([...dependencyClosure(tf, "aws_instance.i")].sort()).toEqual(["aws_security_group.g", "aws_subnet.s", "aws_vpc.v", "data.aws_partition.p"]);
    expect([...dependencyClosure(tf, "aws_vpc.v")]).toEqual([]);
  });
});
