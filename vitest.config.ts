import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    // Synth tests load provider modules; forks keep each file's memory apart.
    pool: "forks",
  },
});
