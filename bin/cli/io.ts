import { safeStdio } from "../../lib/launch";

/** A place `hgpu` writes to: the terminal, or a test's buffer. */
export interface CliOutput {
  readonly isTTY?: boolean;
  write(text: string): void;
}

/**
 * What one `hgpu` invocation reads and writes. `main(argv, io)` takes it so that tests run the
 * CLI in-process; the command line uses {@link processIo}.
 */
export interface CliIo {
  /** Results: tables, summaries, JSON. */
  readonly stdout: CliOutput;
  /** Errors, warnings and progress. */
  readonly stderr: CliOutput;
  /** The folder the command runs in. */
  readonly cwd: string;
  /** The environment (PATH for terraform, HGPU_DEBUG, ...), also the one apps and Terraform get. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Subscribes to Ctrl-C, SIGTERM and SIGHUP; returns the unsubscribe. Tests leave it out.
   * @default - no signals are handled
   */
  readonly onSignals?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** The process's own terminal, folder, environment and signals (writes survive a closed terminal). */
export function processIo(): CliIo {
  const { stdout, stderr } = safeStdio();
  return {
    stdout,
    stderr,
    cwd: process.cwd(),
    env: process.env,
    onSignals: (handler) => {
      const handled = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
      for (const s of handled) process.on(s, handler);
      return () => {
        for (const s of handled) process.off(s, handler);
      };
    },
  };
}

/** Writes `text` and a newline. */
export function println(out: CliOutput, text: string): void {
  out.write(`${text}\n`);
}
