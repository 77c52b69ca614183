import { defineConfig } from "vitest/config";
import { shared, SYSTEM_TESTS } from "./vitest.shared";

/**
 * The suite as `npm run mutation` runs it under Stryker (tools/mutation): the tests of the module
 * being mutated (HGPU_MUTATION_TESTS, comma-separated globs, set by tools/mutation/stryker.config.mjs
 * from tools/mutation/modules.mjs), or else `npm test`'s suite without the launcher's and the CLI's
 * tests, which cannot run in Stryker's worker threads (`process.umask`, signals to the process
 * group). The module's tests are chosen here rather than with Stryker's `testFiles`, with which
 * Stryker would apply a module-level (static) mutant only after the module has loaded.
 */
export default defineConfig({
  test: {
    ...shared,
    include: process.env.HGPU_MUTATION_TESTS?.split(",") ?? ["test/**/*.test.ts"],
    exclude: [SYSTEM_TESTS, "test/launch/!(capacity-errors).test.ts", "test/bin/**", "test/readme/**", "test/scripts/**", "test/engine/**", "node_modules/**"],
  },
});
