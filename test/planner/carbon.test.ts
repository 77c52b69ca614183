import { describe, expect, it } from "vitest";
import { CLOUD_PUE, cloudPue, gridFactor, nodePowerWatts } from "../../lib/planner/energy";
import { placementKey, planPlacements } from "../../lib/planner/planner";
import { paretoFront, tradeOff } from "../../lib/planner/ranking";
import type { Placement, Requirements } from "../../lib/planner/types";
import { A_8GPU, AZ, B_8GPU, catalogOf, energy, pool, POOL, R1, R2 } from "./fixtures";

// a.8gpu also in "dark", a region the grid table lacks, at $5/h.
const catalog = catalogOf({ ...A_8GPU, locations: [...A_8GPU.locations, { region: "dark", usdPerHour: 5 }] }, B_8GPU);
const plan = (r: Requirements) => planPlacements(r, catalog, { pools: [pool], energy });
const keys = (r: Requirements) => plan(r).placements.map((p) => placementKey(p));
const DARK = "aws/dark//a.8gpu";

// 16 GPUs = 2 nodes of 8.8 kW = 17.6 kW of IT power (by hand):
//   aws r1 $20/h 7.744 kg/h; aws r2 $30/h 1.936 kg/h; azure az1 $24/h 4.224 kg/h; pool $24/h 7.92 kg/h;
//   aws "dark" $10/h, no grid factor: carbon unknown.
describe("carbon of each placement", () => {
  it("carries kW (GPUs + host), the PUE, the grid factor, kgCO2e/h and kgCO2e over maxRuntimeHours", () => {
    const byKey = new Map(plan({ gpus: 16, maxRuntimeHours: 10 }).placements.map((p) => [placementKey(p), p]));
    expect(byKey.get(R1)).toMatchObject({ powerKw: 17.6, pue: 1.1, gridKgCo2ePerKwh: 0.4, kgCo2ePerHour: 7.744, kgCo2e: 77.44 });
    expect(byKey.get(R2)).toMatchObject({ powerKw: 17.6, pue: 1.1, gridKgCo2ePerKwh: 0.1, kgCo2ePerHour: 1.936, kgCo2e: 19.36 });
    expect(byKey.get(AZ)).toMatchObject({ powerKw: 17.6, pue: 1.2, gridKgCo2ePerKwh: 0.2, kgCo2ePerHour: 4.224, kgCo2e: 42.24 });
    expect(byKey.get(POOL)).toMatchObject({ powerKw: 17.6, pue: 1.5, gridKgCo2ePerKwh: 0.3, kgCo2ePerHour: 7.92, kgCo2e: 79.2 });
    const dark = byKey.get(DARK)!;
    expect([dark.powerKw, dark.pue, dark.gridKgCo2ePerKwh, dark.kgCo2ePerHour, dark.kgCo2e]).toEqual([17.6, 1.1, undefined, undefined, undefined]);
  });

  it("defaults to 12 hours, GpuTask's default maxRuntime", () => {
    expect(plan({ gpus: 16, pools: ["dgx-a"] }).placements[0]!.kgCo2e).toBe(95.04);
  });

  it("uses the committed tables by default: the cloud's published PUE and the region's grid factor", () => {
    const p = planPlacements({ gpus: 8, accelerator: "H100", clouds: ["aws"], regions: ["us-east-1"] }).placements.find((x) => x.instanceType === "p5.48xlarge")!;
    // p5.48xlarge: (8 x 700 + 192 x 3.5 + 2048 x 0.392) x 1.1 = 7782.2976 W
    expect(p.powerKw).toBeCloseTo(7.7823, 4);
    expect(p.pue).toBe(1.14);
    expect(p.gridKgCo2ePerKwh).toBe(0.379069);
    expect(p.kgCo2ePerHour).toBeCloseTo(7.7823 * 1.14 * 0.379069, 3);
    expect(CLOUD_PUE.clouds.aws.source).toContain("sustainability.aboutamazon.com");
    expect(cloudPue("azure")).toMatchObject({ value: 1.18, status: "unverified" });
    expect(gridFactor("aws", "eu-north-1")).toEqual({ value: 0.008, status: "verified", source: "Cloud Carbon Footprint (country)" });
    expect(nodePowerWatts({ gpusPerNode: 8, gpuTdpWatts: 1000, vCpus: 0, memoryGiB: 0 }).totalWatts).toBeCloseTo(8800, 9);
  });
});

