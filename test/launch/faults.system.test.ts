/**
 * The launcher's fault matrix against the real terraform binary, with `hgpu` as a real process:
 * signals, a closed terminal (a real pseudo-terminal through `script`), a killed launcher, a
 * destroy that keeps failing, a terraform binary that vanishes, status reads that fail. Each case
 * asserts the exit code, what was printed, the objects left in the "cloud" and what is left in state.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { EXIT, launch } from "../../lib/launch/launcher";
import { readRunRecords } from "../../lib/launch/run-record";
import { destroyRun, listRuns } from "../../lib/launch/runs";
import { localStateResources } from "../../lib/launch/state-location";
import { alive, fixture, hasTerraform, hgpu, hgpuCommand, hgpuInProcess, P1, project, until } from "./harness";

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const launchArgs = ["launch", "--stack", "task", "--app", `node ${fixture}`, "--poll-seconds", "0.1", "--destroy-backoff-seconds", "0.05"];
const stateOf = (t: ReturnType<typeof project>) => localStateResources((t.records()[0]!.attempts.at(-1)!.state as { path: string }).path);

/** A project whose run's launcher (`hgpu` as a process) was SIGKILLed while waiting: its resources are left. */
async function launcherKilledWhileWaiting(ctx: TestContext): Promise<ReturnType<typeof project>> {
  const t = project(ctx, { placements: [P1], workload: "hang" });
  const child = hgpu(launchArgs, t.dir, t.env);
  await until(() => child.output().includes("running: waiting for"), 30_000, "running");
  child.kill("SIGKILL");
  await child.exit;
  return t;
}

