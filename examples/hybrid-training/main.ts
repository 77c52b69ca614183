/**
 * The seed scenario: 30 GPUs and 256 GiB of memory for "Neural Network Training" over
 * /dataset/imagenet, on whichever of AWS and Azure has the best placement.
 *
 * The AWS half is built: a network, an FSx for Lustre file system linked to the dataset bucket
 * (mounted at /fsx, with /fsx/dataset/imagenet the training data), and a GPU cluster sized by the
 * planner's best AWS placement. The Azure half, the hybrid link and the task arrive with later
 * issues; for Azure the stack outputs the planner's choice.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsGpuCluster, AwsLustreStorage, AwsNetwork, describePlacement, planPlacements, type Placement, type Requirements } from "../../lib";

/** The seed's request. */
export const SEED_REQUEST: Requirements = { gpus: 30, memoryGiB: 256 };

/** Props of the example stack. */
export interface HybridTrainingProps {
  /** What the job asks for. @default SEED_REQUEST */
  readonly request?: Requirements;
  /** Where the dataset lives in S3. @default "s3://example-ml-datasets/imagenet/" */
  readonly datasetUri?: string;
}

/** The hybrid training stack. */
export class HybridTrainingStack extends TerraformStack {
  /** Best placement on each cloud, and overall. */
  public readonly best: { aws: Placement; azure: Placement; overall: Placement };
  public readonly awsNetwork: AwsNetwork;
  public readonly awsStorage: AwsLustreStorage;
  public readonly awsCluster: AwsGpuCluster;

  constructor(scope: Construct, id: string, props: HybridTrainingProps = {}) {
    super(scope, id);
    const request = props.request ?? SEED_REQUEST;
    const overall = planPlacements(request).placements[0]!;
    const aws = planPlacements({ ...request, clouds: ["aws"] }).placements[0]!;
    const azure = planPlacements({ ...request, clouds: ["azure"] }).placements[0]!;
    this.best = { aws, azure, overall };

    new AwsProvider(this, "aws", { region: aws.region });
    new AzurermProvider(this, "azure", { features: [{}] });

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

    for (const [name, p] of Object.entries(this.best)) {
      new TerraformOutput(this, `placement-${name}`, {
        description: `best ${name === "overall" ? "" : `${name} `}placement for ${request.gpus} GPUs: ${describePlacement(p)}`,
        value: { cloud: p.cloud, region: p.region, zone: p.zone ?? "", instanceType: p.instanceType, nodes: p.nodes, gpus: p.gpus, usdPerHour: p.usdPerHour, summary: describePlacement(p) },
      });
    }
  }
}

/** Builds the example app (tests and the benchmark call this; `main` synthesizes it). */
export function buildApp(app: App = new App()): App {
  new HybridTrainingStack(app, "hybrid-training");
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
