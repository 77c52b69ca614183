import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    // Forks keep the workers' memory apart from the main process. Each worker loads cdktf and the
    // provider modules once for all the files it runs (isolate: false), instead of once per file:
    // no test file changes the process in a way the next one would see (the environment variables
    // a test sets are put back, signals are only sent to child processes, each file has its own
    // TMPDIR from setup.ts).
    pool: "forks",
    isolate: false,
    // Vitest's default is one worker less than the cores (one worker on 2 cores). Many files here
    // spend most of their time waiting for child processes (terraform, bash, Slurm, local servers):
    // one worker more than the cores keeps every core busy while one of them waits.
    maxWorkers: availableParallelism() + 1,
  },
});
