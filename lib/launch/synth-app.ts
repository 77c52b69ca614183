import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { trapAppErrors } from "./app-errors";

/** Running the user's cdktf app, which synthesizes the stack a launch applies. */

/** The `app` command of `cdktf.json` in `cwd` (what `hgpu synth` and `hgpu launch` run without `--app`). */
export function appFromCdktfJson(cwd: string): string {
  const file = join(cwd, "cdktf.json");
  if (!existsSync(file)) throw new Error(`no --app given and no cdktf.json in ${cwd}`);
  return (JSON.parse(readFileSync(file, "utf8")) as { app: string }).app;
}

/** Whether `env` asks for stack traces (`HGPU_DEBUG=1`, which `--verbose` sets). */
export function debugging(env: NodeJS.ProcessEnv): boolean {
  return env.HGPU_DEBUG !== undefined && env.HGPU_DEBUG !== "" && env.HGPU_DEBUG !== "0";
}

/** What one run of the app did. */
export interface AppRun {
  readonly code: number;
  /** Its stdout and stderr, interleaved. */
  readonly output: string;
  /** The bad input it died of, one message a line, without its stack (unless debugging). */
  readonly refused?: string[];
}

/**
 * Runs the app in its own process group, collecting its output (shown when it fails); an abort stops
 * it. A ValidationError it dies of comes back as `refused` (see app-errors.ts), unless `env` debugs.
 */
export function runApp(app: string, cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<AppRun> {
  const trap = debugging(env) ? undefined : trapAppErrors(env);
  return new Promise<AppRun>((resolvePromise) => {
    const child = spawn(app, { cwd, env: trap?.env ?? env, shell: true, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const stop = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    };
    signal?.addEventListener("abort", stop, { once: true });
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => {
      signal?.removeEventListener("abort", stop);
      const refused = trap?.caught();
      resolvePromise({ code: code ?? 1, output, ...(refused ? { refused } : {}) });
    });
    child.on("error", (e) => resolvePromise({ code: 1, output: e.message }));
  }).finally(() => trap?.dispose());
}
