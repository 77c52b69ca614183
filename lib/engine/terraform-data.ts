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
import { AnyMap, ImportableResource, TerraformProvider, TerraformResource, anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, type DataConfig } from "./core";

export type { DataConfig as TerraformDataConfig } from "./core";

/** Values of `input` and `triggers_replace`: any map. */
type AnyValues = { [key: string]: unknown };

/**
 * A `terraform_data` resource (Terraform 1.4 or later), with no synth-time version check. Its
 * members are the engine's `DataResource`'s, so code written for one works with the other (but
 * `instanceof DataResource` does not match it).
 */
export class TerraformData extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "terraform_data";

  /** A resource that imports an existing `terraform_data` (ID `importFromId`) when the plan runs, as `cdktf plan` generates it. */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: TerraformProvider): ImportableResource {
    return new ImportableResource(scope, importToId, { terraformResourceType: TerraformData.tfResourceType, importId: importFromId, provider });
  }

  private _input?: AnyValues;
  private _triggersReplace?: AnyValues;
  private readonly _output: AnyMap;

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
    this._input = config.input;
    this._triggersReplace = config.triggersReplace;
    this._output = new AnyMap(this, "output");
  }

  /** The resource's ID: a random UUID Terraform assigns at creation. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  /** A reference to the `input` attribute. Setting it sets the value stored in the state and shown in `output` after apply. */
  public get input(): AnyValues {
    return this.getAnyMapAttribute("input");
  }
  public set input(value: AnyValues) {
    this._input = value;
  }
  /** Leaves `input` out of the configuration. */
  public resetInput(): void {
    this._input = undefined;
  }
  /** The configured `input`, as given. */
  public get inputInput(): AnyValues | undefined {
    return this._input;
  }

  /** The `output` attribute: the stored `input`, known after apply. */
  public get output(): AnyMap {
    return this._output;
  }

  /** A reference to the `triggers_replace` attribute. Setting it sets the value whose change replaces the resource (and reruns its provisioners). */
  public get triggersReplace(): AnyValues {
    return this.getAnyMapAttribute("triggers_replace");
  }
  public set triggersReplace(value: AnyValues) {
    this._triggersReplace = value;
  }
  /** Leaves `triggers_replace` out of the configuration. */
  public resetTriggersReplace(): void {
    this._triggersReplace = undefined;
  }
  /** The configured `triggers_replace`, as given. */
  public get triggersReplaceInput(): AnyValues | undefined {
    return this._triggersReplace;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapper(anyToTerraform)(this._input),
      triggers_replace: hashMapper(anyToTerraform)(this._triggersReplace),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this._input),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this._triggersReplace),
    };
  }
}
