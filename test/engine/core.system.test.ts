/**
 * What loading the engine adapter changes in the engine, seen from processes: the Terraform
 * version check runs once per process (not once per `terraform_data` resource) with the same
 * verdicts, and `HGPU_CREATION_STACKS` at load brings token creation stacks back.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App, DataResource, TerraformStack } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import "../../lib/engine/core";

const root = join(__dirname, "../..");
const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

/** A `terraform` on the front of PATH that prints `version` as Terraform does and counts its runs. */
function fakeTerraform(version: string): { path: string; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-tf-"));
  folders.push(dir);
  const script = join(dir, "terraform");
  writeFileSync(script, `#!/bin/sh\necho run >> "${dir}/runs"\necho "Terraform v${version}"\necho "on linux_amd64"\n`);
  chmodSync(script, 0o755);
  const runs = () => {
    try {
      return readFileSync(join(dir, "runs"), "utf8").split("\n").filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { path: `${dir}:${process.env.PATH ?? ""}`, runs };
}

/** An app of three stacks with two terraform_data resources each, synthesized (validations included) with `PATH`. */
function synthWith(path: string): void {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-out-"));
  folders.push(outdir);
  const app = new App({ outdir });
  for (const s of ["a", "b", "c"]) {
    const stack = new TerraformStack(app, s);
    new DataResource(stack, "first");
    new DataResource(stack, "second");
  }
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    app.synth();
  } finally {
    process.env.PATH = saved;
  }
}

describe("the Terraform version check of terraform_data resources", () => {
  it("runs terraform once for the six resources of a three-stack app, and they pass with 1.4.0, the lowest allowed", () => {
    const tf = fakeTerraform("1.4.0");
    expect(() => synthWith(tf.path)).not.toThrow();
    expect(tf.runs()).toBe(1);
    // the same process, binary and range again: the check is not repeated
    synthWith(tf.path);
    expect(tf.runs()).toBe(1);
  });

  it("fails each resource with the engine's message when the binary is older (1.3.9), still from one run; another binary gets its own check", () => {
    const old = fakeTerraform("1.3.9");
    const message = "terraform version 1.3.9 is lower than the required version >=1.4 for this construct. The built-in Terraform data resource is only supported for Terraform >=1.4. Please upgrade your Terraform version.";
    expect(() => synthWith(old.path)).toThrow(`Validation failed with the following errors:\n  [a/first] ${message}\n  [a/second] ${message}`);
    expect(old.runs()).toBe(1);
    const current = fakeTerraform("1.11.4");
    expect(() => synthWith(current.path)).not.toThrow();
    expect(current.runs()).toBe(1);
  });
});

describe("HGPU_CREATION_STACKS", () => {
  /** How many frames a token created in a fresh process that loaded the library records, with HGPU_CREATION_STACKS `value` (unset if undefined). */
  async function framesWith(value: string | undefined): Promise<number> {
    const env = { ...process.env };
    delete env.HGPU_CREATION_STACKS;
    if (value !== undefined) env.HGPU_CREATION_STACKS = value;
    // First in the module cache: an app's own lib/app.js that re-exports the engine's App; the
    // library must find the engine's folder, not that one.
    const script = [
      'const Module = require("node:module"); const own = new Module("/project/lib/app.js"); own.filename = "/project/lib/app.js";',
      'own.exports = { get App() { return require("cdktf").App; } }; own.loaded = true; require.cache[own.filename] = own;',
      'require("./lib/engine/core"); const { Lazy } = require("cdktf"); console.log(Lazy.anyValue({ produce: () => 1 }).creationStack.length);',
    ].join("\n");
    const { stdout } = await promisify(execFile)(join(root, "node_modules/.bin/tsx"), ["--eval", script], { cwd: root, env });
    return Number(stdout.trim());
  }

  it("set to 1 (or anything but \"\" and \"0\") at load keeps token creation stacks; unset, \"\" and \"0\" leave them off", async () => {
    const [unset, empty, zero, one, yes] = await Promise.all([undefined, "", "0", "1", "yes"].map(framesWith));
    expect([unset, empty, zero]).toEqual([0, 0, 0]);
    expect(one).toBeGreaterThan(2);
    expect(yes).toBeGreaterThan(2);
  });
});
