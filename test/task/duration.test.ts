import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { durationMinutes, terraformDuration } from "../../lib/task/duration";

describe("durationMinutes", () => {
  it.each<[string | number, number | undefined]>([
    ["12h", 720], ["90m", 90], ["1h30m", 90], ["2d", 2880], ["1.5h", 90], [6, 360], [0.5, 30],
    ["", undefined], ["12", undefined], ["-1h", undefined], ["0m", undefined], ["1w", undefined], [0, undefined], [-2, undefined],
    [Number.POSITIVE_INFINITY, undefined], [Number.NaN, undefined],
  ])("%j is %j minutes", (input, minutes) => {
    expect(durationMinutes(input)).toBe(minutes);
  });
  it("adds up parts in any order", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 59 }), (d, h, m) => {
      expect(durationMinutes(`${d}d${h}h${m}m`)).toBe(d * 1440 + h * 60 + m);
    }));
  });
  it("formats for Terraform's timeadd", () => {
    expect(terraformDuration(720)).toBe("720m");
    expect(terraformDuration(20160)).toBe("20160m");
  });
});
