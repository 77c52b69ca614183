import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AZURE_MAX_NODES_PER_CLUSTER } from "../../lib/catalog/azure-limits";
import { CATALOG, getOffering } from "../../lib/catalog/catalog";
import type { Offering, OfferingLocation } from "../../lib/catalog/types";
import { ValidationError } from "../../lib/core/errors";
import { NoPlacementError, describePlacement, describedPlacement, placementKey, planPlacements } from "../../lib/planner/planner";
import type { PlacementPlan, Requirements } from "../../lib/planner/types";
import { thrownBy, validationErrorOf } from "../helpers";
import { catalogOf, offering } from "./fixtures";

const tiny = catalogOf(
  offering({ instanceType: "big.efa", locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 80, spotUsdPerHour: 30 }, { region: "r1", zone: "r1-az2", usdPerHour: 80 }] }),
  offering({ instanceType: "small.nofabric", gpusPerNode: 1, memoryGiB: 64, fabric: { kind: "none", interfaces: 0, gbpsPerNode: 0 }, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 5 }] }),
  offering({ cloud: "azure", instanceType: "Standard_IB", fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 }, locations: [{ region: "eastus", usdPerHour: 80 }] }),
  offering({ instanceType: "local.efa", locations: [{ region: "r1", zone: "r1-lax1-az1", localZone: true, usdPerHour: 1 }] }),
);

describe("planPlacements: the seed request", () => {
  const plan = planPlacements({ gpus: 30, memoryGiB: 256 });

  it("ranks feasible placements for 30 GPUs and 256 GiB, cheapest first", () => {
    expect(plan.placements.length).toBeGreaterThan(10);
    // g5.12xlarge: 4 A10G, 192 GiB and one EFA interface at $5.672/h a node, the cheapest way to 30 GPUs on a fabric
    expect(plan.placements.slice(0, 3).map((p) => `${p.rank}. ${p}`)).toEqual([
      "1. 8 x g5.12xlarge (32 x A10G) in aws us-east-1 at $45.376/h",
      "2. 4 x g5.48xlarge (32 x A10G) in aws us-east-1 at $65.152/h",
      "3. 8 x g5.24xlarge (32 x A10G) in aws us-east-1 at $65.152/h",
    ]);
    expect(plan.placements[0]).toMatchObject({ gpus: 32, memoryGiB: 1536, usdPerNodeHour: 5.672 });
    for (const p of plan.placements) expect(plan.placements[0]!.usdPerHour).toBeLessThanOrEqual(p.usdPerHour);
  });

  it("sizes 30 GPUs on 8-GPU nodes as 4 nodes", () => {
    const p5 = plan.placements.find((p) => p.instanceType === "p5.48xlarge")!;
    expect(p5).toMatchObject({ nodes: 4, gpus: 32, gpusPerNode: 8, fabricGbpsPerNode: 3200, memoryGiB: 8192, cloud: "aws" });
    expect(p5.usdPerHour).toBeCloseTo(p5.usdPerNodeHour * 4, 6);
    const nd = plan.placements.find((p) => p.instanceType === "Standard_ND96isr_H100_v5")!;
    expect(nd).toMatchObject({ nodes: 4, gpus: 32, cloud: "azure", fabric: { kind: "infiniband" } });
    expect(nd.zone).toBeUndefined();
  });

  it("rejects multi-node candidates without a fabric, by default, and says why", () => {
    // multi-node placements there are, each on EFA or InfiniBand; one-node ones may have no fabric
    expect(new Set(plan.placements.filter((p) => p.nodes > 1).map((p) => p.fabric.kind))).toEqual(new Set(["efa", "infiniband"]));
    expect(plan.placements.some((p) => p.instanceType === "g5.xlarge")).toBe(false);
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "g5.xlarge", reason: "needs 30 nodes but has no node-to-node fabric (interconnect: required)" });
  });

  it("rejects Local Zones unless asked for by zone ID", () => {
    expect(plan.placements.some((p) => p.zone === "use1-atl2-az1")).toBe(false);
    expect(plan.rejected).toContainEqual(expect.objectContaining({ zone: "use1-atl2-az1", reason: "zone use1-atl2-az1 is a Local Zone, which needs an opt-in: name it in zones to allow it" }));
    const opted = planPlacements({ gpus: 8, zones: ["use1-atl2-az1"] });
    expect(opted.placements.map(String)).toEqual([
      "1 x p5.48xlarge (8 x H100) in aws us-east-1/use1-atl2-az1 at $55.04/h",
      "1 x p5en.48xlarge (8 x H200) in aws us-east-1/use1-atl2-az1 at $63.296/h",
      "1 x p6-b200.48xlarge (8 x B200) in aws us-east-1/use1-atl2-az1 at $113.9328/h",
    ]);
  });

  it("describes a placement in one line", () => {
    const p5 = plan.placements.find((p) => p.instanceType === "p5.48xlarge" && p.zone === "use1-az2")!;
    // 4 nodes x $55.04/h, the catalog's on-demand price of p5.48xlarge in us-east-1
    expect(describePlacement(p5)).toBe("4 x p5.48xlarge (32 x H100) in aws us-east-1/use1-az2 at $220.16/h");
    expect(describePlacement({ ...p5, spot: true })).toBe("4 x p5.48xlarge (32 x H100) in aws us-east-1/use1-az2 at $220.16/h spot");
  });
});

