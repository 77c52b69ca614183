/**
 * The seed scenario: 30 GPUs and 256 GiB of memory for "Neural Network Training" over
 * /dataset/imagenet, on whichever of AWS and Azure has the best placement.
 *
 * Each cloud gets its network, a Lustre file system linked to object storage holding the dataset
 * (FSx for Lustre with an S3 association on AWS, Managed Lustre with blob integration on Azure),
 * and a GPU cluster sized by the planner's best placement on that cloud: the `hybrid-training`
 * stack. A BGP VPN joins the two clouds (four tunnels) and the company's data centre joins both,
 * all in one address plan: the `hybrid-links` stack. Its state holds the VPN pre-shared keys, so
 * it stands apart and no stack references it (a reference is a `terraform_remote_state` lookup:
 * whoever may read the referenced state reads all of it, keys included); it references
 * `hybrid-training`, whose state holds no keys. Apply `hybrid-training` first, then `hybrid-links`.
 *
 * A second stack, `training-task`, is the seed's job as a GpuTask: the planner picks the cheapest
 * placement for 30 GPUs on whole 8-GPU nodes, and `hgpu launch --stack training-task` provisions
 * it, runs "Neural Network Training" over /dataset/imagenet and destroys everything after.
 *
 * Inputs that differ per organisation are Terraform variables (`terraform plan` asks for them):
 * the Azure admin's SSH public key, the dataset's storage account and the object ID of the
 * "HPC Cache Resource Provider" service principal in the tenant (hybrid-training); the data
 * centre's VPN address and the pre-shared key of its Azure connection (hybrid-links).
 *
 * The azurerm providers do not read storage accounts' data plane (`data_plane_available = false`):
 * the account each VNet's flow logs go to admits trusted Azure services alone, so Terraform could
 * not read its queue and static-website properties from outside.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import {
  AZURERM_FEATURES, AwsGpuCluster, AwsLustreStorage, AwsNetwork, AzureGpuCluster, AzureLustreStorage, AzureNetwork,
  CrossCloudLink, GpuPolicies, GpuTask, OnPremSite, describePlacement, planPlacements, type Placement, type Requirements,
} from "../../lib";

/** The seed's request. */
export const SEED_REQUEST: Requirements = { gpus: 30, memoryGiB: 256 };

/** Props of the example stack. */
export interface HybridTrainingProps {
  /** What the job asks for. @default SEED_REQUEST */
  readonly request?: Requirements;
  /** Where the dataset lives in S3. @default "s3://example-ml-datasets/imagenet/" */
  readonly datasetUri?: string;
}

/** The azurerm provider settings of the example's stacks: Entra ID for storage data calls, and no data-plane reads of storage accounts. */
export const AZURERM_SETTINGS = { features: AZURERM_FEATURES, storageUseAzuread: true };

/** The hybrid training stack: networks, storage and clusters on both clouds. */
export class HybridTrainingStack extends TerraformStack {
  /** Best placement on each cloud, and overall. */
  public readonly best: { aws: Placement; azure: Placement; overall: Placement };
  public readonly awsNetwork: AwsNetwork;
  public readonly awsStorage: AwsLustreStorage;
  public readonly awsCluster: AwsGpuCluster;
  public readonly azureNetwork: AzureNetwork;
  public readonly azureStorage: AzureLustreStorage;
  public readonly azureCluster: AzureGpuCluster;

