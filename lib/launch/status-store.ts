/**
 * A training run's results in object storage: its final status object (JSON written by node 0),
 * parsed and checked, and the wait for it while the log streams. The readers for each store are
 * in `object-readers.ts`, the URIs they take in `object-uri.ts`.
 */
import type { ObjectReader } from "./object-readers";

export { readerFor, wholeUtf8, type ObjectReader, type ReaderOptions } from "./object-readers";
export { SUPPORTED_URIS } from "./object-uri";

/** Final status a run's node 0 writes (JSON). */
export interface RunStatus {
  /** The run this status belongs to. */
  readonly runId: string;
  /** The training command's exit code (0 = success). */
  readonly exitCode: number;
  /** When the run started (an ISO 8601 timestamp). */
  readonly startedAt: string;
  /** When the run finished (an ISO 8601 timestamp). */
  readonly finishedAt: string;
  /** Any further fields the run wrote. */
  readonly [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Status

/**
 * Parses and checks a status object.
 * @param text the object's text
 * @param uri where it was read from (for error messages)
 * @throws Error naming the URI and what is wrong when malformed (every problem, separated by "; ").
 */
export function parseStatus(text: string, uri: string): RunStatus {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`Run status at ${uri} is not valid JSON: ${snippet(text)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Run status at ${uri} is not a JSON object: ${snippet(text)}`);
  }
  const record = value as Record<string, unknown>;
  const problems = statusProblems(record);
  if (problems.length > 0) throw new Error(`Run status at ${uri} is malformed: ${problems.join("; ")}`);
  return record as RunStatus;
}

/** What is wrong with a parsed status object's required fields. */
function statusProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (field: string, ok: (v: unknown) => boolean, expected: string): void => {
    const v = s[field];
    if (v === undefined) problems.push(`${field} is missing (expected ${expected})`);
    else if (!ok(v)) problems.push(`${field} must be ${expected}, got ${JSON.stringify(v)}`);
  };
  const isTimestamp = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));
  check("runId", (v) => typeof v === "string" && v.length > 0, "a non-empty string");
  check("exitCode", (v) => Number.isSafeInteger(v), "an integer");
  check("startedAt", isTimestamp, "an ISO 8601 timestamp");
  check("finishedAt", isTimestamp, "an ISO 8601 timestamp");
  return problems;
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Options of {@link waitForStatus}. */
export interface WaitForStatusOptions {
  /** Where the run's status object will appear. */
  readonly statusUri: string;
  /** The run's log, streamed to `onLog` while waiting (optional). */
  readonly logsUri?: string;
  /** Reads `statusUri` (and `logsUri`, unless `logsReader` is given). */
  readonly reader: ObjectReader;
  /** Reads `logsUri` when it is in another store than the status. */
  readonly logsReader?: ObjectReader;
  /** Time between polls (default 5000 ms). */
  readonly pollMs?: number;
  /** Stops the wait: the promise rejects with an Error named "AbortError". */
  readonly signal?: AbortSignal;
  /** Receives each new piece of the log, in order. */
  readonly onLog?: (text: string) => void;
  /** Gives up after this long: the promise rejects with an Error named "TimeoutError". */
  readonly timeoutMs?: number;
}

/** Default time between polls of {@link waitForStatus}. */
export const DEFAULT_POLL_MS = 5000;

/**
 * Polls `statusUri` every `pollMs` until it exists and is not empty, streaming new text of `logsUri` to `onLog`
 * meanwhile (and once more after the status appears, so the log's tail is not lost).
 * Rejects with an Error named "AbortError" when `signal` aborts, one named "TimeoutError" after
 * `timeoutMs`, the reader's error when a read fails, and {@link parseStatus}'s when the status is malformed.
 */
export async function waitForStatus(opts: WaitForStatusOptions): Promise<RunStatus> {
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  if (!(pollMs >= 0)) throw new Error(`waitForStatus: pollMs must be >= 0, got ${pollMs}`);
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs >= 0)) {
    throw new Error(`waitForStatus: timeoutMs must be >= 0, got ${opts.timeoutMs}`);
  }
  const stop = stopper(opts);
  try {
    const log = opts.logsUri ? logStreamer(opts.logsUri, opts.logsReader ?? opts.reader, opts.onLog) : undefined;
    for (;;) {
      const text = await stop.race(opts.reader.read(opts.statusUri));
      if (log) await stop.race(log());
      // An empty object is one still being written (or a writer that failed and will retry): not yet.
      if (text !== undefined && text.trim() !== "") return parseStatus(text, opts.statusUri);
      await stop.race(stop.sleep(pollMs));
    }
  } finally {
    stop.dispose();
  }
}

/** Returns a function that passes the log's new text, if any, to `onLog`. */
function logStreamer(uri: string, reader: ObjectReader, onLog?: (text: string) => void): () => Promise<void> {
  let offset = 0;
  return async () => {
    const text = await reader.readFrom(uri, offset);
    if (text === "") return;
    offset += Buffer.byteLength(text, "utf8");
    onLog?.(text);
  };
}

interface Stopper {
  /** `p`, unless the wait is stopped first. */
  race<T>(p: Promise<T>): Promise<T>;
  /** Resolves after `ms`; its timer is cleared by dispose(). */
  sleep(ms: number): Promise<void>;
  /** Clears the timers and the abort listener. */
  dispose(): void;
}

/** Turns the abort signal and the timeout into one rejection that every step races against. */
function stopper(opts: WaitForStatusOptions): Stopper {
  const { signal, timeoutMs, statusUri } = opts;
  let reject!: (e: Error) => void;
  const stopped = new Promise<never>((_, rej) => (reject = rej));
  stopped.catch(() => undefined); // observed through race()
  const onAbort = () => reject(abortError(statusUri, signal?.reason));
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => reject(namedError("TimeoutError", `Timed out after ${timeoutMs} ms waiting for the run status at ${statusUri}`)), timeoutMs);
  const sleeps = new Set<NodeJS.Timeout>();
  return {
    race: (p) => Promise.race([p, stopped]),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          sleeps.delete(t);
          resolve();
        }, ms);
        sleeps.add(t);
      }),
    dispose: () => {
      clearTimeout(timer);
      for (const t of sleeps) clearTimeout(t);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

function abortError(uri: string, reason: unknown): Error {
  const why = reason instanceof Error ? reason.message : reason === undefined ? "aborted" : String(reason);
  return namedError("AbortError", `Stopped waiting for the run status at ${uri}: ${why}`, reason);
}

function namedError(name: string, message: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = name;
  return e;
}

