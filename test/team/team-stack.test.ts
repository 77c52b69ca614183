import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { App, Testing, Token } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../lib/azure/network";
import { TeamStack, type TeamStackProps } from "../../lib/team/team-stack";
import { validationErrorOf, resources, synth, synthErrorsOf } from "../helpers";

const base: TeamStackProps = { team: "vision", costCenter: "cc-200", environment: "prod", backend: { type: "local" }, aws: { region: "us-east-1" }, azure: { location: "eastus" } };
const SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ml@example";

describe("TeamStack tags", () => {
  it("AWS: library < team < extra tags as provider default tags; a resource's own tags win (provider semantics)", () => {
    const stack = new TeamStack(Testing.app(), "vision", { ...base, tags: { project: "imagenet", "managed-by": "platform-team" }, policies: false });
    new LaunchTemplate(stack, "lt", { name: "x", tags: { team: "vision-research" } });
    const tf = synth(stack);
    expect(tf.provider.aws[0].default_tags).toEqual([{ tags: { "managed-by": "platform-team", team: "vision", "cost-center": "cc-200", environment: "prod", project: "imagenet" } }]);
    expect(resources(tf, "aws_launch_template")[0].tags).toEqual({ team: "vision-research" });
  });

  it("Azure: an aspect gives every taggable resource the team's tags, its own tags winning", () => {
    const stack = new TeamStack(Testing.app(), "vision", base);
    new ResourceGroup(stack, "rg", { name: "rg", location: "eastus", tags: { team: "vision-research", owner: "ana" } });
    const net = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus" });
    const tf = synth(stack);
    const rg = resources(tf, "azurerm_resource_group").find((r) => r.name === "rg");
    expect(rg.tags).toEqual({ "managed-by": "cdktf-hybrid-gpu", team: "vision-research", "cost-center": "cc-200", environment: "prod", owner: "ana" });
    for (const type of ["azurerm_virtual_network", "azurerm_network_security_group", "azurerm_nat_gateway", "azurerm_public_ip"]) {
      const tagged = resources(tf, type);
      expect(tagged.length, type).toBeGreaterThan(0);
      expect(tagged.filter((r) => r.tags?.team !== "vision" || r.tags?.["managed-by"] !== "cdktf-hybrid-gpu"), type).toEqual([]);
    }
    expect(resources(tf, "azurerm_subnet")[0].tags).toBeUndefined(); // subnets take no tags
    expect(net.location).toBe("eastus");
  });

  it("rejects tags that would override team, cost-center or environment (the budgets filter on team)", () => {
    expect(validationErrorOf(() => new TeamStack(Testing.app(), "vision", { ...base, tags: { team: "someone-else", owner: "ana" } }))).toBe(
      'vision: tags "team" is not valid: leave team, cost-center, environment to the team, costCenter and environment props',
    );
  });

  it("AWS: the GPU nodes an Auto Scaling group launches carry the team's tags too", () => {
    const stack = new TeamStack(Testing.app(), "vision", base);
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "train", { network, instanceType: "p4d.24xlarge", nodes: 2 });
    const tf = synth(stack);
    const [lt] = resources(tf, "aws_launch_template");
    for (const spec of lt.tag_specifications) expect(spec.tags).toMatchObject({ team: "vision", "cost-center": "cc-200", environment: "prod", "managed-by": "cdktf-hybrid-gpu" });
    const [asg] = resources(tf, "aws_autoscaling_group");
    expect(asg.tag).toContainEqual({ key: "team", value: "vision", propagate_at_launch: true });
  });

  it("rejects tags a cloud would refuse", () => {
    expect(validationErrorOf(() => new TeamStack(Testing.app(), "vision", { ...base, tags: { "aws:owner": "x" } }))).toBe(
      'vision: tags {"aws:owner":"x"} is not valid for aws: aws:owner: the aws: prefix is reserved by AWS',
    );
  });
});

describe("TeamStack policies", () => {
  it("checks the policy pack at synth by default: a hand-written launch template without IMDSv2 fails", () => {
    const stack = new TeamStack(Testing.app(), "vision", base);
    new LaunchTemplate(stack, "lt", { name: "x", blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { encrypted: "true" } }] });
    expect(synthErrorsOf(() => synth(stack))).toContain('vision/lt: HGPU-AWS-2 IMDSv2 is required: metadata_options.http_tokens is not set, use "required"');
  });
  it("passes for the library's own constructs, tags included", () => {
    const stack = new TeamStack(Testing.app(), "vision", base);
    const net = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "train", { network: net, instanceType: "p5.48xlarge", nodes: 2 });
    const az = new AzureNetwork(stack, "az", { cidr: "10.20.0.0/16", location: "eastus" });
    new AzureGpuCluster(stack, "az-train", { network: az, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, sshPublicKey: SSH });
    expect(() => synth(stack)).not.toThrow();
  });
});

