import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureNetwork } from "../../lib/azure/network";
export { resources, synth, validationErrorOf } from "../helpers";

/** A zone ID of each region the tests use. */
const ZONES: Record<string, string> = { "us-east-1": "use1-az4", "us-west-2": "usw2-az1", "eu-west-1": "euw1-az1", "ap-northeast-1": "apne1-az1", "ap-southeast-1": "apse1-az1" };

/**
 * A stack "s" with both providers, an AWS network (10.10.0.0/16, in `region`, us-east-1 unless
 * told) and an Azure network (10.20.0.0/16 in eastus).
 *
 * Each test builds and synthesizes the stack it reads, never a `describe` body or a `beforeAll`:
 * `npm run mutation` counts only the code a test runs as that test's, and a mutant reached only
 * while a file loads is not tested at all.
 */
export function hybridStack(region = "us-east-1", app: App = Testing.app(), id = "s"): { stack: TerraformStack; aws: AwsNetwork; azure: AzureNetwork } {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region });
  new AzurermProvider(stack, "azure", { features: [{}] });
  const aws = new AwsNetwork(stack, "aws-net", { cidr: "10.10.0.0/16", zones: [ZONES[region]!], natGateways: "single" });
  const azure = new AzureNetwork(stack, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
  return { stack, aws, azure };
}

/** A second stack of the same app with its own providers (AWS in `region`), for cross-stack rules. */
export function otherStack(app: App, id: string, region = "us-east-1"): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region });
  new AzurermProvider(stack, "azure", { features: [{}] });
  return stack;
}

/** The warnings a construct carries. */
export function warningsOf(c: { node: { metadata: readonly { type: string; data: unknown }[] } }): unknown[] {
  return c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
}
