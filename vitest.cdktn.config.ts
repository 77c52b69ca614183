import { resolve } from "node:path";
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// The same suite on CDK Terrain: `cdktf`, `@cdktf/*` and `constructs` resolve to the cdktn set
// installed in tools/cdktn (its own lockfile), so every import of the library and the tests runs
// on cdktn; processes the tests start (the CLI, fixture apps) get the same through
// scripts/cdktn-engine.cjs. test/engine/engine.test.ts fails if anything ran on cdktf.
// `npm run test:cdktn` installs that set first.
const engine = resolve(__dirname, "tools/cdktn/node_modules");

export default mergeConfig(
  base,
  defineConfig({
    test: {
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
  }),
);