describe("TeamStack providers", () => {
  it("AWS aliases: one provider per alias and region, each with the team's default tags", () => {
    const stack = new TeamStack(Testing.app(), "vision", { ...base, aws: { region: "us-east-1", aliases: [{ alias: "west", region: "us-west-2" }] } });
    expect(stack.awsAliases.west!.region).toBe("us-west-2");
    const aws = synth(stack).provider.aws;
    expect(aws.map((p: { alias?: string; region: string }) => [p.alias, p.region])).toEqual([[undefined, "us-east-1"], ["west", "us-west-2"]]);
    expect(aws[1].default_tags[0].tags.team).toBe("vision");
  });

  it("configures azurerm to use Entra ID for storage data calls (the library's storage accounts take no shared keys)", () => {
    const tf = JSON.parse(Testing.synth(new TeamStack(Testing.app(), "vision", base)));
    expect(tf.provider.azurerm).toEqual([expect.objectContaining({ features: [{ storage: [{ data_plane_available: false }] }], storage_use_azuread: true })]);
  });

  it("Azure networks in the stack default to azure.location", () => {
    const stack = new TeamStack(Testing.app(), "vision", { ...base, azure: { location: "westus3" } });
    expect(new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16" }).location).toBe("westus3");
    expect(new AzureNetwork(stack, "other", { cidr: "10.21.0.0/16", location: "eastus" }).location).toBe("eastus");
  });

  it.each<[Partial<TeamStackProps>, string]>([
    [{ aws: { region: "us-east-1", aliases: [{ alias: "west", region: "nowhere" }] } }, 'vision: aws.aliases.region "nowhere" is not valid: use an AWS region such as us-east-1'],
    [{ aws: { region: "us-east-1", aliases: [{ alias: "west", region: "us-west-2" }, { alias: "west", region: "us-west-1" }] } }, 'vision: aws.aliases.alias "west" is not valid: use each alias once'],
    [{ aws: { region: "us-east-1", aliases: [{ alias: "West", region: "us-west-2" }] } }, 'vision: aws.aliases.alias "West" is not valid: use lowercase letters, digits and _'],
    [{ aws: { region: "US East" } }, 'vision: aws.region "US East" is not valid: use an AWS region such as us-east-1'],
    [{ azure: { location: "East US" } }, 'vision: azure.location "East US" is not valid: use an Azure location name such as eastus'],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => new TeamStack(Testing.app(), "vision", { ...base, ...props }))).toBe(message);
  });
});