describe.runIf(hasTerraform).concurrent("signals and a dead launcher", () => {
  it.for([
    ["SIGINT", "waiting", EXIT.SIGINT],
    ["SIGTERM", "waiting", EXIT.SIGTERM],
    ["SIGHUP", "waiting", EXIT.SIGHUP],
    ["SIGINT", "applying", EXIT.SIGINT],
    ["SIGTERM", "applying", EXIT.SIGTERM],
    ["SIGHUP", "applying", EXIT.SIGHUP],
  ] as const)("%s while %s: destroys, then exits %i", async ([signal, when, code], ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang", applySeconds: when === "applying" ? 30 : 0 });
    const child = hgpu(launchArgs, t.dir, t.env);
    const started = Date.now();
    await until(() => (when === "waiting" ? child.output().includes("running: waiting for") : t.events().length > 0), 30_000, when);
    child.kill(signal);
    expect(await child.exit).toBe(code);
    // An interrupted apply is stopped, not waited for.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(child.output()).toContain(`hgpu: ${signal}: stopping the run and destroying what it created`);
    expect(child.output()).toContain("destroyed: nothing left in state");
    expect(t.cloud()).toEqual([]);
    expect(stateOf(t)).toEqual([]);
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "interrupted", exitCode: code });
  });

  it("a second Ctrl-C does not cut the destroy short", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang", destroyFailures: 2 });
    const child = hgpu([...launchArgs.slice(0, -1), "1"], t.dir, t.env);
    await until(() => child.output().includes("running: waiting for"), 30_000, "running");
    child.kill("SIGINT");
    await until(() => child.output().includes("destroy left"), 30_000, "a failed destroy");
    child.kill("SIGINT");
    expect(await child.exit).toBe(EXIT.SIGINT);
    expect(child.output()).toContain("hgpu: SIGINT again: still destroying, please wait");
    expect(child.output()).toContain("destroy (try 3 of 4)");
    expect(t.cloud()).toEqual([]);
  });

  it.runIf(hasScript).for(["applying", "waiting"] as const)("a closed terminal (SIGHUP through a real pty) while %s destroys everything and exits 129", async (when, ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang", applySeconds: when === "applying" ? 30 : 0 });
    const command = hgpuCommand(launchArgs).map((a) => `'${a}'`).join(" ");
    const terminal = spawn("script", ["-qfec", command, "/dev/null"], { cwd: t.dir, env: t.env, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    terminal.stdout.on("data", (d: Buffer) => (screen += d.toString()));
    await until(() => (when === "waiting" ? screen.includes("running: waiting for") : t.events().length > 0), 30_000, when);
    const launcher = t.records()[0]!.launcher.pid;
    terminal.kill("SIGKILL"); // the terminal goes away: the pty's master closes
    await until(() => !alive(launcher), 30_000, "the launcher to finish");
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "interrupted", exitCode: EXIT.SIGHUP });
    expect(t.cloud()).toEqual([]);
    expect(stateOf(t)).toEqual([]);
  });

  it.runIf(hasScript)("a launch started with setsid -f keeps running when its terminal closes, and SIGTERM still destroys it", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const command = ["setsid", "-f", ...hgpuCommand(launchArgs)].map((a) => `'${a}'`).join(" ");
    const terminal = spawn("script", ["-qfec", `${command} > ${t.dir}/launch.log 2>&1; sleep 60`, "/dev/null"], { cwd: t.dir, env: t.env, stdio: ["pipe", "pipe", "pipe"] });
    await until(() => t.records()[0]?.phase === "running", 30_000, "the run to be running");
    terminal.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 1500));
    const launcher = t.records()[0]!.launcher.pid;
    expect(alive(launcher)).toBe(true);
    expect(t.records()[0]!.phase).toBe("running");
    process.kill(launcher, "SIGTERM");
    await until(() => !alive(launcher), 30_000, "the launcher to finish");
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "interrupted", exitCode: EXIT.SIGTERM });
    expect(t.cloud()).toEqual([]);
  });

  it("SIGKILL of the launcher during apply: Terraform finishes and records what it created; hgpu runs shows the run leftover; hgpu destroy removes it all", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang", applySeconds: 2 });
    const child = hgpu(launchArgs, t.dir, t.env);
    await until(() => t.events().length > 0, 30_000, "the node's creation to start");
    child.kill("SIGKILL");
    await child.exit;
    const terraform = t.records()[0]!.attempts[0]!.terraform!;
    expect(terraform.command).toBe("apply");
    await until(() => !alive(terraform.pid), 30_000, "terraform to finish on its own");
    // The object created after the launcher died exists, and so does its state entry.
    expect(t.cloud()).toEqual([expect.stringMatching(/^node-/), expect.stringMatching(/^partial-/)]);
    expect(stateOf(t)).toEqual(["terraform_data.node", "terraform_data.partial"]);

    const runs = await hgpuInProcess(["runs"], join(t.dir, ".hgpu"), t.env);
    const id = t.records()[0]!.runId;
    expect(runs.code).toBe(0);
    // No restarts; the cost so far grows while the resources are left (no end recorded); $98.32/h; 2 resources in state.
    const row = `${id}\\s+task\\s+.*LEFTOVER\\s+apply\\s+-\\s+${P1.replace(/[/.]/g, "\\$&")}\\s+0\\s+\\$\\d+\\.\\d\\d\\s+\\$98\\.32\\s+2`;
    expect(runs.output).toMatch(new RegExp(row));
    expect(runs.output).toContain(`!!! remove them with: hgpu destroy ${id}`);

    mkdirSync(join(t.dir, "src", "deeper"), { recursive: true });
    const destroyed = await hgpuInProcess(["destroy", id], join(t.dir, ".hgpu", "runs"), t.env);
    expect(destroyed.output).toContain(`hgpu destroy: nothing of run ${id} is left in state`);
    expect(destroyed.code).toBe(0);
    expect(t.cloud()).toEqual([]);
    // The run whose launcher died has ended now, and prune removes it.
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "abandoned", leftInState: [] });
    // Its cost stops with the destroy: the attempt records when it ended.
    const attempt = t.records()[0]!.attempts[0]!;
    expect(Date.parse(attempt.endedAt!)).toBeGreaterThanOrEqual(Date.parse(attempt.appliedAt!));
    expect((await listRuns(join(t.dir, ".hgpu", "runs")))[0]!.state).toBe("ended");
    const pruned = await hgpuInProcess(["runs", "--prune"], t.dir, t.env);
    expect(pruned.output).toContain(`removed 1 ended run with nothing left: ${id}`);
  });

  it("hgpu destroy of a run whose dead launcher left Terraform applying stops that Terraform (as Ctrl-C would), then destroys", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang", applySeconds: 60 });
    const child = hgpu(launchArgs, t.dir, t.env);
    await until(() => t.events().length > 0, 30_000, "the node's creation to start");
    child.kill("SIGKILL");
    await child.exit;
    const started = Date.now();
    const out: string[] = [];
    const { left } = await destroyRun(t.records()[0]!, { sink: { write: (s) => void out.push(s) }, backoffMs: 50 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(out.join("")).toMatch(/attempt 1: terraform apply \(PID \d+\) left by the launcher is still running: asking it to stop and waiting for it to save its state/);
    expect(left).toEqual([]);
    expect(t.cloud()).toEqual([]);
    expect(stateOf(t)).toEqual([]);
  });

  it("SIGKILL of the launcher while waiting: the run is leftover, and said so by the next launch, until hgpu destroy", async (ctx) => {
    const t = await launcherKilledWhileWaiting(ctx);
    const [view] = await listRuns(join(t.dir, ".hgpu", "runs"));
    expect(view!.state).toBe("leftover");
    expect(view!.left.flatMap((l) => l.resources)).toEqual(["terraform_data.node", "terraform_data.partial"]);
    // A new launch warns of it.
    const next = await launch({ ...t.options, concurrent: true, env: { ...t.env, HGPU_TEST_SCENARIO: JSON.stringify({ ...JSON.parse(t.env.HGPU_TEST_SCENARIO!), workload: "success" }) } });
    expect(next.exitCode).toBe(0);
    expect(t.printed()).toContain(`WARNING: 1 earlier run left resources that may be billing: ${view!.record.runId} (task, up to $98.32/h). See hgpu runs; remove them with hgpu destroy <run id>`);
    const out: string[] = [];
    const { left } = await destroyRun(view!.record, { sink: { write: (s) => void out.push(s) }, backoffMs: 50 });
    expect(left).toEqual([]);
    expect(t.cloud()).toEqual([]);
  });

  it("Terraform itself killed while creating (an out-of-memory kill): what it was creating is reported as possibly outside any state, exit 70", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "success", applySeconds: 3 });
    const result = launch(t.options);
    await until(() => t.events().length > 0, 30_000, "the node's creation to start");
    process.kill(t.records()[0]!.attempts[0]!.terraform!.pid, "SIGKILL");
    const r = await result;
    expect(r.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(t.records()[0]!.attempts[0]!.killedWhileCreating).toEqual({ signal: "SIGKILL", resources: ["terraform_data.node"] });
    expect(t.printed()).toContain(
      "!!! TERRAFORM WAS KILLED while creating these resources: they may exist in the cloud outside any state,\n" +
        "!!! running and billing, and hgpu cannot find or remove them. Look for them (by name and tags) and delete them:\n" +
        `!!! attempt 1 (${P1}; terraform ended by SIGKILL):\n!!!   terraform_data.node\n`,
    );
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "resources-left", exitCode: EXIT.RESOURCES_LEFT });
  });

  it("a project moved after its launcher was killed: hgpu runs still shows the run leftover where it is now, and hgpu destroy removes everything", async (ctx) => {
    const t = await launcherKilledWhileWaiting(ctx);
    // The project's runs move (a renamed folder, a container mounting it elsewhere); the "cloud" stays.
    const moved = mkdtempSync(join(tmpdir(), "hgpu-moved-"));
    ctx.onTestFinished(() => rmSync(moved, { recursive: true, force: true }));
    renameSync(join(t.dir, ".hgpu"), join(moved, ".hgpu"));
    const id = readRunRecords(join(moved, ".hgpu", "runs"))[0]!.runId;

    const runs = await hgpuInProcess(["runs"], moved, t.env);
    expect(runs.output).toMatch(new RegExp(`${id}\\s+task\\s+.*LEFTOVER\\s+running\\s.*\\s2\\n`));
    const [view] = await listRuns(join(moved, ".hgpu", "runs"));
    expect(view!.record.movedFrom).toBe(join(t.dir, ".hgpu", "runs", id));
    expect(view!.left[0]!.attempt.state).toEqual({ backend: "local", path: join(moved, ".hgpu", "runs", id, "attempt-1", "terraform.tfstate") });

    const destroyed = await hgpuInProcess(["destroy", id], moved, t.env);
    expect(destroyed.output).toContain(`attempt 1: the run moved from ${join(t.dir, ".hgpu", "runs", id)}: initializing its stack where it is now`);
    expect(destroyed.output).toContain(`hgpu destroy: nothing of run ${id} is left in state`);
    expect(destroyed.code).toBe(0);
    expect(t.cloud()).toEqual([]);
    expect(existsSync(join(t.dir, ".hgpu"))).toBe(false);
    expect(localStateResources(join(moved, ".hgpu", "runs", id, "attempt-1", "terraform.tfstate"))).toEqual([]);
  });

  it("hgpu destroy after the cloud-side deadline has deleted the run's objects: exit 0, nothing left in state (a missing object counts as gone, as a provider's refresh takes it)", async (ctx) => {
    const t = await launcherKilledWhileWaiting(ctx);
    // The deadline and its grace step: the cloud deletes the objects, the state still lists them.
    for (const object of t.cloud()) rmSync(join(t.dir, "cloud", object));
    expect(stateOf(t)).toEqual(["terraform_data.node", "terraform_data.partial"]);
    const r = await hgpuInProcess(["destroy", t.records()[0]!.runId], t.dir, t.env);
    expect(r.code).toBe(0);
    expect(stateOf(t)).toEqual([]);
    expect(t.cloud()).toEqual([]);
  });

  it("hgpu destroy refuses a live run", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const child = hgpu(launchArgs, t.dir, t.env);
    await until(() => child.output().includes("running: waiting for"), 30_000, "running");
    const record = t.records()[0]!;
    const r = await hgpuInProcess(["destroy", record.runId.slice(0, 17)], t.dir, t.env);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe(`hgpu destroy: run ${record.runId} is live (launcher PID ${record.launcher.pid}): stop it with Ctrl-C in its terminal or kill -TERM ${record.launcher.pid}; it destroys what it created`);
    child.kill("SIGTERM");
    expect(await child.exit).toBe(EXIT.SIGTERM);
    expect(t.cloud()).toEqual([]);
  });
});

