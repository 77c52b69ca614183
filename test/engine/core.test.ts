/**
 * Token creation stacks: off once the library is loaded (they are most of what a synthesis costs
 * under a runner with source maps), back with `tokenCreationStacks(true)`. What a user sees is the
 * "Object creation stack" part of a token resolution error.
 */
import { DataResource, Lazy, TerraformOutput, TerraformStack, Testing, Tokenization } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { tokenCreationStacks } from "../../lib";

/** A stack whose output holds a token that fails to resolve with "no value yet". */
function failingOutput(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "s");
  new TerraformOutput(stack, "o", {
    value: Lazy.anyValue({
      produce: () => {
        throw new Error("no value yet");
      },
    }),
  });
  return stack;
}

/** The message a synthesis of `stack` throws. */
function synthError(stack: TerraformStack): string {
  try {
    Testing.synth(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the synthesis did not fail");
}

describe("token creation stacks", () => {
  afterEach(() => tokenCreationStacks(false));

  it("are off once the library is loaded: tokens record none, and a resolution error is its message alone", () => {
    expect(Lazy.anyValue({ produce: () => 1 }).creationStack).toEqual([]);
    const data = new DataResource(new TerraformStack(Testing.app(), "s"), "d");
    expect(Tokenization.reverseString(data.id).firstToken?.creationStack).toEqual([]);
    expect(synthError(failingOutput())).toBe("Resolution error: no value yet.");
  });

  it("tokenCreationStacks(true) records them again, so the error says where the token was made; false turns them off", () => {
    tokenCreationStacks(true);
    const stack = Lazy.anyValue({ produce: () => 1 }).creationStack;
    expect(stack.some((frame) => /test\/engine\/core\.test\.ts:\d+:\d+/.test(frame))).toBe(true);
    const data = new DataResource(new TerraformStack(Testing.app(), "s"), "d");
    expect(Tokenization.reverseString(data.id).firstToken?.creationStack.some((frame) => frame.includes("core.test.ts"))).toBe(true);
    expect(synthError(failingOutput())).toMatch(/^Resolution error: no value yet\.\nObject creation stack:\n {2}at new LazyBase [\s\S]*\n {2}at failingOutput \(.*test\/engine\/core\.test\.ts:\d+:\d+\)\n/);

    tokenCreationStacks(false);
    expect(Lazy.anyValue({ produce: () => 1 }).creationStack).toEqual([]);
    expect(synthError(failingOutput())).toBe("Resolution error: no value yet.");
  });
});
