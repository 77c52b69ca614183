import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { shared, waitingWorkers } from "./vitest.shared";

// The same suite on CDK Terrain: `cdktf`, `@cdktf/*` and `constructs` resolve to the cdktn set
// installed in tools/cdktn (its own lockfile), so every import of the library and the tests runs
// on cdktn; processes the tests start (the CLI, fixture apps) get the same through
// scripts/cdktn-engine.cjs. test/engine/engine.test.ts fails if anything ran on cdktf. It runs the
// unit and the system tests together.
// `npm run test:cdktn` installs that set first.
const engine = resolve(__dirname, "tools/cdktn/node_modules");

export default defineConfig({
  test: {
    ...shared,
    include: ["test/**/*.test.ts"],
    maxWorkers: waitingWorkers,
    env: {
      HGPU_TEST_ENGINE: "cdktn",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} -r ${resolve(__dirname, "scripts/cdktn-engine.cjs")}`.trim(),
    },
  },
  resolve: {
    alias: [
      { find: /^cdktf$/, replacement: `${engine}/cdktn` },
      { find: /^cdktf\/(.*)$/, replacement: `${engine}/cdktn/$1` },
      { find: /^@cdktf\/provider-aws(\/.*)?$/, replacement: `${engine}/@cdktn/provider-aws$1` },
      { find: /^@cdktf\/provider-azurerm(\/.*)?$/, replacement: `${engine}/@cdktn/provider-azurerm$1` },
      { find: /^constructs$/, replacement: `${engine}/constructs` },
    ],
  },
});
