import { defineConfig } from "vitest/config";
import { shared, SYSTEM_TESTS, waitingWorkers } from "./vitest.shared";

/** `npm run test:system`: the tests that drive real processes (see vitest.shared.ts). */
export default defineConfig({
  test: {
    ...shared,
    include: [SYSTEM_TESTS],
    maxWorkers: waitingWorkers,
  },
});
