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

/**
 * The error `fn` throws, which must be a `type` (fails the test if it throws none, or another kind
 * of error): for reading an error's own fields, such as a NoPlacementError's rejected candidates.
 */
export function thrownBy<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

/** How cdktf begins the one error it throws for the validation errors of a stack's synth, and of an app's. */
export const SYNTH_VALIDATION_FAILED = ["Validation failed with the following errors:", "App-level validation failed with the following errors:"] as const;

/**
 * The message of the error a synth with validations throws: cdktf gathers every construct's
 * validation errors (`node.addValidation`) into one Error, one indented line each (`  [stack] message`
 * for a stack's, `  message` for the app's), after a {@link SYNTH_VALIDATION_FAILED} header. Fails the
 * test if `fn` throws none, or another error.
 */
export function synthErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && SYNTH_VALIDATION_FAILED.some((header) => e.message.startsWith(header))) return e.message;
    throw e;
  }
  throw new Error("expected the synth to fail its validations");
}

/**
 * The validation errors a synth fails with, one message each (without cdktf's `[stack] ` prefix),
 * from the error {@link synthErrorOf} reads: compare them whole, e.g. `toContain(exact message)`.
 */
export function synthErrorsOf(fn: () => unknown): string[] {
  const [, ...rest] = synthErrorOf(fn).split("\n");
  return rest.filter((line) => /^ {2}\S/.test(line)).map((line) => line.replace(/^ {2}(\[[^\]]*\] )?/, ""));
}

/** `fn`'s result, run with a PATH that holds no terraform (nor anything else); `fn` must be synchronous. */
export function withoutTerraform<T>(fn: () => T extends Promise<unknown> ? never : T): T {
  const saved = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.PATH;
    else process.env.PATH = saved;
  }
}