describe("planPlacements: each requirement", () => {
  it("accelerator and GPU memory", () => {
    const plan = planPlacements({ gpus: 16, accelerator: "H100", minGpuMemoryGiB: 80 });
    expect(new Set(plan.placements.map((p) => p.instanceType))).toEqual(new Set(["p5.48xlarge", "p5.4xlarge", "Standard_ND96isr_H100_v5"]));
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "p4d.24xlarge", reason: "accelerator A100 is not H100" });
    const big = planPlacements({ gpus: 8, minGpuMemoryGiB: 141 });
    expect(big.rejected).toContainEqual({ cloud: "aws", instanceType: "p5.48xlarge", reason: "80 GiB per GPU is less than minGpuMemoryGiB 141" });
  });
  it("total host memory", () => {
    const plan = planPlacements({ gpus: 1, memoryGiB: 300, interconnect: "none" });
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "p5.4xlarge", reason: "1 node x 256 GiB = 256 GiB host memory is less than memoryGiB 300" });
  });
  it("clouds and regions", () => {
    const plan = planPlacements({ gpus: 8, clouds: ["azure"], regions: ["eastus"] });
    expect(plan.placements.map(String)).toEqual([
      "1 x Standard_ND40rs_v2 (8 x V100-32GB) in azure eastus at $22.032/h",
      "1 x Standard_ND96asr_v4 (8 x A100) in azure eastus at $27.197/h",
      "1 x Standard_ND96amsr_A100_v4 (8 x A100-80GB) in azure eastus at $32.77/h",
      "1 x Standard_ND96isr_H100_v5 (8 x H100) in azure eastus at $98.32/h",
    ]);
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "p5.48xlarge", reason: "cloud aws is not in clouds [azure]" });
    const elsewhere = getOffering("Standard_ND96isr_H100_v5")!.locations.find((l) => l.region !== "eastus")!.region;
    expect(plan.rejected).toContainEqual({ cloud: "azure", instanceType: "Standard_ND96isr_H100_v5", region: elsewhere, reason: `region ${elsewhere} is not in regions [eastus]` });
  });
  it("zones (AWS zone IDs)", () => {
    const plan = planPlacements({ gpus: 8, zones: ["use1-az4"] });
    expect(plan.placements.map(String)).toEqual([
      "1 x p4d.24xlarge (8 x A100) in aws us-east-1/use1-az4 at $21.9576/h",
      "1 x p4de.24xlarge (8 x A100-80GB) in aws us-east-1/use1-az4 at $27.4471/h",
      "1 x p5.48xlarge (8 x H100) in aws us-east-1/use1-az4 at $55.04/h",
      "8 x p5.4xlarge (8 x H100) in aws us-east-1/use1-az4 at $55.04/h",
    ]);
    expect(plan.rejected).toContainEqual(expect.objectContaining({ cloud: "azure", reason: "the catalog prices this offering per region, not per zone, so it cannot meet zones" }));
  });
  it("spot uses spot prices and rejects locations without one", () => {
    const plan = planPlacements({ gpus: 8, accelerator: "H200", spot: true });
    expect(new Set(plan.placements.map((p) => p.spot))).toEqual(new Set([true]));
    expect(new Set(plan.placements.map((p) => p.instanceType))).toEqual(new Set(["p5en.48xlarge", "p5e.48xlarge"]));
    // the catalog's spot price of p5en.48xlarge in eu-south-2/eus2-az2, its on-demand price there being higher
    expect(String(plan.placements[0])).toBe("1 x p5en.48xlarge (8 x H200) in aws eu-south-2/eus2-az2 at $8.6583/h spot");
    expect(plan.placements[0]!.usdPerNodeHour).toBe(getOffering("p5en.48xlarge")!.locations.find((l) => l.zone === "eus2-az2")!.spotUsdPerHour);
    expect(plan.rejected).toContainEqual(expect.objectContaining({ instanceType: "p5e.48xlarge", zone: "euw2-az2", reason: "the catalog has no spot price here" }));
    const onDemand = planPlacements({ gpus: 8, accelerator: "H200" });
    expect(onDemand.placements.some((p) => p.instanceType === "p5e.48xlarge")).toBe(false);
  });
  it("maxUsdPerHour, with a reason per location", () => {
    const plan = planPlacements({ gpus: 16, maxUsdPerHour: 150, interconnect: "none" }, tiny);
    expect(plan.placements.map((p) => p.instanceType)).toEqual(["small.nofabric"]);
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "big.efa", region: "r1", zone: "r1-az1", reason: "2 nodes x $80/h = $160/h is more than maxUsdPerHour 150" });
    // a budget of exactly the price is enough
    expect(planPlacements({ gpus: 16, maxUsdPerHour: 160, interconnect: "none" }, tiny).placements.map((p) => placementKey(p))).toEqual(["aws/r1/r1-az1/small.nofabric", "aws/r1/r1-az1/big.efa", "aws/r1/r1-az2/big.efa", "azure/eastus//Standard_IB"]);
  });
  it("interconnect: required, preferred, none", () => {
    const required = planPlacements({ gpus: 16 }, tiny);
    expect(required.placements.map((p) => p.instanceType)).toEqual(["big.efa", "big.efa", "Standard_IB"]);
    const none = planPlacements({ gpus: 16, interconnect: "none" }, tiny);
    expect(none.placements[0]!.instanceType).toBe("small.nofabric");
    const preferred = planPlacements({ gpus: 16, interconnect: "preferred" }, tiny);
    expect(preferred.placements.map((p) => p.instanceType)).toEqual(["big.efa", "big.efa", "Standard_IB", "small.nofabric"]);
    // one node needs no fabric even when it is required
    expect(planPlacements({ gpus: 1 }, tiny).placements[0]!.instanceType).toBe("small.nofabric");
  });
  it("caps Azure clusters at one placement group", () => {
    expect(AZURE_MAX_NODES_PER_CLUSTER).toBe(100);
    // 800 GPUs: 100 nodes of 8, as many as one placement group holds
    const fits = planPlacements({ gpus: 800, clouds: ["azure"], accelerator: "H100" });
    expect(fits.placements[0]).toMatchObject({ cloud: "azure", instanceType: "Standard_ND96isr_H100_v5", nodes: 100 });
    // 808 GPUs: 101 nodes
    const plan = planPlacements({ gpus: 808, clouds: ["azure", "aws"] });
    expect(new Set(plan.placements.map((p) => p.cloud))).toEqual(new Set(["aws"]));
    expect(plan.rejected).toContainEqual({ cloud: "azure", instanceType: "Standard_ND96isr_H100_v5", reason: "needs 101 nodes; one Azure scale set with a single placement group holds at most 100" });
  });
  it("breaks a price tie by fewer nodes before names", () => {
    // 2 x $16/h and 4 x $8/h cost the same; name order alone would put a.four first.
    const catalog = catalogOf(
      offering({ instanceType: "a.four", gpusPerNode: 4, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 8 }] }),
      offering({ instanceType: "z.eight", gpusPerNode: 8, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 16 }] }),
    );
    const plan = planPlacements({ gpus: 16 }, catalog);
    expect(plan.placements.map((p) => `${p.instanceType} x${p.nodes} $${p.usdPerHour}`)).toEqual(["z.eight x2 $32", "a.four x4 $32"]);
  });
  it("breaks a price and node tie by more fabric bandwidth before names", () => {
    const catalog = catalogOf(
      offering({ instanceType: "a.slow", fabric: { kind: "efa", interfaces: 4, gbpsPerNode: 400 }, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 16 }] }),
      offering({ instanceType: "z.fast", fabric: { kind: "efa", interfaces: 32, gbpsPerNode: 3200 }, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 16 }] }),
    );
    expect(planPlacements({ gpus: 16 }, catalog).placements.map((p) => p.instanceType)).toEqual(["z.fast", "a.slow"]);
  });
  it("breaks price ties by nodes, fabric, then names", () => {
    const plan = planPlacements({ gpus: 16 }, tiny);
    expect(plan.placements.map((p) => `${p.cloud}/${p.region}/${p.zone ?? ""}`)).toEqual(["aws/r1/r1-az1", "aws/r1/r1-az2", "azure/eastus/"]);
    expect(plan.placements.map((p) => p.rank)).toEqual([1, 2, 3]);
  });
  it("breaks a full tie by region name, then zone, then type, whatever the catalog's order", () => {
    const catalog = catalogOf(
      offering({ instanceType: "z.type", locations: [{ region: "r2", zone: "r2-az1", usdPerHour: 10 }, { region: "r1", zone: "r1-az2", usdPerHour: 10 }] }),
      offering({ instanceType: "a.type", locations: [{ region: "r1", zone: "r1-az2", usdPerHour: 10 }, { region: "r1", zone: "r1-az1", usdPerHour: 10 }] }),
    );
    expect(planPlacements({ gpus: 8 }, catalog).placements.map((p) => placementKey(p))).toEqual(["aws/r1/r1-az1/a.type", "aws/r1/r1-az2/a.type", "aws/r1/r1-az2/z.type", "aws/r2/r2-az1/z.type"]);
  });
});

