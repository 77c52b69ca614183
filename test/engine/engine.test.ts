/**
 * Which engine the suite runs on: `npm test` runs it on CDK for Terraform, `npm run test:cdktn` on
 * CDK Terrain (vitest.cdktn.config.ts sets HGPU_TEST_ENGINE and points the imports at tools/cdktn).
 * A cdktn run that silently loaded cdktf would pass every other test; this one fails it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "../..");
const read = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8")) as Record<string, Record<string, string>>;
const cdktn = process.env.HGPU_TEST_ENGINE === "cdktn";
/** The Terraform provider version a prebuilt provider package was generated for. */
const providerVersion = (dir: string) => (read(`${dir}/package.json`) as unknown as { cdktf: { provider: { version: string } } }).cdktf.provider.version;
/** What the run must be on, read from the pinning files and the installed packages' own metadata. */
const expected = cdktn
  ? { engine: read("tools/cdktn/package.json").dependencies!.cdktn, aws: providerVersion("tools/cdktn/node_modules/@cdktn/provider-aws"), azurerm: providerVersion("tools/cdktn/node_modules/@cdktn/provider-azurerm") }
  : { engine: read("package.json").devDependencies!.cdktf, aws: providerVersion("node_modules/@cdktf/provider-aws"), azurerm: providerVersion("node_modules/@cdktf/provider-azurerm") };

describe(`the suite runs on ${cdktn ? "CDK Terrain (cdktn)" : "CDK for Terraform (cdktf)"}`, () => {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-engine-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "engine");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  app.synth();
  const json = JSON.parse(readFileSync(join(outdir, "stacks/engine/cdk.tf.json"), "utf8")) as { "//": { metadata: { version: string } }; terraform: { required_providers: Record<string, { version: string }> } };

  it("the synthesized stack names the engine's version", () => {
    expect(json["//"].metadata.version).toBe(expected.engine);
  });
  it("the providers are that engine's builds", () => {
    const { aws, azurerm } = json.terraform.required_providers;
    expect([aws!.version, azurerm!.version]).toEqual([expected.aws, expected.azurerm]);
    // cdktf's and cdktn's prebuilt providers were generated for different provider versions
    if (cdktn) expect(expected.aws).not.toBe(providerVersion("node_modules/@cdktf/provider-aws"));
  });
});
