/**
 * The one reader of argument values in synthesized Terraform JSON (`cdk.tf.json`), shared by the
 * report and the policy pack. In that JSON a number may arrive as a string (`"8"`), a boolean as a
 * string (`"true"`), a nested block as an object or a list of objects, and any value may be an
 * expression (`"${var.nodes}"`) known only at plan time. Each function reads what Terraform itself
 * would convert, and returns undefined (or an empty list) for what it cannot read: an expression
 * is never taken for a literal. Pure: no cdktf import.
 */

/** A plain object (not an array, not null). */
export type PlainObject = Readonly<Record<string, unknown>>;

/**
 * A decimal number as Terraform converts a string to a number (cty's `ParseNumberVal`, base 10):
 * an optional sign, digits with an optional fraction (`8`, `-1`, `0.5`, `.5`, `5.`) and an
 * optional decimal exponent (`1e3`). No spaces, no hexadecimal, no `Inf`.
 */
export const TERRAFORM_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Whether `value` is a plain object. */
export function isObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is a plain object, else an empty object. */
export function objectOf(value: unknown): PlainObject {
  return isObject(value) ? value : {};
}

/**
 * The blocks of a nested block argument as a list: cdktf writes a single block as an object and
 * repeated ones as a list; hand-written JSON may use either. Items that are not objects (an
 * expression in place of a block) are left out.
 */
export function blocks(value: unknown): PlainObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first block of a nested block argument, or undefined. */
export function firstBlock(value: unknown): PlainObject | undefined {
  return blocks(value)[0];
}

/** A number argument: a finite number, or a string Terraform converts to one ({@link TERRAFORM_NUMBER}); else undefined. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return typeof value === "string" && TERRAFORM_NUMBER.test(value) ? Number(value) : undefined;
}

/** A string argument, or undefined (a number or boolean is not read as a string). */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A list argument's strings; a single string counts as a one-element list, other items are left out. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Terraform's true: `true`, or a string Terraform converts to true (`"true"`, `"1"`; not `"True"`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true" || value === "1";
}

/** Terraform's false: `false`, or a string Terraform converts to false (`"false"`, `"0"`; not `"False"`). */
export function isFalse(value: unknown): boolean {
  return value === false || value === "false" || value === "0";
}
