import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identify, isRunning, type ProcessIdentity } from "./process-identity";
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
    super(
      `hgpu launch: stack ${JSON.stringify(stack)} has a live run: ${owner.runId}, started ${owner.startedAt} (launcher PID ${owner.process.pid}). ` +
        `See it with \`hgpu runs\`; stop it with Ctrl-C in its terminal or \`kill -TERM ${owner.process.pid}\` (it destroys what it created). ` +
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
  for (let tries = 0; tries < 5; tries++) {
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
    const owner = readOwner(file);
    if (owner && isRunning(owner.process)) throw new StackLockedError(owner, stack);
    // Stale (or unreadable: a writer that died mid-write). Move it aside atomically, so that of two
    // launchers taking it over at once only one succeeds, then try again.
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      rmSync(`${file}.stale-${process.pid}`, { force: true });
      warn(`warning: taking over the lock of stack ${JSON.stringify(stack)} from run ${owner?.runId ?? "(unreadable lock)"}: its launcher (PID ${owner?.process.pid ?? "?"}) is gone`);
    } catch {
      // another launcher moved it first
    }
  }
  throw new Error(`hgpu launch: cannot take the lock ${file}`);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as LockOwner;
    return typeof o.runId === "string" && typeof o.process?.pid === "number" ? o : undefined;
  } catch {
    return undefined;
  }
}
