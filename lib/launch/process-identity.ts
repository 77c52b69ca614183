import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

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
   * Where the PID means that process: the host name, the kernel's boot ID and the PID namespace
   * (`/proc/self/ns/pid`), space-separated. A process recorded on another host or in another
   * container cannot be seen from here; one recorded on this host before its last boot is gone.
   * @default - unknown (no `/proc`, or an older record): taken to be here
   */
  readonly where?: string;
}

/** Whether a recorded process runs (here), is gone, or was recorded where this process cannot see it. */
export type ProcessState = "running" | "gone" | "elsewhere";

let here: string | undefined | null = null;
/** This process's host name, boot ID and PID namespace, or undefined without `/proc`. */
export function whereHere(): string | undefined {
  if (here === null) {
    try {
      here = [hostname().replace(/\s/g, "_"), readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(), readlinkSync("/proc/self/ns/pid")].join(" ");
    } catch {
      here = undefined;
    }
  }
  return here;
}

/** Where a process recorded at `where` is, seen from `now` (this process's own `where`, undefined without `/proc`). */
export function whereIs(where: string | undefined, now: string | undefined): "here" | "before-boot" | "elsewhere" {
  if (where === undefined || where === now) return "here";
  if (now === undefined) return "elsewhere"; // a record with a place, read where there is no /proc to compare
  const [host, boot, ns] = where.split(" ");
  const [hereHost, hereBoot, hereNs] = now.split(" ");
  if (host !== hereHost || ns === undefined) return "elsewhere";
  // This host rebooted since: no process of an earlier boot runs, in any container of it.
  if (boot !== hereBoot) return "before-boot";
  return ns === hereNs ? "here" : "elsewhere";
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
  const place = whereIs(p.where, whereHere());
  if (place === "before-boot") return "gone";
  if (place === "elsewhere") return "elsewhere";
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
