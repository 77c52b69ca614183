import { readFileSync } from "node:fs";

/**
 * Whether process `pid` still runs. A zombie (exited, not yet reaped: its parent is gone and the
 * container's init may reap late) does not: it holds no memory, files or GPUs.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ...", where comm may hold spaces and parentheses
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false; // gone between the two looks
  }
}
