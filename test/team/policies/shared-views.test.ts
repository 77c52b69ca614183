/**
 * The stack validations of one synthesis share the app's stack views: each stack is read once,
 * not once per stack that looks across stacks (50 team stacks would read 2,450 views). A view is
 * never reused after its stack may have changed: a new synthesis reads every stack again.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack } from "cdktf";
import { afterEach, describe, expect, it, vi, type TestContext } from "vitest";
import { GpuPolicies } from "../../../lib/team/policies/gpu-policies";

/** An app of `n` stacks, each with a security group open to the internet that no GPU node in it uses (a rule then looks in the other stacks). */
function app(ctx: TestContext, n: number) {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-views-"));
  ctx.onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
  // An App that runs its validations (Testing.app skips them).
  const a = new App({ outdir });
  const stacks = Array.from({ length: n }, (_, i) => {
    const stack = new TerraformStack(a, `team-${i}`);
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new SecurityGroup(stack, "open", { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    Aspects.of(stack).add(new GpuPolicies({ requiredTags: [] }));
    return stack;
  });
  return { a, stacks };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("GpuPolicies' stack views in one synthesis", () => {
  it("reads each of 6 stacks at most twice for its judgements, not once per stack that looks across", (ctx) => {
    const { a } = app(ctx, 6);
    const reads = vi.spyOn(TerraformStack.prototype, "toTerraform");
    a.synth();
    // cdktf's own synthesis reads each stack once (6). The first stack's judgement reads itself and,
    // looking across, the other 5; each of those 5 is read again after its own aspects ran (they may
    // change it): 6 + 6 + 5 = 17. Without sharing, every judgement read the other 5: 6 + 6 + 6 x 5 = 42.
    expect(reads).toHaveBeenCalledTimes(17);
  });

  it("a second synthesis in the same tick reads every stack again: a change since the first is seen", (ctx) => {
    const { a, stacks } = app(ctx, 2);
    a.synth();
    const reads = vi.spyOn(TerraformStack.prototype, "toTerraform");
    new SecurityGroup(stacks[1]!, "also-open", { ingress: [{ fromPort: 3389, toPort: 3389, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    a.synth();
    // 2 for cdktf, then team-0's judgement reads itself and team-1 anew, then team-1 itself after its aspects: 5.
    expect(reads).toHaveBeenCalledTimes(5);
    expect(reads.mock.contexts.map((stack) => (stack as TerraformStack).node.id)).toEqual(["team-0", "team-1", "team-0", "team-1", "team-1"]);
  });
});
