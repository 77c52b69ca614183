import { describe, expect, it } from "vitest";
import { extractSnippets, instrument, judge } from "./snippets";

describe("README claims", () => {
  it.each([
    [4, "4", undefined],
    [1.25, "1.25: one tunnel at a time", undefined],
    [["a", "b"], '["a", "b"], in that order', undefined],
    [{ kind: "efa", n: 32 }, '{ kind: "efa", n: 32 }', undefined],
    [{ kind: "efa", n: 32, extra: 1 }, '{ kind: "efa", n: 32 }', 'is {"kind":"efa","n":32,"extra":1}, not { kind: "efa", n: 32 }'],
    ["8 x p5 (8 x H100) in aws", "8 x p5 (8 x H100) in aws", undefined],
    ["x", '"x"', undefined],
    [29, "30: every other candidate", "is 29, not 30"],
    [700, "about 700 W", "unchecked"],
  ])("%j against %j", (value, claim, problem) => {
    expect(judge(value, claim)).toBe(problem);
  });

  it("instruments expression statements with a claim, inline or on the next line, and nothing else", () => {
    const [s] = extractSnippets(["# t", "", "```ts", "const a = f(); // not a claim", "a.b; // 4", "g(", "  x, // not a claim", "); // not a claim either", "h();", '// "y"', "console.log(a); // z", "```"].join("\n"));
    expect(instrument(s!).split("\n")).toEqual([
      "const a = f(); // not a claim",
      '__claim(() => (a.b), "4", 5);',
      "g(",
      "  x, // not a claim",
      "); // not a claim either",
      '__claim(() => (h()), "\\"y\\"", 9);',
      '// "y"',
      '__claim(() => __format(a), "z", 11);',
    ]);
  });

  it("names a block by the file comment right above it", () => {
    const blocks = extractSnippets(["<!-- file: main.ts -->", "```ts", "x", "```", "", "```sh", "y", "```"].join("\n"));
    expect(blocks).toEqual([{ lang: "ts", code: "x", line: 2, file: "main.ts" }, { lang: "sh", code: "y", line: 6 }]);
  });
});
