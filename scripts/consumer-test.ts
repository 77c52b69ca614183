/**
 * The package as a user gets it: `npm pack`, then two projects in a temporary folder that install
 * the tarball with its peers (from the npm cache when it holds them, else the registry):
 *
 * 1. a full consumer (both providers) compiled with `tsc` twice, as CommonJS (`module: commonjs`,
 *    the classic cdktf template) and as ESM (`type: module`, `NodeNext`); each synthesizes a small
 *    stack, and the project runs `npx hgpu --help`, `npx hgpu place --gpus 8` and `npx hgpu synth`;
 * 2. an AWS-only consumer without @cdktf/provider-azurerm and without the optional cloud SDKs,
 *    importing `cdktf-hybrid-gpu/aws` and `cdktf-hybrid-gpu/planner`, and running `npx hgpu place`;
 * 3. the README's "Use it in your project" files (its `<!-- file: ... -->` blocks), compiled with
 *    `npx tsc` and synthesized with `npx hgpu synth` in the AWS-only install;
 * 4. the CDK Terrain build (`npm run build:cdktn`, package `cdktn-hybrid-gpu`) installed with cdktn
 *    and its providers at tools/cdktn's pins: it compiles, synthesizes (TeamStack's Azure tags
 *    applied) on Node 20 and on Node 22, and the policy pack attached to the App reports a planted
 *    public bucket.
 *
 * Usage: npm run test:consumer [-- --keep]   (--keep leaves the folder for a look)
 * Exit 0 when every step passed; the first failing step prints its output and exits 1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractSnippets } from "../test/readme/snippets";
import { AWS_ONLY_FILES, CDKTN_FILES, CONSUMER_FILES } from "./consumer/files";

const root = join(__dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
const pin = (name: string) => `${name}@${pkg.devDependencies[name]}`;
/** The TypeScript a consumer compiles with: 5.9, what most projects have (the project itself is on 7). */
const CONSUMER_TYPESCRIPT = "typescript@5.9.3";
const keep = process.argv.includes("--keep");
const started = Date.now();

