// The test thread a Stryker worker keeps between mutants (a vitest custom pool: `name` and
// `createPoolWorker`, chosen by vitest.mutation.config.ts when HGPU_MUTATION_POOL names this file).
//
// Stryker's vitest runner starts one vitest run per mutant, and vitest ends each run by terminating
// its worker thread: every mutant paid for a new thread, cdktf's modules and the library's modules
// loaded again, about a second before the first test ran. This pool parks the thread when a run
// ends and hands it to the next run. Vitest's worker keeps the modules it evaluated; each run loads
// the test files, the setup files and every other module under the fresh folders (the tests'
// helpers and fixtures: HGPU_MUTATION_FRESH, comma-separated folders under the root, `test` by
// default) again, so the library and its dependencies are loaded once per Stryker worker, while no
// test object, and no cache entry a library function keeps for one, outlives its run.
//
// Only for mutants Stryker switches on at run time (`ignoreStatic`): a module-level (static) mutant
// needs its module evaluated again, which a kept thread does not do.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const entry = fileURLToPath(new URL("./kept-thread-entry.mjs", import.meta.url));

/** The parked thread (a Stryker worker process runs one vitest worker at a time). */
let parked;

export const name = "hgpu-kept-thread";

export function createPoolWorker(options) {
  return new KeptThread(options);
}

/** Terminates the parked thread (when vitest closes). */
export async function release() {
  const thread = parked;
  parked = undefined;
  await thread?.terminate();
}

class KeptThread {
  name = name;
  listening = [];

  constructor(options) {
    this.options = options;
    this.stdout = options.project.vitest.logger.outputStream;
    this.stderr = options.project.vitest.logger.errorStream;
  }

  on(event, callback) {
    this.thread.on(event, callback);
    this.listening.push([event, callback]);
  }

  off(event, callback) {
    this.thread.off(event, callback);
    this.listening = this.listening.filter(([e, c]) => e !== event || c !== callback);
  }

  send(message) {
    this.thread.postMessage(message);
  }

  deserialize(data) {
    return data;
  }

  async start() {
    if (!this.thread) {
      this.thread = parked ?? this.spawn();
      parked = undefined;
      this.thread.ref();
      this.stdout.setMaxListeners(1 + this.stdout.getMaxListeners());
      this.thread.stdout.pipe(this.stdout);
      this.stderr.setMaxListeners(1 + this.stderr.getMaxListeners());
      this.thread.stderr.pipe(this.stderr);
    }
  }

  /** Parks the thread for the next run instead of terminating it, unless it has exited. */
  async stop() {
    const thread = this.thread;
    this.thread = undefined;
    for (const [event, callback] of this.listening) thread.off(event, callback);
    this.listening = [];
    thread.stdout.unpipe(this.stdout);
    this.stdout.setMaxListeners(this.stdout.getMaxListeners() - 1);
    thread.stderr.unpipe(this.stderr);
    this.stderr.setMaxListeners(this.stderr.getMaxListeners() - 1);
    if (thread.exited) return;
    if (parked) await parked.terminate();
    thread.unref();
    parked = thread;
  }

  spawn() {
    const thread = new Worker(entry, {
      env: this.options.env,
      execArgv: this.options.execArgv,
      stdout: true,
      stderr: true,
      workerData: {
        vitestWorker: resolve(this.options.distPath, "workers", "threads.js"),
        fresh: (process.env.HGPU_MUTATION_FRESH ?? "test").split(",").map((folder) => resolve(this.options.project.config.root, folder)),
      },
    });
    thread.once("exit", () => {
      thread.exited = true;
      if (parked === thread) parked = undefined;
    });
    return thread;
  }
}
