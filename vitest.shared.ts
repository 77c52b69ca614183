import { availableParallelism } from "node:os";
import type { ViteUserConfig } from "vitest/config";

/**
 * The tests that drive real processes are named `*.system.test.ts`: the launcher against the
 * terraform binary, a real Slurm, the nodes' bash scripts, local S3 and Blob servers, the CLI and
 * the README's snippets as processes. `npm test` runs the others (unit, property and synth tests,
 * under a minute); `npm run test:system` runs these; `.ci/run` runs both.
 */
export const SYSTEM_TESTS = "test/**/*.system.test.ts";

/** What every suite shares: setup, timeout and how the workers run. */
export const shared: ViteUserConfig["test"] = {
  setupFiles: ["test/setup.ts"],
  testTimeout: 60_000,
  // Forks keep the workers' memory apart from the main process. Each worker loads cdktf and the
  // provider modules once for all the files it runs (isolate: false), instead of once per file:
  // no test file changes the process in a way the next one would see (the environment variables
  // a test sets are put back, signals are only sent to child processes, each file has its own
  // TMPDIR from setup.ts).
  pool: "forks",
  isolate: false,
};

/** The unit tests keep the cores busy themselves: one worker per core (vitest's default leaves one idle). */
export const cpuWorkers = availableParallelism();

/** The system tests spend most of their time waiting for child processes: one worker more than the cores keeps every core busy. */
export const waitingWorkers = availableParallelism() + 1;
