/**
 * The engine's core: every symbol of CDK for Terraform (cdktf) the library uses, and the only
 * place in lib/ that imports it. `npm run build:cdktn` points this file at CDK Terrain (cdktn).
 *
 * Loading it also trims two costs the engine adds to every synthesis (both engines alike):
 *
 * - Token creation stacks. The engine records the call stack of every token it creates (each
 *   attribute reference, `Lazy` value, `Fn` call), to show it only if that token later fails to
 *   resolve ("Object creation stack" in the error). Under a runner with source maps (tsx, ts-node,
 *   `node --enable-source-maps`) each record maps every frame through the source maps, parsing the
 *   map of each file on the stack the first time: about 900 tokens in the main example, the largest
 *   part of what the library adds to a synth. They are off unless `HGPU_CREATION_STACKS` is set
 *   (to anything but "" or "0"); `tokenCreationStacks(true)` turns them back on.
 * - The Terraform version check. Each engine `DataResource` (`terraform_data`) adds a validation
 *   that runs `terraform version` (Terraform 1.4 or later has the resource); it now runs once per
 *   process for each binary and version range, and every resource still gets the result. The
 *   library's own `terraform_data` resources are `TerraformData` (./terraform-data), which has none.
 */
import { App } from "cdktf";

export { Annotations, AnyMap, App, Aspects, AzurermBackend, DefaultTokenResolver, Fn, ImportableResource, Lazy, LocalBackend, S3Backend, StringConcat, TerraformDataSource, TerraformLocal, TerraformModule, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack, TerraformVariable, Token, Tokenization, anyToHclTerraform, anyToTerraform, dependable, hashMapper, hashMapperHcl } from "cdktf";
export type { DataConfig, IAspect, ITerraformDependable } from "cdktf";

/**
 * A module of the engine's own `lib/` folder (e.g. `tokens/private/stack-trace`), loaded from the
 * copy of the engine that `import "cdktf"` reached: that is cdktn when a build, a test alias or a
 * preload points the import there, so the path is found from the loaded `App` class rather than
 * resolved by name. Undefined when no loaded `cdktf/lib/app.js` (or cdktn's) defines that `App` (a
 * bundled or otherwise unknown copy of the engine): the engine is then left as it is.
 */
function engineModule<T>(path: string): T | undefined {
  const defining = Object.values(require.cache).find((m) => m !== undefined && /[\\/]cdkt[fn][\\/]lib[\\/]app\.js$/.test(m.filename) && (m.exports as { App?: unknown }).App === App);
  return defining ? (defining.require(`./${path}`) as T) : undefined;
}

/** Where a token's creation stack comes from: cdktf's `captureStackTrace`, cdktn's `captureCreationStack`. */
type CreationStack = () => string[];
/** The engine's stack-trace module, and the engine's own capture function once this file has replaced it. */
type StackTraceModule = Record<string, CreationStack | undefined> & { [RECORDING]?: CreationStack };
const RECORDING = Symbol.for("cdktf-hybrid-gpu.recordingCreationStack");
const stackTraces = engineModule<StackTraceModule>("tokens/private/stack-trace");
/** The function the engine's tokens call for their creation stack. */
const capture = stackTraces && ("captureCreationStack" in stackTraces ? "captureCreationStack" : "captureStackTrace");
const recording = stackTraces && capture ? (stackTraces[RECORDING] ??= stackTraces[capture]) : undefined;
const notRecording: CreationStack = () => [];

/**
 * Whether the tokens created from now on record their creation stack (shown as "Object creation
 * stack" when a token fails to resolve). Off by default since it is most of what a synthesis
 * costs under a runner with source maps; `HGPU_CREATION_STACKS=1` turns it on at load. Applies to
 * every token of the process, the app's own included.
 */
export function tokenCreationStacks(enabled: boolean): void {
  if (stackTraces && capture) stackTraces[capture] = enabled ? recording : notRecording;
}
tokenCreationStacks(!["", "0", undefined].includes(process.env.HGPU_CREATION_STACKS));

/** The fields of the engine's `ValidateBinaryVersion` (the Terraform version check) that decide its result. */
interface BinaryVersionCheck {
  readonly versionCommand: string;
  readonly versionConstraint: string;
  readonly hint?: string;
  validate(): string[];
}
const ONCE = Symbol.for("cdktf-hybrid-gpu.versionCheckOnce");
const versionCheck = engineModule<{ ValidateBinaryVersion?: { prototype: BinaryVersionCheck } }>("validations/validate-binary-version")?.ValidateBinaryVersion?.prototype;
if (versionCheck && !(ONCE in versionCheck.validate)) {
  const run = versionCheck.validate;
  /** Each check's messages, by command, range, hint and the PATH the command was looked up in. */
  const results = new Map<string, readonly string[]>();
  versionCheck.validate = Object.assign(
    function validateOnce(this: BinaryVersionCheck): string[] {
      const key = [this.versionCommand, this.versionConstraint, this.hint ?? "", process.env.PATH ?? ""].join("\0");
      const messages = results.get(key) ?? run.call(this);
      results.set(key, messages);
      return [...messages];
    },
    { [ONCE]: true },
  );
}
