import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/core/errors";
import { NoPlacementError, placementKey, planPlacements } from "../../lib/planner/planner";
import type { PlannerData, Requirements } from "../../lib/planner/types";
import { thrownBy, validationErrorOf } from "../helpers";
import { catalogOf, energy, offering, pool } from "./fixtures";

// a.8gpu: 8 x H100 (80 GiB), 512 GiB a node, EFA; r1/r1-az1 at $10/h on demand only, r2/r2-az1 at
// $20/h or $6/h spot. n.1gpu: 1 x L40S (48 GiB), 64 GiB, no fabric; r3/r3-az1 at $2/h.
const A = offering({
  instanceType: "a.8gpu", memoryGiB: 512,
  locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 10 }, { region: "r2", zone: "r2-az1", usdPerHour: 20, spotUsdPerHour: 6 }],
});
const N = offering({
  instanceType: "n.1gpu", accelerator: "L40S", gpusPerNode: 1, gpuMemoryGiB: 48, memoryGiB: 64,
  fabric: { kind: "none", interfaces: 0, gbpsPerNode: 0 }, locations: [{ region: "r3", zone: "r3-az1", usdPerHour: 2 }],
});
const catalog = catalogOf(A, N);
/** dgx-a (2 nodes of 8 H100 at $1.5/GPU-h) and "small", 1 node of 8 A100 at $1/GPU-h. */
const small = { ...pool, name: "small", accelerator: "A100", nodes: 1, usdPerGpuHour: 1 };
const data: PlannerData = { pools: [pool, small], energy };

const A_R1 = "1 x a.8gpu (8 x H100) in aws r1/r1-az1 at $10/h";
const A_R2_SPOT = "1 x a.8gpu (8 x H100) in aws r2/r2-az1 at $6/h spot";
const N_R3 = "8 x n.1gpu (8 x L40S) in aws r3/r3-az1 at $16/h";
/** Pools ignore regions, zones and spot: relaxing clouds puts the job on the cheaper pool. */
const SMALL = "1 x pool small (8 x A100) in onprem fra-dc1 at $8/h";

/** What NoPlacementError offers instead: each relaxation and its best placement's sentence. */
function offered(r: Requirements): [string, string][] {
  return thrownBy(() => planPlacements(r, catalog, data), NoPlacementError).alternatives.map((a) => [a.relaxed, String(a.placement)]);
}

