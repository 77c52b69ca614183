// Stryker on the modules the suite must guard most closely (issue targets: >= 85 % per module,
// >= 90 % on lib/core and lib/planner). Run from the repository root by tools/mutation/run.mjs
// (`npm run mutation`), which installs this folder and prints the score per module.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: [
    "lib/core/**/*.ts",
    "lib/planner/**/*.ts",
    "lib/hybrid/**/*.ts",
    "lib/aws/lustre-storage.ts",
    "lib/azure/lustre-storage.ts",
    "lib/team/policies/**/*.ts",
    "lib/launch/capacity-errors.ts",
    "!**/index.ts",
  ],
  // The sandbox copies the project: leave out what the tests do not read.
  ignorePatterns: ["tools", "dist", "dist-cdktn", "cdktf.out", ".scratch", "docs", "coverage", "reports", ".hgpu"],
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
