import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cdktfValidationMessages } from "../../lib/launch/app-errors";
import { hgpu, root, tempDir } from "./cli";

const fixture = (name: string) => join(__dirname, "fixtures", name);
const tsx = require.resolve("tsx/cjs");

describe("hgpu synth", () => {
  it("runs the app of cdktf.json, writes the output folder and prints the summary and the topology, with no terraform on the PATH", async (ctx) => {
    // A project whose app is the main example (npm run synth runs the repository's own cdktf.json).
    const project = tempDir(ctx);
    writeFileSync(join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: `${process.execPath} --require ${tsx} ${join(root, "examples/hybrid-training/main.ts")}` }));
    const out = join(project, "out");
    // Neither terraform nor tofu: the library's terraform_data resources (the task's start marker,
    // the Managed Lustre role wait) carry no synth-time version check.
    const r = await hgpu(["synth", "--out", out], { cwd: project, env: { ...process.env, PATH: "/nonexistent" } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const tf = JSON.parse(readFileSync(join(out, "stacks/hybrid-training/cdk.tf.json"), "utf8"));
    expect(tf.provider.aws[0].region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(Object.keys(tf.resource.terraform_data)).toEqual(["azure-data_role-propagation_939966E3"]);
    const task = JSON.parse(readFileSync(join(out, "stacks/training-task/cdk.tf.json"), "utf8"));
    expect(Object.keys(task.resource.terraform_data)).toEqual(["task_started_6FD60E8D"]);
    expect(r.stdout).toMatch(new RegExp(`^synthesized into ${out} in \\d+\\.\\d s\\n`));
    expect(r.stdout).toContain("stack hybrid-training  (stacks/hybrid-training/cdk.tf.json, backend local)");
    expect(r.stdout).toContain(`topology: ${join(out, "topology.svg")}, ${join(out, "topology.md")}\n`);
  });

  it("prints a ValidationError the app dies of as its one line, even from another copy of the library, exit 1", async (ctx) => {
    const out = tempDir(ctx);
    const r = await hgpu(["synth", "--out", out, "--app", `node ${fixture("branded-error-app.cjs")}`]);
    expect(r).toEqual({ status: 1, stdout: "building the app\n", stderr: 'hgpu synth: s/net: cidr "10.0.0.0/33" is not valid: use an IPv4 CIDR block\n' });
  });

  it("prints a real construct's ValidationError in a TypeScript app as one line", async (ctx) => {
    const out = tempDir(ctx);
    const r = await hgpu(["synth", "--out", out, "--app", `node --require ${tsx} ${fixture("bad-cluster-app.ts")}`]);
    expect(r.stderr).toBe('hgpu synth: training/net: cidr "10.0.0.0/8" is not valid: use a prefix length from 16 to 20\n');
    expect(r.status).toBe(1);
  });

  it("prints every failed cdktf validation, one per line, exit 1", async (ctx) => {
    const out = tempDir(ctx);
    const r = await hgpu(["synth", "--out", out, "--app", `node ${fixture("validations-app.cjs")}`]);
    expect(r.stderr).toBe(
      'hgpu synth: s/aws-net: cidr "10.0.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidr "10.0.0.0/16" of s/azure-net\n' +
        "hgpu synth: s/link: needs a gateway\n",
    );
    expect(r.status).toBe(1);
  });

  it("--verbose and HGPU_DEBUG=1 leave the app's stack trace", async (ctx) => {
    const out = tempDir(ctx);
    const app = `node ${fixture("branded-error-app.cjs")}`;
    for (const r of [await hgpu(["synth", "--out", out, "--app", app, "--verbose"]), await hgpu(["synth", "--out", out, "--app", app], { env: { ...process.env, HGPU_DEBUG: "1" } })]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/Error: s\/net: cidr "10\.0\.0\.0\/33" is not valid: use an IPv4 CIDR block\n\s+at /);
      expect(r.stderr.trim().split("\n").at(-1)).toBe(`hgpu synth: the app (${app}) exited with 1`);
    }
  });

  it("leaves a crash that is not bad input to Node (its trace is the only clue) and says how the app ended", async (ctx) => {
    const out = tempDir(ctx);
    const app = `node ${fixture("crash-app.cjs")}`;
    const r = await hgpu(["synth", "--out", out, "--app", app]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("TypeError: Cannot read properties of undefined (reading 'stacks')");
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`hgpu synth: the app (${app}) exited with 1`);
  });

  it("passes the app's exit code on", async (ctx) => {
    const out = tempDir(ctx);
    const r = await hgpu(["synth", "--out", out, "--app", "node -e 'process.exit(3)'"]);
    expect(r).toEqual({ status: 3, stdout: "", stderr: "hgpu synth: the app (node -e 'process.exit(3)') exited with 3\n" });
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });

  it("refuses an app that wrote nothing, and an earlier synth's output does not pass for it", async (ctx) => {
    const out = tempDir(ctx);
    mkdirSync(join(out, "stacks/old"), { recursive: true });
    writeFileSync(join(out, "manifest.json"), "{}");
    const r = await hgpu(["synth", "--out", out, "--app", "true"]);
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: `hgpu synth: the app (true) exited 0 but wrote no ${join(out, "manifest.json")}: it must call app.synth() and write into CDKTF_OUTDIR, which hgpu sets to --out\n`,
    });
    expect(readdirSync(out)).toEqual([]);
  });

  it("without --app needs a cdktf.json", async (ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["synth"], { cwd: dir });
    expect(r).toEqual({ status: 1, stdout: "", stderr: `hgpu synth: no --app given and no cdktf.json in ${dir}\n` });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("hgpu summary", () => {
  it("refuses a folder with nothing synthesized", async (ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["summary", "--out", dir]);
    expect(r).toEqual({ status: 1, stdout: "", stderr: `hgpu summary: ${join(dir, "manifest.json")} not found: synthesize the app first\n` });
  });
});

describe("cdktfValidationMessages", () => {
  it("takes each check's message, without a bracketed path the message already starts with", () => {
    const text = "Validation failed with the following errors:\n  [s/a] s/a: x 1 is not valid: use 2\n  [s/b] two\n  lines\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n";
    expect(cdktfValidationMessages(text)).toEqual(["s/a: x 1 is not valid: use 2", "s/b: two\n  lines"]);
  });
});