describe("planPlacements: bad requirements", () => {
  it.each<[Requirements, string]>([
    [{ gpus: 0 }, "planner: gpus 0 is not valid: use a whole number from 1 to 10000"],
    [{ gpus: -8 }, "planner: gpus -8 is not valid: use a whole number from 1 to 10000"],
    [{ gpus: 2.5 }, "planner: gpus 2.5 is not valid: use a whole number from 1 to 10000"],
    [{ gpus: 8, accelerator: "H1000" }, 'planner: accelerator "H1000" is not valid: use one of A100, A100-80GB, A10G, B200, B300, H100, H200, L40S, T4, V100, V100-32GB (closest: H100, A100, H200)'],
    [{ gpus: 8, accelerator: [] }, "planner: accelerator [] is not valid: use one or more of A100, A100-80GB, A10G, B200, B300, H100, H200, L40S, T4, V100, V100-32GB"],
    [{ gpus: 8, clouds: [] }, 'planner: clouds [] is not valid: use at least one of "onprem", "aws", "azure"'],
    [{ gpus: 8, clouds: ["gcp" as never] }, 'planner: clouds "gcp" is not valid: use one of "onprem", "aws", "azure"'],
    [{ gpus: 8, regions: [] }, "planner: regions [] is not valid: use at least one region, or leave regions out to allow any"],
    [{ gpus: 8, regions: ["us-east-9"] }, 'planner: regions "us-east-9" is not valid: use a region the catalog knows (closest: us-east-1, us-east-2, us-west-1)'],
    [{ gpus: 8, zones: ["us-east-1a"] }, 'planner: zones "us-east-1a" is not valid: use AWS zone IDs, not zone names (a name maps to a different zone in each account); us-east-1 has use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6'],
    [{ gpus: 8, zones: ["usw9-az1"] }, 'planner: zones "usw9-az1" is not valid: use an AWS zone ID the catalog knows, e.g. use1-az4 (closest: usw1-az1, usw2-az1, use1-az1)'],
    [{ gpus: 8, minGpuMemoryGiB: -1 }, "planner: minGpuMemoryGiB -1 is not valid: use a number of at least 0"],
    [{ gpus: 8, memoryGiB: Number.NaN }, "planner: memoryGiB NaN is not valid: use a number of at least 0"],
    [{ gpus: 8, maxUsdPerHour: 0 }, "planner: maxUsdPerHour 0 is not valid: use a price above 0 in USD per hour"],
    [{ gpus: 8, interconnect: "fast" as never }, 'planner: interconnect "fast" is not valid: use one of "required", "preferred", "none"'],
  ])("%j", (req, message) => {
    const e = thrownBy(() => planPlacements(req), ValidationError);
    expect(e).not.toBeInstanceOf(NoPlacementError);
    expect(e.message).toBe(message);
  });

  it("accepts the boundaries: 1 and 10000 GPUs, 0 GiB of GPU and host memory", () => {
    expect(planPlacements({ gpus: 1 }).placements[0]!.gpus).toBe(1);
    expect(planPlacements({ gpus: 10_000, clouds: ["aws"], accelerator: "H100" }).placements[0]).toMatchObject({ instanceType: "p5.48xlarge", nodes: 1250 });
    expect(validationErrorOf(() => planPlacements({ gpus: 10_001 }))).toBe("planner: gpus 10001 is not valid: use a whole number from 1 to 10000");
    expect(planPlacements({ gpus: 8, minGpuMemoryGiB: 0, memoryGiB: 0 }).placements.length).toBe(planPlacements({ gpus: 8 }).placements.length);
  });

  it("no feasible offering: names what was asked, the nearest misses and the closest feasible alternatives", () => {
    const e = thrownBy(() => planPlacements({ gpus: 8, accelerator: "B300", spot: true, maxUsdPerHour: 10 }), NoPlacementError);
    expect(e.message).toMatch(/^planner: no placement meets 8 GPUs \(B300\), spot, max \$10\/h: \d+ candidates rejected, e\.g\. aws p6-b300\.48xlarge in us-west-2\/usw2-az2: 1 node x \$15\.9815\/h = \$15\.9815\/h is more than maxUsdPerHour 10;/);
    expect(e.message).toContain("Closest feasible: without maxUsdPerHour: 1 x p6-b300.48xlarge (8 x B300) in aws us-west-2/usw2-az2 at $15.9815/h spot");
    expect(e.rejected.length).toBe(CATALOG.offerings.length);
    expect(e.alternatives.map((a) => a.relaxed)).toContain("with any accelerator");
  });

  it("falls back to the cheapest placement for the GPU count when no single relaxation helps", () => {
    const e = thrownBy(() => planPlacements({ gpus: 30, accelerator: "H100", regions: ["eu-west-1"], maxUsdPerHour: 50 }), NoPlacementError);
    expect(e.alternatives).toHaveLength(1);
    expect(e.alternatives[0]!.relaxed).toBe("keeping only gpus");
    expect(e.message).toMatch(/Closest feasible: keeping only gpus: \d+ x /);
  });
});

