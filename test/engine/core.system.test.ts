/**
 * What loading the engine adapter changes in the engine, seen from processes: the Terraform
 * version check runs once per process (not once per `terraform_data` resource), starts in the
 * background when the first such resource is created, and gives the engine's verdicts; and
 * `HGPU_CREATION_STACKS` at load brings token creation stacks back.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App, DataResource, TerraformStack } from "cdktf";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../../lib/engine/core";

const root = join(__dirname, "../..");
const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

/**
 * A `terraform` on the front of PATH that counts its runs, then (after `before`, shell commands)
 * prints `version` as Terraform does, then runs `after`.
 */
function fakeTerraform(version: string, before = "", after = ""): { path: string; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-tf-"));
  folders.push(dir);
  const script = join(dir, "terraform");
  writeFileSync(script, `#!/bin/sh\necho run >> "${dir}/runs"\n${before}\necho "Terraform v${version}"\necho "on linux_amd64"\n${after}\n`);
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

describe("the Terraform version check started early", () => {
  const tooOld = (version: string) => `terraform version ${version} is lower than the required version >=1.4 for this construct. The built-in Terraform data resource is only supported for Terraform >=1.4. Please upgrade your Terraform version.`;

  /** An app of two stacks with a terraform_data resource each, built with `path` as PATH; `synth()` synthesizes it with that PATH again. */
  function builtWith(path: string): { synth: () => void } {
    const outdir = mkdtempSync(join(tmpdir(), "hgpu-out-"));
    folders.push(outdir);
    const app = new App({ outdir });
    const withPath = <T>(f: () => T): T => {
      const saved = process.env.PATH;
      process.env.PATH = path;
      try {
        return f();
      } finally {
        process.env.PATH = saved;
      }
    };
    withPath(() => {
      for (const s of ["a", "b"]) new DataResource(new TerraformStack(app, s), "d");
    });
    return { synth: () => withPath(() => app.synth()) };
  }

  it("runs terraform as soon as the first terraform_data resource is created, and the synthesis takes that answer (1.4.0 passes)", async () => {
    const tf = fakeTerraform("1.4.0");
    const app = builtWith(tf.path);
    await vi.waitFor(() => expect(tf.runs()).toBe(1), { timeout: 10_000 });
    expect(() => app.synth()).not.toThrow();
    expect(tf.runs()).toBe(1);
  });

  it("waits at validation for a terraform still running (one that takes a second)", () => {
    const tf = fakeTerraform("1.4.0", "sleep 1");
    const app = builtWith(tf.path);
    expect(() => app.synth()).not.toThrow();
    expect(tf.runs()).toBe(1);
  });

  it("leaves an older version (1.3.9) to the engine's own check: the engine's message, from a second run", () => {
    const tf = fakeTerraform("1.3.9");
    const app = builtWith(tf.path);
    expect(() => app.synth()).toThrow(`Validation failed with the following errors:\n  [a/d] ${tooOld("1.3.9")}`);
    expect(tf.runs()).toBe(2);
  });

  it("leaves a terraform that failed to the engine's own check, even one that printed a version it accepts (1.4.0, then exit 3)", () => {
    const tf = fakeTerraform("1.4.0", "", "exit 3");
    const app = builtWith(tf.path);
    expect(() => app.synth()).toThrow("Validation failed with the following errors:\n  [a/d] Could not determine version of terraform, terraform version failed: Error: Command failed: terraform version");
    expect(tf.runs()).toBe(2);
  });

  it("leaves no folder of its own in the temporary folder, after a synthesis or when the process exits first", async () => {
    const ours = (dir: string) => readdirSync(dir).filter((name) => name.startsWith("hgpu-tf-version-"));
    // (earlier tests' resources, created with another PATH than their synthesis's, keep theirs until the process exits)
    const before = ours(tmpdir());
    const tf = fakeTerraform("1.4.0");
    const app = builtWith(tf.path);
    expect(ours(tmpdir())).toHaveLength(before.length + 1);
    app.synth();
    expect(ours(tmpdir())).toEqual(before);
    // A process that creates a terraform_data resource and exits without synthesizing.
    const tmp = mkdtempSync(join(tmpdir(), "hgpu-exit-"));
    folders.push(tmp);
    const script = 'require("./lib/engine/core"); const { App, DataResource, TerraformStack } = require("cdktf"); new DataResource(new TerraformStack(new App({ outdir: process.env.TMPDIR }), "s"), "d"); console.log(require("node:fs").readdirSync(process.env.TMPDIR).filter((n) => n.startsWith("hgpu-tf-version-")).length);';
    const { stdout } = await promisify(execFile)(join(root, "node_modules/.bin/tsx"), ["--eval", script], { cwd: root, env: { ...process.env, PATH: tf.path, TMPDIR: tmp } });
    expect(Number(stdout.trim())).toBe(1); // its folder, while it ran
    expect(ours(tmp)).toEqual([]);
  });

  it("runs the engine's own check for a synthesis in another working folder than the resources' (a PATH entry relative to it)", async () => {
    const base = mkdtempSync(join(tmpdir(), "hgpu-cwd-"));
    folders.push(base);
    for (const [folder, version] of [["first", "1.4.0"], ["second", "1.3.9"]] as const) {
      mkdirSync(join(base, folder, "tfbin"), { recursive: true });
      writeFileSync(join(base, folder, "tfbin", "terraform"), `#!/bin/sh\necho "Terraform v${version}"\n`, { mode: 0o755 });
    }
    const script = [
      'require("./lib/engine/core"); const { App, DataResource, TerraformStack } = require("cdktf"); const { join } = require("node:path");',
      'const base = process.env.HGPU_BASE; process.chdir(join(base, "first"));',
      'const app = new App({ outdir: join(base, "out") }); new DataResource(new TerraformStack(app, "s"), "d");',
      'require("node:child_process").execSync("sleep 0.5"); process.chdir(join(base, "second"));',
      'try { app.synth(); console.log("passed"); } catch (e) { console.log(e.message); }',
    ].join("\n");
    const { stdout } = await promisify(execFile)(join(root, "node_modules/.bin/tsx"), ["--eval", script], { cwd: root, env: { ...process.env, PATH: `tfbin:${process.env.PATH ?? ""}`, HGPU_BASE: base } });
    expect(stdout.trim()).toBe(`Validation failed with the following errors:\n  [s/d] ${tooOld("1.3.9")}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.`);
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
