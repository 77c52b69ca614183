/**
 * A real one-node Slurm cluster for tests: munged, slurmctld and slurmd of Debian's slurm-wlm,
 * started from a configuration written into a temporary folder, on free ports of their own, with
 * their own munge key and socket, so a system Slurm is never touched. The node has 8 GPUs (GRES
 * backed by character devices made with mknod in the folder: without devices slurmd reports none),
 * 16 CPUs (more than the machine has, so concurrent test jobs never wait for a CPU) and two
 * partitions: `gpu`, and `maint`, which is down (jobs wait in it). `stop()` cancels every job, waits until Slurm reports them gone, stops the
 * daemons and removes the folder; a watchdog does the same if the test process dies first.
 *
 * A `torchrun` stand-in is first on the jobs' PATH (`env().PATH`): it checks the rendezvous
 * variables torchrun reads (PET_*), prints them, and runs its arguments as a program (torchrun
 * --no-python), since PyTorch is not installed here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { inCi } from "../launch/harness";

/** The daemons and clients the cluster needs. */
const TOOLS = ["munged", "munge", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel", "scontrol"];
const SBIN_PATH = `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin`;

/** Why a cluster cannot start here (a tool missing, not root), or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`], { env: { PATH: SBIN_PATH } }).status !== 0);
  if (missing.length > 0) return `${missing.join(", ")} not installed (run scripts/install-slurm.sh)`;
  if (process.getuid?.() !== 0) return "the test cluster runs its daemons as root (SlurmUser=root) and makes GPU device files with mknod: run the tests as root";
  return undefined;
}

/**
 * Whether this file's Slurm tests run: in CI (`CI=true`) a cluster that cannot start here fails the
 * file; elsewhere the tests are skipped with one notice.
 */
export function slurmTestsRun(file: string): boolean {
  const why = slurmUnavailable();
  if (why === undefined) return true;
  if (inCi()) throw new Error(`CI is set and the Slurm test cluster cannot start: ${why}`);
  console.warn(`NOTICE: ${file}: the tests against a real Slurm are SKIPPED: ${why}`);
  return false;
}

/** A running test cluster. */
export interface SlurmCluster {
  /** The cluster's folder (configuration, state, logs, device files). */
  readonly dir: string;
  /** slurm.conf: the clients find the cluster through SLURM_CONF. */
  readonly conf: string;
  /** A folder standing for the pool's shared file system. */
  readonly shared: string;
  readonly partition: "gpu";
  readonly gpus: 8;
  /** An environment for the Slurm clients and the launcher: SLURM_CONF, and the torchrun stand-in first on the PATH. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Runs a Slurm client command against the cluster. */
  run(command: string, args: readonly string[]): { code: number; stdout: string; stderr: string };
  /** IDs of the jobs Slurm lists now (pending, running or completing). */
  jobs(): string[];
  /** The daemons' logs, for a failure's message. */
  logs(): string;
  /** Cancels every job, waits until they are gone, stops the daemons and removes the folder. */
  stop(): Promise<void>;
}

/** Options of {@link startSlurmCluster}. */
export interface SlurmClusterOptions {
  /** Longest wait for the node to be idle, ms. @default 30000 */
  readonly readyMs?: number;
}

/** Starts a cluster; throws with the daemons' logs when it does not come up. */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  // munged wants every folder above its socket searchable by all, and a socket path is at most 107
  // bytes: the folder goes in /tmp itself, not in a test's private temporary folder.
  const dir = mkdtempSync("/tmp/hgpu-slurm-");
  chmodSync(dir, 0o711);
  const daemons: ChildProcess[] = [];
  const watchdog = startWatchdog(dir);
  const cluster = new TestCluster(dir, daemons, watchdog);
  try {
    await cluster.start(options.readyMs ?? 30_000);
    return cluster;
  } catch (e) {
    const logs = cluster.logs();
    await cluster.stop();
    throw new Error(`the Slurm test cluster did not start: ${(e as Error).message}\n${logs}`);
  }
}

class TestCluster implements SlurmCluster {
  public readonly conf: string;
  public readonly shared: string;
  public readonly partition = "gpu" as const;
  public readonly gpus = 8 as const;
  private readonly bin: string;
  private stopped = false;

  constructor(public readonly dir: string, private readonly daemons: ChildProcess[], private readonly watchdog: ChildProcess) {
    this.conf = join(dir, "slurm.conf");
    this.shared = join(dir, "shared");
    this.bin = join(dir, "bin");
  }

