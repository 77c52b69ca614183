// A launcher stand-in for the lock race test: says it is ready, waits for <dir>/go, takes the stack lock, says
// "held" or "refused", and holds a lock it got for a moment (so that it is live meanwhile).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockStack, StackLockedError } from "../../lib/launch/run-lock";

const [dir, runId] = process.argv.slice(2) as [string, string];
writeFileSync(join(dir, `ready-${runId}`), "");
while (!existsSync(join(dir, "go"))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
try {
  const lock = lockStack(dir, "task", runId, () => undefined);
  process.stdout.write("held\n");
  setTimeout(() => lock.release(), 400);
} catch (e) {
  process.stdout.write(e instanceof StackLockedError ? "refused\n" : `error ${(e as Error).message}\n`);
}
