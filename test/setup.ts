/**
 * Every test file gets a temporary folder of its own as TMPDIR (cdktf's Testing helpers create an
 * output folder per synthesized app there) and it is removed when the file's tests end, so the
 * suite leaves nothing in the system's temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const systemTmp = tmpdir();
const own = mkdtempSync(join(systemTmp, "hgpu-test-"));
process.env.TMPDIR = own;
afterAll(() => {
  process.env.TMPDIR = systemTmp;
  rmSync(own, { recursive: true, force: true });
});
