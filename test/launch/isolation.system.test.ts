import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, launch } from "../../lib/launch/launcher";
import { fixture, hasTerraform, P1, P2, project, until } from "./harness";

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.runIf(hasTerraform).concurrent("one run, one state (real terraform, cdktf's default local backend)", () => {
  it("two launches in a row each create and destroy their own objects; the stack's shared state file is never used", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    const first = await launch(t.options);
    const second = await launch(t.options);
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    // The second run applied its own 2 resources instead of adopting the first's.
    expect(t.events()).toEqual([`created ${P1}`, `destroyed node ${P1}`, `destroyed partial ${P1}`, `created ${P1}`, `destroyed node ${P1}`, `destroyed partial ${P1}`]);
    expect(first.status!.runId).not.toBe(second.status!.runId);
    expect(existsSync(join(t.dir, "terraform.task.tfstate"))).toBe(false);
    const states = t.records().map((r) => r.attempts[0]!.state);
    expect(states).toEqual([
      { backend: "local", path: join(second.runDir, "attempt-1", "terraform.tfstate") },
      { backend: "local", path: join(first.runDir, "attempt-1", "terraform.tfstate") },
    ]);
  });

  it("a second launch of a live stack is refused with the live run's id; --concurrent runs beside it, each with its own objects and exit code", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const controller = new AbortController();
    const a = launch({ ...t.options, signal: controller.signal });
    await until(() => t.printed().includes("running: waiting for"), 30_000, "run A to be running");
    const running = t.cloud();
    expect(running).toHaveLength(2);
    const runA = t.records()[0]!;
    // The lock names the run, when it took the lock and its launcher (this process).
    const lock = JSON.parse(readFileSync(join(t.dir, ".hgpu", "runs", ".locks", "task.json"), "utf8")) as { runId: string; startedAt: string };
    expect(lock.runId).toBe(runA.runId);

    await expect(launch({ ...t.options, sink: { write: () => undefined } })).rejects.toThrow(
      `hgpu launch: stack "task" has a live run: ${runA.runId}, started ${lock.startedAt} (launcher PID ${process.pid}).`,
    );
    await expect(launch({ ...t.options, sink: { write: () => undefined } })).rejects.toThrow("See it with `hgpu runs`; stop it with Ctrl-C in its terminal or `kill -TERM");

    const okEnv = { ...t.env, HGPU_TEST_SCENARIO: JSON.stringify({ ...JSON.parse(t.env.HGPU_TEST_SCENARIO!), workload: "success", exitCode: 4 }) };
    const b = await launch({ ...t.options, env: okEnv, concurrent: true, sink: { write: () => undefined } });
    expect(b.exitCode).toBe(4);
    // B created and destroyed its own; A's objects are untouched and A still runs.
    expect(t.cloud()).toEqual(running);

    controller.abort("SIGINT");
    expect((await a).exitCode).toBe(EXIT.SIGINT);
    expect(t.cloud()).toEqual([]);
  });

  it("a live --concurrent run blocks a plain launch too", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const controller = new AbortController();
    const a = launch({ ...t.options, concurrent: true, signal: controller.signal });
    await until(() => t.printed().includes("running: waiting for"), 30_000, "run A to be running");
    const runA = t.records()[0]!;
    await expect(launch({ ...t.options, sink: { write: () => undefined } })).rejects.toThrow(`hgpu launch: stack "task" has a live run: ${runA.runId}`);
    controller.abort("SIGINT");
    expect((await a).exitCode).toBe(EXIT.SIGINT);
    expect(t.cloud()).toEqual([]);
  });

  it("ignores TF_WORKSPACE, TF_DATA_DIR and TF_CLI_ARGS(_*), and says so: each attempt's state stays its own and a failed destroy is seen", async (ctx) => {
    const t = project(ctx, { placements: [P1], destroyFailures: 10 });
    const shared = join(t.dir, "team-shared.tfstate");
    const env = {
      ...t.env, TF_WORKSPACE: "ci", TF_DATA_DIR: join(t.dir, "shared-terraform-dir"),
      // A CI job's usual way to point every init at one state, and arguments for every command.
      TF_CLI_ARGS_init: `-backend-config=path=${shared}`, TF_CLI_ARGS: "-no-color", TF_CLI_ARGS_destroy: "-refresh=false",
    };
    const result = await launch({ ...t.options, env, destroyAttempts: 1 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.leftInState).toEqual(["terraform_data.node", "terraform_data.partial"]);
    expect(existsSync(join(t.dir, "shared-terraform-dir"))).toBe(false);
    expect(existsSync(shared)).toBe(false);
    expect(existsSync(join(result.runDir, "attempt-1", "terraform.tfstate"))).toBe(true);
    // Creation started, so from then on a missing state file would count as unknown, not empty.
    expect(t.records()[0]!.attempts[0]!.creating).toBe(true);
    expect(t.printed()).toContain("ignoring TF_CLI_ARGS, TF_CLI_ARGS_destroy, TF_CLI_ARGS_init, TF_DATA_DIR, TF_WORKSPACE: each run keeps its own state and working folder, and Terraform gets the launcher's arguments alone");
  });

  it("applies nothing when the run record cannot be written as apply starts: nothing is created that hgpu runs and hgpu destroy could not find", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    // The app, run after the record's first writes, leaves a directory where the launcher's next
    // write of launch.json goes (its temporary file): the run folder can no longer take new files.
    const app = join(t.dir, "record-breaking-app.cjs");
    writeFileSync(app, [
      'const { mkdirSync } = require("node:fs"); const { dirname } = require("node:path");',
      `mkdirSync(\`\${dirname(dirname(process.env.CDKTF_OUTDIR))}/launch.json.${process.pid}.tmp\`);`,
      `require(${JSON.stringify(fixture)});`,
    ].join("\n"));
    const result = await launch({ ...t.options, app: `node ${app}` });
    expect(result.exitCode).toBe(EXIT.FAILED);
    expect(t.printed()).toMatch(/warning: cannot write the run record \S+launch\.json: /);
    expect(t.printed()).toContain(`the run record ${join(result.runDir, "launch.json")} cannot be written: nothing is applied that hgpu runs and hgpu destroy could not find`);
    expect(t.events()).toEqual([]);
    expect(t.cloud()).toEqual([]);
    expect(existsSync(join(result.runDir, "attempt-1", "terraform.tfstate"))).toBe(false);
  });

  it("keeps its runs in the project folder when launched from a folder inside it", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    writeFileSync(join(t.dir, "cdktf.json"), JSON.stringify({ app: `node ${fixture}` }));
    mkdirSync(join(t.dir, "src", "jobs"), { recursive: true });
    const { app: _app, ...fromCdktfJson } = t.options;
    const result = await launch({ ...fromCdktfJson, cwd: join(t.dir, "src", "jobs") });
    expect(result.exitCode).toBe(0);
    expect(result.runDir.startsWith(join(t.dir, ".hgpu", "runs"))).toBe(true);
    expect(existsSync(join(t.dir, "src", "jobs", ".hgpu"))).toBe(false);
  });

  it("refuses, before init, a stack with a resource outside its GpuTask: nothing is created, no run is recorded", async (ctx) => {
    const t = project(ctx, { placements: [P1], foreign: true });
    await expect(launch(t.options)).rejects.toThrow(
      'hgpu launch: stack "task" holds resources outside its GpuTask "task": terraform_data.team_cluster (task/team-cluster/asg). ' +
        'A launch destroys its whole stack when the run ends: put the task in a stack of its own (e.g. new TeamStack(app, "vision-task", ...) holding only the GpuTask, with the platform\'s network passed by reference)',
    );
    expect(t.events()).toEqual([]);
    expect(t.cloud()).toEqual([]);
    expect(t.records()).toEqual([]);
  });

  it("takes over the lock of a launcher that is gone, with a warning", async (ctx) => {
    const t = project(ctx, { placements: [P1] });
    const locks = join(t.dir, ".hgpu", "runs", ".locks");
    mkdirSync(locks, { recursive: true });
    // PID 2^22 + 1 is above Linux's pid_max: no process has it.
    writeFileSync(join(locks, "task.json"), JSON.stringify({ runId: "20261129T101010-dead00", startedAt: "2026-11-29T10:10:10.000Z", process: { pid: 4194305 } }));
    const result = await launch(t.options);
    expect(result.exitCode).toBe(0);
    expect(t.printed()).toContain('warning: taking over the lock of stack "task" from run 20261129T101010-dead00: its launcher (PID 4194305) is gone');
    expect(existsSync(join(locks, "task.json"))).toBe(false);
  });

  it("keeps a run's directory and files private", async (ctx) => {
    const t = project(ctx, { placements: [P1], workload: "hang" });
    const controller = new AbortController();
    const run = launch({ ...t.options, signal: controller.signal });
    await until(() => t.printed().includes("running: waiting for"), 30_000, "the run to be running");
    const record = t.records()[0]!;
    const state = (record.attempts[0]!.state as { path: string }).path;
    const modes = {
      runDir: mode(record.runDir),
      record: mode(join(record.runDir, "launch.json")),
      attempt: mode(record.attempts[0]!.dir),
      state: mode(state),
      override: mode(join(record.attempts[0]!.stackDir!, "hgpu_run_override.tf.json")),
    };
    controller.abort("SIGTERM");
    await run;
    expect(modes).toEqual({ runDir: "700", record: "600", attempt: "700", state: "600", override: "600" });
    expect(JSON.parse(readFileSync(join(record.attempts[0]!.stackDir!, "hgpu_run_override.tf.json"), "utf8"))).toEqual({ terraform: { backend: { local: { path: state } } } });
  });
});

describe.runIf(hasTerraform)("failover attempts", () => {
  it("a stack refused after a capacity failover ends the run with 75 and keeps its record", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], capacity: [P1], foreign: P2 });
    const result = await launch(t.options);
    expect(result.exitCode).toBe(EXIT.NO_CAPACITY);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "capacity"], ["?", "failed"]]);
    expect(result.attempts[1]!.errors[0]).toContain("holds resources outside its GpuTask");
    expect(t.records()[0]).toMatchObject({ phase: "ended", outcome: "no-capacity", exitCode: EXIT.NO_CAPACITY });
    expect(t.cloud()).toEqual([]);
  });

  it("never move on while the previous attempt's destroy left resources", async (ctx) => {
    const t = project(ctx, { placements: [P1, P2], capacity: [P1] });
    writeFileSync(join(t.dir, "destroy-fault"), "");
    const result = await launch({ ...t.options, destroyAttempts: 2 });
    expect(result.exitCode).toBe(EXIT.RESOURCES_LEFT);
    expect(result.attempts.map((a) => [a.placementKey, a.outcome])).toEqual([[P1, "capacity"]]);
    expect(t.events()).toEqual([`created ${P1}`]);
  });
});
