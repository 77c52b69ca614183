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

/**
 * CPU time every process of the machine has used since boot (user, nice, system, irq, softirq and
 * the hypervisor's steal), in ms, from the first line of /proc/stat (ticks of 10 ms); undefined
 * where there is none. Less this process's own {@link cpuMs} over the same span, it is what other
 * work took from the benchmark.
 */
export function machineBusyMs(): number | undefined {
  try {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    return [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (ticks[i] ?? 0), 0) * 10;
  } catch {
    return undefined;
  }
}
