/**
 * A preload (`node -r scripts/cdktn-engine.cjs`, or through NODE_OPTIONS so child processes get it
 * too) that runs the sources on CDK Terrain: `cdktf`, `@cdktf/provider-*` and `constructs` resolve
 * to the cdktn set installed in tools/cdktn. scripts/engine-diff.ts synthesizes the main example
 * with it and without it; vitest.cdktn.config.ts does the same for the test suite with aliases.
 */
"use strict";
const Module = require("node:module");
const { join } = require("node:path");

const engine = join(__dirname, "..", "tools", "cdktn", "node_modules");
const targets = [
  [/^cdktf(\/.*)?$/, (m) => join(engine, "cdktn") + (m[1] ?? "")],
  [/^@cdktf\/provider-(aws|azurerm)(\/.*)?$/, (m) => join(engine, "@cdktn", `provider-${m[1]}`) + (m[2] ?? "")],
  [/^constructs(\/.*)?$/, (m) => join(engine, "constructs") + (m[1] ?? "")],
];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  for (const [pattern, to] of targets) {
    const m = pattern.exec(request);
    if (m) return resolve.call(this, to(m), ...rest);
  }
  return resolve.call(this, request, ...rest);
};
