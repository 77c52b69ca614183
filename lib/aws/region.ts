import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";

/** The literal region of the AWS provider in `scope`'s stack (the default one, without alias), if any. */
export function providerRegion(scope: IConstruct): string | undefined {
  const stack = TerraformStack.of(scope);
  const providers = stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider);
  const main = providers.find((p) => p.alias === undefined) ?? providers[0];
  const region = main?.region;
  return region !== undefined && !Token.isUnresolved(region) ? region : undefined;
}
