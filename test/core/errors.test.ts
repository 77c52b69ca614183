import { describe, expect, it } from "vitest";
import { formatValue, isValidationError, VALIDATION_ERROR, ValidationError } from "../../lib/core/errors";
import { NoPlacementError, planPlacements } from "../../lib/planner/planner";

describe("isValidationError", () => {
  it("recognises a ValidationError and its subclasses", () => {
    expect(isValidationError(new ValidationError("s/x", "nodes", 0, "use 1 to 100"))).toBe(true);
    let thrown: unknown;
    try {
      planPlacements({ gpus: 8, accelerator: "H100", maxUsdPerHour: 1 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NoPlacementError);
    expect(isValidationError(thrown)).toBe(true);
  });

  it("recognises one thrown by another copy of the library, by the brand alone", () => {
    // What a second copy's class would build: a plain Error carrying the shared brand.
    const other = Object.assign(new Error("s/x: nodes 0 is not valid: use 1 to 100"), { [Symbol.for("cdktf-hybrid-gpu.ValidationError")]: true });
    expect(other).not.toBeInstanceOf(ValidationError);
    expect(isValidationError(other)).toBe(true);
    expect(VALIDATION_ERROR).toBe(Symbol.for("cdktf-hybrid-gpu.ValidationError"));
  });

  it.each([[new Error("s/x: nodes 0 is not valid: use 1 to 100")], [new RangeError("x")], ["ValidationError"], [null], [undefined], [{ name: "ValidationError" }]])("refuses %j", (e) => {
    expect(isValidationError(e)).toBe(false);
  });

  it("keeps the brand out of JSON and of the enumerable fields", () => {
    const e = new ValidationError("s/x", "nodes", 0, "use 1 to 100");
    expect(Object.keys(e)).not.toContain(VALIDATION_ERROR);
    expect(Object.getOwnPropertySymbols(e)).toEqual([VALIDATION_ERROR]);
    expect(Object.getOwnPropertyDescriptor(e, VALIDATION_ERROR)?.enumerable).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ path: "s/x", field: "nodes", value: 0, allowed: "use 1 to 100", name: "ValidationError" });
    expect(e.message).toBe("s/x: nodes 0 is not valid: use 1 to 100");
  });
});

describe("formatValue", () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  it.each<[string, unknown, string]>([
    ["a string, quoted", "eastus", '"eastus"'],
    ["a string of digits, quoted", "8", '"8"'],
    ["an empty string", "", '""'],
    ["a number", 8, "8"],
    ["NaN, as itself", Number.NaN, "NaN"],
    ["Infinity, as itself", Number.POSITIVE_INFINITY, "Infinity"],
    ["a boolean", false, "false"],
    ["null", null, "null"],
    ["undefined", undefined, "(missing)"],
    ["a list", ["a", 1], '["a",1]'],
    ["an object", { cpu: 4 }, '{"cpu":4}'],
    ["a bigint, which JSON cannot write", 10n, "10"],
    ["an object with a cycle", cycle, "[object Object]"],
  ])("%s", (_what, value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });
});
