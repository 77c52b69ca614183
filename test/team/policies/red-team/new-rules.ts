/** Risky patterns for the pack's newer rules: IAM, Azure roles, secrets in code, unbounded GPU groups, host encryption, task deadlines. */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import type { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Fn, TerraformStack, TerraformVariable } from "cdktf";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { SCALE_SET, awsStack, azureStack, gpuTemplate, raw, type RedTeamRow } from "./fixtures";

export const NEW_RULE_PATTERNS: readonly RedTeamRow[] = [
  {
    name: "a team stack reading, through a cross-stack reference, the state that holds VPN keys",
    build: (app) => {
      const platform = awsStack(app, "platform");
      const vpc = new Vpc(platform, "vpc", { cidrBlock: "10.10.0.0/16" });
      new VpnConnection(platform, "vpn", { type: "ipsec.1", vpnGatewayId: "vgw-0123456789abcdef0", customerGatewayId: "cgw-0123456789abcdef0" });
      new SecurityGroup(awsStack(app, "team"), "sg", { vpcId: vpc.id });
    },
    expect: [["warning", "HGPU-TF-2", "platform/vpn: HGPU-TF-2 No other stack reads a state that holds VPN keys: the state of stack platform holds this connection's pre-shared keys, and stack team reads that whole state through cdktf cross-stack references: move the links and sites to a stack no other stack references"]],
  },
  {
    name: "IAM policy allowing every action, written with Fn.jsonencode",
    build: (app) => { new IamPolicy(awsStack(app), "admin", { name: "admin", policy: Fn.jsonencode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }); },
    expect: [["error", "HGPU-AWS-10", "s/admin: HGPU-AWS-10 IAM policies grant no wildcard access: Statement[0] allows every action (Action \"*\")"]],
  },
  {
    name: "IAM policy document writing every bucket (s3:* on Resource *)",
    build: (app) => {
      const stack = awsStack(app);
      const doc = new DataAwsIamPolicyDocument(stack, "doc", { statement: [{ effect: "Allow", actions: ["s3:*"], resources: ["*"] }] });
      new IamPolicy(stack, "writer", { name: "writer", policy: doc.json });
    },
    expect: [["error", "HGPU-AWS-10", "s/writer: HGPU-AWS-10 IAM policies grant no wildcard access: data.aws_iam_policy_document.doc statement[0] allows s3:* on every resource (Resource \"*\"): name the resources, or keep \"*\" for read-only Describe*, List* and Get* actions"]],
  },
  {
    name: "AdministratorAccess attached, its ARN built from the partition data source",
    build: (app) => {
      const stack = awsStack(app);
      const partition = new DataAwsPartition(stack, "partition", {});
      new IamRolePolicyAttachment(stack, "admin", { role: "nodes", policyArn: `arn:${partition.partition}:iam::aws:policy/AdministratorAccess` });
    },
    expect: [["error", "HGPU-AWS-11", `s/admin: HGPU-AWS-11 No administrator managed policies: policy_arn attaches the AWS managed policy AdministratorAccess ("arn:\${data.aws_partition.partition.partition}:iam::aws:policy/AdministratorAccess"): attach a policy with the actions and resources needed`]],
  },
  {
    name: "iam:PassRole through iam:Pass* on every role",
    build: (app) => {
      new IamPolicy(awsStack(app), "pass", { name: "pass", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:Pass*", Resource: "arn:aws:iam::123456789012:role/*" }] }) });
    },
    expect: [["error", "HGPU-AWS-12", "s/pass: HGPU-AWS-12 IAM policies pass only named roles: Statement[0] allows iam:PassRole (Action [\"iam:Pass*\"]) on every role (Resource \"arn:aws:iam::123456789012:role/*\"): name the roles it may pass"]],
  },
  {
    name: "literal VPN pre-shared key on AWS",
    build: (app) => { raw(awsStack(app), "vpn", "aws_vpn_connection", { customer_gateway_id: "cgw-1", type: "ipsec.1", vpn_gateway_id: "vgw-1", tunnel1_preshared_key: "Correct.Horse.Battery1" }); },
    expect: [["error", "HGPU-AWS-13", "s/vpn: HGPU-AWS-13 No secrets in plain text: tunnel1_preshared_key is a literal key in the code (Corr... (22 characters)): use a sensitive variable or a secret store's data source"]],
  },
  {
    name: "Hugging Face token in a GPU template's user data (base64)",
    build: (app) => { gpuTemplate(awsStack(app), { userData: Fn.base64encode("#!/bin/bash\nexport HF_TOKEN=hf_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z\n") }); },
    expect: [["error", "HGPU-AWS-13", "s/lt: HGPU-AWS-13 No secrets in plain text: user_data holds a Hugging Face token (hf_a... (37 characters))"]],
  },
  {
    name: "GPU group outside a task whose max_size is a variable without a default",
    build: (app) => {
      const stack = awsStack(app);
      const lt = gpuTemplate(stack);
      new AutoscalingGroup(stack, "asg", { minSize: 0, maxSize: new TerraformVariable(stack, "max", { type: "number" }).numberValue, availabilityZones: ["us-east-1a"], launchTemplate: { id: lt.id } });
    },
    expect: [["warning", "HGPU-AWS-14", `s/asg: HGPU-AWS-14 GPU groups have a finite size: max_size is "\${var.max}", which the pack cannot verify: use a literal value or suppress with a reason`]],
  },
  {
    name: "GpuTask whose deadline schedule is moved past its maxRuntime",
    build: (app) => {
      const task = new GpuTask(new TerraformStack(app, "s"), "task", { name: "train", gpus: 16, clouds: ["aws"], command: ["train.py"], maxRuntime: "6h" });
      const schedule = task.node.findChild("deadline") as SchedulerSchedule;
      schedule.addOverride("schedule_expression", "at(2030-01-01T00:00:00)");
    },
    expect: [["error", "HGPU-AWS-6", "s/task/cluster/asg: HGPU-AWS-6 GPU tasks have a finite deadline: no aws_scheduler_schedule in task s/task sets group s-task-cluster-nodes to 0 at its deadline: aws_scheduler_schedule.task_deadline_F2034654: schedule_expression \"at(2030-01-01T00:00:00)\" is a fixed time, not one relative to the task's start: the pack cannot show it falls within maxRuntime"]],
  },
  {
    name: "Owner at subscription scope",
    build: (app) => { new RoleAssignment(azureStack(app), "owner", { scope: "/subscriptions/00000000-0000-0000-0000-000000000000", roleDefinitionName: "Owner", principalId: "11111111-1111-1111-1111-111111111111" }); },
    expect: [["error", "HGPU-AZ-11", "s/owner: HGPU-AZ-11 No privileged roles at subscription or management-group scope: assigns Owner at subscription scope (scope \"/subscriptions/00000000-0000-0000-0000-000000000000\"): assign a narrower role at the task's resource group or resource"]],
  },
  {
    name: "literal shared key on an Azure VPN connection",
    build: (app) => {
      raw(azureStack(app), "conn", "azurerm_virtual_network_gateway_connection", {
        name: "dc", resource_group_name: "rg", location: "eastus", type: "IPsec", virtual_network_gateway_id: "gw", local_network_gateway_id: "lgw", shared_key: "Correct.Horse.Battery1",
      });
    },
    expect: [["error", "HGPU-AZ-13", "s/conn: HGPU-AZ-13 No secrets in plain text: shared_key is a literal key in the code (Corr... (22 characters)): use a sensitive variable or a secret store's data source"]],
  },
  {
    name: "GPU scale set outside a task with 5000 instances and no host encryption",
    build: (app) => {
      raw(azureStack(app), "vmss", "azurerm_linux_virtual_machine_scale_set", {
        ...SCALE_SET, name: "gpu", sku: "Standard_ND96isr_H100_v5", instances: 5000, encryption_at_host_enabled: false,
        network_interface: [{ name: "nic", primary: true, ip_configuration: [{ name: "ip", primary: true, subnet_id: "subnet-1" }] }],
      });
    },
    expect: [["warning", "HGPU-AZ-3", "s/vmss: HGPU-AZ-3 Scale sets encrypt at the host: encryption_at_host_enabled is false: temp disks and disk caches are stored unencrypted; set it to true"], ["warning", "HGPU-AZ-14", "s/vmss: HGPU-AZ-14 GPU scale sets have a finite size: instances is 5000: the scale set may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"]],
  },
];

