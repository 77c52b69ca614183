/**
 * Benchmark child: synthesizes the main example into a temporary folder and reports the
 * provider modules it loaded (for the floor run) and its peak RSS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../examples/hybrid-training/main";
import { cpuMs } from "./cpu";

// As the example's entry point does: build after module loading, on a shallow stack.
setImmediate(() => {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-bench-"));
  buildApp(new App({ outdir })).synth();
  rmSync(outdir, { recursive: true, force: true });
  const modules = Object.keys(require.cache)
    .map((p) => /node_modules\/(@cdktf\/provider-[a-z]+\/lib\/[^/]+)\//.exec(p)?.[1])
    .filter((m): m is string => m !== undefined);
  process.stdout.write(JSON.stringify({ modules: [...new Set(modules)].sort(), maxRssKiB: process.resourceUsage().maxRSS, cpuMs: cpuMs() }));
});
