/** What the pack judges: whole stacks of an app (those created after applyTo too), subtrees, and what no Aspect visited. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { App, Aspects, TerraformStack, Testing, type IAspect } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { GpuPolicies } from "../../../lib/team/policies";
import { TeamStack } from "../../../lib/team/team-stack";
import { synthErrorsOf } from "../../helpers";

const PUBLIC = (path: string) => `${path}: HGPU-AWS-1 GPU nodes have no public IP: associate_public_ip_address is true`;

/** A GPU instance with a public IP (HGPU-AWS-1), compliant otherwise. */
function publicNode(scope: Construct, id = "vm"): Instance {
  return new Instance(scope, id, { ami: "ami-1", instanceType: "g5.xlarge", associatePublicIpAddress: true, metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } });
}

function stackIn(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** An Aspect that adds a public GPU node next to `under` (already passed by the traversal when it visits `trigger`). */
class AddsNodeLater implements IAspect {
  constructor(private readonly trigger: string, private readonly under: Construct) {}
  public visit(node: IConstruct): void {
    if (node.node.id === this.trigger && !this.under.node.tryFindChild("late")) publicNode(this.under, "late");
  }
}

describe("GpuPolicies.applyTo(app)", () => {
  it("covers a stack created after the call: the pack is attached when the app synthesizes", () => {
    const app = Testing.app();
    GpuPolicies.applyTo(app, { requiredTags: [] });
    const later = stackIn(app, "later");
    publicNode(later);
    expect(Aspects.of(later).all.filter((a) => a instanceof GpuPolicies)).toHaveLength(0);
    expect(synthErrorsOf(() => app.synth())).toContain(PUBLIC("later/vm"));
    expect(Aspects.of(later).all.filter((a) => a instanceof GpuPolicies)).toHaveLength(1);
  });

  it("judges, in an app validation, a stack synthesized without the pack attached (app.synth bypassed)", () => {
    const app = Testing.app();
    GpuPolicies.applyTo(app, { requiredTags: [] });
    publicNode(stackIn(app, "later"));
    expect(synthErrorsOf(() => App.prototype.synth.call(app))).toEqual([PUBLIC("later/vm")]);
  });

  it("leaves a TeamStack created after the call its own pack: each finding once", () => {
    const app = Testing.app();
    GpuPolicies.applyTo(app, { requiredTags: [] });
    const team = new TeamStack(app, "team", { team: "ml", costCenter: "cc-1", environment: "dev", backend: { type: "local" }, aws: { region: "us-east-1" }, policies: { requiredTags: [] } });
    publicNode(team);
    const messages = synthErrorsOf(() => app.synth());
    expect(messages.filter((m) => m === PUBLIC("team/vm"))).toHaveLength(1);
    expect(Aspects.of(team).all.filter((a) => a instanceof GpuPolicies)).toHaveLength(1);
  });
});

describe("GpuPolicies judges what no Aspect visited", () => {
  it("on a stack: a resource a later Aspect adds beside constructs already traversed", () => {
    const app = Testing.app();
    const stack = stackIn(app, "s");
    const team = new Construct(stack, "team");
    new Construct(team, "trigger");
    Aspects.of(stack).add(new GpuPolicies({ requiredTags: [] }));
    Aspects.of(stack).add(new AddsNodeLater("trigger", stack));
    expect(synthErrorsOf(() => Testing.synth(stack, true))).toContain(PUBLIC("s/late"));
  });

  it("on a construct: what is added under it later, and nothing outside it", () => {
    const app = Testing.app();
    const stack = stackIn(app, "s");
    const team = new Construct(stack, "team");
    new Construct(team, "trigger");
    publicNode(stack, "outside");
    Aspects.of(team).add(new GpuPolicies({ requiredTags: [] }));
    Aspects.of(stack).add(new AddsNodeLater("trigger", team));
    const message = synthErrorsOf(() => Testing.synth(stack, true));
    expect(message).toContain(PUBLIC("s/team/late"));
    expect(message).not.toContain("s/outside");
  });
});
