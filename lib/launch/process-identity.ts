import { readFileSync } from "node:fs";

/**
 * A process as a run record names it: its PID and, where `/proc` exists, its start time in clock
 * ticks since boot, so that a PID the system has since given to another process does not read as
 * the same process (pure apart from reading `/proc`).
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat`. @default - unknown (no `/proc`): the PID alone is compared */
  readonly procStart?: string;
}

/** The start time of `pid` from `/proc`, or undefined when it cannot be read. */
function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** The identity of process `pid` now. */
export function identify(pid: number): ProcessIdentity {
  const start = procStart(pid);
  return start === undefined ? { pid } : { pid, procStart: start };
}

/** Whether the process is still running (and is the same process, not a reused PID). */
export function isRunning(p: ProcessIdentity | undefined): boolean {
  if (!p || !Number.isInteger(p.pid) || p.pid <= 0) return false;
  try {
    process.kill(p.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (p.procStart === undefined) return true;
  const now = procStart(p.pid);
  // A zombie or a reused PID has another (or no) start time.
  return now === p.procStart && !isZombie(p.pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Sends `signal` to the process if it is still the same process; true when it was sent. */
export function signalIfRunning(p: ProcessIdentity | undefined, signal: NodeJS.Signals): boolean {
  if (!p || !isRunning(p)) return false;
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}
