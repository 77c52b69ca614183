/**
 * The one error type for bad input. Its message always reads
 * `<path>: <field> <value> is not valid[ <context>]: <what is allowed>`,
 * so a user can find the construct, the prop and the fix from one line.
 *
 * Every instance carries the brand `Symbol.for("cdktf-hybrid-gpu.ValidationError")`, so
 * {@link isValidationError} recognises one thrown by another copy of the library (two versions
 * in one `node_modules`, or the CLI's copy and the app's), where `instanceof` would not.
 */
export class ValidationError extends Error {
  /** Construct path (or another locator such as `planner`) the bad input was given to. */
  public readonly path: string;
  /** The prop or field that holds the bad value. */
  public readonly field: string;
  /** The bad value as given. */
  public readonly value: unknown;
  /** What is allowed instead. */
  public readonly allowed: string;

  constructor(path: string, field: string, value: unknown, allowed: string, context?: string) {
    super(`${path}: ${field} ${formatValue(value)} is not valid${context ? ` ${context}` : ""}: ${allowed}`);
    this.name = "ValidationError";
    this.path = path;
    this.field = field;
    this.value = value;
    this.allowed = allowed;
    Object.defineProperty(this, VALIDATION_ERROR, { value: true, enumerable: false });
  }
}

/** The brand every {@link ValidationError} carries, shared by all copies of the library. */
export const VALIDATION_ERROR: unique symbol = Symbol.for("cdktf-hybrid-gpu.ValidationError") as typeof VALIDATION_ERROR;

/**
 * Whether `e` is a {@link ValidationError} (or a subclass such as `NoPlacementError`) from any
 * copy of this library: it checks the brand, not the class, as aws-cdk's `Errors.isValidationError` does.
 */
export function isValidationError(e: unknown): e is ValidationError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[VALIDATION_ERROR] === true;
}

/** Formats a value for an error message: strings quoted, arrays and objects as JSON, a value JSON cannot write (a cycle, a bigint) by String(). */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  // Numbers by String(), which keeps NaN and Infinity (JSON would write null); the rest as JSON.
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
