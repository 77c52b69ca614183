/**
 * Every test file gets a temporary folder of its own as TMPDIR (cdktf's Testing helpers create an
 * output folder per synthesized app there) and it is removed when the file's tests end, so the
 * suite leaves nothing in the system's temporary folder. The AWS SDK's Node.js version warning is off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

// The AWS SDK warns, once per process, that its releases after January 2027 need Node.js 22; the
// status readers' tests construct S3 clients on Node.js 20. The README states the requirement.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const systemTmp = tmpdir();
const own = mkdtempSync(join(systemTmp, "hgpu-test-"));
process.env.TMPDIR = own;
afterAll(() => {
  process.env.TMPDIR = systemTmp;
  rmSync(own, { recursive: true, force: true });
});