describe("NoPlacementError: the closest feasible alternatives, one requirement relaxed at a time", () => {
  // With 8 GPUs and nothing else asked, a.8gpu in r1 ($10/h) ranks first; n.1gpu needs interconnect: none.
  it.each<[string, Requirements, [string, string][]]>([
    ["a budget (spot fits it)", { gpus: 8, maxUsdPerHour: 7, clouds: ["aws"] }, [["without maxUsdPerHour", A_R1], ["spot instead of on-demand", A_R2_SPOT]]],
    ["regions", { gpus: 8, regions: ["r3"], clouds: ["aws"] }, [["in any region", A_R1], ["on any cloud", SMALL], ["with interconnect: none", N_R3]]],
    ["zones", { gpus: 8, zones: ["r3-az1"], clouds: ["aws"] }, [["in any zone", A_R1], ["on any cloud", SMALL], ["with interconnect: none", N_R3]]],
    ["clouds", { gpus: 8, clouds: ["azure"] }, [["on any cloud", SMALL]]],
    ["pools", { gpus: 16, clouds: ["onprem"], pools: ["small"] }, [["on any cloud", "2 x a.8gpu (16 x H100) in aws r1/r1-az1 at $20/h"], ["in any pool", "2 x pool dgx-a (16 x H100) in onprem fra-dc1 at $24/h"]]],
    ["an accelerator", { gpus: 8, accelerator: "L40S" }, [["with any accelerator", SMALL], ["with interconnect: none", N_R3]]],
    ["GPU memory", { gpus: 8, minGpuMemoryGiB: 96, clouds: ["aws"] }, [["without minGpuMemoryGiB", A_R1]]],
    ["host memory", { gpus: 8, memoryGiB: 1025 }, [["without memoryGiB", SMALL]]],
    ["GPUs per node", { gpus: 8, minGpusPerNode: 9, clouds: ["aws"] }, [["without minGpusPerNode", A_R1]]],
    ["spot", { gpus: 8, spot: true, regions: ["r1"], clouds: ["aws"] }, [["in any region", A_R2_SPOT], ["on any cloud", SMALL], ["on-demand instead of spot", A_R1]]],
  ])("%s", (_, r, expected) => {
    expect(offered(r)).toEqual(expected);
  });

  it("falls back to the GPU count alone (and the interconnect, when given) when no single relaxation helps", () => {
    // L40S has 48 GiB per GPU and every other GPU 80: no single relaxation meets both; 8 GPUs alone go on the cheaper pool
    expect(offered({ gpus: 8, accelerator: "L40S", minGpuMemoryGiB: 96, clouds: ["aws"] })).toEqual([["keeping only gpus", SMALL]]);
    expect(offered({ gpus: 8, accelerator: "L40S", minGpuMemoryGiB: 96, clouds: ["aws"], interconnect: "required" })).toEqual([["keeping only gpus and interconnect", SMALL]]);
  });

  it("offers none when even the GPU count alone cannot be met, and says so", () => {
    const local = catalogOf(offering({ instanceType: "l.8gpu", locations: [{ region: "r1", zone: "r1-lax1-az1", localZone: true, usdPerHour: 1 }] }));
    const e = thrownBy(() => planPlacements({ gpus: 8 }, local), NoPlacementError);
    expect(e.alternatives).toEqual([]);
    expect(e.message).toBe(
      "planner: no placement meets 8 GPUs: 1 candidate rejected, e.g. aws l.8gpu in r1/r1-lax1-az1: zone r1-lax1-az1 is a Local Zone, " +
        "which needs an opt-in: name it in zones to allow it. Closest feasible: none",
    );
  });

  it("is a ValidationError of the requirements, with the nearest three rejections (those with a location first) and every alternative in its message", () => {
    const r: Requirements = { gpus: 16, clouds: ["onprem"], pools: ["small"] };
    const e = thrownBy(() => planPlacements(r, catalog, data), NoPlacementError);
    expect(e).toBeInstanceOf(ValidationError);
    expect([e.name, e.path, e.field, e.value, e.allowed]).toEqual(["NoPlacementError", "planner", "requirements", r, "no offering meets them all"]);
    expect(e.rejected.map((c) => `${c.instanceType}: ${c.reason}`)).toEqual([
      "dgx-a: pool dgx-a is not in pools [small]",
      "small: has 8 GPUs in total (1 node x 8), fewer than the 16 asked for",
      "a.8gpu: cloud aws is not in clouds [onprem]",
      "n.1gpu: cloud aws is not in clouds [onprem]",
    ]);
    expect(e.message).toBe(
      "planner: no placement meets 16 GPUs, clouds [onprem], pools [small]: 4 candidates rejected, e.g. " +
        "onprem pool dgx-a in fra-dc1: pool dgx-a is not in pools [small]; onprem pool small in fra-dc1: has 8 GPUs in total (1 node x 8), fewer than the 16 asked for; " +
        "aws a.8gpu: cloud aws is not in clouds [onprem]. " +
        "Closest feasible: on any cloud: 2 x a.8gpu (16 x H100) in aws r1/r1-az1 at $20/h; in any pool: 2 x pool dgx-a (16 x H100) in onprem fra-dc1 at $24/h",
    );
  });
});

describe("rejections name every allowed value", () => {
  const reasons = (r: Requirements, d: PlannerData = data) => {
    try {
      return planPlacements(r, catalog, d).rejected.map((c) => `${c.instanceType}${c.zone ? `@${c.zone}` : ""}: ${c.reason}`);
    } catch (e) {
      if (e instanceof NoPlacementError) return e.rejected.map((c) => `${c.instanceType}${c.zone ? `@${c.zone}` : ""}: ${c.reason}`);
      throw e;
    }
  };

  it("clouds, pools and accelerators, as asked", () => {
    expect(reasons({ gpus: 8, clouds: ["onprem", "azure"], pools: ["small", "dgx-a"], accelerator: ["A100", "L40S"] })).toEqual([
      "dgx-a: accelerator H100 is not one of [A100, L40S]",
      "a.8gpu: cloud aws is not in clouds [onprem, azure]",
      "n.1gpu: cloud aws is not in clouds [onprem, azure]",
    ]);
    expect(reasons({ gpus: 8, accelerator: ["A100", "L40S"], interconnect: "none" })).toEqual([
      "dgx-a: accelerator H100 is not one of [A100, L40S]",
      "a.8gpu: accelerator H100 is not one of [A100, L40S]",
    ]);
    const lab = { ...pool, name: "lab" };
    expect(reasons({ gpus: 8, pools: ["small", "lab"], clouds: ["onprem"] }, { pools: [pool, small, lab], energy })).toEqual([
      "dgx-a: pool dgx-a is not in pools [small, lab]",
      "a.8gpu: cloud aws is not in clouds [onprem]",
      "n.1gpu: cloud aws is not in clouds [onprem]",
    ]);
  });

  it("regions and zones", () => {
    expect(reasons({ gpus: 8, clouds: ["aws"], regions: ["r1", "r3"] }, {})).toEqual([
      "a.8gpu@r2-az1: region r2 is not in regions [r1, r3]",
      "n.1gpu: needs 8 nodes but has no node-to-node fabric (interconnect: required)",
    ]);
    expect(reasons({ gpus: 8, clouds: ["aws"], zones: ["r1-az1", "r3-az1"] }, {})).toEqual([
      "a.8gpu@r2-az1: zone r2-az1 is not in zones [r1-az1, r3-az1]",
      "n.1gpu: needs 8 nodes but has no node-to-node fabric (interconnect: required)",
    ]);
  });

  it("a location without the price asked for: on-demand or spot", () => {
    expect(reasons({ gpus: 8, clouds: ["aws"], spot: true })).toContain("a.8gpu@r1-az1: the catalog has no spot price here");
    const spotOnly = catalogOf(offering({ instanceType: "s.8gpu", locations: [{ region: "r1", zone: "r1-az1", spotUsdPerHour: 3 }] }));
    const e = thrownBy(() => planPlacements({ gpus: 8 }, spotOnly), NoPlacementError);
    expect(e.rejected).toEqual([{ cloud: "aws", instanceType: "s.8gpu", region: "r1", zone: "r1-az1", reason: "the catalog has no on-demand price here" }]);
    expect(e.alternatives.map((a) => [a.relaxed, String(a.placement)])).toEqual([["spot instead of on-demand", "1 x s.8gpu (8 x H100) in aws r1/r1-az1 at $3/h spot"]]);
  });
});

