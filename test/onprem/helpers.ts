import { Testing, type TerraformStack } from "cdktf";

/**
 * The stack's Terraform JSON as `cdktf synth` writes it, `//` metadata included (Testing.synth
 * strips every `//` key), after aspects and validations ran.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synthWithMetadata(stack: TerraformStack): any {
  Testing.synth(stack, true);
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}
