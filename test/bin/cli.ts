/**
 * `hgpu` in-process for tests: `main(argv, io)` with buffers for stdout and stderr, so a case costs
 * milliseconds instead of a new process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "vitest";
import { main } from "../../bin/hgpu";

export const root = join(__dirname, "../..");

/** What one `hgpu` run did. */
export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `hgpu <args>` in `cwd` (default: the project) with `env` (default: this process's). */
export async function hgpu(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await main(args, {
    stdout: { write: (t) => void stdout.push(t) },
    stderr: { write: (t) => void stderr.push(t) },
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
  });
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

/** A temporary folder removed when the test ends. */
export function tempDir(ctx: Pick<TestContext, "onTestFinished">, prefix = "hgpu-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
