import { describe, expect, it } from "vitest";
import { acceleratorMismatch } from "../../lib/planner/describe";
import { gridFactorOfRegion, gridRegions, nodePowerWatts } from "../../lib/planner/energy";
import { describeCarbon, describedPlacement, describeRequirements, placementKey, planPlacements } from "../../lib/planner/planner";
import type { Placement } from "../../lib/planner/types";
import { catalogOf, offering } from "./fixtures";

describe("describeRequirements", () => {
  it("names every requirement given, in a fixed order", () => {
    expect(
      describeRequirements({
        gpus: 30, accelerator: ["H100", "H200"], minGpuMemoryGiB: 80, minGpusPerNode: 8, memoryGiB: 256, interconnect: "preferred",
        clouds: ["aws", "azure"], regions: ["us-east-1", "eastus"], zones: ["use1-az4", "use1-az6"], pools: ["dgx-a", "lab"], spot: true, maxUsdPerHour: 100,
      }),
    ).toBe(
      "30 GPUs (H100 or H200), >= 80 GiB per GPU, >= 8 GPUs per node, 256 GiB memory, interconnect preferred, clouds [aws, azure], " +
        "regions [us-east-1, eastus], zones [use1-az4, use1-az6], pools [dgx-a, lab], spot, max $100/h",
    );
  });
  it("and nothing else: one GPU, one accelerator, on demand", () => {
    expect(describeRequirements({ gpus: 1 })).toBe("1 GPU");
    expect(describeRequirements({ gpus: 8, accelerator: "H100", spot: false })).toBe("8 GPUs (H100)");
  });
});

describe("acceleratorMismatch", () => {
  it("names the one accelerator asked for, or lists them as written", () => {
    expect(acceleratorMismatch("A100", "H100")).toBe("accelerator A100 is not H100");
    expect(acceleratorMismatch("A100", ["h100"])).toBe("accelerator A100 is not h100");
    expect(acceleratorMismatch("A100", ["H100", "h200"])).toBe("accelerator A100 is not one of [H100, h200]");
  });
});

describe("describeCarbon", () => {
  const p = { powerKw: 12.3456, pue: 1.14, gridKgCo2ePerKwh: 0.379, kgCo2ePerHour: 5.33493 } as Placement;
  it("power, PUE, grid factor and kgCO2e/h, rounded to two places", () => {
    expect(describeCarbon(p)).toBe("12.35 kW x PUE 1.14 x 0.379 kgCO2e/kWh = 5.33 kgCO2e/h");
  });
  it("says when the grid factor, and so the carbon, is unknown", () => {
    expect(describeCarbon({ ...p, gridKgCo2ePerKwh: undefined, kgCo2ePerHour: undefined })).toBe("12.35 kW x PUE 1.14 x unknown grid factor = unknown");
  });
});

describe("a described placement", () => {
  it("keeps toString an ordinary method otherwise: it can be replaced or removed", () => {
    const p = describedPlacement({ ...planPlacements({ gpus: 8 }, catalogOf(offering({ instanceType: "a.8gpu", locations: [{ region: "r1", usdPerHour: 10 }] }))).placements[0]! });
    expect(String(p)).toBe("1 x a.8gpu (8 x H100) in aws r1 at $10/h");
    p.toString = () => "mine";
    expect(String(p)).toBe("mine");
    expect(delete (p as { toString?: unknown }).toString).toBe(true);
    expect(String(p)).toBe("[object Object]");
  });
});

describe("ranking: a full tie of region-level placements", () => {
  it("goes by type name whatever the catalog's order", () => {
    const a = offering({ instanceType: "a.type", locations: [{ region: "r1", usdPerHour: 10 }] });
    const z = offering({ instanceType: "z.type", locations: [{ region: "r1", usdPerHour: 10 }] });
    for (const catalog of [catalogOf(a, z), catalogOf(z, a)]) {
      expect(planPlacements({ gpus: 8 }, catalog).placements.map((p) => placementKey(p))).toEqual(["aws/r1//a.type", "aws/r1//z.type"]);
    }
  });
});

describe("the energy tables", () => {
  it("splits a node's power into GPUs and host overhead", () => {
    // 8 x 1000 W of GPUs and no host: 8000 W x 1.1 = 8800 W, 800 W of it overhead
    const w = nodePowerWatts({ gpusPerNode: 8, gpuTdpWatts: 1000, vCpus: 0, memoryGiB: 0 });
    expect(w.gpuWatts).toBe(8000);
    expect(w.overheadWatts).toBeCloseTo(800, 9);
    expect(w.totalWatts).toBeCloseTo(8800, 9);
  });
  it("finds a region's grid factor in the AWS table, then the Azure one", () => {
    expect(gridFactorOfRegion("eu-north-1")).toEqual({ value: 0.008, status: "verified", source: "Cloud Carbon Footprint (country)", cloud: "aws" });
    expect(gridFactorOfRegion("eastus")).toEqual({ value: 0.379069, status: "verified", source: "Cloud Carbon Footprint (NERC SERC)", cloud: "azure" });
    expect(gridFactorOfRegion("mars-1")).toBeUndefined();
  });
  it("lists the table's regions, AWS (24) then Azure (18)", () => {
    const regions = gridRegions();
    expect(regions).toHaveLength(42);
    expect([regions[0], regions[23], regions[24], regions[41]]).toEqual(["us-east-1", "af-south-1", "eastus", "westindia"]);
  });
});
