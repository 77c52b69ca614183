import { defineConfig } from "vitest/config";
import { shared, SYSTEM_TESTS } from "./vitest.shared";

/**
 * The suite as `npm run mutation` runs it under Stryker (tools/mutation): the tests of the module
 * being mutated (HGPU_MUTATION_TESTS, comma-separated globs, set by tools/mutation/stryker.config.mjs
 * from tools/mutation/modules.mjs), or else `npm test`'s suite without the launcher's and the CLI's
 * tests, which cannot run in Stryker's worker threads (`process.umask`, signals to the process
 * group). The module's tests are chosen here rather than with Stryker's `testFiles`, with which
 * Stryker would apply a module-level (static) mutant only after the module has loaded.
 *
 * HGPU_MUTATION_POOL names tools/mutation/kept-thread.mjs when the module's mutants are all switched
 * on at run time: the test thread is then kept from one mutant's run to the next (Stryker's runner
 * sets the pool itself, so it is replaced once the configuration is resolved).
 */
export default defineConfig({
  plugins: [
    {
      name: "hgpu-mutation-pool",
      async configureVitest({ project, vitest }) {
        const pool = process.env.HGPU_MUTATION_POOL;
        if (!pool) return;
        const runner = (await import(pool)) as { name: string; createPoolWorker: unknown; release: () => Promise<void> };
        Object.assign(project.config, { pool: runner.name, poolRunner: runner });
        vitest.onClose(runner.release);
      },
    },
  ],
  test: {
    ...shared,
    include: process.env.HGPU_MUTATION_TESTS?.split(",") ?? ["test/**/*.test.ts"],
    exclude: [SYSTEM_TESTS, "test/launch/!(capacity-errors).test.ts", "test/bin/**", "test/readme/**", "test/scripts/**", "test/engine/**", "node_modules/**"],
  },
});
