import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AwsNetwork, type AwsNetworkProps } from "../../lib/aws/network";
export { resources, synth, validationErrorOf } from "../helpers";

/** A stack named "s" with an AWS provider in us-east-1. */
export function awsStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "s");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** A stack with a two-zone network "net" (use1-az4, use1-az6). */
export function withNetwork(props: Partial<AwsNetworkProps> = {}): { stack: TerraformStack; network: AwsNetwork } {
  const stack = awsStack();
  const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"], ...props });
  return { stack, network };
}
