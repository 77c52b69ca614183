import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identify } from "../../lib/launch/process-identity";
import { readRunRecords } from "../../lib/launch/run-record";
import { hgpu, tempDir } from "./cli";

const fixture = (name: string) => join(__dirname, "fixtures", name);

/** An environment whose PATH has a `terraform` that does nothing: enough for what happens before init. */
function fakeTerraform(dir: string): NodeJS.ProcessEnv {
  const bin = join(dir, "..", `${dir.split("/").at(-1)}-bin`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "terraform"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(bin, "terraform"), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
}

describe("hgpu launch arguments", () => {
  it.for([
    [["--destroy-attempts", "0"], 'hgpu launch: --destroy-attempts "0" is not valid: use a whole number above 0'],
    [["--destroy-attempts", "two"], 'hgpu launch: --destroy-attempts "two" is not valid: use a whole number above 0'],
    [["--max-placements", "1.5"], 'hgpu launch: --max-placements "1.5" is not valid: use a whole number above 0'],
    [["--max-placements", "0"], 'hgpu launch: --max-placements "0" is not valid: use a whole number above 0'],
    [["--stop-on-read-errors", "-1"], 'hgpu launch: --stop-on-read-errors "-1" is not valid: use a whole number above 0'],
    [["--poll-seconds", "x"], 'hgpu launch: --poll-seconds "x" is not valid: use a number of seconds above 0'],
    [["--poll-seconds=1e1"], 'hgpu launch: --poll-seconds "1e1" is not valid: use a number of seconds above 0'],
    [["--destroy-backoff-seconds", "-1"], 'hgpu launch: --destroy-backoff-seconds "-1" is not valid: use a number of seconds above 0'],
    [["--cooldown-minutes", "-5"], 'hgpu launch: --cooldown-minutes "-5" is not valid: use a number of minutes above 0'],
    [["--cooldown-minutes", "half"], 'hgpu launch: --cooldown-minutes "half" is not valid: use a number of minutes above 0'],
    [["--terraform", "terragrunt"], 'hgpu launch: --terraform "terragrunt" is not valid: use terraform or tofu'],
  ] as const)("%j: one line, exit 1, nothing created", async ([args, message], ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["launch", "--stack", "task", ...args], { cwd: dir });
    expect(r).toEqual({ status: 1, stdout: "", stderr: `${message}\n` });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("hgpu launch before it runs", () => {
  it("says in one line what to install when terraform (or tofu) is missing", async (ctx) => {
    const dir = tempDir(ctx);
    const env = { ...process.env, PATH: "/nonexistent" };
    const r = await hgpu(["launch", "--stack", "task", "--app", "true"], { cwd: dir, env });
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: "hgpu launch: terraform is not on the PATH: install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install) or OpenTofu (then pass --terraform tofu); the launcher runs it to apply and destroy each run\n",
    });
    const tofu = await hgpu(["launch", "--stack", "task", "--app", "true", "--terraform", "tofu"], { cwd: dir, env });
    expect(tofu.stderr).toBe(
      "hgpu launch: tofu is not on the PATH: install OpenTofu (https://opentofu.org/docs/intro/install/) or Terraform 1.5 or later (then leave out --terraform tofu); the launcher runs it to apply and destroy each run\n",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("outside a project, without --app: says there is no app and leaves nothing behind", async (ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["launch", "--stack", "task"], { cwd: dir, env: fakeTerraform(dir) });
    expect(r).toEqual({ status: 1, stdout: "", stderr: `hgpu launch: no --app given and no cdktf.json in ${dir}\n` });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("outside a project, an app without the stack: refused, with no .hgpu folder left behind", async (ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["launch", "--stack", "task", "--app", "true"], { cwd: dir, env: fakeTerraform(dir) });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe('hgpu launch: stack "task" was not synthesized; the app has: no stacks');
    expect(r.stderr).not.toContain("hgpu launch: hgpu launch");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an app that refuses its input: the message alone, in the run's record too", async (ctx) => {
    const dir = tempDir(ctx);
    const r = await hgpu(["launch", "--stack", "task", "--app", `node ${fixture("branded-error-app.cjs")}`], { cwd: dir, env: fakeTerraform(dir) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\] the app refused its input:\ns\/net: cidr "10\.0\.0\.0\/33" is not valid: use an IPv4 CIDR block\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const [record] = readRunRecords(join(dir, ".hgpu", "runs"));
    expect(record?.attempts[0]?.errors).toEqual(['s/net: cidr "10.0.0.0/33" is not valid: use an IPv4 CIDR block']);
    expect(existsSync(join(dir, ".hgpu", "runs", record!.runId))).toBe(true);
  });
});

describe("hgpu runs and hgpu destroy outside a project", () => {
  it("runs lists none and creates nothing", async (ctx) => {
    const dir = tempDir(ctx);
    expect(await hgpu(["runs"], { cwd: dir })).toEqual({ status: 0, stdout: "no runs\n", stderr: "" });
    expect(await hgpu(["runs", "--prune"], { cwd: dir })).toEqual({ status: 0, stdout: "nothing to prune\nno runs\n", stderr: "" });
    expect(readdirSync(dir)).toEqual([]);
  });
  it("destroy says there is no such run, exit 1, and creates nothing", async (ctx) => {
    const dir = tempDir(ctx);
    expect(await hgpu(["destroy", "20261130T101500-a1b2c3"], { cwd: dir })).toEqual({ status: 1, stdout: "", stderr: `hgpu destroy: no run "20261130T101500-a1b2c3" in ${join(dir, ".hgpu", "runs")} (no runs)\n` });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.runIf(process.platform === "linux")("hgpu destroy --force", () => {
  it("destroys a run launched in another container or on another host only with --force", async (ctx) => {
    const dir = tempDir(ctx);
    const runDir = join(dir, ".hgpu", "runs", "r0");
    mkdirSync(runDir, { recursive: true });
    const launcher = { ...identify(process.pid), where: "00000000-0000-4000-8000-000000000000 pid:[4026531836]" };
    writeFileSync(join(runDir, "launch.json"), JSON.stringify({
      version: 1, runId: "r0", stack: "task", app: "true", terraform: "terraform", project: dir, runDir, startedAt: "2026-12-01T10:00:00Z",
      updatedAt: "2026-12-01T10:00:00Z", launcher, phase: "running", attempts: [], leftInState: [], kept: [],
    }));
    const refused = await hgpu(["destroy", "r0"], { cwd: dir });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `hgpu destroy: run r0 was launched in another container or on another host (launcher PID ${process.pid} there), where hgpu cannot see whether it still runs: ` +
        "stop it there (Ctrl-C, or kill -TERM), or, once you know its launcher is gone, run hgpu destroy --force\n",
    );
    const forced = await hgpu(["destroy", "r0", "--force"], { cwd: dir });
    expect(forced).toMatchObject({ status: 0, stderr: "hgpu destroy: nothing of run r0 is left in state\n" });
    expect(readRunRecords(join(dir, ".hgpu", "runs"))[0]).toMatchObject({ phase: "ended", outcome: "abandoned" });
  });
});
