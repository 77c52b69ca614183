import { readFileSync } from "node:fs";

/**
 * CPU time (user + system) of this process and of the child processes it has waited for (none in
 * the library's synth; cdktf's `terraform version` check, where an app's own resources add it), in
 * ms: from /proc/self/stat on Linux, where the kernel counts in ticks of 10 ms; elsewhere this
 * process's own time alone. On a machine other work is loading, CPU time moves far less than wall
 * time.
 */
export function cpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // utime, stime, cutime, cstime: fields 14 to 17 of proc(5), counted from after the command name
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  } catch {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000;
  }
}
