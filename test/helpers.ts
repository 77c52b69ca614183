import { Testing, type TerraformStack } from "cdktf";
import { ValidationError } from "../lib/core/errors";

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

/** The message of the ValidationError `fn` throws (fails the test if it throws none, or another kind of error). */
export function validationErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error("expected a ValidationError");
}
