// `npm run mutation [-- <module>...]`: installs tools/mutation (its own lockfile) when needed, runs
// Stryker once per module of modules.mjs (all of them, or the ones named) from the repository root,
// each against the module's own tests, and prints the score per module against its target.
// Runs are incremental (a mutant whose code and covering tests are unchanged keeps its last
// result); `--force` tests every mutant again. `npm run mutation -- --summary` only prints the
// table from the last reports.
// Exit 1 when a module misses its target or has no report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MODULES, slug } from "./modules.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const reportOf = (m) => join(root, "reports", "mutation", `${slug(m)}.json`);

/**
 * Stryker's score of one module's report: killed and timed-out mutants over all valid ones (no
 * coverage counts as survived). Ignored mutants (module-level code that only runs while a module
 * loads, which `ignoreStatic` leaves out) are not in the score; they are counted apart.
 */
export function score(files) {
  const counts = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0 };
  for (const { mutants } of Object.values(files)) {
    for (const { status } of mutants) {
      if (status === "Killed") counts.killed++;
      else if (status === "Timeout") counts.timeout++;
      else if (status === "Survived") counts.survived++;
      else if (status === "NoCoverage") counts.noCoverage++;
      else if (status === "Ignored") counts.ignored++;
    }
  }
  const valid = counts.killed + counts.timeout + counts.survived + counts.noCoverage;
  return { ...counts, valid, score: valid ? (100 * (counts.killed + counts.timeout)) / valid : NaN };
}

function install() {
  const installed = join(here, "node_modules", ".package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(here, "package-lock.json")).mtimeMs) return;
  const r = spawnSync("npm", ["ci", "--prefix", here, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function main() {
  const args = process.argv.slice(2);
  const named = args.filter((a) => !a.startsWith("-"));
  const unknown = named.filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length) {
    console.error(`unknown module ${unknown.join(", ")}: one of ${MODULES.map((m) => m.name).join(", ")}`);
    process.exit(2);
  }
  const chosen = named.length ? MODULES.filter((m) => named.includes(m.name)) : MODULES;
  const minutes = new Map();
  if (!args.includes("--summary")) {
    install();
    const stryker = join(here, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
    for (const m of chosen) {
      console.log(`== ${m.name}`);
      const started = Date.now();
      const force = args.includes("--force") ? ["--force"] : [];
      const r = spawnSync(process.execPath, [stryker, "run", join(here, "stryker.config.mjs"), ...force], {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, CI: "", HGPU_MUTATION_MODULE: m.name },
      });
      if (r.status !== 0) process.exit(r.status ?? 1);
      minutes.set(m.name, (Date.now() - started) / 60000);
    }
  }
  console.log("module                         score   target  mutants  killed  timeout  survived  no-coverage  ignored  minutes");
  let missed = false;
  for (const m of chosen) {
    if (!existsSync(reportOf(m))) {
      console.log(`${m.name.padEnd(30)} no report: run npm run mutation -- ${m.name}`);
      missed = true;
      continue;
    }
    const r = score(JSON.parse(readFileSync(reportOf(m), "utf8")).files);
    const ok = r.score >= m.target;
    missed ||= !ok;
    const took = minutes.has(m.name) ? minutes.get(m.name).toFixed(1) : "-";
    console.log(
      `${m.name.padEnd(30)} ${r.score.toFixed(1).padStart(5)} %  ${String(m.target).padStart(3)} %  ${String(r.valid).padStart(7)}  ${String(r.killed).padStart(6)}  ` +
        `${String(r.timeout).padStart(7)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}  ${String(r.ignored).padStart(7)}  ${took.padStart(7)}  ${ok ? "ok" : "MISS"}`,
    );
  }
  if (minutes.size > 1) console.log(`total ${[...minutes.values()].reduce((a, b) => a + b, 0).toFixed(1)} minutes`);
  if (missed) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