describe.runIf(hasTerraform).concurrent("destroy faults", () => {
  it("a destroy that keeps failing: 70, a loud report with the commands that work, and hgpu destroy works once the fault is gone", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    writeFileSync(join(t.dir, "destroy-fault"), "");
    const result = await launch({ ...t.options, destroyAttempts: 2 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.leftInState).toEqual(["terraform_data.node", "terraform_data.partial"]);
    const stackDir = t.records()[0]!.attempts[0]!.stackDir!;
    expect(t.printed()).toContain(
      "!!! DESTROY FAILED: these resources are still in state and may be running and billing:\n" +
        `!!! attempt 1 (${P1}, state ${join(result.runDir, "attempt-1", "terraform.tfstate")}):\n` +
        "!!!   terraform_data.node\n!!!   terraform_data.partial\n" +
        "!!! Remove them once the cause is fixed, with either:\n" +
        `!!!   hgpu destroy ${result.runId}`,
    );
    expect(t.printed()).toContain(`!!!   terraform -chdir=${stackDir} destroy\n`);
    expect(t.cloud()).toHaveLength(2);
    expect(t.records()[0]).toMatchObject({ outcome: "resources-left", exitCode: 70, leftInState: ["terraform_data.node", "terraform_data.partial"] });

    // Still failing: hgpu destroy says so and exits 70.
    const again = await hgpuInProcess(["destroy", result.runId, "--destroy-attempts", "1"], t.dir, t.env);
    expect(again.code).toBe(EXIT.RESOURCES_LEFT);
    expect(again.output).toContain(`!!!   hgpu destroy ${result.runId}`);

    rmSync(join(t.dir, "destroy-fault"));
    const fixed = await hgpuInProcess(["destroy", result.runId], join(t.dir, ".hgpu", "runs"), t.env);
    expect(fixed.code).toBe(0);
    expect(t.cloud()).toEqual([]);
    expect(stateOf(t)).toEqual([]);
  });

  it("terraform gone at destroy time: the destroy is retried, the report is printed, 70; hgpu destroy works once it is back", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    const terraform = join(t.dir, "bin", "terraform");
    const install = () => {
      writeFileSync(terraform, `#!/bin/sh\nexec terraform "$@"\n`);
      chmodSync(terraform, 0o755);
    };
    spawnSync("mkdir", ["-p", join(t.dir, "bin")]);
    install();
    const env = { ...t.env, HGPU_TEST_SCENARIO: JSON.stringify({ ...JSON.parse(t.env.HGPU_TEST_SCENARIO!), removeAtApply: terraform }) };
    const result = await launch({ ...t.options, env, terraform, destroyAttempts: 2 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(t.printed()).toContain(`destroy left 2 resource(s) in state (exit 127): cannot run ${terraform}: spawn ${terraform} ENOENT`);
    expect(t.printed()).toContain("destroy (try 2 of 2)");
    expect(t.printed()).toContain("!!!   terraform_data.node\n!!!   terraform_data.partial\n");
    expect(t.cloud()).toHaveLength(2);

    install();
    // The run recorded its binary: hgpu destroy uses it without being told.
    expect(t.records()[0]!.terraform).toBe(terraform);
    const { left } = await destroyRun(t.records()[0]!, { sink: { write: () => undefined } });
    expect(left).toEqual([]);
    expect(t.cloud()).toEqual([]);
  });
});

describe.runIf(hasTerraform).concurrent("a remote backend", () => {
  it("that cannot be reached fails init: exit 1, nothing reported left, and the run counts as ended", async (ctx) => {
    const t = project(ctx, { placements: [P1], s3Backend: true });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.leftInState).toEqual([]);
    expect(t.printed()).toContain("init failed:");
    expect(t.printed()).not.toContain("DESTROY FAILED");
    expect(t.records()[0]!.attempts[0]!.state).toMatchObject({ backend: "s3", key: `task/terraform.tfstate/runs/${result.runId}/attempt-1` });
    expect((await listRuns(join(t.dir, ".hgpu", "runs")))[0]!.state).toBe("ended");
  });
});

