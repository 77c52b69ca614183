import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bin/hgpu";

const root = join(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const hgpu = (...args: string[]) => spawnSync(tsx, [join(root, "bin/hgpu.ts"), ...args], { cwd: root, encoding: "utf8" });

describe("parseOptions", () => {
  it("reads --name value pairs and flags", () => {
    expect([...parseOptions(["--gpus", "8", "--spot", "--clouds", "aws"], ["spot"])]).toEqual([["gpus", "8"], ["spot", "true"], ["clouds", "aws"]]);
  });
  it("rejects a missing value and a stray argument", () => {
    expect(() => parseOptions(["--gpus"], [])).toThrow("--gpus needs a value");
    expect(() => parseOptions(["8"], [])).toThrow('unexpected argument "8"');
  });
});

describe("hgpu", () => {
  it("place prints the ranked placements and the catalog's age", () => {
    const r = hgpu("place", "--gpus", "16", "--accelerator", "H100", "--clouds", "azure", "--top", "2");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^#\s+cloud\s+region\s+zone\s+type\s+nodes\s+gpus\s+fabric\s+usd\/h$/);
    expect(lines[1]).toMatch(/^1\s+azure\s+\S+\s+-\s+Standard_ND96isr_H100_v5\s+2\s+16 x H100\s+infiniband 3200G\s+\$\d+\.\d\d$/);
    expect(r.stdout).toMatch(/catalog built \d{4}-\d{2}-\d{2}; prices as of aws 2026-01-22/);
  });
  it("place reports a bad request as the validation message, exit 1", () => {
    const r = hgpu("place", "--gpus", "0");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("hgpu place: planner: gpus 0 is not valid: use a whole number from 1 to 10000");
  });
  it("synth runs an app, writes cdktf.out and prints the summary", () => {
    const out = mkdtempSync(join(tmpdir(), "hgpu-synth-"));
    const r = hgpu("synth", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const tf = JSON.parse(readFileSync(join(out, "stacks/hybrid-training/cdk.tf.json"), "utf8"));
    expect(tf.provider.aws[0].region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(r.stdout).toContain("stack hybrid-training  (stacks/hybrid-training/cdk.tf.json, backend local)");
    expect(r.stdout).toContain("  providers: aws (");
  });
  it("synth fails loudly when the app fails", () => {
    const out = mkdtempSync(join(tmpdir(), "hgpu-synth-"));
    const r = hgpu("synth", "--out", out, "--app", "node -e 'process.exit(3)'");
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("hgpu synth: the app (node -e 'process.exit(3)') exited with 3");
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
  it("an unknown command prints the usage, exit 2", () => {
    const r = hgpu("deploy");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hgpu: unknown command "deploy"');
  });
});
