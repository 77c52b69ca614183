import type { ProgressSink } from "./progress";

/**
 * Output that survives its terminal. When the terminal of a running launch closes, every write to
 * it fails (`EIO` on a pty, `EPIPE` on a pipe) and an unhandled stream error would kill the
 * launcher before it destroys anything. A safe stream stops writing after the first error and
 * keeps the process working.
 */

/** A writable stream as the launcher uses it. */
interface Writable {
  readonly isTTY?: boolean;
  write(text: string): unknown;
  on(event: "error", listener: (e: Error) => void): unknown;
}

/** A sink over `stream` that stops writing, silently, once the stream has failed. */
export class SafeSink implements ProgressSink {
  private broken = false;

  constructor(private readonly stream: Writable) {
    // A failed write is reported as an 'error' event; without a listener it would crash the process.
    stream.on("error", () => {
      this.broken = true;
    });
  }

  public get isTTY(): boolean {
    return !this.broken && this.stream.isTTY === true;
  }

  /** Whether a write has failed (the terminal is gone). */
  public get closed(): boolean {
    return this.broken;
  }

  public write(text: string): void {
    if (this.broken) return;
    try {
      this.stream.write(text);
    } catch {
      this.broken = true;
    }
  }
}

/**
 * Makes the process's own stdout and stderr safe: their write errors no longer crash the process
 * (console.log and console.error keep working, writing nothing). Returns sinks over both.
 */
export function safeStdio(): { stdout: SafeSink; stderr: SafeSink } {
  stdio ??= { stdout: new SafeSink(process.stdout), stderr: new SafeSink(process.stderr) };
  return stdio;
}

let stdio: { stdout: SafeSink; stderr: SafeSink } | undefined;
