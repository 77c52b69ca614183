/**
 * The library's `terraform_data` resource: what the engine's `DataResource` synthesizes, in JSON
 * and in HCL, without the synth-time `terraform version` check.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataResource, Fn, TerraformIterator, TerraformOutput, TerraformStack, Testing, type DataConfig } from "cdktf";
import { describe, expect, it } from "vitest";
import { TerraformData } from "../../lib";
import { synth, withoutTerraform } from "../helpers";

/** A configuration that uses every argument the library's resources use, and a reference to another resource. */
function config(stack: TerraformStack): DataConfig {
  const other = new TerraformData(stack, "other");
  return {
    input: { task: "train", at: "${timestamp()}", nested: { ids: [other.id] } },
    triggersReplace: { role_assignment_ids: [other.id] },
    lifecycle: { ignoreChanges: ["input"] },
    provisioners: [{ type: "local-exec", command: "sleep 300" }],
    dependsOn: [other],
  };
}

/** A stack with one `terraform_data` "d" built by `make`, with outputs of its ID and of its output's "at". */
function stackWith(make: (stack: TerraformStack, cfg: DataConfig) => TerraformData | DataResource): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "s");
  const d = make(stack, config(stack));
  new TerraformOutput(stack, "id", { value: d.id });
  new TerraformOutput(stack, "at", { value: Fn.lookup(d.output, "at", "") });
  return stack;
}
const ours = () => stackWith((s, c) => new TerraformData(s, "d", c));
const engine = () => stackWith((s, c) => new DataResource(s, "d", c));

describe("TerraformData", () => {
  it("synthesizes the terraform_data resource with its arguments, and references to its id and output", () => {
    const tf = JSON.parse(Testing.synth(ours()));
    expect(tf.resource.terraform_data.d).toEqual({
      input: { task: "train", at: "${timestamp()}", nested: { ids: ["${terraform_data.other.id}"] } },
      triggers_replace: { role_assignment_ids: ["${terraform_data.other.id}"] },
      lifecycle: { ignore_changes: ["input"] },
      provisioner: [{ "local-exec": { command: "sleep 300" } }],
      depends_on: ["terraform_data.other"],
    });
    expect(tf.output).toEqual({ id: { value: "${terraform_data.d.id}" }, at: { value: "${terraform_data.d.output.at}" } });
    expect(TerraformData.tfResourceType).toBe("terraform_data");
  });

  it("synthesizes what the engine's DataResource does, in JSON and in HCL", () => {
    expect(Testing.synth(ours())).toBe(Testing.synth(engine()));
    const hcl = Testing.synthHcl(ours());
    expect(hcl).toBe(Testing.synthHcl(engine()));
    expect(hcl).toContain('resource "terraform_data" "d" {');
    expect(hcl).toContain("triggers_replace = {");
  });

  it("passes the other meta-arguments on as the engine's does: provider, count, connection, for_each", () => {
    const make = (cls: typeof TerraformData | typeof DataResource) => {
      const stack = new TerraformStack(Testing.app(), "s");
      const provider = new AwsProvider(stack, "east", { region: "us-east-1", alias: "east" });
      new cls(stack, "counted", { provider, count: 2, connection: { type: "ssh", host: "10.0.0.5" } });
      new cls(stack, "each", { forEach: TerraformIterator.fromList(["a", "b"]) });
      return JSON.parse(Testing.synth(stack)).resource.terraform_data;
    };
    const tf = make(TerraformData);
    expect(tf).toEqual(make(DataResource));
    expect(tf.counted).toEqual({ provider: "aws.east", count: 2, connection: { type: "ssh", host: "10.0.0.5" } });
    expect(tf.each.for_each).toMatch(/^\$\{toset\(\[.*"a".*"b".*\]\)\}$/s);
  });

  it("has the engine's DataResource's members, and they act alike: setters, resets, the configured values, attribute references, import", () => {
    const members = (cls: { prototype: object }) => Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== "constructor").sort();
    expect(members(TerraformData)).toEqual(members(DataResource));
    expect(members(TerraformData)).toEqual(["id", "input", "inputInput", "output", "resetInput", "resetTriggersReplace", "synthesizeAttributes", "synthesizeHclAttributes", "triggersReplace", "triggersReplaceInput"]);
    const edit = (cls: typeof TerraformData | typeof DataResource) => {
      const stack = new TerraformStack(Testing.app(), "s");
      const a = new cls(stack, "a", { input: { x: 1 }, triggersReplace: { y: 2 } });
      const b = new cls(stack, "b");
      b.input = { from: a.input, set: true };
      b.triggersReplace = { from: a.triggersReplace };
      const configured = [a.inputInput, a.triggersReplaceInput, b.inputInput?.set];
      a.resetInput();
      a.resetTriggersReplace();
      cls.generateConfigForImport(stack, "imported", "6a1c7c3e-0000-4000-8000-000000000000");
      return { tf: JSON.parse(Testing.synth(stack)), configured };
    };
    const ours = edit(TerraformData);
    expect(ours).toEqual(edit(DataResource));
    expect(ours.configured).toEqual([{ x: 1 }, { y: 2 }, true]);
    expect(ours.tf.resource.terraform_data).toEqual({
      a: {},
      b: { input: { from: "${terraform_data.a.input}", set: true }, triggers_replace: { from: "${terraform_data.a.triggers_replace}" } },
    });
    expect(ours.tf.import).toEqual([{ to: "terraform_data.imported", id: "6a1c7c3e-0000-4000-8000-000000000000" }]);
  });

  it("has no validation, so a synthesis needs no terraform; the engine's DataResource fails the same synthesis", () => {
    const d = new TerraformData(new TerraformStack(Testing.app(), "s"), "d");
    expect(withoutTerraform(() => d.node.validate())).toEqual([]);
    expect(Object.keys(withoutTerraform(() => synth(ours())).resource.terraform_data)).toEqual(["d", "other"]);
    const other = new DataResource(new TerraformStack(Testing.app(), "s"), "d");
    expect(withoutTerraform(() => other.node.validate())).toEqual([expect.stringMatching(/^Could not determine version of terraform, terraform version failed: /)]);
  });
});
