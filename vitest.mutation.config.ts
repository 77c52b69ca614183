import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The suite as `npm run mutation` runs it under Stryker (tools/mutation): the tests of the mutated
 * modules without the ones that drive real processes (the launcher against terraform, Slurm, bash
 * run scripts, local object servers, the README and the CLI as processes). Those do not cover the
 * mutated modules, and Stryker's runner runs tests in worker threads, where they cannot run
 * (`process.umask`, signals to the process group).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        "test/launch/!(capacity-errors).test.ts",
        "test/bin/**",
        "test/readme/**",
        "test/scripts/**",
        "test/engine/**",
        "test/onprem/slurm-*.test.ts",
        "test/task/*-script.test.ts",
        "test/task/secrets-on-node.test.ts",
        "test/aws/fsx-client.test.ts",
        "node_modules/**",
      ],
    },
  }),
);
