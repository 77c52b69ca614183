/**
 * Every test file gets a temporary folder of its own as TMPDIR (cdktf's Testing helpers create an
 * output folder per synthesized app there) and it is removed when the file's tests end, so the
 * suite leaves nothing in the system's temporary folder. The AWS SDK's Node.js version warning is off.
 * Stack traces of plain objects skip Vitest's source mapping (see below).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

// The AWS SDK warns, once per process, that its releases after January 2027 need Node.js 22; the
// status readers' tests construct S3 clients on Node.js 20. The README states the requirement.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const TMP_STATE = Symbol.for("hgpu-test.tmp");

// The system's folder and the current file's folder are kept on the worker's global object, which
// outlives this module (it is loaded again for each file): a file whose run was cancelled (a bail, as
// in a mutation run) never reaches its afterAll, and the next file must neither nest its folder in
// that one nor leave it behind.
const state = ((globalThis as { [TMP_STATE]?: { systemTmp: string; own?: string } })[TMP_STATE] ??= { systemTmp: tmpdir() });
if (state.own) rmSync(state.own, { recursive: true, force: true });
const own = mkdtempSync(join(state.systemTmp, "hgpu-test-"));
state.own = own;
process.env.TMPDIR = own;
afterAll(() => {
  process.env.TMPDIR = state.systemTmp;
  rmSync(own, { recursive: true, force: true });
  state.own = undefined;
});

// cdktf captures a stack trace of unlimited depth for every token it creates (an attribute
// reference, a nested block's list: its `creationStack`, shown only if the token later fails to
// resolve), on a plain object. Vitest maps every frame of every stack it formats through source
// maps, which makes a synth of the main example about a quarter slower. Stacks of Errors keep that
// mapping (a failing test's trace points into the TypeScript); other stacks are V8's own frames.
const PLAIN_FOR_NON_ERRORS = Symbol.for("hgpu-test.plainStacksForNonErrors");
const mapped = Error.prepareStackTrace as (((target: Error, frames: NodeJS.CallSite[]) => unknown) & { [PLAIN_FOR_NON_ERRORS]?: true }) | undefined;
if (mapped && !mapped[PLAIN_FOR_NON_ERRORS]) {
  const prepare = (target: unknown, frames: NodeJS.CallSite[]) =>
    target instanceof Error ? mapped(target, frames) : `Error\n${frames.map((frame) => `    at ${String(frame)}`).join("\n")}`;
  Error.prepareStackTrace = Object.assign(prepare, { [PLAIN_FOR_NON_ERRORS]: true as const });
}
