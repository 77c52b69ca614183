/**
 * The test thread `npm run mutation` keeps from one mutant's run to the next
 * (tools/mutation/kept-thread.mjs, chosen by vitest.mutation.config.ts): vitest runs a probe test
 * file three times in one session, as Stryker's runner does for three mutants, with and without the
 * kept thread.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createVitest } from "vitest/node";

const root = join(__dirname, "../..");
const probe = "test/tools/fixtures/kept-thread-probe.ts";
const folders: string[] = [];
const saved = { ...process.env };
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  for (const k of ["HGPU_MUTATION_TESTS", "HGPU_MUTATION_POOL", "HGPU_MUTATION_FRESH", "HGPU_PROBE_OUT"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

type Seen = { threadId: number; loads: number; freshLoads: number; activeMutant: string | null };

/** Three runs of the probe in one vitest session, as Stryker's vitest runner makes them; what each run saw when the probe loaded. */
async function threeRuns(kept: boolean): Promise<Seen[]> {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-kept-"));
  folders.push(dir);
  process.env.HGPU_PROBE_OUT = join(dir, "seen.jsonl");
  process.env.HGPU_MUTATION_TESTS = probe;
  process.env.HGPU_MUTATION_FRESH = "test/tools/fixtures/fresh";
  if (kept) process.env.HGPU_MUTATION_POOL = join(root, "tools/mutation/kept-thread.mjs");
  else delete process.env.HGPU_MUTATION_POOL;
  const vitest = await createVitest("test", { root, config: join(root, "vitest.mutation.config.ts"), pool: "threads", maxWorkers: 1, watch: false, reporters: [{}] });
  vitest.provide("globalNamespace" as never, "__stryker__" as never);
  for (let run = 0; run < 3; run++) {
    vitest.state.filesMap.clear();
    await vitest.start([probe]);
    expect(vitest.state.getCountOfFailedTests()).toBe(0);
  }
  await vitest.close();
  return readFileSync(process.env.HGPU_PROBE_OUT, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Seen);
}

describe("the kept test thread", () => {
  it("serves every run from one thread that loads a module once, except those under the fresh folders, and each run starts with no mutant active", async () => {
    const seen = await threeRuns(true);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.threadId)).size).toBe(1);
    expect(seen.map((s) => s.loads)).toEqual([1, 1, 1]);
    expect(seen.map((s) => s.freshLoads)).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.activeMutant)).toEqual([null, null, null]);
  });

  it("without it, vitest gives each run a new thread, which loads the modules again", async () => {
    const seen = await threeRuns(false);
    expect(new Set(seen.map((s) => s.threadId)).size).toBe(3);
    expect(seen.map((s) => [s.loads, s.freshLoads])).toEqual([[1, 1], [1, 1], [1, 1]]);
  });
});
