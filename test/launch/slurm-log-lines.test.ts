/** How the launcher prints node 0's log (lib/launch/log-lines.ts), as a Slurm job's log arrives in pieces. */
import { describe, expect, it } from "vitest";
import { logQuoter } from "../../lib/launch/log-lines";

describe("node 0's log as printed", () => {
  it("prefixes each line once, where it starts, across pieces; nothing dangles after a line break", () => {
    const quote = logQuoter();
    expect(quote("epoch 1\nepoch 2\n")).toBe("  | epoch 1\n  | epoch 2\n");
    expect(quote("epoch 3 lo")).toBe("  | epoch 3 lo");
    expect(quote("ss 0.9\nep")).toBe("ss 0.9\n  | ep");
    expect(quote("")).toBe("");
    expect(quote("och 4\n\nend\n")).toBe("och 4\n  | \n  | end\n");
    expect(logQuoter("> ")("a\n")).toBe("> a\n");
  });
});
