import { describe, expect, it } from "vitest";
import { alignColumns, table } from "../../lib/core/table";

describe("the one table (hgpu place, hgpu runs, --help)", () => {
  it("pads each column to its widest cell, two spaces apart, no trailing spaces", () => {
    expect(alignColumns([["a", "bbb", "c"], ["dddd", "e"], []])).toEqual(["a     bbb  c", "dddd  e", ""]);
    expect(table(["#", "name"], [["10", "x"]])).toBe("#   name\n10  x");
  });
});
