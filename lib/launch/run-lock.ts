import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identify, isRunning, processState, type ProcessIdentity } from "./process-identity";
import { makePrivateDir } from "./run-files";

/**
 * One live launch per stack and project: a lock file `<runs dir>/.locks/<stack>.json` holding the
 * owner's run ID, process and start time, created exclusively. A lock whose process is gone (a
 * killed launcher) is taken over, with a warning.
 */

/** What a lock file holds. */
export interface LockOwner {
  readonly runId: string;
  readonly startedAt: string;
  readonly process: ProcessIdentity;
}

/** A live run holds the lock. */
export class StackLockedError extends Error {
  constructor(public readonly owner: LockOwner, stack: string) {
    const elsewhere = processState(owner.process) === "elsewhere";
    super(
      `hgpu launch: stack ${JSON.stringify(stack)} has a live run: ${owner.runId}, started ${owner.startedAt} (launcher PID ${owner.process.pid}${elsewhere ? " in another container or on another host" : ""}). ` +
        `See it with \`hgpu runs\`; stop it with Ctrl-C in its terminal or \`kill -TERM ${owner.process.pid}\`${elsewhere ? " there" : ""} (it destroys what it created). ` +
        (elsewhere ? `hgpu cannot see that launcher from here: once you know it is gone, \`hgpu destroy --force ${owner.runId}\` destroys what the run left and releases its lock. ` : "") +
        "Use --concurrent to launch a second, separate run of the same stack on purpose.",
    );
  }
}

/** A held lock; `release()` removes it if it is still ours. */
export interface StackLock {
  release(): void;
}

/** Takes the stack's lock for `runId`, or throws a {@link StackLockedError}; `warn` hears of a stale lock taken over. */
export function lockStack(runsDir: string, stack: string, runId: string, warn: (message: string) => void): StackLock {
  const dir = join(runsDir, ".locks");
  makePrivateDir(dir);
  const file = join(dir, `${stack}.json`);
  const me: LockOwner = { runId, startedAt: new Date().toISOString(), process: identify(process.pid) };
  // Written whole to a private file first, then linked into place: link() fails if the lock
  // exists, and a reader never sees a half-written owner.
  const mine = `${file}.${process.pid}.new`;
  writeFileSync(mine, `${JSON.stringify(me, null, 2)}\n`, { mode: 0o600 });
  try {
    return takeLock(file, mine, stack, runId, warn);
  } finally {
    rmSync(mine, { force: true });
  }
}

function takeLock(file: string, mine: string, stack: string, runId: string, warn: (message: string) => void): StackLock {
  const mutex = `${file}.takeover`;
  for (let tries = 0; tries < 200; tries++) {
    try {
      linkSync(mine, file);
      return {
        release: () => {
          if (readOwner(file)?.runId === runId) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const seen = readText(file);
    const owner = readOwner(file);
    if (owner && isRunning(owner.process)) throw new StackLockedError(owner, stack);
    // Stale (its launcher is gone) or unreadable. Launchers take a stale lock over one at a time,
    // holding the takeover mutex, and remove the lock only if it is still the one judged stale: a
    // lock another launcher has just taken is never removed.
    try {
      mkdirSync(mutex, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (Date.now() - mtimeMs(mutex) > 10_000) rmSync(mutex, { recursive: true, force: true }); // its holder died
      pause(20);
      continue;
    }
    try {
      if (seen !== undefined && readText(file) === seen) {
        rmSync(file, { force: true });
        warn(`warning: taking over the lock of stack ${JSON.stringify(stack)} from run ${owner?.runId ?? "(unreadable lock)"}: its launcher (PID ${owner?.process.pid ?? "?"}) is gone`);
      }
    } finally {
      rmSync(mutex, { recursive: true, force: true });
    }
  }
  throw new Error(`hgpu launch: cannot take the lock ${file}`);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** Blocks for `ms` (the lock is taken synchronously, before the run starts). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as LockOwner;
    return typeof o.runId === "string" && typeof o.process?.pid === "number" ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the stack's lock if run `runId` holds it (`hgpu destroy --force` of a run whose launcher was elsewhere). */
export function releaseLockOf(runsDir: string, stack: string, runId: string): void {
  const file = join(runsDir, ".locks", `${stack}.json`);
  if (readOwner(file)?.runId === runId) rmSync(file, { force: true });
}

/** How long a short lock (an init's) held by a launcher that cannot be seen from here is waited for before it is taken over. */
export const SHORT_LOCK_TAKEOVER_MS = 10 * 60_000;

/**
 * Waits for the short-lived lock `name` (polling), e.g. to keep Terraform inits of concurrent runs
 * from sharing the plugin cache at once. A holder in another container or on another host cannot
 * be seen to be gone: its lock is taken over once it is older than `takeoverMs`, saying so. Undefined
 * when `signal` aborts first.
 */
export async function waitForLock(
  runsDir: string, name: string, runId: string, signal?: AbortSignal, warn: (message: string) => void = () => undefined, takeoverMs = SHORT_LOCK_TAKEOVER_MS,
): Promise<StackLock | undefined> {
  for (;;) {
    try {
      return lockStack(runsDir, name, runId, warn);
    } catch (e) {
      if (!(e instanceof StackLockedError)) throw e;
      const file = join(runsDir, ".locks", `${name}.json`);
      if (processState(e.owner.process) === "elsewhere" && Date.now() - Date.parse(e.owner.startedAt) > takeoverMs && readOwner(file)?.runId === e.owner.runId) {
        warn(`warning: taking over the lock ${file} of run ${e.owner.runId}, held since ${e.owner.startedAt} by a launcher in another container or on another host`);
        rmSync(file, { force: true });
        continue;
      }
    }
    if (signal?.aborted) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}
