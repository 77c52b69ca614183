import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureNetwork } from "../../lib/azure/network";
export { errorOf, resources, synth } from "../helpers";

/** A stack "s" with both providers, an AWS network (10.10.0.0/16) and an Azure network (10.20.0.0/16). */
export function hybridStack(): { stack: TerraformStack; aws: AwsNetwork; azure: AzureNetwork } {
  const stack = new TerraformStack(Testing.app(), "s");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new AzurermProvider(stack, "azure", { features: [{}] });
  const aws = new AwsNetwork(stack, "aws-net", { cidr: "10.10.0.0/16", zones: ["use1-az4"], natGateways: "single" });
  const azure = new AzureNetwork(stack, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
  return { stack, aws, azure };
}
