/**
 * The library recognises engine objects by the engine's symbol-based checks, not `instanceof`, so
 * it works when the app's engine is another copy than the library's (CDK Terrain next to cdktf, or
 * two installs of one). Here the library runs on cdktf and the constructs come from tools/cdktn.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { isAwsProvider, providerDefaultTags, providerRegion } from "../../lib/aws/provider";
import { AzureDefaultTags } from "../../lib/team/azure-default-tags";

const engineDir = join(__dirname, "../../tools/cdktn/node_modules");
const installed = existsSync(join(engineDir, "cdktn"));
if (!installed && process.env.CI === "true") throw new Error("tools/cdktn is not installed: npm ci --prefix tools/cdktn (.ci/run does it)");
const load = createRequire(join(engineDir, "noop.js"));

describe.skipIf(!installed || process.env.HGPU_TEST_ENGINE === "cdktn")("objects of another engine copy", () => {
  const other = load("cdktn") as typeof import("cdktf");
  const { AwsProvider: OtherAwsProvider } = load("@cdktn/provider-aws/lib/provider") as typeof import("@cdktf/provider-aws/lib/provider");
  const { S3Bucket } = load("@cdktn/provider-aws/lib/s3-bucket") as typeof import("@cdktf/provider-aws/lib/s3-bucket");
  const { ResourceGroup } = load("@cdktn/provider-azurerm/lib/resource-group") as typeof import("@cdktf/provider-azurerm/lib/resource-group");
  const stack = new other.TerraformStack(new other.App(), "other");
  const provider = new OtherAwsProvider(stack, "aws", { region: "eu-west-1", defaultTags: [{ tags: { team: "vision" } }] });
  const bucket = new S3Bucket(stack, "b", {});

  it("are not instances of this copy's classes (what instanceof would miss)", () => {
    expect(provider instanceof AwsProvider).toBe(false);
  });
  it("an AWS provider is recognised, with its region and default tags", () => {
    expect(isAwsProvider(provider)).toBe(true);
    expect(isAwsProvider(bucket)).toBe(false);
    expect(providerRegion(bucket)).toBe("eu-west-1");
    expect(providerDefaultTags(bucket as never)).toEqual({ team: "vision" });
  });
  it("an azurerm resource gets the default tags", () => {
    const group = new ResourceGroup(stack, "rg", { name: "rg", location: "eastus", tags: { own: "yes" } });
    new AzureDefaultTags({ team: "vision" }).visit(group);
    expect(group.tagsInput).toEqual({ team: "vision", own: "yes" });
  });
});