// --- properties over the real catalog -----------------------------------------------------

const accelerators = ["H100", "H200", "A100", "A100-80GB", "B200", "L40S", "A10G", "V100", "T4"];

/** Requirements drawn at random: about 6 in 10 of them no offering meets. */
const arbAnyRequirements: fc.Arbitrary<Requirements> = fc.record(
  {
    gpus: fc.integer({ min: 1, max: 128 }),
    accelerator: fc.subarray(accelerators, { minLength: 1, maxLength: 3 }),
    minGpuMemoryGiB: fc.integer({ min: 0, max: 160 }),
    memoryGiB: fc.integer({ min: 0, max: 8192 }),
    interconnect: fc.constantFrom("required" as const, "none" as const),
    clouds: fc.subarray(["aws", "azure"] as const, { minLength: 1 }),
    spot: fc.boolean(),
    maxUsdPerHour: fc.integer({ min: 1, max: 2000 }),
  },
  { requiredKeys: ["gpus"] },
);

/** Every offering in every location the planner may pick without naming zones (Local Zones need them) and with a price. */
const ANCHORS: readonly { o: Offering; l: OfferingLocation }[] = CATALOG.offerings.flatMap((o) =>
  o.locations.filter((l) => !l.localZone && (l.usdPerHour !== undefined || l.spotUsdPerHour !== undefined)).map((l) => ({ o, l })),
);

