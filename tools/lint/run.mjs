// `npm run lint`: installs tools/lint (its own lockfile) when it is missing or older than the
// lockfile, then runs ESLint on the project with tools/lint/eslint.config.mjs. Extra arguments go
// to ESLint (e.g. `npm run lint -- --fix`).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const installed = join(here, "node_modules", ".package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(here, "package-lock.json")).mtimeMs) {
  const r = spawnSync("npm", ["ci", "--prefix", here, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const eslint = join(here, "node_modules", "eslint", "bin", "eslint.js");
const args = ["--config", join(here, "eslint.config.mjs"), "--max-warnings", "0", ...process.argv.slice(2)];
if (!process.argv.slice(2).some((a) => !a.startsWith("-"))) args.push("lib", "bin", "test", "scripts", "bench", "examples", "vitest.config.ts", "vitest.shared.ts", "vitest.system.config.ts", "vitest.cdktn.config.ts", "vitest.mutation.config.ts");
const r = spawnSync(process.execPath, [eslint, ...args], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
