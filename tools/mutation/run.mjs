// `npm run mutation`: installs tools/mutation (its own lockfile) when needed, runs Stryker with
// tools/mutation/stryker.config.mjs from the repository root, and prints the mutation score per
// module against its target (>= 90 % for lib/core and lib/planner, >= 85 % for the others).
// `npm run mutation -- --summary` only prints the table from the last run's report.
// Exit 1 when a module misses its target.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const report = join(root, "reports", "mutation", "mutation.json");

/** The modules scored, their files (a prefix or one file) and their targets, in percent. */
export const MODULES = [
  { name: "lib/core", prefix: "lib/core/", target: 90 },
  { name: "lib/planner", prefix: "lib/planner/", target: 90 },
  { name: "lib/hybrid", prefix: "lib/hybrid/", target: 85 },
  { name: "lib/aws/lustre-storage", prefix: "lib/aws/lustre-storage.ts", target: 85 },
  { name: "lib/azure/lustre-storage", prefix: "lib/azure/lustre-storage.ts", target: 85 },
  { name: "lib/team/policies", prefix: "lib/team/policies/", target: 85 },
  { name: "lib/launch/capacity-errors", prefix: "lib/launch/capacity-errors.ts", target: 85 },
];

/** Stryker's score: killed and timed-out mutants over all valid ones (no coverage counts as survived). */
export function scores(files) {
  return MODULES.map((m) => {
    const counts = { killed: 0, survived: 0, noCoverage: 0, timeout: 0 };
    for (const [file, { mutants }] of Object.entries(files)) {
      if (!file.startsWith(m.prefix)) continue;
      for (const { status } of mutants) {
        if (status === "Killed") counts.killed++;
        else if (status === "Timeout") counts.timeout++;
        else if (status === "Survived") counts.survived++;
        else if (status === "NoCoverage") counts.noCoverage++;
      }
    }
    const valid = counts.killed + counts.timeout + counts.survived + counts.noCoverage;
    return { ...m, ...counts, valid, score: valid ? (100 * (counts.killed + counts.timeout)) / valid : NaN };
  });
}

function main() {
  if (!process.argv.includes("--summary")) {
    const installed = join(here, "node_modules", ".package-lock.json");
    if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(here, "package-lock.json")).mtimeMs) {
      const r = spawnSync("npm", ["ci", "--prefix", here, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    const stryker = join(here, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
    const r = spawnSync(process.execPath, [stryker, "run", join(here, "stryker.config.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, CI: "" } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const rows = scores(JSON.parse(readFileSync(report, "utf8")).files);
  console.log("module                         score   target  killed  timeout  survived  no-coverage");
  for (const r of rows) {
    const mark = r.score >= r.target ? "ok  " : "MISS";
    console.log(`${r.name.padEnd(30)} ${r.score.toFixed(1).padStart(5)} %  ${String(r.target).padStart(3)} %  ${String(r.killed).padStart(6)}  ${String(r.timeout).padStart(7)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}  ${mark}`);
  }
  if (rows.some((r) => !(r.score >= r.target))) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