function step(title: string, command: string, args: readonly string[], cwd: string, check?: (out: string) => string | undefined): string {
  const t = Date.now();
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1", npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false" } });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const problem = r.status !== 0 ? `exit ${r.status ?? r.signal}` : check?.(out);
  if (problem) throw new Error(`FAIL ${title} (${command} ${args.join(" ")} in ${cwd}): ${problem}\n${out}`);
  console.log(`ok   ${title} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  return out;
}

const expectText = (...texts: string[]) => (out: string) => texts.find((t) => !out.includes(t)) && `output lacks ${JSON.stringify(texts.find((t) => !out.includes(t)))}`;

function project(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

const work = mkdtempSync(join(tmpdir(), "hgpu-consumer-"));
try {
  step("npm pack (builds dist/)", "npm", ["pack", "--pack-destination", work], root);
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);

  // 1. Both providers, CommonJS and ESM.
  const full = join(work, "full");
  project(full, CONSUMER_FILES);
  step("install the tarball with cdktf, constructs, both providers", "npm", ["install", "--prefer-offline", tarball, pin("cdktf"), pin("constructs"), pin("@cdktf/provider-aws"), pin("@cdktf/provider-azurerm"), pin("@types/node"), CONSUMER_TYPESCRIPT], full);
  step("tsc: CommonJS consumer", "npx", ["tsc", "-p", "tsconfig.cjs.json"], full);
  step("tsc: ESM (NodeNext) consumer", "npx", ["tsc", "-p", "esm/tsconfig.json"], full);
  for (const [name, main] of [["CommonJS", "dist-cjs/main.js"], ["ESM", "esm/dist/main.js"]] as const) {
    rmSync(join(full, "cdktf.out"), { recursive: true, force: true });
    step(`${name} consumer synthesizes`, "node", [main], full, (out) => expectText("8 x ")(out) ?? (existsSync(join(full, "cdktf.out/stacks/consumer/cdk.tf.json")) ? undefined : "no cdktf.out/stacks/consumer/cdk.tf.json"));
  }
  step("npx hgpu --help", "npx", ["hgpu", "--help"], full, expectText("usage: hgpu <command> [options]", "place"));
  step("npx hgpu place --gpus 8", "npx", ["hgpu", "place", "--gpus", "8"], full, expectText("feasible", "catalog built"));
  step("npx hgpu synth (cdktf.json's app)", "npx", ["hgpu", "synth"], full, expectText("stack consumer", "topology: "));
  step("a ValidationError in the app reaches the terminal as one line", "sh", ["-c", "npx hgpu synth --app 'node dist-cjs/bad.js' 2>&1; test $? -eq 1"], full, (out) =>
    out.trim() === 'hgpu synth: bad/net: cidr "10.0.0.0/8" is not valid: use a prefix length from 16 to 20' ? undefined : "not the one line expected");

  // 2. AWS only: no azurerm provider, no optional cloud SDKs.
  const awsOnly = join(work, "aws-only");
  project(awsOnly, AWS_ONLY_FILES);
  step("install for AWS only (no azurerm, --omit=optional)", "npm", ["install", "--prefer-offline", "--omit=optional", tarball, pin("cdktf"), pin("constructs"), pin("@cdktf/provider-aws"), pin("@types/node"), CONSUMER_TYPESCRIPT], awsOnly);
  step("tsc: AWS-only consumer", "npx", ["tsc", "-p", "tsconfig.json"], awsOnly);
  step("AWS-only consumer synthesizes without @cdktf/provider-azurerm", "node", ["dist/main.js"], awsOnly, expectText("azurerm: not installed", "aws-sdk: not installed", "synthesized"));
  step("npx hgpu place without the optional SDKs", "npx", ["hgpu", "place", "--gpus", "8", "--clouds", "aws"], awsOnly, expectText("feasible"));

  // 3. The README's "Use it in your project", file by file, in the AWS-only install.
  const readme = join(awsOnly, "readme");
  const files = extractSnippets(readFileSync(join(root, "README.md"), "utf8")).filter((b) => b.file);
  project(readme, Object.fromEntries(files.map((b) => [b.file!, `${b.code}\n`])));
  step(`README project (${files.map((b) => b.file).join(", ")}): npx tsc`, "npx", ["tsc"], readme);
  step("README project: npx hgpu synth", "npx", ["hgpu", "synth"], readme, expectText("stack gpu", "topology: "));
  // 4. CDK Terrain: the cdktn build of the same source, with cdktn's packages.
  const cdktnPack = join(work, "cdktn-pack");
  mkdirSync(cdktnPack);
  step("npm run build:cdktn", "npm", ["run", "build:cdktn"], root);
  step("npm pack dist-cdktn", "npm", ["pack", join(root, "dist-cdktn"), "--pack-destination", cdktnPack], root);
  const cdktnTarball = join(cdktnPack, readdirSync(cdktnPack).find((f) => f.endsWith(".tgz"))!);
  const cdktn = join(work, "cdktn");
  const enginePins = (JSON.parse(readFileSync(join(root, "tools/cdktn/package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies;
  project(cdktn, CDKTN_FILES);
  const consumerPkg = JSON.parse(readFileSync(join(cdktn, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(cdktn, "package.json"), JSON.stringify({ ...consumerPkg, dependencies: enginePins }, null, 2));
  step("install cdktn-hybrid-gpu with cdktn, constructs and both @cdktn providers", "npm", ["install", "--prefer-offline", cdktnTarball, pin("@types/node"), CONSUMER_TYPESCRIPT], cdktn);
  step("tsc: cdktn consumer", "npx", ["tsc", "-p", "tsconfig.json"], cdktn);
  step("cdktn consumer synthesizes, Azure tags applied", "node", ["dist/main.js"], cdktn, expectText("synthesized on cdktn"));
  step("cdktn: the pack on the App reports a planted public bucket", "sh", ["-c", "node dist/main.js --plant 2>&1; test $? -ne 0"], cdktn, expectText("HGPU-AWS-5", "vision"));
  step("cdktn: npx hgpu synth", "npx", ["hgpu", "synth"], cdktn, expectText("stack platform", "stack vision"));
  // @cdktn/provider-aws declares Node >= 22.11: the same consumer on Node 22 (the npm registry's `node` package).
  step("cdktn consumer on Node 22", "npx", ["--yes", "-p", "node@22", "node", "dist/main.js"], cdktn, expectText("synthesized on cdktn"));
  console.log(`consumer test passed in ${((Date.now() - started) / 1000).toFixed(0)} s${keep ? `; projects kept in ${work}` : ""}`);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
