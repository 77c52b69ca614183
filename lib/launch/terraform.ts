import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

/** One line of Terraform's machine-readable (`-json`) output. */
export interface TerraformEvent {
  readonly type: string;
  readonly "@message"?: string;
  readonly "@level"?: string;
  readonly changes?: { readonly add: number; readonly change: number; readonly remove: number; readonly operation: string };
  readonly hook?: { readonly resource?: { readonly addr?: string }; readonly action?: string };
  readonly diagnostic?: { readonly severity: string; readonly summary: string; readonly detail?: string };
}

/** What a Terraform command left behind. */
export interface TerraformResult {
  readonly code: number;
  /** Error diagnostics, as `summary: detail`. */
  readonly errors: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  /** Where its output was written (kept). */
  readonly files: { readonly stdout: string; readonly stderr: string };
  /** The signal that ended the process, when one did (it exited on its own otherwise). @default - none */
  readonly signal?: string;
}

/** A Terraform process just started. */
export interface TerraformStarted {
  readonly pid: number;
  /** e.g. `apply`. */
  readonly command: string;
}

/** Options of {@link TerraformRunner}. */
export interface TerraformRunnerOptions {
  /** Where each command's stdout and stderr files go (kept: an emergency state dump lands there). @default - the working directory */
  readonly logDir?: string;
  /** Told of each process started (for the run record: a later `hgpu destroy` waits for it). */
  readonly onStart?: (started: TerraformStarted) => void;
}

/**
 * Runs Terraform (or OpenTofu) in one working directory. Terraform writes to files, never to a
 * pipe, and runs in its own session: if the launcher dies, Terraform finishes what it is doing
 * and records it in state (a pipe closing under it would kill it with SIGPIPE between creating a
 * resource and saving it). The launcher follows the files.
 */
export class TerraformRunner {
  private current?: ChildProcess;

  constructor(
    /** Working directory: the synthesized stack. */
    public readonly dir: string,
    /** The binary: `terraform` or `tofu`. */
    public readonly binary = "terraform",
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly options: TerraformRunnerOptions = {},
  ) {}

  /** Interrupts the running command the way Ctrl-C would (Terraform stops safely). */
  public interrupt(): void {
    this.current?.kill("SIGINT");
  }

  /** `init` (no input); `reconfigure` drops the backend settings an earlier init saved (a run folder that moved). */
  public init(reconfigure = false): Promise<TerraformResult> {
    return this.run(["init", "-input=false", "-no-color", ...(reconfigure ? ["-reconfigure"] : [])]);
  }

  /** `apply -auto-approve -json`, reporting each event. */
  public apply(onEvent?: (e: TerraformEvent) => void): Promise<TerraformResult> {
    return this.run(["apply", "-auto-approve", "-input=false", "-json"], onEvent);
  }

  /** `destroy -auto-approve -json`, reporting each event. */
  public destroy(onEvent?: (e: TerraformEvent) => void): Promise<TerraformResult> {
    return this.run(["destroy", "-auto-approve", "-input=false", "-json"], onEvent);
  }

