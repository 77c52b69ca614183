/**
 * Benchmark child, the floor: loads cdktf and the given provider modules (nothing of this
 * library), builds an empty app, and reports its peak RSS. Synth time over this time is what the
 * library itself costs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { cpuMs } from "./cpu";

const modules = JSON.parse(process.argv[2] ?? "[]") as string[];
for (const m of modules) require(m);
setImmediate(() => {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-floor-"));
  const app = new App({ outdir });
  new TerraformStack(app, "floor");
  app.synth();
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, cpuMs: cpuMs() }));
});
