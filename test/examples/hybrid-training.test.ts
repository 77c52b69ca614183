import { App, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { HybridTrainingStack, SEED_REQUEST, TrainingTaskStack, buildApp } from "../../examples/hybrid-training/main";
import { planPlacements } from "../../lib/planner/planner";

describe("examples/hybrid-training", () => {
  const app = Testing.app();
  const stack = new HybridTrainingStack(app, "hybrid-training");
  const tf = JSON.parse(Testing.synth(stack, true));

  it("asks for the seed's 30 GPUs and 256 GiB", () => {
    expect(SEED_REQUEST).toEqual({ gpus: 30, memoryGiB: 256 });
  });

  it("configures the AWS provider in the best AWS placement's region, and Azure", () => {
    const bestAws = planPlacements({ ...SEED_REQUEST, clouds: ["aws"] }).placements[0]!;
    expect(tf.provider.aws).toEqual([{ region: bestAws.region }]);
    expect(tf.provider.azurerm).toEqual([{ features: [{}], storage_use_azuread: true }]);
  });

  it("outputs the chosen placements", () => {
    const overall = planPlacements(SEED_REQUEST).placements[0]!;
    expect(tf.output["placement-overall"].value).toMatchObject({ cloud: overall.cloud, instanceType: overall.instanceType, nodes: overall.nodes, gpus: overall.gpus });
    expect(tf.output["placement-overall"].value.gpus).toBeGreaterThanOrEqual(30);
    expect(tf.output["placement-aws"].value.cloud).toBe("aws");
    expect(tf.output["placement-azure"].value.cloud).toBe("azure");
    expect(stack.best.azure.fabric.kind).toBe("infiniband");
  });

  it("builds the AWS half from the AWS constructs, sized by the best AWS placement", () => {
    const bestAws = planPlacements({ ...SEED_REQUEST, clouds: ["aws"] }).placements[0]!;
    const asg = Object.values(tf.resource.aws_autoscaling_group)[0] as { desired_capacity: number };
    expect(asg.desired_capacity).toBe(bestAws.nodes);
    const lt = Object.values(tf.resource.aws_launch_template)[0] as { instance_type: string };
    expect(lt.instance_type).toBe(bestAws.instanceType);
    expect(Object.values(tf.resource.aws_fsx_data_repository_association)[0]).toMatchObject({
      data_repository_path: "s3://example-ml-datasets/imagenet/",
      file_system_path: "/dataset/imagenet",
    });
    expect(stack.awsCluster.gpus).toBeGreaterThanOrEqual(30);
    expect(stack.awsCluster.runInfo.dataMountPath).toBe("/fsx");
    expect(Object.keys(tf.resource.aws_vpc)).toHaveLength(1);
  });

  it("builds the Azure half from the Azure constructs, with per-organisation inputs as variables", () => {
    const bestAzure = planPlacements({ ...SEED_REQUEST, clouds: ["azure"] }).placements[0]!;
    const vmss = Object.values(tf.resource.azurerm_linux_virtual_machine_scale_set)[0] as Record<string, unknown>;
    expect(vmss).toMatchObject({ sku: bestAzure.instanceType, instances: bestAzure.nodes, single_placement_group: true, zones: ["1"] });
    expect(vmss.admin_ssh_key).toEqual([{ username: "azureuser", public_key: "${var.azure_ssh_public_key}" }]);
    expect(Object.keys(tf.variable).sort()).toEqual(["azure_dataset_storage_account_id", "azure_ssh_public_key", "datacentre_vpn_public_ip", "fra_dc1_vpn_shared_key", "hpc_cache_rp_object_id"]);
    const amlfs = Object.values(tf.resource.azurerm_managed_lustre_file_system)[0] as { hsm_setting: Record<string, string>; zones: string[] };
    expect(amlfs.zones).toEqual(["1"]);
    expect(amlfs.hsm_setting).toMatchObject({ container_id: "${var.azure_dataset_storage_account_id}/blobServices/default/containers/imagenet", import_prefix: "/dataset/imagenet" });
    expect(stack.azureCluster.runInfo.dataMountPath).toBe("/lustre");
  });

  it("links AWS and Azure with four BGP tunnels and joins the data centre to both", () => {
    expect(Object.keys(tf.resource.aws_vpn_connection)).toHaveLength(3);
    expect(Object.keys(tf.resource.azurerm_local_network_gateway)).toHaveLength(5);
    expect(Object.keys(tf.resource.azurerm_virtual_network_gateway_connection)).toHaveLength(5);
    expect(stack.link.tunnels).toHaveLength(4);
    expect(stack.dataCentre.aws).toHaveLength(1);
    expect(stack.dataCentre.azure).toHaveLength(1);
    expect(Object.values(tf.resource.aws_customer_gateway).map((c) => (c as { ip_address: string }).ip_address)).toContain("${var.datacentre_vpn_public_ip}");
  });

  it("buildApp adds the stack under its documented name", () => {
    const built = buildApp(new App({ outdir: "/tmp/unused", skipValidation: true }));
    expect(built.node.tryFindChild("hybrid-training")).toBeInstanceOf(HybridTrainingStack);
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