describe("host memory and GPUs per node: the boundaries of an offering", () => {
  const memory = catalogOf(offering({ instanceType: "m.4gpu", gpusPerNode: 4, memoryGiB: 64, locations: [{ region: "r1", zone: "r1-az1", usdPerHour: 4 }] }));
  it("exactly the host memory asked for is enough; 1 GiB more is not", () => {
    // 8 GPUs on 4-GPU nodes: 2 nodes x 64 GiB = 128 GiB
    expect(planPlacements({ gpus: 8, memoryGiB: 128 }, memory).placements.map((p) => `${placementKey(p)} ${p.memoryGiB}`)).toEqual(["aws/r1/r1-az1/m.4gpu 128"]);
    expect(thrownBy(() => planPlacements({ gpus: 8, memoryGiB: 129 }, memory), NoPlacementError).rejected).toEqual([
      { cloud: "aws", instanceType: "m.4gpu", reason: "2 nodes x 64 GiB = 128 GiB host memory is less than memoryGiB 129" },
    ]);
  });
  it("exactly the GPU memory and GPUs per node asked for are enough", () => {
    expect(planPlacements({ gpus: 8, minGpuMemoryGiB: 80, minGpusPerNode: 4 }, memory).placements.map((p) => placementKey(p))).toEqual(["aws/r1/r1-az1/m.4gpu"]);
  });
});

describe("requirements validation: the rest of the rules", () => {
  it.each<[string, unknown, string]>([
    ["zones []", { gpus: 8, zones: [] }, "planner: zones [] is not valid: use at least one AWS zone ID, or leave zones out to allow any"],
    ["optimize null", { gpus: 8, optimize: null }, 'planner: optimize null is not valid: use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }'],
    ["an infinite carbon price", { gpus: 8, optimize: { usdPerKgCo2e: Number.POSITIVE_INFINITY } }, 'planner: optimize {"usdPerKgCo2e":null} is not valid: use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }'],
    ["a carbon price with another key", { gpus: 8, optimize: { usdPerKgCo2e: 1, usdPerKwh: 2 } }, 'planner: optimize {"usdPerKgCo2e":1,"usdPerKwh":2} is not valid: use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }'],
    ["two unknown pools", { gpus: 8, pools: ["dgx-b"] }, 'planner: pools "dgx-b" is not valid: use the name of an OnPremGpuPool of the app: dgx-a, small'],
    ["an accelerator nobody offers", { gpus: 8, accelerator: "B200" }, 'planner: accelerator "B200" is not valid: use one of A100, H100, L40S (closest: A100, H100, L40S)'],
  ])("%s", (_, r, message) => {
    expect(validationErrorOf(() => planPlacements(r as Requirements, catalog, data))).toBe(message);
  });

  it('accepts optimize "cost" and "carbon" as given', () => {
    expect(planPlacements({ gpus: 8, optimize: "cost", clouds: ["aws"] }, catalog, data).placements.map(String)).toEqual([A_R1, "1 x a.8gpu (8 x H100) in aws r2/r2-az1 at $20/h"]);
    // grid factors: r1 0.4, r2 0.1
    expect(planPlacements({ gpus: 8, optimize: "carbon", clouds: ["aws"] }, catalog, data).placements.map(String)).toEqual(["1 x a.8gpu (8 x H100) in aws r2/r2-az1 at $20/h", A_R1]);
  });
});
