import { defineConfig } from "vitest/config";
import { cpuWorkers, shared, SYSTEM_TESTS } from "./vitest.shared";

/** `npm test`'s suite: everything but the system tests (see vitest.shared.ts). */
export default defineConfig({
  test: {
    ...shared,
    include: ["test/**/*.test.ts"],
    exclude: [SYSTEM_TESTS, "node_modules/**"],
    maxWorkers: cpuWorkers,
  },
});