describe("optimize", () => {
  it("cost (the default) is cheapest first, owned first", () => {
    expect(keys({ gpus: 16 })).toEqual([POOL, DARK, R1, AZ, R2]);
    expect(keys({ gpus: 16, prefer: "none" })).toEqual([DARK, R1, AZ, POOL, R2]);
  });
  it("carbon picks the cleanest feasible placement; unknown carbon ranks last", () => {
    expect(keys({ gpus: 16, optimize: "carbon", prefer: "none" })).toEqual([R2, AZ, R1, POOL, DARK]);
    // owned first still holds when asked
    expect(keys({ gpus: 16, optimize: "carbon" })).toEqual([POOL, R2, AZ, R1, DARK]);
  });
  it("a carbon price turns carbon into cost: USD/h + price x kgCO2e/h", () => {
    // $2/kg: r1 20 + 15.488 = 35.488; az1 24 + 8.448 = 32.448; r2 30 + 3.872 = 33.872; pool 24 + 15.84 = 39.84
    expect(keys({ gpus: 16, optimize: { usdPerKgCo2e: 2 }, prefer: "none" })).toEqual([AZ, R2, R1, POOL, DARK]);
    // $5/kg: r1 58.72; az1 45.12; r2 39.68; pool 63.6
    expect(keys({ gpus: 16, optimize: { usdPerKgCo2e: 5 }, prefer: "none" })).toEqual([R2, AZ, R1, POOL, DARK]);
  });
  it("ties on carbon go to the cheaper placement", () => {
    const twin = { ...pool, name: "dgx-b", usdPerGpuHour: 1.4 };
    const r = planPlacements({ gpus: 16, optimize: "carbon", clouds: ["onprem"] }, catalog, { pools: [pool, twin], energy });
    expect(r.placements.map((p) => p.instanceType)).toEqual(["dgx-b", "dgx-a"]);
  });
});

/** A placement with only the figures the trade-off reads. */
const point = (rank: number, usdPerHour: number, kgCo2ePerHour?: number) =>
  ({ rank, usdPerHour, ...(kgCo2ePerHour === undefined ? {} : { kgCo2ePerHour }) }) as Placement;

describe("the cost/carbon trade-off", () => {
  const a = point(1, 1, 5), b = point(2, 2, 3), c = point(3, 2, 4), d = point(4, 3, 3), e = point(5, 4, 1);
  const f = point(6, 4, 1), g = point(7, 5), h = point(8, 0.5, 10), i = point(9, 6, 0.5);
  it("the Pareto front keeps what nothing beats on both, cheapest first, identical points together; unknown carbon is left out", () => {
    expect(paretoFront([a, b, c, d, e, f, g, h, i]).map((p) => p.rank)).toEqual([8, 1, 2, 5, 6, 9]);
    // c (same price as b, more carbon) and d (dearer than b, same carbon) are dominated
    expect(paretoFront([c, b]).map((p) => p.rank)).toEqual([2]);
    expect(paretoFront([d, b]).map((p) => p.rank)).toEqual([2]);
    expect(paretoFront([g])).toEqual([]);
    expect(paretoFront([])).toEqual([]);
  });
  it("names the cheapest and the cleanest, and counts the placements of unknown carbon", () => {
    const t = tradeOff([a, b, c, d, e, f, g, h, i]);
    expect([t.cheapest?.rank, t.cleanest?.rank, t.front.length, t.unknownCarbon]).toEqual([8, 9, 6, 1]);
    expect(tradeOff([g])).toEqual({ front: [], unknownCarbon: 1 });
    // of identical cleanest points, the best ranked
    expect(tradeOff([f, e, a]).cleanest?.rank).toBe(5);
  });
  it("on the hand-made catalog: r1 is the cheapest known, r2 the cleanest, azure between; the pool and the dark region are off the front", () => {
    const t = tradeOff(plan({ gpus: 16 }).placements);
    expect(t.front.map((p) => placementKey(p))).toEqual([R1, AZ, R2]);
    expect([placementKey(t.cheapest!), placementKey(t.cleanest!), t.unknownCarbon]).toEqual([R1, R2, 1]);
  });
});
