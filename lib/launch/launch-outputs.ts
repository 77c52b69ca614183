/** What the launcher reads of a launched stack's outputs and of the signal that stopped it (pure). */
import { MAX_RUNTIME_MINUTES } from "../task/duration";
import { EXIT } from "./launch-options";
import type { ReaderOptions } from "./status-store";

/**
 * How long to wait for the status (pure): past the cloud-side deadline, plus 15 minutes for the
 * last upload, nothing will come; at least a minute; 14 days when the stack has no deadline output.
 */
export function statusTimeoutMs(deadlineMs: number, nowMs: number): number {
  return Number.isFinite(deadlineMs) ? Math.max(60_000, deadlineMs + 15 * 60_000 - nowMs) : MAX_RUNTIME_MINUTES * 60_000;
}

/** The exit code for the signal that aborted the run. */
export function signalExit(signal: AbortSignal): number {
  const reason = String(signal.reason);
  return reason.includes("SIGTERM") ? EXIT.SIGTERM : reason.includes("SIGHUP") ? EXIT.SIGHUP : EXIT.SIGINT;
}

/**
 * The readers' options for a stack's objects: S3 requests are signed for the bucket's region, and a
 * task puts its bucket in its placement's region (the `*_placement` output), unless `base` says otherwise.
 */
export function placementReaderOptions(outputs: Record<string, unknown>, base: ReaderOptions | undefined): ReaderOptions {
  const region = (outputEndingWithValue(outputs, "_placement") as { region?: unknown } | undefined)?.region;
  return { ...base, s3: { ...(typeof region === "string" && region ? { region } : {}), ...base?.s3 } };
}

/** The value of the stack's one output whose name ends with `suffix` (undefined when none or several). */
export function outputEndingWithValue(outputs: Record<string, unknown>, suffix: string): unknown {
  const hits = Object.entries(outputs).filter(([k]) => k.endsWith(suffix));
  return hits.length === 1 ? hits[0]![1] : undefined;
}

/** The stack's one output whose name ends with `suffix`, as a string. @throws Error when several do */
export function outputEndingWith(outputs: Record<string, unknown>, suffix: string): string | undefined {
  const hits = Object.entries(outputs).filter(([k]) => k.endsWith(suffix));
  if (hits.length > 1) throw new Error(`the stack has ${hits.length} *${suffix} outputs: launch a stack with one GpuTask`);
  return hits[0] ? String(hits[0][1]) : undefined;
}
