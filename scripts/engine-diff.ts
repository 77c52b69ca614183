/**
 * `npm run engine-diff`: synthesizes the main example (cdktf.json's app) on CDK for Terraform and
 * on CDK Terrain (the sources run with scripts/cdktn-engine.cjs preloaded, so `cdktf` and the
 * providers resolve to tools/cdktn's set) and compares every stack's JSON, apart from the engine and
 * provider versions. Exit 0 when they are the same; otherwise prints each differing path, exit 1.
 * Needs tools/cdktn installed (`npm ci --prefix tools/cdktn`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The stack's JSON without what differs by engine: the engine's version and the providers' version
 * constraints; a provider source without a namespace (`aws`) is written as Terraform reads it
 * (`hashicorp/aws`).
 */
export function withoutVersions(stack: Json): Json {
  const copy = structuredClone(stack) as { [key: string]: Json };
  const meta = (copy["//"] as { metadata?: { version?: string } } | undefined)?.metadata;
  if (meta) delete meta.version;
  const providers = (copy.terraform as { required_providers?: Record<string, { version?: string; source?: string }> } | undefined)?.required_providers;
  for (const p of Object.values(providers ?? {})) {
    delete p.version;
    if (p.source && !p.source.includes("/")) p.source = `hashicorp/${p.source}`;
  }
  return copy;
}

/** Paths at which two JSON values differ (at most `limit`). */
export function differences(a: Json, b: Json, path = "", limit = 20, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || "/"}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) differences((a as Record<string, Json>)[k] ?? null, (b as Record<string, Json>)[k] ?? null, `${path}/${k}`, limit, out);
  return out;
}

function synth(out: string, preload: boolean): void {
  const root = join(__dirname, "..");
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", ...(preload ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} -r ${join(__dirname, "cdktn-engine.cjs")}`.trim() } : {}) };
  const r = spawnSync("npx", ["tsx", "bin/hgpu.ts", "synth", "--out", out], { cwd: root, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`hgpu synth on ${preload ? "cdktn" : "cdktf"} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

function main(): void {
  if (!existsSync(join(__dirname, "../tools/cdktn/node_modules/cdktn"))) throw new Error("tools/cdktn is not installed: npm ci --prefix tools/cdktn");
  const work = mkdtempSync(join(tmpdir(), "hgpu-engines-"));
  try {
    const [cdktf, cdktn] = [join(work, "cdktf"), join(work, "cdktn")];
    synth(cdktf, false);
    synth(cdktn, true);
    const stacks = readdirSync(join(cdktf, "stacks")).sort();
    const other = readdirSync(join(cdktn, "stacks")).sort();
    if (JSON.stringify(stacks) !== JSON.stringify(other)) throw new Error(`the engines synthesize different stacks: ${stacks.join(", ")} vs ${other.join(", ")}`);
    let failed = false;
    for (const s of stacks) {
      const read = (dir: string) => withoutVersions(JSON.parse(readFileSync(join(dir, "stacks", s, "cdk.tf.json"), "utf8")) as Json);
      const diff = differences(read(cdktf), read(cdktn));
      console.log(diff.length ? `DIFFERENT ${s}:\n  ${diff.join("\n  ")}` : `same      ${s} (apart from versions)`);
      failed ||= diff.length > 0;
    }
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
