import { describe, expect, it } from "vitest";
import { roundTo } from "../../lib/core/numbers";

describe("roundTo", () => {
  it.each([
    [98.32 * 4, 4, 393.28],
    [15.98149, 4, 15.9815],
    [0.00004, 4, 0],
    [0.00005, 4, 0.0001],
    [2.5, 0, 3],
    [1234.5678, 2, 1234.57],
  ])("%d to %i places is %d", (value, digits, expected) => {
    expect(roundTo(value, digits)).toBe(expected);
  });

  it("keeps 4 places by default, as prices are kept", () => {
    expect(roundTo(21.957642)).toBe(21.9576);
  });
});
