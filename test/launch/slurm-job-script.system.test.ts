/**
 * The Slurm batch script: its #SBATCH options and refusals (pure), its syntax for each container
 * runtime (bash -n), and its ways out run in bash with srun, scontrol, scancel and date stubbed
 * (the real cluster runs it in slurm-launch.system.test.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { apptainerUri, sbatchOptions, slurmJobScript, warningSeconds, type SlurmScriptSpec } from "../../lib/launch/slurm-job-script";

const spec: SlurmScriptSpec = {
  task: "nn-train",
  runId: "5f1c-run",
  jobName: "hgpu-20261130T101010-abcdef-1",
  scheduler: { partition: "gpu", account: "ml-team", qos: "high" },
  nodes: 4,
  gpusPerNode: 8,
  timeLimitMinutes: 720,
  signalBeforeLimitSeconds: 600,
  runDir: "/lustre/hgpu-runs/train/nn/5f1c-run",
  container: { kind: "none", mounts: [] },
  command: ["train.py", "--name", "it's here"],
  env: { DATA_PATH: "/dataset/imagenet", NCCL_DEBUG: "INFO" },
  placementJson: '{"key":"onprem/fra-dc1//dgx"}',
};

describe("the job's options", () => {
  it("one sbatch job: nodes, GPUs per node, the time limit, the warning before it, partition, account, QOS, output under the run's folder", () => {
    expect(sbatchOptions(spec)).toEqual([
      "--job-name=hgpu-20261130T101010-abcdef-1",
      "--partition=gpu",
      "--account=ml-team",
      "--qos=high",
      "--nodes=4",
      "--ntasks-per-node=1",
      "--gpus-per-node=8",
      "--time=720",
      "--signal=B:USR1@600",
      "--output=/lustre/hgpu-runs/train/nn/5f1c-run/slurm-%j.out",
      "--chdir=/lustre/hgpu-runs/train/nn/5f1c-run",
      "--no-requeue",
    ]);
    expect(sbatchOptions({ ...spec, scheduler: { partition: "gpu" } }).filter((o) => /account|qos/.test(o))).toEqual([]);
    expect(slurmJobScript(spec).split("\n").filter((l) => l.startsWith("#SBATCH ")).map((l) => l.slice(8))).toEqual(sbatchOptions(spec));
  });

  it("the warning comes at most a quarter of the limit early; none when that is under a second", () => {
    expect(warningSeconds({ timeLimitMinutes: 40, signalBeforeLimitSeconds: 600 })).toBe(600);
    expect(warningSeconds({ timeLimitMinutes: 39, signalBeforeLimitSeconds: 600 })).toBe(585);
    expect(warningSeconds({ timeLimitMinutes: 1, signalBeforeLimitSeconds: 600 })).toBe(15);
    expect(warningSeconds({ timeLimitMinutes: 1, signalBeforeLimitSeconds: 0 })).toBe(0);
    expect(sbatchOptions({ ...spec, signalBeforeLimitSeconds: 0 }).some((o) => o.startsWith("--signal"))).toBe(false);
  });

  it("refuses what the script cannot carry, each with its reason", () => {
    expect(() => slurmJobScript({ ...spec, runDir: "/lustre/my run" })).toThrow('cannot write the Slurm job of task nn-train: runDir "/lustre/my run" must be an absolute path of letters, digits, _ . / and -');
    expect(() => slurmJobScript({ ...spec, runDir: "lustre/run" })).toThrow("must be an absolute path");
    expect(() => slurmJobScript({ ...spec, runDir: "/lustre/%j" })).toThrow("must be an absolute path");
    expect(() => slurmJobScript({ ...spec, jobName: "a b" })).toThrow('jobName "a b" must be letters, digits, _ . and -');
    expect(() => slurmJobScript({ ...spec, env: { "A-B": "x" } })).toThrow('env "A-B" is not a variable name');
    expect(() => slurmJobScript({ ...spec, container: { kind: "pyxis", mounts: [] } })).toThrow("container pyxis needs an image");
    expect(() => slurmJobScript({ ...spec, container: { kind: "none", image: "ubuntu", mounts: [] } })).toThrow("image ubuntu needs a container runtime (pyxis or apptainer)");
    expect(() => slurmJobScript({ ...spec, container: { kind: "pyxis", image: "x", mounts: [] }, command: undefined })).toThrow("a command is needed: pyxis runs the command given, not the image's entry point");
    expect(() => slurmJobScript({ ...spec, command: [] })).toThrow("a command is needed: there is no image to run");
    expect(() => slurmJobScript({ ...spec, container: { kind: "apptainer", image: "x", mounts: [{ host: "/a,b", container: "/d" }] } })).toThrow("mount paths must not hold , or :");
    // the accepted neighbours
    expect(() => slurmJobScript({ ...spec, container: { kind: "apptainer", image: "x", mounts: [] }, command: undefined })).not.toThrow();
    expect(() => slurmJobScript({ ...spec, runDir: "/a_b/c-d/e.f/9", jobName: "a_b.c-9", env: { _X1: "" } })).not.toThrow();
  });
});

describe("the workload's command line", () => {
  const workloadLine = (s: SlurmScriptSpec) => slurmJobScript(s).split("\n").find((l) => l.startsWith("srun "))!;

  it("on the host: torchrun with the task's argv, each argument quoted, one per node", () => {
    expect(workloadLine(spec)).toBe(`srun --kill-on-bad-exit=1 --ntasks-per-node=1 --output="$RUN_DIR/logs/node%n.log" bash -c "$NODE_WRAPPER" hgpu-node torchrun 'train.py' '--name' 'it'\\''s here' &`);
  });

  it("with pyxis: the image and mounts as srun options", () => {
    const line = workloadLine({ ...spec, container: { kind: "pyxis", image: "nvcr.io/nvidia/pytorch:24.05-py3", mounts: [{ host: "/lustre", container: "/lustre" }, { host: "/lustre/dataset/imagenet", container: "/dataset/imagenet", readOnly: true }] } });
    expect(line).toContain(`--container-image='nvcr.io/nvidia/pytorch:24.05-py3' --container-mounts='/lustre:/lustre,/lustre/dataset/imagenet:/dataset/imagenet:ro' bash -c "$NODE_WRAPPER" hgpu-node torchrun 'train.py'`);
  });

  it("with apptainer: exec with the GPUs and binds, or the image's own run script without a command", () => {
    const a = { kind: "apptainer" as const, image: "nvcr.io/nvidia/pytorch:24.05-py3", mounts: [{ host: "/lustre", container: "/lustre", readOnly: true }] };
    expect(workloadLine({ ...spec, container: a })).toContain(`hgpu-node apptainer exec --nv --bind '/lustre:/lustre:ro' 'docker://nvcr.io/nvidia/pytorch:24.05-py3' torchrun 'train.py'`);
    expect(workloadLine({ ...spec, container: a, command: undefined })).toMatch(/hgpu-node apptainer run --nv --bind '\/lustre:\/lustre:ro' 'docker:\/\/nvcr\.io\/nvidia\/pytorch:24\.05-py3' &$/);
    expect(apptainerUri("/images/pytorch.sif")).toBe("/images/pytorch.sif");
    expect(apptainerUri("oras://registry/x:1")).toBe("oras://registry/x:1");
  });

  it("is valid bash for every runtime", () => {
    for (const container of [spec.container, { kind: "pyxis" as const, image: "img", mounts: [] }, { kind: "apptainer" as const, image: "img", mounts: [] }]) {
      const r = spawnSync("bash", ["-n"], { input: slurmJobScript({ ...spec, container }), encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
  });
});

describe("the ways out, run in bash (srun, scontrol, scancel and the clock stubbed)", () => {
  /**
   * Starts the script in `dir` with stubs first on the PATH: srun runs until the file `stop`
   * appears (scancel --signal=TERM creates it) or exits at once with `srunExit`; `date +%s` reads
   * the file `now`. Returns the running script and readers of what it wrote.
   */
  function start(ctx: TestContext, srunExit?: number) {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-sbatch-"));
    ctx.onTestFinished(() => {
      writeFileSync(join(dir, "stop"), "");
      rmSync(dir, { recursive: true, force: true });
    });
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const stub = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    stub("srun", srunExit !== undefined ? `echo "srun $*" >> ${dir}/calls; exit ${srunExit}` : `echo "srun $*" >> ${dir}/calls; for i in $(seq 1 200); do [ -e ${dir}/stop ] && exit 7; sleep 0.1; done; exit 1`);
    stub("scontrol", `echo "scontrol $*" >> ${dir}/calls; echo n1; echo n2`);
    stub("scancel", `echo "scancel $*" >> ${dir}/calls; touch ${dir}/stop`);
    stub("hostname", "echo n1");
    stub("date", `if [ "$1" = +%s ]; then cat ${dir}/now; else exec /bin/date "$@"; fi`);
    writeFileSync(join(dir, "now"), "1000");
    const runDir = join(dir, "run");
    const script = slurmJobScript({ ...spec, runDir, timeLimitMinutes: 1, idleTimeoutMinutes: 0 });
    const child = spawn("bash", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin`, SLURM_JOB_ID: "77", SLURM_JOB_NODELIST: "n[1-2]" }, stdio: "ignore" });
    const exit = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    const read = (f: string) => (existsSync(join(runDir, f)) ? readFileSync(join(runDir, f), "utf8") : "");
    const calls = () => (existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n") : []);
    const running = async () => {
      for (let i = 0; i < 100 && !calls().some((c) => c.startsWith("srun ")); i++) await new Promise((r) => setTimeout(r, 50));
    };
    return { dir, child, exit, running, calls, status: () => JSON.parse(read("status.json")) as Record<string, unknown>, log: () => read("logs/node0.log") };
  }

  it("the workload's exit code is the job's, with the run contract's status", async (ctx) => {
    const t = start(ctx, 5);
    expect(await t.exit).toBe(5);
    expect(t.status()).toMatchObject({ runId: "5f1c-run", task: "nn-train", exitCode: 5, reason: "workload-failed", nodes: 4, reportedBy: "n1", slurmJobId: "77", placement: { key: "onprem/fra-dc1//dgx" } });
    // the rendezvous is the job's first node, on a port of the job's own
    expect(t.calls()[0]).toBe("scontrol show hostnames n[1-2]");
    const ok = start(ctx, 0);
    expect(await ok.exit).toBe(0);
    expect(ok.status()).toMatchObject({ exitCode: 0, reason: "completed" });
  });

  it("Slurm's warning: the workload's step gets SIGTERM, and the status says time-limit (124)", async (ctx) => {
    const t = start(ctx);
    await t.running();
    t.child.kill("SIGUSR1");
    expect(await t.exit).toBe(124);
    expect(t.calls()).toContain("scancel --signal=TERM 77.0");
    expect(t.status()).toMatchObject({ exitCode: 124, reason: "time-limit" });
    expect(t.log()).toContain("hgpu: Slurm's time limit (60 s) is near: stopping the workload");
  });

  it("SIGTERM from 10 s before the time limit on: time-limit (124); a second earlier: cancelled (143)", async (ctx) => {
    const late = start(ctx);
    await late.running();
    writeFileSync(join(late.dir, "now"), "1050");
    late.child.kill("SIGTERM");
    expect(await late.exit).toBe(124);
    expect(late.status()).toMatchObject({ exitCode: 124, reason: "time-limit" });
    expect(late.log()).toContain("hgpu: Slurm's time limit (60 s) stopped the task");
    const early = start(ctx);
    await early.running();
    writeFileSync(join(early.dir, "now"), "1049");
    early.child.kill("SIGTERM");
    expect(await early.exit).toBe(143);
    expect(early.status()).toMatchObject({ exitCode: 143, reason: "cancelled" });
  });
});
