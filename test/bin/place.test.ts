import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTradeOff, optimizeOption } from "../../bin/cli/place";
import type { Placement } from "../../lib/planner/types";
import { synthPoolApp } from "../onprem/helpers";
import { hgpu } from "./cli";

let out: string;
beforeAll(() => {
  out = synthPoolApp();
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("--optimize", () => {
  const args = (v?: string) => ({ values: new Map(v === undefined ? [] : [["optimize", v]]), flags: new Set<string>(), positionals: [] });
  it("takes cost, carbon, or a carbon price in USD per kgCO2e (0 included)", () => {
    expect([optimizeOption(args("cost")), optimizeOption(args("carbon")), optimizeOption(args("0.25")), optimizeOption(args("0")), optimizeOption(args())]).toEqual(["cost", "carbon", { usdPerKgCo2e: 0.25 }, { usdPerKgCo2e: 0 }, undefined]);
  });
  it.each(["green", "-1", "1e2", ".5"])("refuses %s", (v) => {
    expect(() => optimizeOption(args(v))).toThrow(`--optimize ${JSON.stringify(v)} is not valid: use cost, carbon or a carbon price in USD per kgCO2e, e.g. 0.1`);
  });
});

const point = (rank: number, usdPerHour: number, kgCo2ePerHour?: number): Placement =>
  ({ rank, cloud: "aws", region: `r${rank}`, instanceType: "t", usdPerHour, ...(kgCo2ePerHour === undefined ? {} : { kgCo2ePerHour, kgCo2e: kgCo2ePerHour * 10 }) }) as Placement;

describe("the trade-off text", () => {
  it("the cheapest, the front, the cleanest, and what has no grid factor", () => {
    const lines = formatTradeOff([point(1, 10, 5), point(2, 12, 6), point(3, 14, 2), point(4, 20, 1), point(5, 8)], 10, 10);
    expect(lines).toEqual([
      "cost/carbon trade-off (the Pareto front: nothing is both cheaper and cleaner), cheapest to cleanest:",
      "            #   cloud  region  type  usd/h   kgCO2e/h  kgCO2e/10h",
      "  cheapest  #1  aws    r1      t     $10.00  5.00      50.0",
      "            #3  aws    r3      t     $14.00  2.00      20.0",
      "  cleanest  #4  aws    r4      t     $20.00  1.00      10.0",
      "  (1 of 5 placements have no grid factor and are left out)",
    ]);
  });
  it("a long front shows the first rows and the cleanest; one point is both", () => {
    const many = Array.from({ length: 6 }, (_, i) => point(i + 1, 10 + i, 10 - i));
    const lines = formatTradeOff(many, 12, 3);
    expect(lines.filter((l) => /#\d/.test(l)).map((l) => /#(\d)/.exec(l)![1])).toEqual(["1", "2", "6"]);
    expect(lines).toContain("  ... and 3 more on the front (--json lists them)");
    expect(formatTradeOff([point(1, 1, 1)], 12, 10)[2]).toMatch(/^ {2}cheapest, cleanest {2}#1/);
    expect(formatTradeOff([point(1, 1)], 12, 10)).toEqual(["cost/carbon: no placement has a known grid factor (1 without)"]);
  });
});

describe("hgpu place with the app's owned pools", () => {
  it("offers the pools of the synthesized app in --out, owned first, with kW and kgCO2e/h, and says where they came from", async () => {
    const r = await hgpu(["place", "--gpus", "30", "--accelerator", "H100", "--out", out, "--top", "3"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^#\s+cloud\s+region\s+zone\s+type\s+nodes\s+gpus\s+fabric\s+usd\/h\s+kW\s+kgCO2e\/h$/);
    // 4 x 7782.2976 W = 31.1 kW; x 1.3 x 0.35 = 14.16 kg/h
    expect(lines[1]).toMatch(/^1\s+onprem\s+fra-dc1\s+-\s+pool dgx-a\s+4\s+32 x H100\s+infiniband 3200G\s+\$57\.60\s+31\.1\s+14\.16$/);
    expect(r.stdout).toContain(`owned pools from ${out}: dgx-a (fra-dc1)\n`);
    expect(r.stdout).toMatch(/cost\/carbon trade-off \(the Pareto front: nothing is both cheaper and cleaner\), cheapest to cleanest:\n/);
    expect(r.stdout).toMatch(/carbon: GPUs at full board power \+ host, x PUE \(aws 1\.14 \(2025\), azure 1\.18 \(2024, unverified\); a pool's own\)/);
  });
  it("--prefer none ranks the pool with the clouds by cost; --optimize carbon puts cleaner clouds before it", async () => {
    const run = async (...extra: string[]) => JSON.parse((await hgpu(["place", "--gpus", "30", "--accelerator", "H100", "--out", out, "--top", "200", "--json", ...extra])).stdout) as { placements: Placement[]; tradeOff: { cheapest: number; cleanest: number; front: number[] } };
    const byCost = await run("--prefer", "none");
    for (let i = 1; i < byCost.placements.length; i++) expect(byCost.placements[i]!.usdPerHour).toBeGreaterThanOrEqual(byCost.placements[i - 1]!.usdPerHour);
    expect(byCost.tradeOff.front[0]).toBe(byCost.tradeOff.cheapest);
    expect(byCost.tradeOff.front).toContain(byCost.tradeOff.cleanest);
    const clean = await run("--prefer", "none", "--optimize", "carbon");
    for (let i = 1; i < clean.placements.length; i++) {
      expect(clean.placements[i]!.kgCo2ePerHour!).toBeGreaterThanOrEqual(clean.placements[i - 1]!.kgCo2ePerHour!);
    }
    expect(clean.placements[0]!.cloud).not.toBe("onprem");
    expect(clean.placements[0]!.rank).toBe(clean.tradeOff.cleanest);
    // owned first again when preferred, whatever the goal
    expect((await run("--optimize", "carbon")).placements[0]!.cloud).toBe("onprem");
  });
  it("--clouds onprem keeps to the pools; --max-runtime sets the hours of kgCO2e", async () => {
    const r = await hgpu(["place", "--gpus", "16", "--out", out, "--clouds", "onprem", "--max-runtime", "2h", "--json"]);
    const placements = (JSON.parse(r.stdout) as { placements: Placement[] }).placements;
    expect(placements.map((p) => [p.cloud, p.instanceType, p.nodes])).toEqual([["onprem", "dgx-a", 2]]);
    // 2 x 7782.2976 W = 15.5646 kW x 1.3 x 0.35 = 7.0819 kg/h x 2 h
    expect(placements[0]!.kgCo2e).toBe(14.16);
  });
  it("says nothing of pools when the app in --out has none", async () => {
    const r = await hgpu(["place", "--gpus", "8", "--top", "1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("owned pools");
  });
  it("refuses an --out without an app, --pools naming no pool, and a bad --max-runtime", async () => {
    expect((await hgpu(["place", "--gpus", "8", "--out", "/nonexistent-hgpu"])).stderr).toBe('hgpu place: --out "/nonexistent-hgpu" is not valid: /nonexistent-hgpu/manifest.json not found: synthesize the app first (hgpu synth)\n');
    expect((await hgpu(["place", "--gpus", "8", "--out", out, "--pools", "dgx-z"])).stderr).toBe('hgpu place: --pools "dgx-z" is not valid: use the name of an OnPremGpuPool of the app: dgx-a\n');
    expect((await hgpu(["place", "--gpus", "8", "--max-runtime", "15d"])).stderr).toBe('hgpu place: --max-runtime "15d" is not valid: use a duration from 1m to 14d, e.g. 12h or 90m\n');
    // the longest a task may run is accepted, a minute more is not
    expect(await hgpu(["place", "--gpus", "8", "--top", "1", "--max-runtime", "14d"])).toMatchObject({ status: 0, stderr: "" });
    expect((await hgpu(["place", "--gpus", "8", "--max-runtime", "14d1m"])).stderr).toBe('hgpu place: --max-runtime "14d1m" is not valid: use a duration from 1m to 14d, e.g. 12h or 90m\n');
  });
});
