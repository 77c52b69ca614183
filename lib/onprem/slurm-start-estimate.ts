/**
 * When Slurm would start a job: `sbatch --test-only` validates the job script and asks the
 * scheduler for an expected start time without submitting anything (pure parsing, and the query
 * through a runner). The estimate counts the jobs running and pending ahead of it, by their time
 * limits: a job that ends early starts the next one sooner, a higher-priority job submitted later
 * delays it.
 */
import { said, type SlurmCommandRunner } from "./slurm-command";

/** What `sbatch --test-only` answered: a start time, or why the job cannot run there. */
export type StartEstimate =
  | { readonly start: Date; readonly nodes?: string }
  | { readonly refused: string };

/**
 * Parses `sbatch --test-only`'s answer (it writes it on stderr), e.g.
 * `sbatch: Job 12 to start at 2026-11-30T21:11:18 using 16 processors on nodes gpu[01-02] in partition gpu`.
 * Times are read as UTC: the commands run with TZ=UTC.
 */
export function parseStartEstimate(code: number, stdout: string, stderr: string): StartEstimate {
  const text = `${stderr}\n${stdout}`;
  const m = /Job \d+ to start at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?: using \d+ processors on nodes (\S+))?/.exec(text);
  if (code === 0 && m) {
    const start = new Date(`${m[1]}Z`);
    if (!Number.isNaN(start.getTime())) return { start, ...(m[2] ? { nodes: m[2] } : {}) };
  }
  return { refused: said({ code, stdout, stderr }) || `sbatch --test-only exited ${code} without an estimate` };
}

/** Asks Slurm when the job `script` (its #SBATCH lines) would start; nothing is submitted. */
export async function estimateStart(run: SlurmCommandRunner, script: string): Promise<StartEstimate> {
  const r = await run(["sbatch", "--test-only"], { input: script });
  return parseStartEstimate(r.code, r.stdout, r.stderr);
}
