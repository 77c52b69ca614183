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
