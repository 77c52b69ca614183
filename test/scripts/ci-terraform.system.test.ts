import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "../..");
const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;

/** Loads the launcher tests' harness with no terraform on the PATH. */
function loadHarness(ci: string | undefined) {
  const env: NodeJS.ProcessEnv = { HOME: process.env.HOME, PATH: "/nonexistent", ...(ci === undefined ? {} : { CI: ci }) };
  return spawnSync(process.execPath, ["--import", tsx, "-e", `require(${JSON.stringify(join(root, "test/launch/harness.ts"))})`], { env, encoding: "utf8" });
}

describe("tests that need terraform", () => {
  it("fail in CI when terraform is missing, rather than skip", () => {
    const r = loadHarness("true");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("CI is set and terraform is not on the PATH: the launcher's tests run against the real binary; install Terraform 1.5 or later");
  });
  it.each([[undefined], ["false"], ["0"]])("skip, with a notice, outside CI (CI=%s)", (ci) => {
    expect(loadHarness(ci).status).toBe(0);
  });
});