  constructor(scope: Construct, id: string, props: HybridTrainingProps = {}) {
    super(scope, id);
    const request = props.request ?? SEED_REQUEST;
    const overall = planPlacements(request).placements[0]!;
    const aws = planPlacements({ ...request, clouds: ["aws"] }).placements[0]!;
    const azure = planPlacements({ ...request, clouds: ["azure"] }).placements[0]!;
    this.best = { aws, azure, overall };

    new AwsProvider(this, "aws", { region: aws.region });
    new AzurermProvider(this, "azure", AZURERM_SETTINGS);

    this.awsNetwork = new AwsNetwork(this, "aws-network", { cidr: "10.10.0.0/16", region: aws.region, ...(aws.zone ? { zones: [aws.zone] } : {}) });
    const zone = this.awsNetwork.zones[0]!;
    this.awsStorage = new AwsLustreStorage(this, "aws-data", {
      network: this.awsNetwork,
      zone,
      storageCapacityGiB: 4800,
      throughputPerTiB: 250,
      dataRepository: { bucket: props.datasetUri ?? "s3://example-ml-datasets/imagenet/", fileSystemPath: "/dataset/imagenet", autoExport: false },
    });
    this.awsCluster = new AwsGpuCluster(this, "aws-training", {
      network: this.awsNetwork,
      instanceType: aws.instanceType,
      nodes: aws.nodes,
      zone,
      storage: this.awsStorage,
    });

    const sshKey = new TerraformVariable(this, "azure_ssh_public_key", { type: "string", description: "OpenSSH public key of the Azure GPU nodes' admin user" });
    const datasetAccount = new TerraformVariable(this, "azure_dataset_storage_account_id", { type: "string", description: "Resource ID of the storage account whose imagenet container holds the dataset" });
    const hpcCacheRp = new TerraformVariable(this, "hpc_cache_rp_object_id", {
      type: "string",
      description: "Object ID of the HPC Cache Resource Provider service principal: az ad sp show --id 4392ab71-2ce2-4b0d-8770-b352745c73f5 --query id -o tsv",
    });
    this.azureNetwork = new AzureNetwork(this, "azure-network", { cidr: "10.20.0.0/16", location: azure.region });
    this.azureStorage = new AzureLustreStorage(this, "azure-data", {
      network: this.azureNetwork,
      sku: "AMLFS-Durable-Premium-250",
      capacityTiB: 16,
      zone: "1",
      blob: { storageAccountId: datasetAccount.stringValue, container: "imagenet", importPrefix: "/dataset/imagenet", hpcCacheResourceProviderPrincipalId: hpcCacheRp.stringValue },
    });
    this.azureCluster = new AzureGpuCluster(this, "azure-training", {
      network: this.azureNetwork,
      vmSize: azure.instanceType,
      nodes: azure.nodes,
      zone: "1",
      storage: this.azureStorage,
      sshPublicKey: sshKey.stringValue,
    });

    for (const [name, p] of Object.entries(this.best)) {
      new TerraformOutput(this, `placement-${name}`, {
        description: `best ${name === "overall" ? "" : `${name} `}placement for ${request.gpus} GPUs: ${describePlacement(p)}`,
        value: { cloud: p.cloud, region: p.region, zone: p.zone ?? "", instanceType: p.instanceType, nodes: p.nodes, gpus: p.gpus, usdPerHour: p.usdPerHour, summary: describePlacement(p) },
      });
    }
  }
}

/**
 * The hybrid links: the AWS-Azure VPN and the data centre's, in a stack of their own because their
 * state holds the VPN pre-shared keys. It references the networks' stack; nothing references it.
 */
export class HybridLinksStack extends TerraformStack {
  public readonly link: CrossCloudLink;
  public readonly dataCentre: OnPremSite;

  constructor(scope: Construct, id: string, networks: HybridTrainingStack) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: networks.awsNetwork.region });
    new AzurermProvider(this, "azure", AZURERM_SETTINGS);
    this.link = new CrossCloudLink(this, "aws-azure-link", { aws: networks.awsNetwork, azure: networks.azureNetwork });
    const dcAddress = new TerraformVariable(this, "datacentre_vpn_public_ip", { type: "string", description: "Public IPv4 address of the data centre's VPN device" });
    this.dataCentre = new OnPremSite(this, "datacentre", {
      name: "fra-dc1",
      publicIp: dcAddress.stringValue,
      cidrs: ["192.168.0.0/16"],
      bgpAsn: 65100,
      connectTo: [networks.awsNetwork, networks.azureNetwork],
    });
  }
}

/** The seed's training job as a self-tearing-down task, in a stack of its own (one task per launched stack). */
export class TrainingTaskStack extends TerraformStack {
  public readonly task: GpuTask;

  constructor(scope: Construct, id: string, props: HybridTrainingProps = {}) {
    super(scope, id);
    const request = props.request ?? SEED_REQUEST;
    this.task = new GpuTask(this, "task", {
      name: "neural-network-training",
      gpus: request.gpus,
      ...(request.memoryGiB !== undefined ? { memoryGiB: request.memoryGiB } : {}),
      image: "nvcr.io/nvidia/pytorch:24.05-py3",
      command: ["/workspace/train.py", "--data", "/dataset/imagenet", "--epochs", "90"],
      dataPath: "/dataset/imagenet",
      dataSource: props.datasetUri ?? "s3://example-ml-datasets/imagenet/",
      maxRuntime: "12h",
    });
  }
}

/** Builds the example app (tests and the benchmark call this; `main` synthesizes it). */
export function buildApp(app: App = new App()): App {
  const networks = new HybridTrainingStack(app, "hybrid-training");
  new HybridLinksStack(app, "hybrid-links", networks);
  new TrainingTaskStack(app, "training-task");
  // Every stack of the app, those added later included; these stacks carry no team tags (see examples/team-stacks for a TeamStack's).
  GpuPolicies.applyTo(app, { requiredTags: [] });
  return app;
}

if (require.main === module) {
  // Built after module loading: cdktf records a stack trace for every token, and a shallow stack
  // makes synth markedly faster than one under the module loader's frames.
  setImmediate(() => buildApp().synth());
}
