import { spawn, type ChildProcess } from "node:child_process";

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
}

/** Runs Terraform (or OpenTofu) in one working directory. */
export class TerraformRunner {
  private current?: ChildProcess;

  constructor(
    /** Working directory: the synthesized stack and its local state. */
    public readonly dir: string,
    /** The binary: `terraform` or `tofu`. */
    public readonly binary = "terraform",
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Interrupts the running command the way Ctrl-C would (Terraform stops safely). */
  public interrupt(): void {
    this.current?.kill("SIGINT");
  }

  /** `init` (local backend, no input). */
  public init(): Promise<TerraformResult> {
    return this.run(["init", "-input=false", "-no-color"]);
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
    if (r.code !== 0) throw new Error(`${this.binary} output failed in ${this.dir}: ${r.stderr.trim()}`);
    const parsed = JSON.parse(r.stdout || "{}") as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  /** `state list`: the addresses still in state (empty when none or no state). */
  public async stateList(): Promise<string[]> {
    const r = await this.run(["state", "list", "-no-color"]);
    if (r.code !== 0) return r.stderr.includes("No state file") ? [] : [`(state list failed: ${r.stderr.trim()})`];
    return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  }

  private run(args: string[], onEvent?: (e: TerraformEvent) => void): Promise<TerraformResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd: this.dir,
        env: { ...this.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group: a Ctrl-C on the terminal reaches the launcher, which decides.
        detached: true,
      });
      this.current = child;
      let stdout = "";
      let stderr = "";
      let pending = "";
      const errors: string[] = [];
      child.stdout.setEncoding("utf8");
      child.stderr.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        if (!args.includes("-json") || args[0] === "output") return;
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) handle(line);
      });
      child.stderr.on("data", (chunk: string) => (stderr += chunk));
      const handle = (line: string) => {
        if (!line.trim().startsWith("{")) return;
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
      child.on("error", (e) => reject(new Error(`cannot run ${this.binary}: ${e.message}`)));
      child.on("close", (code, signal) => {
        if (pending) handle(pending);
        this.current = undefined;
        if (stderr.trim() && errors.length === 0 && code !== 0) errors.push(stderr.trim());
        resolve({ code: code ?? (signal ? 128 : 1), errors, stdout, stderr });
      });
    });
  }
}