describe("TeamStack backends", () => {
  it("S3 with the S3 lock file, encrypted, keyed by team/environment/stack", () => {
    const tf = synth(new TeamStack(Testing.app(), "vision", { ...base, backend: { type: "s3", bucket: "acme-tfstate", region: "us-east-1" } }));
    expect(tf.terraform.backend).toEqual({ s3: { bucket: "acme-tfstate", region: "us-east-1", key: "vision/prod/vision.tfstate", encrypt: true, use_lockfile: true } });
    // The lock file needs Terraform 1.10: an older one stops at init with Terraform's version message.
    expect(tf.terraform.required_version).toBe(">= 1.10");
  });
  it("leaves the Terraform version open where the backend needs no 1.10, and an app's own required_version wins", () => {
    const locked = new TeamStack(Testing.app(), "vision", { ...base, backend: { type: "s3", bucket: "acme-tfstate", region: "us-east-1", dynamodbTable: "tf-locks" } });
    expect(synth(locked).terraform.required_version).toBeUndefined();
    expect(synth(new TeamStack(Testing.app(), "vision", base)).terraform.required_version).toBeUndefined();
    const own = new TeamStack(Testing.app(), "vision", { ...base, backend: { type: "s3", bucket: "acme-tfstate", region: "us-east-1" } });
    own.addOverride("terraform.required_version", "~> 1.11.0");
    expect(synth(own).terraform.required_version).toBe("~> 1.11.0");
  });
  it("S3 with a DynamoDB lock table", () => {
    const tf = synth(new TeamStack(Testing.app(), "vision", { ...base, backend: { type: "s3", bucket: "acme-tfstate", region: "us-east-1", dynamodbTable: "tf-locks", key: "custom.tfstate" } }));
    expect(tf.terraform.backend.s3).toEqual({ bucket: "acme-tfstate", region: "us-east-1", key: "custom.tfstate", encrypt: true, dynamodb_table: "tf-locks" });
  });
  it("azurerm with Entra ID auth", () => {
    const tf = synth(new TeamStack(Testing.app(), "vision", { ...base, backend: { type: "azurerm", resourceGroupName: "tfstate", storageAccountName: "acmetfstate", containerName: "state" } }));
    expect(tf.terraform.backend).toEqual({ azurerm: { resource_group_name: "tfstate", storage_account_name: "acmetfstate", container_name: "state", key: "vision/prod/vision.tfstate", use_azuread_auth: true } });
  });
  it("local for trying things out", () => {
    expect(synth(new TeamStack(Testing.app(), "vision", base)).terraform.backend).toEqual({ local: { path: "terraform.vision.tfstate" } });
  });
  it.each<[Partial<TeamStackProps>, string]>([
    [{ backend: { type: "s3", bucket: "", region: "us-east-1" } }, 'vision: backend.bucket "" is not valid: use a non-empty string'],
    [{ backend: { type: "s3", bucket: "b", region: "" } }, 'vision: backend.region "" is not valid: use the AWS region of the state bucket, e.g. us-east-1'],
    [{ backend: { type: "azurerm", resourceGroupName: "rg", storageAccountName: "Bad_Name", containerName: "state" } }, 'vision: backend.storageAccountName "Bad_Name" is not valid: use a storage account name: 3-24 lowercase letters and digits'],
    [{ backend: { type: "azurerm", resourceGroupName: "rg", storageAccountName: "acme", containerName: "" } }, 'vision: backend.containerName "" is not valid: use a container name: 3-63 lowercase letters, digits and single hyphens'],
    [{ backend: { type: "gcs" } as never }, 'vision: backend.type "gcs" is not valid: use "s3", "azurerm" or "local"'],
    [{ team: "Vision Team" }, 'vision: team "Vision Team" is not valid: use 2-32 lowercase letters, digits and hyphens, starting with a letter'],
    [{ environment: "Prod" }, 'vision: environment "Prod" is not valid: use 2-32 lowercase letters, digits and hyphens, starting with a letter, e.g. dev or prod'],
    [{ monthlyBudgetUsd: 1000 }, "vision: budgetEmails (missing) is not valid: set at least one address to alert when monthlyBudgetUsd is set"],
    [{ monthlyBudgetUsd: 1000, budgetEmails: ["not-an-email"] }, 'vision: budgetEmails "not-an-email" is not valid: use e-mail addresses'],
    [{ monthlyBudgetUsd: 0, budgetEmails: ["a@b.io"] }, "vision: monthlyBudgetUsd 0 is not valid: use a number of at least 1"],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => new TeamStack(Testing.app(), "vision", { ...base, ...props }))).toBe(message);
  });
});

