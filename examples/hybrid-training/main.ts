/**
 * The seed scenario: 30 GPUs and 256 GiB of memory for "Neural Network Training" over
 * /dataset/imagenet, on whichever of AWS and Azure has the best placement.
 *
 * At this stage the library has its catalog and planner; the cloud constructs (clusters, storage,
 * hybrid link, task) arrive with later issues and will be added here. The stack declares the two
 * providers, configured for the chosen placements, and outputs what the planner chose.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { describePlacement, planPlacements, type Placement, type Requirements } from "../../lib";

/** The seed's request. */
export const SEED_REQUEST: Requirements = { gpus: 30, memoryGiB: 256 };

/** The hybrid training stack. */
export class HybridTrainingStack extends TerraformStack {
  /** Best placement on each cloud, and overall. */
  public readonly best: { aws: Placement; azure: Placement; overall: Placement };

  constructor(scope: Construct, id: string, request: Requirements = SEED_REQUEST) {
    super(scope, id);
    const overall = planPlacements(request).placements[0]!;
    const aws = planPlacements({ ...request, clouds: ["aws"] }).placements[0]!;
    const azure = planPlacements({ ...request, clouds: ["azure"] }).placements[0]!;
    this.best = { aws, azure, overall };

    new AwsProvider(this, "aws", { region: aws.region });
    new AzurermProvider(this, "azure", { features: [{}] });

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
