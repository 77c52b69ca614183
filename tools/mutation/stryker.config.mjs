// Stryker on one module of tools/mutation/modules.mjs, named by HGPU_MUTATION_MODULE (run.mjs,
// `npm run mutation`, runs each module in turn from the repository root and prints the scores).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MODULES, slug } from "./modules.mjs";

const module = MODULES.find((m) => m.name === process.env.HGPU_MUTATION_MODULE);
if (!module) throw new Error(`HGPU_MUTATION_MODULE must name one of: ${MODULES.map((m) => m.name).join(", ")}`);

// The module's own tests are the only ones vitest.mutation.config.ts runs (the Stryker workers
// inherit this process's environment).
process.env.HGPU_MUTATION_TESTS = module.tests.join(",");
// A module whose mutants are all switched on at run time keeps its test thread (and the modules
// loaded in it) from one mutant to the next; a static mutant needs its module loaded afresh.
if (!module.static) process.env.HGPU_MUTATION_POOL = fileURLToPath(new URL("./kept-thread.mjs", import.meta.url));

// The tests' temporary folders go under Stryker's own folder, which is removed when the run ends:
// a test runner Stryker stops (a timeout, the end of the run) never reaches its files' afterAll.
const tempDirName = `.stryker-tmp-${slug(module)}`;
process.env.TMPDIR = fileURLToPath(new URL(`../../${tempDirName}/tmp`, import.meta.url));
mkdirSync(process.env.TMPDIR, { recursive: true });

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: module.mutate,
  // Module-level tables (patterns, limits) are mutated too when the module says so: each such
  // mutant reloads the module and runs all of the module's tests, so only for small modules.
  ignoreStatic: !module.static,
  // The sandbox copies the project: leave out what the tests do not read.
  ignorePatterns: ["tools", "dist", "dist-cdktn", "cdktf.out", ".scratch", "docs", "coverage", "reports", ".hgpu", ".stryker-tmp*"],
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ["progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${slug(module)}.json` },
  // Incremental: a mutant whose code and covering tests did not change since the last run keeps its
  // result (`npm run mutation -- --force` tests every mutant again).
  incremental: true,
  incrementalFile: `reports/mutation/${slug(module)}.incremental.json`,
  thresholds: { high: 90, low: module.target, break: null },
  tempDirName,
  cleanTempDir: "always",
};
