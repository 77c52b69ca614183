/**
 * `npm run build:cdktn`: the same library for CDK Terrain (cdktn), package `cdktn-hybrid-gpu`, in
 * `dist-cdktn/` (a package folder: `npm pack dist-cdktn` makes its tarball).
 *
 * One source serves both engines: nothing in lib/ imports the engine except the three adapters in
 * lib/engine/, so this build compiles the source as `npm run build` does and then rewrites only
 * those adapters' import targets (`cdktf` -> `cdktn`, `@cdktf/provider-*` -> `@cdktn/provider-*`)
 * and the package metadata (name, peer ranges, the azurerm `overrides` consumers need). It fails
 * when any other compiled file still names a cdktf package, so a stray import cannot ship.
 *
 * Usage: npm run build:cdktn
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..");
const out = join(root, "dist-cdktn");
/** The cdktn set the package is built and tested for (tools/cdktn pins the same versions). */
const engine = JSON.parse(readFileSync(join(root, "tools/cdktn/package.json"), "utf8")) as { dependencies: Record<string, string> };

/** An engine module name in a compiled file: `require("cdktf")`, `from "@cdktf/provider-aws/lib/vpc"`. */
const ENGINE_IMPORT = /(["'])(cdktf|@cdktf\/provider-(?:aws|azurerm))(\/[^"']*)?\1/g;

/** The adapter's text with its engine imports pointed at cdktn. */
export function toCdktn(text: string): string {
  return text.replace(ENGINE_IMPORT, (_m, q: string, pkg: string, rest: string | undefined) => `${q}${pkg.replace(/^cdktf$/, "cdktn").replace(/^@cdktf\//, "@cdktn/")}${rest ?? ""}${q}`);
}

/** The package.json of `cdktn-hybrid-gpu`, derived from the project's own. */
export function cdktnPackageJson(pkg: Record<string, unknown>, versions: Record<string, string>): Record<string, unknown> {
  const major = (v: string) => `^${v.split(".")[0] === "0" ? v.split(".").slice(0, 2).join(".") + ".0" : v.split(".")[0] + ".0.0"}`;
  const { scripts: _s, devDependencies: _d, allowScripts: _a, ...rest } = pkg;
  return {
    ...rest,
    name: "cdktn-hybrid-gpu",
    description: String(pkg.description).replace("CDK for Terraform", "CDK Terrain (cdktn)"),
    keywords: [...(pkg.keywords as string[]).filter((k) => k !== "cdktf"), "cdktn", "cdk-terrain"],
    peerDependencies: {
      "@cdktn/provider-aws": major(versions["@cdktn/provider-aws"]!),
      "@cdktn/provider-azurerm": major(versions["@cdktn/provider-azurerm"]!),
      cdktn: major(versions.cdktn!),
      constructs: ">=10.6.0 <10.8.0",
    },
    peerDependenciesMeta: { "@cdktn/provider-aws": { optional: true }, "@cdktn/provider-azurerm": { optional: true } },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

function main(): void {
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync("npx", ["--no-install", "tsc", "-p", "tsconfig.build.json", "--outDir", join(out, "dist")], { cwd: root, stdio: "inherit" });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  const adapters = join(out, "dist/lib/engine");
  for (const f of readdirSync(adapters)) writeFileSync(join(adapters, f), toCdktn(readFileSync(join(adapters, f), "utf8")));
  const strays = filesUnder(join(out, "dist")).filter((f) => /\.(js|d\.ts)$/.test(f) && !f.startsWith(adapters) && new RegExp(ENGINE_IMPORT.source).test(readFileSync(f, "utf8")));
  if (strays.length) throw new Error(`these compiled files import a cdktf package directly (only lib/engine/ may): ${strays.map((f) => relative(out, f)).join(", ")}`);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(out, "package.json"), `${JSON.stringify(cdktnPackageJson(pkg, engine.dependencies), null, 2)}\n`);
  for (const f of ["README.md", "LICENSE", "NOTICE", "CHANGELOG.md"]) if (existsSync(join(root, f))) copyFileSync(join(root, f), join(out, f));
  console.log(`built cdktn-hybrid-gpu in ${relative(root, out)}/ (npm pack ${relative(root, out)} makes the tarball)`);
}

if (require.main === module) main();