describe.runIf(hasTerraform).concurrent("what destroy says is not believed", () => {
  it("a destroy that exits 0 but leaves resources in state is retried and reported: 70", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    // A terraform whose destroy always says it succeeded.
    const lying = join(t.dir, "terraform-lying");
    writeFileSync(lying, `#!/bin/sh\nterraform "$@"; s=$?; [ "$1" = destroy ] && exit 0; exit $s\n`);
    chmodSync(lying, 0o755);
    writeFileSync(join(t.dir, "destroy-fault"), "");
    const result = await launch({ ...t.options, terraform: lying, destroyAttempts: 2 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.leftInState).toEqual(["terraform_data.node", "terraform_data.partial"]);
    expect(t.printed()).toContain("destroy left 2 resource(s) in state (exit 0): local-exec provisioner error");
    expect(t.cloud()).toHaveLength(2);
  });
});

describe.runIf(hasTerraform).concurrent("status reads that fail", () => {
  it("a status that never comes: the wait ends at the deadline and the run is destroyed", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const result = await launch({ ...t.options, statusTimeoutMs: 1500 });
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.attempts[0]!.errors[0]).toMatch(/^Timed out after 1500 ms waiting for the run status at file:\/\//);
    expect(t.cloud()).toEqual([]);
  });

  it("fail for longer than 20 reads while the run is healthy: the run completes, with one warning", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "flaky", flakySeconds: 4, exitCode: 0 });
    const result = await launch({ ...t.options, pollMs: 50 });
    expect(result.exitCode).toBe(0);
    const warnings = t.printed().match(/warning: reading \S+status\.json failed/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(t.printed()).toMatch(/reading \S+status\.json works again after (\d{2,}) failure\(s\)/);
    expect(Number(/works again after (\d+) failure/.exec(t.printed())![1])).toBeGreaterThan(20);
    expect(t.cloud()).toEqual([]);
  });

  it("with stopOnReadErrors, stop waiting after that many failures and destroy", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "flaky", flakySeconds: 30 });
    const result = await launch({ ...t.options, stopOnReadErrors: 5 });
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(result.attempts[0]!.errors.join("\n")).toContain("EISDIR");
    expect(t.cloud()).toEqual([]);
  });
});
