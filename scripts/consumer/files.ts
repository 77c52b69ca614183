/**
 * The consumer projects of scripts/consumer-test.ts, file by file: what a user writes after
 * `npm install cdktf-hybrid-gpu` (the README's "Use it in your project" shows the same shape).
 */

/**
 * A small stack on both clouds, importing from the package root and from subpaths. `deep` ends the
 * providers' deep imports: ESM resolves no folder, so it names `index.js` (the providers have no
 * `exports` map); CommonJS takes the folder.
 */
const main = (deep: string) => `import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider${deep}";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider${deep}";
import { describePlacement, isValidationError, planPlacements, ValidationError } from "cdktf-hybrid-gpu";
import { AwsGpuCluster, AwsNetwork } from "cdktf-hybrid-gpu/aws";
import { AzureNetwork } from "cdktf-hybrid-gpu/azure";
import { formatReport } from "cdktf-hybrid-gpu/report";

const app = new App();
const stack = new TerraformStack(app, "consumer");
new AwsProvider(stack, "aws", { region: "us-east-1" });
new AzurermProvider(stack, "azurerm", { features: [{}] });
const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
new AwsGpuCluster(stack, "train", { network, instanceType: "p4d.24xlarge", nodes: 2, zone: "use1-az4" });
new AzureNetwork(stack, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
app.synth();

const best = planPlacements({ gpus: 8 }).placements[0];
if (!best || typeof formatReport !== "function") throw new Error("the package's exports are incomplete");
console.log(describePlacement(best));
if (!isValidationError(new ValidationError("x", "y", 1, "z"))) throw new Error("isValidationError does not recognise a ValidationError");
`;

/** An app with bad input: hgpu synth must print its one line. */
const BAD = `import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsNetwork } from "cdktf-hybrid-gpu/aws";

const app = new App();
const stack = new TerraformStack(app, "bad");
new AwsProvider(stack, "aws", { region: "us-east-1" });
new AwsNetwork(stack, "net", { cidr: "10.0.0.0/8" });
app.synth();
`;

const STRICT = { strict: true, skipLibCheck: false, declaration: false, target: "ES2022", lib: ["ES2022"], types: ["node"] };

export const CONSUMER_FILES: Readonly<Record<string, string>> = {
  "package.json": JSON.stringify({ name: "consumer", version: "1.0.0", private: true }, null, 2),
  "cdktf.json": JSON.stringify({ language: "typescript", app: "node dist-cjs/main.js", output: "cdktf.out" }, null, 2),
  // The classic cdktf template: CommonJS, node10 resolution (subpaths through typesVersions).
  "tsconfig.cjs.json": JSON.stringify({ compilerOptions: { ...STRICT, module: "commonjs", moduleResolution: "node10", rootDir: "src", outDir: "dist-cjs" }, include: ["src"] }, null, 2),
  "src/main.ts": main(""),
  "src/bad.ts": BAD,
  // ESM: a package of its own with "type": "module", NodeNext.
  "esm/package.json": JSON.stringify({ type: "module", private: true }, null, 2),
  "esm/tsconfig.json": JSON.stringify({ compilerOptions: { ...STRICT, module: "nodenext", moduleResolution: "nodenext", rootDir: "src", outDir: "dist" }, include: ["src"] }, null, 2),
  "esm/src/main.ts": main("/index.js"),
};

