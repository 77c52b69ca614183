import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, Testing, type App } from "cdktf";
import type { IConstruct } from "constructs";
import { evaluateGpuPolicies, type GpuPoliciesOptions } from "../../../lib/team/policies";
export { validationErrorOf } from "../../helpers";

/** A stack "s" with an AWS provider in us-east-1 (plus optional provider settings), in a new app or in `app`. */
export function awsStack(provider: Partial<AwsProviderConfig> = {}, app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "us-east-1", ...provider });
  return stack;
}

/** A stack "s" with an azurerm provider. */
export function azureStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "s");
  new AzurermProvider(stack, "azure", { features: [{}] });
  return stack;
}

/** The finding messages of one rule on a stack (tag rules off unless `options` says otherwise). */
export function messages(stack: TerraformStack, ruleId: string, options: GpuPoliciesOptions = { requiredTags: [] }): string[] {
  return evaluateGpuPolicies(stack, options).filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

/** The annotation messages of one level (`info`, `warn`, `error`) on a construct. */
export function annotations(scope: IConstruct, level: "info" | "warn" | "error"): string[] {
  return scope.node.metadata.filter((m) => m.type === `@cdktf/${level}`).map((m) => String(m.data));
}

/** The annotation messages of one level anywhere under a construct. */
export function allAnnotations(scope: IConstruct, level: "info" | "warn" | "error"): string[] {
  return scope.node.findAll().flatMap((c) => annotations(c, level));
}

/** An OpenSSH public key for tests. */
export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ml@example";
