import type { ObjectReader } from "./status-store";

/**
 * A status or log reader that never kills a healthy run: a failed read (expired credentials,
 * throttling, a network outage, permissions still propagating) reads as "nothing yet", and the
 * launcher keeps waiting until the run's own deadline. A warning names the failure at once and
 * then at most once a minute while failures go on.
 */

/** Options of {@link patientReader}. */
export interface PatientReaderOptions {
  /** Hears the warnings. */
  readonly warn: (message: string) => void;
  /** Give up (throw the read's error) after this many failures in a row. @default - never: wait until the deadline */
  readonly stopAfterFailures?: number;
  /** Least time between two warnings, ms. @default 60000 */
  readonly warnEveryMs?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** Wraps `reader` so its failures are retried (see the module comment). */
export function patientReader(reader: ObjectReader, options: PatientReaderOptions): ObjectReader {
  const now = options.now ?? Date.now;
  const every = options.warnEveryMs ?? 60_000;
  let failures = 0;
  let since = 0;
  let lastWarning = Number.NEGATIVE_INFINITY;
  const guard = async <T>(uri: string, read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      const value = await read();
      if (failures > 0) options.warn(`reading ${uri} works again after ${failures} failure(s)`);
      failures = 0;
      return value;
    } catch (e) {
      if (failures === 0) since = now();
      failures++;
      if (options.stopAfterFailures !== undefined && failures >= options.stopAfterFailures) throw e;
      if (now() - lastWarning >= every) {
        lastWarning = now();
        const still = options.stopAfterFailures === undefined ? "the run is not touched; still trying until its deadline" : `giving up after ${options.stopAfterFailures} failures in a row`;
        options.warn(`warning: reading ${uri} failed ${failures} time(s) in a row since ${new Date(since).toISOString()}: ${(e as Error).message} (${still})`);
      }
      return empty;
    }
  };
  return {
    read: (uri) => guard(uri, () => reader.read(uri), undefined),
    readFrom: (uri, offset) => guard(uri, () => reader.readFrom(uri, offset), ""),
  };
}
