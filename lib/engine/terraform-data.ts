/**
 * Terraform's built-in `terraform_data` resource, as the library declares it: the engine's
 * `DataResource` without the synth-time `terraform version` check that its constructor adds.
 *
 * That check spawns the Terraform binary while the app synthesizes, to refuse Terraform older than
 * 1.4 (the first with `terraform_data`). For the library's own start markers and waits it is the
 * only reason a synthesis needs Terraform installed, and the largest single wait of one: 0.1 to
 * 0.16 s of the main example's synth, plus Terraform's own online update check unless
 * `CHECKPOINT_DISABLE` is set. Where Terraform runs, it knows its own resource types: one older
 * than 1.4 refuses `terraform_data` as an invalid resource type at `terraform validate` and
 * `plan`, before anything is created. The library needs 1.5 or later. The engine's `DataResource`,
 * where an app uses it directly, keeps its check (run once per process, see ./core).
 *
 * The resource's configuration, its attributes and its JSON and HCL synthesis are those of the
 * engine's class, so a stack synthesizes the same either way.
 */
import type { Construct } from "constructs";
import { AnyMap, TerraformResource, anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, type DataConfig } from "./core";

export type { DataConfig as TerraformDataConfig } from "./core";

/** A `terraform_data` resource (Terraform 1.4 or later), with no synth-time version check. */
export class TerraformData extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "terraform_data";

  /** Stored in the state and shown in `output` after apply. */
  public readonly inputValue?: { [key: string]: unknown };
  /** Replaces the resource, and so reruns its provisioners, whenever it changes. */
  public readonly triggersReplaceValue?: { [key: string]: unknown };
  /** The `output` attribute: the stored `input`, known after apply. */
  public readonly output: AnyMap;

  public constructor(scope: Construct, id: string, config: DataConfig = {}) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      terraformGeneratorMetadata: { providerName: "terraform" },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.inputValue = config.input;
    this.triggersReplaceValue = config.triggersReplace;
    this.output = new AnyMap(this, "output");
  }

  /** The resource's ID: a random UUID Terraform assigns at creation. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapper(anyToTerraform)(this.inputValue),
      triggers_replace: hashMapper(anyToTerraform)(this.triggersReplaceValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this.inputValue),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggersReplaceValue),
    };
  }
}