/** AWS only: neither @cdktf/provider-azurerm nor the optional SDKs are installed. */
const AWS_ONLY_MAIN = `import { createRequire } from "node:module";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsGpuCluster, AwsLustreStorage, AwsNetwork } from "cdktf-hybrid-gpu/aws";
import { planPlacements } from "cdktf-hybrid-gpu/planner";

const absent = (name: string) => {
  try {
    createRequire(__filename).resolve(name);
    return "installed";
  } catch {
    return "not installed";
  }
};
console.log(\`azurerm: \${absent("@cdktf/provider-azurerm")}; aws-sdk: \${absent("@aws-sdk/client-s3")}\`);

const app = new App();
const stack = new TerraformStack(app, "aws-only");
new AwsProvider(stack, "aws", { region: "us-east-1" });
const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
const data = new AwsLustreStorage(stack, "data", { network, zone: "use1-az4", storageCapacityGiB: 1200, throughputPerTiB: 125 });
new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: data });
app.synth();
console.log(\`synthesized; \${planPlacements({ gpus: 8, clouds: ["aws"] }).placements.length} AWS placements\`);
`;

export const AWS_ONLY_FILES: Readonly<Record<string, string>> = {
  "package.json": JSON.stringify({ name: "aws-only-consumer", version: "1.0.0", private: true }, null, 2),
  "tsconfig.json": JSON.stringify({ compilerOptions: { ...STRICT, module: "commonjs", moduleResolution: "node10", rootDir: "src", outDir: "dist" }, include: ["src"] }, null, 2),
  "src/main.ts": AWS_ONLY_MAIN,
};

/**
 * CDK Terrain: `cdktn-hybrid-gpu` with cdktn and its providers. The team stack plants a public
 * bucket; the policy pack attached to the App must report it (a pack that silently did nothing,
 * as an aspect stored by another engine copy would, fails this consumer).
 */
const CDKTN_MAIN = `import { readFileSync } from "node:fs";
import { App } from "cdktn";
import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket";
import { AwsGpuCluster, AwsNetwork } from "cdktn-hybrid-gpu/aws";
import { AzureNetwork } from "cdktn-hybrid-gpu/azure";
import { GpuPolicies, TeamStack } from "cdktn-hybrid-gpu/team";

const app = new App();
GpuPolicies.applyTo(app);
const backend = { type: "local", path: "state/platform.tfstate" } as const;
const platform = new TeamStack(app, "platform", { team: "platform", costCenter: "cc-100", environment: "dev", backend, aws: { region: "us-east-1" }, azure: { location: "eastus" } });
const network = new AwsNetwork(platform, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
new AzureNetwork(platform, "azure-net", { cidr: "10.20.0.0/16" });
const vision = new TeamStack(app, "vision", { team: "vision", costCenter: "cc-200", environment: "dev", backend: { type: "local", path: "state/vision.tfstate" }, aws: { region: "us-east-1" } });
new AwsGpuCluster(vision, "train", { network, instanceType: "p4d.24xlarge", nodes: 2, zone: "use1-az4" });
if (process.argv.includes("--plant")) new S3Bucket(vision, "scratch", { bucket: "vision-scratch-public" });
app.synth();
// TeamStack tags Azure resources through an aspect: they must carry the team.
const json = JSON.parse(readFileSync("cdktf.out/stacks/platform/cdk.tf.json", "utf8"));
const vnets = Object.values(json.resource.azurerm_virtual_network ?? {}) as { tags?: Record<string, string> }[];
if (!vnets.length || vnets.some((v) => v.tags?.team !== "platform")) throw new Error("the Azure network lacks the team tag");
console.log(\`synthesized on cdktn; \${vnets.length} Azure network tagged team=platform\`);
`;

export const CDKTN_FILES: Readonly<Record<string, string>> = {
  "package.json": JSON.stringify({ name: "cdktn-consumer", version: "1.0.0", private: true, overrides: { "@cdktn/provider-azurerm": { cdktn: "$cdktn" } } }, null, 2),
  "cdktf.json": JSON.stringify({ language: "typescript", app: "node dist/main.js", output: "cdktf.out" }, null, 2),
  "tsconfig.json": JSON.stringify({ compilerOptions: { ...STRICT, module: "commonjs", moduleResolution: "node10", rootDir: "src", outDir: "dist" }, include: ["src"] }, null, 2),
  "src/main.ts": CDKTN_MAIN,
};