/**
 * Requirements that one offering in one location (the anchor) meets, built from its own catalog
 * figures: a GPU count it can hold, its accelerator among others, at most its GPU and host memory,
 * its cloud and region among those allowed, spot only where it has a spot price, a budget at least
 * its price. The planner must find a placement, the anchor among them.
 */
const arbFeasible: fc.Arbitrary<{ r: Requirements; anchor: string }> = fc.constantFrom(...ANCHORS).chain(({ o, l }) =>
  fc
    .record({
      interconnect: fc.constantFrom<Requirements["interconnect"]>("required", "preferred", "none", undefined),
      spot: fc.boolean(),
      withAccelerator: fc.option(fc.subarray(accelerators, { maxLength: 2 }), { nil: undefined }),
      minGpuMemoryGiB: fc.option(fc.integer({ min: 0, max: Math.floor(o.gpuMemoryGiB) }), { nil: undefined }),
      memoryShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      otherCloud: fc.boolean(),
      region: fc.boolean(),
      budgetSlack: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
      gpuShare: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((x) => {
      // a location priced for one kind of capacity only is asked for that kind
      const spot = l.usdPerHour === undefined || (x.spot && l.spotUsdPerHour !== undefined);
      const maxNodes = (x.interconnect ?? "required") === "required" && o.fabric.kind === "none" ? 1 : o.cloud === "azure" ? AZURE_MAX_NODES_PER_CLUSTER : 16;
      const gpus = 1 + Math.floor(x.gpuShare * (Math.min(128, maxNodes * o.gpusPerNode) - 1));
      const nodes = Math.ceil(gpus / o.gpusPerNode);
      const price = (spot ? l.spotUsdPerHour : l.usdPerHour)!;
      const r: Requirements = {
        gpus,
        ...(x.interconnect ? { interconnect: x.interconnect } : {}),
        ...(spot ? { spot: true } : {}),
        ...(x.withAccelerator ? { accelerator: [...new Set([...x.withAccelerator, o.accelerator])] } : {}),
        ...(x.minGpuMemoryGiB !== undefined ? { minGpuMemoryGiB: x.minGpuMemoryGiB } : {}),
        ...(x.memoryShare !== undefined ? { memoryGiB: Math.floor(x.memoryShare * nodes * o.memoryGiB) } : {}),
        clouds: x.otherCloud ? ["aws", "azure"] : [o.cloud],
        ...(x.region ? { regions: [l.region] } : {}),
        ...(x.budgetSlack !== undefined ? { maxUsdPerHour: Math.ceil(price * nodes) + x.budgetSlack } : {}),
      };
      return { r, anchor: placementKey({ cloud: o.cloud, region: l.region, zone: l.zone, instanceType: o.instanceType }) };
    }),
);

/** Mostly feasible requirements, and a quarter drawn at random (mostly infeasible). */
const arbRequirements: fc.Arbitrary<Requirements> = fc.oneof(
  { arbitrary: arbFeasible.map((f) => f.r), weight: 3 },
  { arbitrary: arbAnyRequirements, weight: 1 },
);

/** The plan, or the NoPlacementError, after checking its shape: every candidate of the catalog rejected, each with a reason. */
function planOrError(r: Requirements, catalog = CATALOG): PlacementPlan | NoPlacementError {
  try {
    return planPlacements(r, catalog);
  } catch (e) {
    if (!(e instanceof NoPlacementError)) throw e;
    expect(e.message).toMatch(new RegExp(`^planner: no placement meets ${r.gpus === 1 ? "1 GPU" : `${r.gpus} GPUs`}(,| \\(|:).*: ${e.rejected.length} candidates rejected, e\\.g\\. .+\\. Closest feasible: .+$`));
    for (const o of catalog.offerings) {
      const whole = e.rejected.some((c) => c.instanceType === o.instanceType && c.region === undefined);
      const each = o.locations.every((l) => e.rejected.some((c) => c.instanceType === o.instanceType && c.region === l.region && c.zone === l.zone));
      expect(whole || each, o.instanceType).toBe(true);
    }
    for (const c of e.rejected) expect(c.reason.length, c.instanceType).toBeGreaterThan(10);
    return e;
  }
}

describe("planPlacements: properties", () => {
  it("requirements built from an offering's own figures find a placement, the offering in that location among them", () => {
    fc.assert(
      fc.property(arbFeasible, ({ r, anchor }) => {
        expect(planPlacements(r).placements.map((p) => placementKey(p))).toContain(anchor);
      }),
      { numRuns: 300 },
    );
  });

  it("the first placement is never more expensive than any other; no placement means every candidate rejected", () => {
    fc.assert(
      fc.property(arbRequirements, (r) => {
        const plan = planOrError(r);
        if (plan instanceof NoPlacementError) return;
        // with interconnect "preferred", placements with a fabric (or on one node) come first
        const fabric = plan.placements.filter((p) => p.nodes === 1 || p.fabric.kind !== "none");
        const first = r.interconnect === "preferred" && fabric.length > 0 ? fabric : plan.placements;
        expect(plan.placements[0]!.usdPerHour).toBe(Math.min(...first.map((p) => p.usdPerHour)));
      }),
      { numRuns: 300 },
    );
  });

  it("every placement satisfies every requirement", () => {
    fc.assert(
      fc.property(arbRequirements, (r) => {
        const plan = planOrError(r);
        if (plan instanceof NoPlacementError) return;
        expect(plan.placements.length).toBeGreaterThan(0);
        for (const p of plan.placements) {
          const o = getOffering(p.instanceType)!;
          expect(p.gpus).toBeGreaterThanOrEqual(r.gpus);
          expect(p.nodes).toBe(Math.ceil(r.gpus / o.gpusPerNode));
          if (r.accelerator) expect([r.accelerator].flat().map((a) => a.toLowerCase())).toContain(p.accelerator.toLowerCase());
          if (r.minGpuMemoryGiB !== undefined) expect(p.gpuMemoryGiB).toBeGreaterThanOrEqual(r.minGpuMemoryGiB);
          if (r.memoryGiB !== undefined) expect(p.memoryGiB).toBeGreaterThanOrEqual(r.memoryGiB);
          if ((r.interconnect ?? "required") === "required" && p.nodes > 1) expect(p.fabric.kind).not.toBe("none");
          if (p.cloud === "azure") expect(p.nodes).toBeLessThanOrEqual(AZURE_MAX_NODES_PER_CLUSTER);
          if (r.clouds) expect(r.clouds).toContain(p.cloud);
          if (r.regions) expect(r.regions).toContain(p.region);
          if (r.maxUsdPerHour !== undefined) expect(p.usdPerHour).toBeLessThanOrEqual(r.maxUsdPerHour);
          const location = o.locations.find((l) => l.region === p.region && l.zone === p.zone)!;
          expect(p.usdPerNodeHour).toBe(r.spot ? location.spotUsdPerHour : location.usdPerHour);
          expect(location.localZone).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("ranking is stable: the same answer again, and whatever the catalog's order", () => {
    const sorted = (e: NoPlacementError) => e.rejected.map((c) => JSON.stringify(c)).sort();
    fc.assert(
      fc.property(arbRequirements, fc.integer({ min: 0, max: 2 ** 31 }), (r, seed) => {
        const a = planOrError(r);
        const shuffled = [...CATALOG.offerings].sort((x, y) => hash(x.instanceType, seed) - hash(y.instanceType, seed));
        const b = planOrError(r, { ...CATALOG, offerings: shuffled });
        if (a instanceof NoPlacementError) {
          expect(b).toBeInstanceOf(NoPlacementError);
          expect(sorted(b as NoPlacementError)).toEqual(sorted(a));
        } else {
          expect(planPlacements(r).placements).toEqual(a.placements);
          expect((b as PlacementPlan).placements).toEqual(a.placements);
        }
      }),
      { numRuns: 100 },
    );
  });
});

function hash(text: string, seed: number): number {
  let h = seed;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

describe("planPlacements: node shape and exclusions", () => {
  it("minGpusPerNode keeps a job on whole 8-GPU nodes: the seed request becomes 4 x 8-GPU nodes", () => {
    const plan = planPlacements({ gpus: 30, memoryGiB: 256, minGpusPerNode: 8 });
    expect(plan.placements[0]).toMatchObject({ nodes: 4, gpusPerNode: 8, gpus: 32 });
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "g5.12xlarge", reason: "4 GPUs per node is less than minGpusPerNode 8" });
  });
  it("excludePlacements rules placements out by key, and the next one ranks first", () => {
    const first = planPlacements({ gpus: 16 }, tiny).placements[0]!;
    const plan = planPlacements({ gpus: 16, excludePlacements: [placementKey(first)] }, tiny);
    expect(placementKey(first)).toBe("aws/r1/r1-az1/big.efa");
    expect(plan.placements[0]!.zone).toBe("r1-az2");
    expect(plan.rejected).toContainEqual({ cloud: "aws", instanceType: "big.efa", region: "r1", zone: "r1-az1", reason: "excluded (excludePlacements), e.g. after a capacity error in an earlier attempt" });
  });
  it("rejects a minGpusPerNode out of range", () => {
    expect(validationErrorOf(() => planPlacements({ gpus: 8, minGpusPerNode: 0 }))).toBe("planner: minGpusPerNode 0 is not valid: use a whole number from 1 to 16");
    expect(validationErrorOf(() => planPlacements({ gpus: 8, minGpusPerNode: 17 }))).toBe("planner: minGpusPerNode 17 is not valid: use a whole number from 1 to 16");
    // 16 is in range: no catalog type has 16 GPUs a node, so no placement (not a range error)
    expect(thrownBy(() => planPlacements({ gpus: 16, minGpusPerNode: 16 }), NoPlacementError).message).toMatch(/^planner: no placement meets 16 GPUs, >= 16 GPUs per node: /);
  });
});

describe("a placement prints as its sentence", () => {
  it("through toString, which JSON and copies leave out", () => {
    const best = planPlacements({ gpus: 30, memoryGiB: 256 }).placements[0]!;
    expect(String(best)).toBe("8 x g5.12xlarge (32 x A10G) in aws us-east-1 at $45.376/h");
    expect(`${best}`).toBe(describePlacement(best));
    expect(Object.keys(best)).not.toContain("toString");
    expect(JSON.stringify(best)).not.toContain("toString");
    expect(String({ ...best })).toBe("[object Object]");
    expect(String(describedPlacement({ ...best }))).toBe(describePlacement(best));
  });
});
