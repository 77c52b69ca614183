import { readFileSync, readlinkSync } from "node:fs";

/**
 * A process as a run record names it: its PID and, where `/proc` exists, its start time in clock
 * ticks since boot, so that a PID the system has since given to another process does not read as
 * the same process (pure apart from reading `/proc`).
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat`. @default - unknown (no `/proc`): the PID alone is compared */
  readonly procStart?: string;
  /**
   * Where the PID means that process: the kernel's boot ID and the PID namespace (`/proc/self/ns/pid`).
   * A process recorded in another container or on another host cannot be seen from here.
   * @default - unknown (no `/proc`, or an older record): taken to be here
   */
  readonly where?: string;
}

/** Whether a recorded process runs (here), is gone, or was recorded where this process cannot see it. */
export type ProcessState = "running" | "gone" | "elsewhere";

let here: string | undefined | null = null;
/** This process's boot ID and PID namespace, or undefined without `/proc`. */
export function whereHere(): string | undefined {
  if (here === null) {
    try {
      here = `${readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()} ${readlinkSync("/proc/self/ns/pid")}`;
    } catch {
      here = undefined;
    }
  }
  return here;
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

/** The identity of process `pid` now (this process or one it started: they share its namespace). */
export function identify(pid: number): ProcessIdentity {
  const start = procStart(pid);
  const where = whereHere();
  return { pid, ...(start !== undefined ? { procStart: start } : {}), ...(where !== undefined ? { where } : {}) };
}

/** Whether the recorded process runs here, is gone, or was recorded elsewhere (another container or host). */
export function processState(p: ProcessIdentity | undefined): ProcessState {
  if (!p || !Number.isInteger(p.pid) || p.pid <= 0) return "gone";
  const now = whereHere();
  if (p.where !== undefined && now !== undefined && p.where !== now) return "elsewhere";
  try {
    process.kill(p.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return "gone";
  }
  if (p.procStart === undefined) return "running";
  // A zombie or a reused PID has another (or no) start time.
  return procStart(p.pid) === p.procStart && !isZombie(p.pid) ? "running" : "gone";
}

/**
 * Whether the process may still be running: running here, or recorded elsewhere, where this
 * process cannot tell (a launcher in another container is never taken for dead).
 */
export function isRunning(p: ProcessIdentity | undefined): boolean {
  return processState(p) !== "gone";
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
  if (!p || processState(p) !== "running") return false;
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}