  /** `output -json`: every output's value. */
  public async outputs(): Promise<Record<string, unknown>> {
    const r = await this.run(["output", "-json", "-no-color"]);
    if (r.code !== 0) throw new Error(`${this.binary} output failed in ${this.dir}: ${(r.errors.join("; ") || r.stderr).trim()}`);
    const parsed = JSON.parse(r.stdout || "{}") as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  /**
   * `state list`: the managed resources still in state (data sources bill nothing and are left
   * out); [] when there is no state; undefined when the state cannot be read.
   */
  public async stateList(): Promise<string[] | undefined> {
    const r = await this.run(["state", "list", "-no-color"]);
    if (r.code !== 0) return /No state file/.test(r.stderr) ? [] : undefined;
    return r.stdout.split("\n").map((l) => l.trim()).filter((l) => l && !/(^|\.)data\./.test(l));
  }

  private run(args: string[], onEvent?: (e: TerraformEvent) => void): Promise<TerraformResult> {
    const logDir = this.options.logDir ?? this.dir;
    const base = join(logDir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${args[0]}${args[1] === "list" ? "-list" : ""}`);
    const files = { stdout: `${base}.stdout`, stderr: `${base}.stderr` };
    let out: number;
    let err: number;
    try {
      mkdirSync(logDir, { recursive: true, mode: 0o700 });
      out = openSync(files.stdout, "a", 0o600);
      err = openSync(files.stderr, "a", 0o600);
    } catch (e) {
      return Promise.resolve({ code: 1, errors: [`cannot write ${this.binary}'s output files in ${logDir}: ${(e as Error).message}`], stdout: "", stderr: "", files });
    }
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(this.binary, args, {
          cwd: this.dir,
          env: terraformEnv(this.env),
          stdio: ["ignore", out, err],
          // Its own session: a closed terminal or a Ctrl-C reaches the launcher, which decides.
          detached: true,
        });
      } catch (e) {
        closeSync(out);
        closeSync(err);
        resolve({ code: 127, errors: [`cannot run ${this.binary}: ${(e as Error).message}`], stdout: "", stderr: "", files });
        return;
      }
      closeSync(out);
      closeSync(err);
      this.current = child;
      if (child.pid !== undefined) this.options.onStart?.({ pid: child.pid, command: args[0]! });
      const follower = new FileFollower(files.stdout);
      const errors: string[] = [];
      const handle = (line: string) => {
        if (!args.includes("-json") || args[0] === "output" || !line.trim().startsWith("{")) return;
        let event: TerraformEvent;
        try {
          event = JSON.parse(line) as TerraformEvent;
        } catch {
          return;
        }
        if (event.type === "diagnostic" && event.diagnostic?.severity === "error") {
          errors.push(`${event.diagnostic.summary}${event.diagnostic.detail ? `: ${event.diagnostic.detail}` : ""}`);
        }
        onEvent?.(event);
      };
      const timer = setInterval(() => follower.lines().forEach(handle), 100);
      let settled = false;
      const finish = (code: number, spawnError?: string, signal?: string) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        follower.lines(true).forEach(handle);
        this.current = undefined;
        const stdout = follower.text;
        const stderr = readText(files.stderr);
        if (spawnError) errors.push(spawnError);
        else if (stderr.trim() && errors.length === 0 && code !== 0) errors.push(stderr.trim());
        resolve({ code, errors, stdout, stderr, files, ...(signal ? { signal } : {}) });
      };
      child.on("error", (e) => finish(127, `cannot run ${this.binary}: ${e.message}`));
      child.on("close", (code, signal) => finish(code ?? (signal ? 128 : 1), undefined, signal ?? undefined));
    });
  }
}

/**
 * The environment Terraform runs with: the caller's, without what would move the state or the
 * working data away from the attempt's own: `TF_WORKSPACE` puts a local state under
 * `terraform.tfstate.d/<workspace>/`, `TF_DATA_DIR` shares one `.terraform` between runs, and
 * `TF_CLI_ARGS` and `TF_CLI_ARGS_<command>` add arguments to every command (a CI job's
 * `TF_CLI_ARGS_init=-backend-config=key=team.tfstate` would give every run the team's state).
 */
export function terraformEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !IGNORED_TERRAFORM_ENV.test(name)));
  return { ...rest, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
}

/** Variables of the caller's environment that Terraform does not get from the launcher (see {@link terraformEnv}). */
export const IGNORED_TERRAFORM_ENV = /^(TF_WORKSPACE|TF_DATA_DIR|TF_CLI_ARGS(_\w+)?)$/;

/** Reads a file as it grows, a line at a time. */
class FileFollower {
  private offset = 0;
  private pending = "";
  private whole = "";

  constructor(private readonly file: string) {}

  /** Everything read so far. */
  public get text(): string {
    return this.whole;
  }

  /** The complete lines written since the last call (with `final`, the unterminated rest too). */
  public lines(final = false): string[] {
    let chunk = "";
    try {
      const fd = openSync(this.file, "r");
      try {
        const buf = Buffer.alloc(1 << 16);
        for (let n = readSync(fd, buf, 0, buf.length, this.offset); n > 0; n = readSync(fd, buf, 0, buf.length, this.offset)) {
          this.offset += n;
          chunk += buf.subarray(0, n).toString("latin1");
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      return [];
    }
    // Bytes are collected as latin1 and decoded per whole line, so a UTF-8 character cut between two reads stays whole.
    this.pending += chunk;
    const parts = this.pending.split("\n");
    this.pending = final ? "" : parts.pop()!;
    if (final && parts.at(-1) === "") parts.pop();
    const lines = parts.map((l) => Buffer.from(l, "latin1").toString("utf8"));
    this.whole += lines.map((l) => `${l}\n`).join("");
    return lines;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
