/** The cdktn build's rewriting and the engine comparison, on hand-written inputs. */
import { describe, expect, it } from "vitest";
import { cdktnPackageJson, toCdktn } from "../../scripts/build-cdktn";
import { differences, withoutVersions } from "../../scripts/engine-diff";

describe("toCdktn", () => {
  it("points the engine and provider imports at cdktn, and nothing else", () => {
    const js = [
      'var cdktf_1 = require("cdktn-ish");',
      'var a = require("cdktf");',
      'var b = require("@cdktf/provider-aws/lib/vpc");',
      "export { X } from '@cdktf/provider-azurerm/lib/subnet';",
      'const note = "cdktf.json";',
      'var c = require("@cdktf/other");',
    ].join("\n");
    expect(toCdktn(js).split("\n")).toEqual([
      'var cdktf_1 = require("cdktn-ish");',
      'var a = require("cdktn");',
      'var b = require("@cdktn/provider-aws/lib/vpc");',
      "export { X } from '@cdktn/provider-azurerm/lib/subnet';",
      'const note = "cdktf.json";',
      'var c = require("@cdktf/other");',
    ]);
  });
});

describe("cdktnPackageJson", () => {
  const pkg = { name: "cdktf-hybrid-gpu", version: "1.2.3", description: "CDK for Terraform constructs", keywords: ["cdktf", "gpu"], scripts: { test: "x" }, devDependencies: { a: "1" }, allowScripts: {}, peerDependencies: { cdktf: "^0.21.0" }, main: "dist/lib/index.js" };
  const out = cdktnPackageJson(pkg, { cdktn: "0.24.0", "@cdktn/provider-aws": "25.7.0", "@cdktn/provider-azurerm": "16.1.0", constructs: "10.7.2" });
  it("renames the package and takes cdktn's peer ranges", () => {
    expect(out).toEqual({
      name: "cdktn-hybrid-gpu",
      version: "1.2.3",
      description: "CDK Terrain (cdktn) constructs",
      keywords: ["gpu", "cdktn", "cdk-terrain"],
      main: "dist/lib/index.js",
      peerDependencies: { "@cdktn/provider-aws": "^25.0.0", "@cdktn/provider-azurerm": "^16.0.0", cdktn: "^0.24.0", constructs: ">=10.6.0 <10.8.0" },
      peerDependenciesMeta: { "@cdktn/provider-aws": { optional: true }, "@cdktn/provider-azurerm": { optional: true } },
    });
  });
});

describe("engine-diff", () => {
  const stack = (engine: string, aws: string, source = "hashicorp/aws") => ({
    "//": { metadata: { version: engine, stackName: "s" } },
    terraform: { required_providers: { aws: { source, version: aws } } },
    resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } },
  });
  it("ignores the engine and provider versions and the implied hashicorp namespace", () => {
    expect(differences(withoutVersions(stack("0.21.0", "6.25.0", "aws")), withoutVersions(stack("0.24.0", "6.66.0")))).toEqual([]);
  });
  it("reports any other difference with its path", () => {
    const other = stack("0.24.0", "6.66.0");
    other.resource.aws_vpc.v.cidr_block = "10.1.0.0/16";
    expect(differences(withoutVersions(stack("0.21.0", "6.25.0")), withoutVersions(other))).toEqual(['/resource/aws_vpc/v/cidr_block: "10.0.0.0/16" vs "10.1.0.0/16"']);
  });
  it("does not change the stack it is given", () => {
    const s = stack("0.21.0", "6.25.0");
    withoutVersions(s);
    expect(s["//"].metadata.version).toBe("0.21.0");
  });
});