  public env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bin}:${SBIN_PATH}`, SLURM_CONF: this.conf, ...extra };
  }

  public run(command: string, args: readonly string[]) {
    const r = spawnSync(command, args, { env: this.env(), encoding: "utf8", timeout: 30_000 });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error?.message ?? "") };
  }

  public jobs(): string[] {
    const r = this.run("squeue", ["--noheader", "--format=%i"]);
    if (r.code !== 0) throw new Error(`squeue failed: ${r.stderr}`);
    return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  }

  public logs(): string {
    return ["munged.log", "slurmctld.log", "slurmd.log", "daemons.log"]
      .map((f) => join(this.dir, f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f}\n${readFileSync(f, "utf8").split("\n").slice(-15).join("\n")}`)
      .join("\n");
  }

  public async start(readyMs: number): Promise<void> {
    const { dir } = this;
    for (const d of ["state", "spool", "dev", "shared", "bin"]) mkdirSync(join(dir, d));
    for (let i = 0; i < 8; i++) {
      const r = spawnSync("mknod", [join(dir, "dev", `gpu${i}`), "c", "195", String(i)], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`mknod ${join(dir, "dev", `gpu${i}`)} failed: ${r.stderr}`);
    }
    writeFileSync(join(dir, "munge.key"), randomBytes(1024), { mode: 0o400 });
    writeFileSync(join(this.bin, "torchrun"), TORCHRUN, { mode: 0o755 });
    const [ctldPort, slurmdPort] = await freePorts(2);
    const host = hostname().split(".")[0]!;
    writeFileSync(this.conf, slurmConf(dir, host, ctldPort!, slurmdPort!));
    writeFileSync(join(dir, "gres.conf"), `AutoDetect=off\nNodeName=hgpunode Name=gpu File=${dir}/dev/gpu[0-7]\n`);

    const log = openSync(join(dir, "daemons.log"), "a");
    const daemon = (cmd: string, args: string[]) => {
      const child = spawn(cmd, args, { env: this.env(), stdio: ["ignore", log, log] });
      this.daemons.push(child);
      writeFileSync(join(dir, "pids"), this.daemons.map((d) => d.pid).join(" "));
      return child;
    };
    try {
      daemon("munged", ["--foreground", `--socket=${dir}/munge.sock`, `--key-file=${dir}/munge.key`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/munged.log`, `--seed-file=${dir}/munged.seed`]);
      await this.until(() => spawnSync("munge", ["-n", "-S", `${dir}/munge.sock`], { env: this.env() }).status === 0, readyMs, "munged to answer");
      daemon("slurmctld", ["-D", "-i", "-f", this.conf]);
      await this.until(() => this.run("scontrol", ["ping"]).stdout.includes("UP"), readyMs, "slurmctld to answer");
      daemon("slurmd", ["-D", "-f", this.conf, "-N", "hgpunode"]);
      await this.until(() => this.run("sinfo", ["--noheader", "--Node", "--partition=gpu", "--format=%T"]).stdout.trim() === "idle", readyMs, "the node to be idle");
    } finally {
      closeSync(log);
    }
  }

  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.daemons.length >= 2) {
        const ids = this.jobs();
        if (ids.length > 0) this.run("scancel", ids);
        await this.until(() => this.jobs().length === 0, 30_000, "the jobs to be gone").catch(() => undefined);
      }
    } catch {
      // slurmctld is not answering: the daemons are stopped all the same
    }
    // slurmd first, so no job step outlives it; munged last, so the others can still authenticate.
    for (const child of [...this.daemons].reverse()) await stopChild(child);
    this.watchdog.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async until(check: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      const dead = this.daemons.find((d) => d.exitCode !== null || d.signalCode !== null);
      if (dead) throw new Error(`${dead.spawnargs[0]} exited (${dead.exitCode ?? dead.signalCode}) while waiting for ${what}`);
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Stops a daemon (SIGTERM, then SIGKILL after 10 s) and waits for it. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A detached shell that, if this process dies without stopping the cluster, cancels its jobs,
 * stops its daemons and removes its folder.
 */
function startWatchdog(dir: string): ChildProcess {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && [ -d ${dir} ]; do sleep 1; done`,
    `[ -d ${dir} ] || exit 0`,
    `export SLURM_CONF=${dir}/slurm.conf; timeout 10 squeue --noheader --format=%i 2>/dev/null | xargs -r timeout 10 scancel 2>/dev/null; sleep 3`,
    `kill $(cat ${dir}/pids 2>/dev/null) 2>/dev/null; sleep 2; rm -rf ${dir}`,
  ].join("\n");
  const child = spawn("bash", ["-c", script], { detached: true, stdio: "ignore", env: { PATH: SBIN_PATH } });
  child.unref();
  return child;
}

/** Ports nothing listens on now (the OS's choice), one per daemon. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * The cluster's slurm.conf: everything (ports, state, spool, pid and log files, the munge socket)
 * in `dir`. KillWait is short so a cancelled or timed-out job is gone in seconds; MinJobAge keeps
 * finished jobs visible to scontrol for 10 minutes.
 */
function slurmConf(dir: string, host: string, ctldPort: number, slurmdPort: number): string {
  return [
    "ClusterName=hgputest",
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    `AuthInfo=socket=${dir}/munge.sock`,
    "CredType=cred/munge",
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd.log`,
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "GresTypes=gpu",
    "MpiDefault=none",
    "SwitchType=switch/none",
    "ReturnToService=2",
    "SchedulerType=sched/backfill",
    "AccountingStorageType=accounting_storage/none",
    "JobAcctGatherType=jobacct_gather/none",
    "JobCompType=jobcomp/none",
    "KillWait=5",
    "MinJobAge=600",
    "SlurmdParameters=config_overrides",
    `NodeName=hgpunode NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=16 RealMemory=16000 Gres=gpu:8 State=UNKNOWN`,
    "PartitionName=gpu Nodes=hgpunode Default=YES MaxTime=INFINITE State=UP",
    // A partition down for maintenance: Slurm accepts jobs (and sbatch --test-only expects them to
    // start now) but starts none.
    "PartitionName=maint Nodes=hgpunode MaxTime=INFINITE State=DOWN",
    "",
  ].join("\n");
}

/** The torchrun stand-in: the rendezvous variables must be set; then it runs its arguments. */
const TORCHRUN = `#!/bin/bash
for v in PET_NNODES PET_NPROC_PER_NODE PET_RDZV_BACKEND PET_RDZV_ENDPOINT PET_RDZV_ID; do
  [ -n "\${!v:-}" ] || { echo "torchrun: $v is not set" >&2; exit 2; }
done
echo "torchrun: nnodes=$PET_NNODES nproc_per_node=$PET_NPROC_PER_NODE rdzv=$PET_RDZV_BACKEND@$PET_RDZV_ENDPOINT id=$PET_RDZV_ID gpus=\${CUDA_VISIBLE_DEVICES:-none}"
exec "$@"
`;