describe("TeamStack budgets", () => {
  it("alerts on both clouds at 80 % actual and 100 % forecast, for the team's tagged spend", () => {
    const tf = synth(new TeamStack(Testing.app(), "vision", { ...base, monthlyBudgetUsd: 50000, budgetEmails: ["ml-leads@example.com"] }));
    const [aws] = resources(tf, "aws_budgets_budget");
    expect(aws).toMatchObject({ budget_type: "COST", limit_amount: "50000", limit_unit: "USD", time_unit: "MONTHLY", cost_filter: [{ name: "TagKeyValue", values: ["user:team$vision"] }] });
    expect(aws.notification.map((n: { threshold: number; notification_type: string }) => [n.threshold, n.notification_type])).toEqual([[80, "ACTUAL"], [100, "FORECASTED"]]);
    const [az] = resources(tf, "azurerm_consumption_budget_subscription");
    expect(az).toMatchObject({ amount: 50000, time_grain: "Monthly", filter: { tag: [{ name: "team", values: ["vision"] }] }, lifecycle: { ignore_changes: ["time_period"] } });
    expect(az.time_period.start_date).toMatch(/^\d{4}-\d{2}-01T00:00:00Z$/);
    expect(az.notification.map((n: { contact_emails: string[] }) => n.contact_emails)).toEqual([["ml-leads@example.com"], ["ml-leads@example.com"]]);
    expect([aws.name, az.name]).toEqual(["vision-team", "vision-team"]);
  });

  it("the Azure budget can start in a pinned month; the AWS budget notes the cost allocation tag it needs", () => {
    const stack = new TeamStack(Testing.app(), "vision", { ...base, monthlyBudgetUsd: 50000, budgetEmails: ["ml-leads@example.com"], budgetStartMonth: "2027-01" });
    const tf = synth(stack);
    expect(resources(tf, "azurerm_consumption_budget_subscription")[0].time_period).toEqual({ start_date: "2027-01-01T00:00:00Z" });
    const budget = stack.node.findChild("budget-aws");
    expect(budget.node.metadata.map((m) => m.data)).toContain('the AWS budget sees spend only once "team" is activated as a cost allocation tag in the payer account\'s Billing console');
    expect(validationErrorOf(() => new TeamStack(Testing.app(), "vision", { ...base, azure: undefined, monthlyBudgetUsd: 1, budgetEmails: ["a@b.io"], budgetStartMonth: "2027-1" }))).toBe(
      'vision: budgetStartMonth "2027-1" is not valid: use a month as YYYY-MM, e.g. 2027-01');
  });

  it("takes the amount from a Terraform variable", () => {
    const s = new TeamStack(Testing.app(), "speech", { ...base, team: "speech", azure: undefined, budgetEmails: ["ml-leads@example.com"], monthlyBudgetUsd: Token.asNumber("${var.speech_budget}") });
    expect(resources(synth(s), "aws_budgets_budget")[0].limit_amount).toBe("${var.speech_budget}");
  });

  it("one stack per team holds the budget: it watches all of the team's tagged spend", () => {
    const app = Testing.app();
    const budget = { monthlyBudgetUsd: 50000, budgetEmails: ["ml-leads@example.com"] };
    new TeamStack(app, "vision", { ...base, ...budget });
    new TeamStack(app, "vision-dev", { ...base, environment: "dev" });
    new TeamStack(app, "speech", { ...base, team: "speech", ...budget });
    expect(validationErrorOf(() => new TeamStack(app, "vision-eval", { ...base, ...budget }))).toBe(
      "vision-eval: monthlyBudgetUsd 50000 is not valid: set it on one stack per team: stack vision already has team vision's budget, which watches all of the team's tagged spend",
    );
  });
});

describe("a platform stack and team stacks", () => {
  it("turn references to the platform's networks into remote-state lookups against its backend", (ctx) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "hgpu-team-")) });
    ctx.onTestFinished(() => rmSync(app.outdir, { recursive: true, force: true }));
    const s3 = { type: "s3" as const, bucket: "acme-tfstate", region: "us-east-1" };
    const platform = new TeamStack(app, "platform", { ...base, team: "platform", backend: s3 });
    const awsNet = new AwsNetwork(platform, "aws-net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    const azureNet = new AzureNetwork(platform, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
    const vision = new TeamStack(app, "vision", { ...base, backend: s3 });
    new AwsGpuCluster(vision, "train", { network: awsNet, instanceType: "p4d.24xlarge", nodes: 2 });
    const speech = new TeamStack(app, "speech", { ...base, team: "speech", backend: s3 });
    new AzureGpuCluster(speech, "train", { network: azureNet, vmSize: "Standard_ND96asr_v4", nodes: 2, sshPublicKey: SSH });
    app.synth();
    const read = (s: string) => JSON.parse(readFileSync(join(app.outdir, "stacks", s, "cdk.tf.json"), "utf8"));
    const [p, v, sp] = [read("platform"), read("vision"), read("speech")];
    expect(v.data.terraform_remote_state["cross-stack-reference-input-platform"]).toMatchObject({ backend: "s3", config: { bucket: "acme-tfstate", key: "vision/prod/platform.tfstate".replace("vision", "platform"), region: "us-east-1" } });
    const asg = Object.values(v.resource.aws_autoscaling_group)[0] as { vpc_zone_identifier: string[] };
    expect(asg.vpc_zone_identifier[0]).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-platform\.outputs\.cross-stack-output-aws_subnet/);
    const outputs = Object.keys(p.output);
    const referenced = asg.vpc_zone_identifier[0]!.match(/outputs\.([^}]+)\}/)![1]!;
    expect(outputs).toContain(referenced);
    type ScaleSet = { network_interface: { ip_configuration: { subnet_id: string }[] }[] };
    const vmss = Object.values(sp.resource.azurerm_linux_virtual_machine_scale_set)[0] as ScaleSet;
    expect(vmss.network_interface[0]!.ip_configuration[0]!.subnet_id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-platform\.outputs\./);
  });
});
