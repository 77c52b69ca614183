import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Running the user's cdktf app, which synthesizes the stack a launch applies. */

/** The `app` command of `cdktf.json` in `cwd` (what `hgpu synth` and `hgpu launch` run without `--app`). */
export function appFromCdktfJson(cwd: string): string {
  const file = join(cwd, "cdktf.json");
  if (!existsSync(file)) throw new Error(`no --app given and no cdktf.json in ${cwd}`);
  return (JSON.parse(readFileSync(file, "utf8")) as { app: string }).app;
}

/** Runs the app in its own process group, collecting its output (shown when it fails); an abort stops it. */
export function runApp(app: string, cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(app, { cwd, env, shell: true, stdio: ["ignore", "pipe", "pipe"], detached: true });
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
      resolvePromise({ code: code ?? 1, output });
    });
    child.on("error", (e) => resolvePromise({ code: 1, output: e.message }));
  });
}
