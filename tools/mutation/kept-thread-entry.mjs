// The entry of a kept test thread (kept-thread.mjs): vitest's own thread worker, with three changes.
// - A run's end ("stop") removes only the listeners added for that run. Vitest's worker removes
//   every message listener of the port, its own dispatcher (the first one added) included, after
//   which the thread could not start another run.
// - Each run starts with no mutant active, as it would in a new thread: the mutant of the previous
//   run stays active in Stryker's namespace until the next run's setup file switches its own on,
//   so the test files would otherwise be loaded under the previous mutant.
// - Each run loads every module under the fresh folders again (workerData.fresh), not only the test
//   files: a helper module's objects (a fixture view, say) would otherwise outlive the run, and with
//   them what the library cached for them while an earlier mutant, or none, was active.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

/** The source files under the fresh folders (they do not change during a mutation run). */
const freshFiles = workerData.fresh.flatMap((folder) =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name)),
);

const added = [];
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) => {
  if (event !== "message") return on(event, listener);
  if (added.length === 0) {
    const dispatch = listener;
    listener = (message) => {
      if (message?.__vitest_worker_request__ && message.type === "run") {
        const namespace = globalThis[message.context.providedContext?.globalNamespace];
        if (namespace) namespace.activeMutant = undefined;
        message.context.invalidates = [...(message.context.invalidates ?? []), ...freshFiles];
      }
      return dispatch(message);
    };
  }
  added.push(listener);
  return on(event, listener);
};
const removeAll = parentPort.removeAllListeners.bind(parentPort);
parentPort.removeAllListeners = (event) => {
  if (event !== "message") return removeAll(event);
  for (const listener of added.splice(1)) parentPort.off("message", listener);
  return parentPort;
};

await import(pathToFileURL(workerData.vitestWorker).href);
