/**
 * How the Slurm client runs Slurm's commands: an argument vector handed to a runner, which runs
 * it on the machine that runs `hgpu launch` or on the pool's login node over ssh (the runner lives
 * with the launcher). Every command runs with `TZ=UTC` and `SLURM_TIME_FORMAT=standard`, so the
 * times Slurm prints read as UTC ISO 8601 wherever the login node is.
 */

/** What one Slurm command did. */
export interface SlurmCommandResult {
  /** Its exit code (a command that could not start, or timed out, has a non-zero code). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one Slurm command (argv[0] is the program); `input` is written to its standard input. */
export type SlurmCommandRunner = (argv: readonly string[], options?: { readonly input?: string }) => Promise<SlurmCommandResult>;

/** The environment every Slurm command runs with: times in UTC, ISO 8601. */
export const SLURM_COMMAND_ENV: Readonly<Record<string, string>> = { TZ: "UTC", SLURM_TIME_FORMAT: "standard" };

/** A Slurm command that failed, with what it said. */
export class SlurmCommandError extends Error {
  constructor(public readonly argv: readonly string[], public readonly result: SlurmCommandResult) {
    super(`${argv.join(" ")} failed (exit ${result.code}): ${said(result) || "no output"}`);
    this.name = "SlurmCommandError";
  }
}

/** What a command said on stderr (else stdout), trimmed to one line per message. */
export function said(result: SlurmCommandResult): string {
  return (result.stderr.trim() || result.stdout.trim()).split("\n").map((l) => l.trim()).filter(Boolean).join("; ");
}

/** Runs `argv` and returns its result, throwing a {@link SlurmCommandError} when it fails. */
export async function runChecked(run: SlurmCommandRunner, argv: readonly string[], input?: string): Promise<SlurmCommandResult> {
  const result = await run(argv, input === undefined ? undefined : { input });
  if (result.code !== 0) throw new SlurmCommandError(argv, result);
  return result;
}
