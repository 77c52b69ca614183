import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { HybridLinksStack, HybridTrainingStack, TrainingTaskStack, buildApp } from "../../examples/hybrid-training/main";

describe("examples/hybrid-training", () => {
  const app = Testing.app();
  const stack = new HybridTrainingStack(app, "hybrid-training");
  const linksStack = new HybridLinksStack(app, "hybrid-links", stack);
  const tf = JSON.parse(Testing.synth(stack, true));
  const links = JSON.parse(Testing.synth(linksStack, true));

  // The seed's 30 GPUs with a node-to-node fabric, by the catalog's prices:
  // - AWS: g5.12xlarge, 4 A10G and one 40 Gbps EFA interface at $5.672/h a node, the cheapest way to
  //   hold 30 GPUs on EFA: 8 nodes, $45.376/h in us-east-1 (priced per region), also the best overall;
  // - Azure: ND40rs v2, 8 V100-32GB and 100 Gb/s InfiniBand at $22.032/h a VM: 4 VMs, $88.128/h, in
  //   eastus and westus2 alike, the tie going to the name first in order.
  const AWS_PICK = { cloud: "aws", region: "us-east-1", zone: "", instanceType: "g5.12xlarge", nodes: 8, gpus: 32, usdPerHour: 45.376, summary: "8 x g5.12xlarge (32 x A10G) in aws us-east-1 at $45.376/h" };
  const AZURE_PICK = { cloud: "azure", region: "eastus", zone: "", instanceType: "Standard_ND40rs_v2", nodes: 4, gpus: 32, usdPerHour: 88.128, summary: "4 x Standard_ND40rs_v2 (32 x V100-32GB) in azure eastus at $88.128/h" };

  it("configures the AWS provider in the best AWS placement's region, and Azure without storage data-plane reads, in both stacks", () => {
    for (const t of [tf, links]) {
      expect(t.provider.aws).toEqual([{ region: "us-east-1" }]);
      // The flow-log account admits trusted Azure services alone: Terraform cannot read its data plane from outside.
      expect(t.provider.azurerm).toEqual([{ features: [{ storage: [{ data_plane_available: false }] }], storage_use_azuread: true }]);
    }
  });

  it("plans for the seed's 30 GPUs and outputs the chosen placements", () => {
    expect(tf.output["placement-overall"]).toEqual({ description: `best placement for 30 GPUs: ${AWS_PICK.summary}`, value: AWS_PICK });
    expect(tf.output["placement-aws"]).toEqual({ description: `best aws placement for 30 GPUs: ${AWS_PICK.summary}`, value: AWS_PICK });
    expect(tf.output["placement-azure"]).toEqual({ description: `best azure placement for 30 GPUs: ${AZURE_PICK.summary}`, value: AZURE_PICK });
    expect(stack.best.aws.fabric).toEqual({ kind: "efa", interfaces: 1, gbpsPerNode: 40 });
    expect(stack.best.azure.fabric).toEqual({ kind: "infiniband", interfaces: 1, gbpsPerNode: 100 });
  });

  it("builds the AWS half from the AWS constructs, sized by the best AWS placement", () => {
    const asg = Object.values(tf.resource.aws_autoscaling_group)[0] as { desired_capacity: number };
    expect(asg.desired_capacity).toBe(8);
    const lt = Object.values(tf.resource.aws_launch_template)[0] as { instance_type: string };
    expect(lt.instance_type).toBe("g5.12xlarge");
    expect(Object.values(tf.resource.aws_fsx_data_repository_association)[0]).toMatchObject({
      data_repository_path: "s3://example-ml-datasets/imagenet/",
      file_system_path: "/dataset/imagenet",
    });
    expect(stack.awsCluster.gpus).toBe(32);
    expect(stack.awsCluster.runInfo.dataMountPath).toBe("/fsx");
    expect(Object.keys(tf.resource.aws_vpc)).toHaveLength(1);
  });

  it("builds the Azure half from the Azure constructs, with per-organisation inputs as variables", () => {
    const vmss = Object.values(tf.resource.azurerm_linux_virtual_machine_scale_set)[0] as Record<string, unknown>;
    expect(vmss).toMatchObject({ sku: "Standard_ND40rs_v2", instances: 4, location: "eastus", single_placement_group: true, zones: ["1"] });
    expect(vmss.admin_ssh_key).toEqual([{ username: "azureuser", public_key: "${var.azure_ssh_public_key}" }]);
    expect(Object.keys(tf.variable).sort()).toEqual(["azure_dataset_storage_account_id", "azure_ssh_public_key", "hpc_cache_rp_object_id"]);
    const amlfs = Object.values(tf.resource.azurerm_managed_lustre_file_system)[0] as { hsm_setting: Record<string, string>; zones: string[] };
    expect(amlfs.zones).toEqual(["1"]);
    expect(amlfs.hsm_setting).toMatchObject({ container_id: "${var.azure_dataset_storage_account_id}/blobServices/default/containers/imagenet", import_prefix: "/dataset/imagenet" });
    expect(stack.azureCluster.runInfo.dataMountPath).toBe("/lustre");
  });

  it("records the Azure network's flow logs", () => {
    expect(Object.values(tf.resource.azurerm_network_watcher_flow_log)).toEqual([expect.objectContaining({ network_watcher_name: "NetworkWatcher_eastus", target_resource_id: "${azurerm_virtual_network.azure-network_vnet_A6C04889.id}" })]);
  });

  it("links AWS and Azure with four BGP tunnels and joins the data centre to both, in the links stack", () => {
    expect(Object.keys(links.resource.aws_vpn_connection)).toHaveLength(3);
    expect(Object.keys(links.resource.azurerm_local_network_gateway)).toHaveLength(5);
    expect(Object.keys(links.resource.azurerm_virtual_network_gateway_connection)).toHaveLength(5);
    expect(linksStack.link.tunnels).toHaveLength(4);
    expect(linksStack.dataCentre.aws).toHaveLength(1);
    expect(linksStack.dataCentre.azure).toHaveLength(1);
    expect(Object.values(links.resource.aws_customer_gateway).map((c) => (c as { ip_address: string }).ip_address)).toContain("${var.datacentre_vpn_public_ip}");
    expect(Object.keys(links.variable).sort()).toEqual(["datacentre_vpn_public_ip", "fra_dc1_vpn_shared_key"]);
    // The gateways stay with their networks.
    expect(Object.keys(tf.resource.aws_vpn_gateway)).toHaveLength(1);
    expect(Object.keys(tf.resource.azurerm_virtual_network_gateway)).toHaveLength(1);
  });

  it("keeps the VPN keys out of any state another stack reads: the links stack reads the networks' stack, nothing reads it", (ctx) => {
    for (const type of ["aws_vpn_connection", "azurerm_virtual_network_gateway_connection", "azurerm_local_network_gateway", "aws_customer_gateway"]) expect(tf.resource[type], type).toBeUndefined();
    const outdir = mkdtempSync(join(tmpdir(), "hgpu-hybrid-"));
    ctx.onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    buildApp(new App({ outdir })).synth();
    const read = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    const remote = (t: { data?: { terraform_remote_state?: object } }) => Object.keys(t.data?.terraform_remote_state ?? {});
    expect(remote(read("hybrid-links"))).toEqual(["cross-stack-reference-input-hybrid-training"]);
    expect(remote(read("hybrid-training"))).toEqual([]);
    expect(remote(read("training-task"))).toEqual([]);
    // The keys: a sensitive variable of the links stack, which its connections alone use.
    expect(read("hybrid-links").variable.fra_dc1_vpn_shared_key).toMatchObject({ sensitive: true });
    expect(JSON.stringify(read("hybrid-training"))).not.toMatch(/shared_key|vpn_connection/);
  });

  it("buildApp adds the stacks under their documented names", () => {
    const built = buildApp(new App({ outdir: "/tmp/unused", skipValidation: true }));
    expect(built.node.tryFindChild("hybrid-training")).toBeInstanceOf(HybridTrainingStack);
    expect(built.node.tryFindChild("hybrid-links")).toBeInstanceOf(HybridLinksStack);
    expect(built.node.tryFindChild("training-task")).toBeInstanceOf(TrainingTaskStack);
  });

  it("has the seed's job as a launchable task: 30 GPUs on 4 x 8-GPU nodes, /dataset/imagenet, 12 h deadline", () => {
    const taskStack = new TrainingTaskStack(Testing.app(), "training-task");
    const out = JSON.parse(Testing.synth(taskStack, true));
    const task = taskStack.task;
    expect(task.chosen).toMatchObject({ nodes: 4, gpusPerNode: 8 });
    expect(task.maxRuntimeMinutes).toBe(720);
    expect(Object.keys(out.output)).toEqual(expect.arrayContaining(["neural_network_training_status_uri", "neural_network_training_logs_uri", "neural_network_training_placement", "neural_network_training_run_id"]));
  });
});
