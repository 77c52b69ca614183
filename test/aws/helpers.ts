import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AwsNetwork, type AwsNetworkProps } from "../../lib/aws/network";

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

/** Synthesizes with validations on and returns the parsed Terraform JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** The values of one resource type in synthesized JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resources(tf: any, type: string): any[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** The message of the error `fn` throws (fails the test if it throws none). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}
