// Stryker on one module of tools/mutation/modules.mjs, named by HGPU_MUTATION_MODULE (run.mjs,
// `npm run mutation`, runs each module in turn from the repository root and prints the scores).
import { MODULES, slug } from "./modules.mjs";

const module = MODULES.find((m) => m.name === process.env.HGPU_MUTATION_MODULE);
if (!module) throw new Error(`HGPU_MUTATION_MODULE must name one of: ${MODULES.map((m) => m.name).join(", ")}`);

// The module's own tests are the only ones vitest.mutation.config.ts runs (the Stryker workers
// inherit this process's environment).
process.env.HGPU_MUTATION_TESTS = module.tests.join(",");

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
  tempDirName: `.stryker-tmp-${slug(module)}`,
  cleanTempDir: "always",
};
