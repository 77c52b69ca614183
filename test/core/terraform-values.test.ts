import { describe, expect, it } from "vitest";
import { blocks, firstBlock, isFalse, isObject, isTrue, numberOf, objectOf, stringOf, strings } from "../../lib/core/terraform-values";
import { block, first, num, str } from "../../lib/report/terraform-json";
import * as policyHelpers from "../../lib/team/policies/helpers";

describe("numberOf: what Terraform converts to a number", () => {
  it.each<[unknown, number | undefined]>([
    [8, 8],
    [0, 0],
    [-1, -1],
    [2.5, 2.5],
    ["8", 8],
    ["0", 0],
    ["-1", -1],
    ["+5", 5],
    ["1200", 1200],
    ["0.5", 0.5],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["2.4E+3", 2400],
    ["1e-2", 0.01],
    ["007", 7],
  ])("%j reads as %j", (value, expected) => {
    expect(numberOf(value)).toBe(expected);
  });

  it.each<[unknown]>([
    ["${var.nodes}"],
    ["${length(var.zones)}"],
    ["%{ if var.big }8%{ endif }"],
    [""],
    [" 8"],
    ["8 "],
    ["0x10"],
    ["1_000"],
    ["Infinity"],
    ["Inf"],
    ["NaN"],
    ["8 GiB"],
    ["e3"],
    ["1e"],
    ["-"],
    ["."],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [true],
    ["true"],
    [null],
    [undefined],
    [[8]],
    [{ value: 8 }],
  ])("%j is not a number", (value) => {
    expect(numberOf(value)).toBeUndefined();
  });
});

describe("isTrue and isFalse: what Terraform converts to a boolean", () => {
  it.each<[unknown, boolean, boolean]>([
    [true, true, false],
    ["true", true, false],
    ["1", true, false],
    [false, false, true],
    ["false", false, true],
    ["0", false, true],
    // cty refuses these spellings: neither true nor false
    ["True", false, false],
    ["FALSE", false, false],
    ["yes", false, false],
    [1, false, false],
    [0, false, false],
    ["${var.encrypted}", false, false],
    ["", false, false],
    [null, false, false],
    [undefined, false, false],
    [[true], false, false],
  ])("%j: isTrue %s, isFalse %s", (value, t, f) => {
    expect([isTrue(value), isFalse(value)]).toEqual([t, f]);
  });
});

describe("strings and stringOf", () => {
  it.each<[unknown, string[]]>([
    ["a", ["a"]],
    ["${var.cidrs}", ["${var.cidrs}"]],
    [["a", "b"], ["a", "b"]],
    [["a", 1, null, true, ["b"], "c"], ["a", "c"]],
    [[], []],
    [8, []],
    [undefined, []],
    [{ a: "b" }, []],
  ])("strings(%j) is %j", (value, expected) => {
    expect(strings(value)).toEqual(expected);
  });

  it.each<[unknown, string | undefined]>([
    ["a", "a"],
    ["", ""],
    ["${var.x}", "${var.x}"],
    [8, undefined],
    [true, undefined],
    [["a"], undefined],
    [undefined, undefined],
  ])("stringOf(%j) is %j", (value, expected) => {
    expect(stringOf(value)).toBe(expected);
  });
});

describe("blocks: a nested block written as an object or a list", () => {
  const a = { device_index: 0 };
  const b = { device_index: 1 };
  it.each<[unknown, object[]]>([
    [a, [a]],
    [[a, b], [a, b]],
    [[a, "${var.nic}", null, [b], b], [a, b]],
    [[], []],
    ["${var.nics}", []],
    [null, []],
    [undefined, []],
  ])("blocks(%j) is %j", (value, expected) => {
    expect(blocks(value)).toEqual(expected);
  });

  it("firstBlock is the first object, or undefined when there is none", () => {
    expect(firstBlock([a, b])).toBe(a);
    expect(firstBlock(["${var.nic}", b])).toBe(b);
    expect(firstBlock(b)).toBe(b);
    expect(firstBlock([])).toBeUndefined();
    expect(firstBlock("${var.nic}")).toBeUndefined();
  });

  it("isObject and objectOf accept plain objects only", () => {
    expect([{}, { a: 1 }, [], null, "x", 1].map(isObject)).toEqual([true, true, false, false, false, false]);
    expect(objectOf(a)).toBe(a);
    expect([[a], null, "x", undefined].map(objectOf)).toEqual([{}, {}, {}, {}]);
  });
});

describe("the report and the policy pack read values with this one reader", () => {
  it("the report's num and str are numberOf and stringOf, and its blocks read as firstBlock with {} when absent", () => {
    expect(num).toBe(numberOf);
    expect(str).toBe(stringOf);
    const b = { x: 1 };
    expect(first(["${var.a}", b])).toBe(b);
    expect(block({ k: [b] }, "k")).toBe(b);
    expect(block({}, "k")).toEqual({});
  });

  it("the policy helpers are the same functions", () => {
    expect(policyHelpers.numberOf).toBe(numberOf);
    expect(policyHelpers.isTrue).toBe(isTrue);
    expect(policyHelpers.isFalse).toBe(isFalse);
    expect(policyHelpers.blocks).toBe(blocks);
    expect(policyHelpers.block).toBe(firstBlock);
    expect(policyHelpers.strings).toBe(strings);
    expect(policyHelpers.isObject).toBe(isObject);
  });
});
