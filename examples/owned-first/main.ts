/**
 * Owned GPUs first, the clouds when they are full: the company's own Slurm cluster in its
 * Frankfurt data centre is a placement target like an AWS or Azure offering.
 *
 * The `owned-first` stack joins the data centre (site `fra-dc1`) to an AWS VPC and an Azure VNet
 * over BGP VPN and declares its GPU pool: the Slurm partition `gpu` of 4 DGX H100 nodes (8 x H100,
 * 8 x 400 Gb/s InfiniBand each), with a Lustre file system at /lustre and enroot images through
 * pyxis. The pool's hour is amortized from its purchase, life, use and power, and its carbon comes
 * from the site's PUE and the German grid (the factor of eu-central-1). This stack's state holds
 * the VPN keys, and no other stack references it.
 *
 * The `owned-first-task` stack is the seed's job, 30 GPUs and 256 GiB for "Neural Network
 * Training" over /dataset/imagenet, with `prefer: "owned"`: the planner puts the pool first (it
 * fits: 4 x 8 = 32 GPUs), and the task synthesizes no cloud compute, only the Slurm job that
 * `hgpu launch --stack owned-first-task` submits. When the pool cannot start it within
 * `maxQueueWait`, the launcher excludes the pool and the same program places the task on the
 * clouds (AWS here, where `dataSource` keeps the cloud's copy of the data).
 *
 * Inputs that differ per organisation are Terraform variables: the data centre's VPN address and
 * the pre-shared key of its Azure connection.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { AwsNetwork, AzureNetwork, GpuPolicies, GpuTask, OnPremGpuPool, OnPremSite } from "../../lib";

/** The data centre, its networks in the clouds, and its GPU pool. */
export class OwnedFirstStack extends TerraformStack {
  public readonly awsNetwork: AwsNetwork;
  public readonly azureNetwork: AzureNetwork;
  public readonly site: OnPremSite;
  public readonly pool: OnPremGpuPool;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-central-1" });
    new AzurermProvider(this, "azure", { features: [{}], storageUseAzuread: true });
    this.awsNetwork = new AwsNetwork(this, "aws-network", { cidr: "10.10.0.0/16", zones: ["euc1-az2"] });
    this.azureNetwork = new AzureNetwork(this, "azure-network", { cidr: "10.20.0.0/16", location: "germanywestcentral" });
    const dcAddress = new TerraformVariable(this, "datacentre_vpn_public_ip", { type: "string", description: "Public IPv4 address of the data centre's VPN device" });
    this.site = new OnPremSite(this, "datacentre", {
      name: "fra-dc1", publicIp: dcAddress.stringValue, cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [this.awsNetwork, this.azureNetwork],
    });
    this.pool = new OnPremGpuPool(this, "dgx-pool", {
      name: "dgx-h100",
      site: this.site,
      scheduler: { kind: "slurm", partition: "gpu", account: "ml-research", submitHost: "login1.fra-dc1.example.com" },
      nodes: 4,
      accelerator: "H100",
      gpusPerNode: 8,
      memoryGiBPerNode: 2048,
      vCpusPerNode: 224,
      fabric: { kind: "infiniband", gbpsPerNode: 3200, interfaces: 8 },
      sharedPath: "/lustre",
      container: "pyxis",
      // 4 DGX H100 with their share of fabric and storage, written off over 4 years, busy 70% of the time
      cost: { capexUsd: 2_000_000, lifetimeYears: 4, utilization: 0.7, powerUsdPerKwh: 0.15 },
      pue: 1.35,
      gridRegion: "eu-central-1",
    });
  }
}

/** The seed's job, owned capacity first, in a stack of its own (one task per launched stack). */
export class OwnedFirstTaskStack extends TerraformStack {
  public readonly task: GpuTask;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.task = new GpuTask(this, "task", {
      name: "neural-network-training",
      gpus: 30,
      memoryGiB: 256,
      prefer: "owned",
      image: "nvcr.io/nvidia/pytorch:24.05-py3",
      command: ["/workspace/train.py", "--data", "/dataset/imagenet", "--epochs", "90"],
      // On the pool: /lustre/dataset/imagenet; on a cloud: loaded from S3 into its Lustre.
      dataPath: "/dataset/imagenet",
      dataSource: "s3://example-ml-datasets/imagenet/",
      maxRuntime: "12h",
      maxQueueWait: "10m",
      notify: "ml-platform@example.com",
    });
  }
}

/** Builds the example app (the tests call this; `main` synthesizes it). The pool comes before the task. */
export function buildApp(app: App = new App()): App {
  new OwnedFirstStack(app, "owned-first");
  new OwnedFirstTaskStack(app, "owned-first-task");
  GpuPolicies.applyTo(app, { requiredTags: [] });
  return app;
}

if (require.main === module) {
  setImmediate(() => buildApp().synth());
}
