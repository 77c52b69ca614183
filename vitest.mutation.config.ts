import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The suite as `npm run mutation` runs it under Stryker (tools/mutation): `npm test`'s suite (no
 * system tests) without the launcher's and the CLI's tests, which do not cover the mutated modules
 * and cannot run in Stryker's worker threads (`process.umask`, signals to the process group).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ["test/launch/!(capacity-errors).test.ts", "test/bin/**", "test/readme/**", "test/scripts/**", "test/engine/**"],
    },
  }),
);
