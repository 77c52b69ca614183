/**
 * Runs Slurm's commands for the launcher: on this machine (the pool's `submitHost` unset), or on the
 * pool's login node over `ssh`. Commands are argument vectors, never shell strings built from
 * input: locally they are spawned without a shell; over ssh, where the remote shell reads the
 * command line, every argument is single-quoted. The run's folder on the shared file system is
 * read the same way (an {@link ObjectReader} over ssh when the launcher does not mount it).
 */
import { spawn } from "node:child_process";
import type { SlurmCommandRunner } from "../onprem/slurm-command";
import { SLURM_COMMAND_ENV } from "../onprem/slurm-command";
import { shellQuote } from "../task/run-script";
import { readerFor, wholeUtf8, type ObjectReader } from "./object-readers";
import { expectKind } from "./object-uri";

/** Where and how the commands run. */
export interface SlurmRunnerOptions {
  /** The login node (ssh). @default - this machine */
  readonly submitHost?: string;
  /** The environment the local commands get (SLURM_CONF, PATH...). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The ssh program. @default "ssh" */
  readonly ssh?: string;
  /** Longest a command may take before it is stopped, ms. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Variables of the launcher's environment that local Slurm commands (and, through sbatch, the job)
 * get: what finds the programs and the cluster, never the launcher's cloud credentials.
 */
const PASSED = /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|SLURM_CONF|TMPDIR)$/;

/** The environment of a local Slurm command. */
export function slurmEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(env).filter(([k]) => PASSED.test(k))), ...SLURM_COMMAND_ENV };
}

/** The ssh argument vector that runs `argv` on `host`: the remote command line quotes every argument. */
export function sshArgv(host: string, argv: readonly string[], ssh = "ssh"): string[] {
  const remote = ["env", ...Object.entries(SLURM_COMMAND_ENV).map(([k, v]) => `${k}=${v}`), ...argv].map(shellQuote).join(" ");
  // BatchMode: never wait for a password prompt nobody sees; "--": the host is never read as an option.
  return [ssh, "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "--", host, remote];
}

/** A runner for the pool's Slurm commands. */
export function slurmRunner(options: SlurmRunnerOptions = {}): SlurmCommandRunner {
  return async (argv, runOptions) => {
    const r = await runRaw(options, argv, runOptions?.input);
    return { code: r.code, stdout: r.stdout.toString("utf8"), stderr: r.stderr };
  };
}

/** Runs `argv` where the pool's commands run; stdout as bytes. */
function runRaw(options: SlurmRunnerOptions, argv: readonly string[], input?: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const [program, ...args] = options.submitHost ? sshArgv(options.submitHost, argv, options.ssh) : argv;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve) => {
    const child = spawn(program!, args, { env: slurmEnv(options.env ?? process.env), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdin.on("error", () => undefined); // a program that exits without reading its input
    child.stdin.end(input ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: Buffer.concat(out), stderr: `${program}: ${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      resolve({ code: timedOut ? 124 : (code ?? 1), stdout: Buffer.concat(out), stderr: timedOut ? `${stderr}${argv.join(" ")}: no answer after ${timeoutMs} ms`.trim() : stderr });
    });
  });
}

/**
 * Reads the run's files (`file://` URIs on the shared file system): directly when the pool's
 * commands run here, else with `cat` / `tail -c` on the login node.
 */
export function sharedFileReader(options: SlurmRunnerOptions = {}): ObjectReader {
  if (!options.submitHost) return readerFor("file:///");
  const on = `on ${options.submitHost}`;
  return {
    async read(uri) {
      const { path } = expectKind(uri, "file");
      const r = await runRaw(options, ["cat", "--", path]);
      if (r.code === 0) return r.stdout.toString("utf8");
      if (/No such file/i.test(r.stderr)) return undefined;
      throw new Error(`Cannot read ${uri} ${on} (exit ${r.code}): ${r.stderr.trim()}`);
    },
    async readFrom(uri, offset) {
      const { path } = expectKind(uri, "file");
      if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`Cannot read ${uri} from offset ${offset}: the offset must be a whole number of bytes >= 0`);
      const r = await runRaw(options, ["tail", "-c", `+${offset + 1}`, "--", path]);
      if (r.code === 0) return wholeUtf8(r.stdout);
      if (/No such file/i.test(r.stderr)) return "";
      throw new Error(`Cannot read ${uri} ${on} (exit ${r.code}): ${r.stderr.trim()}`);
    },
  };
}
