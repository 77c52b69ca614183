import { describe, expect, it } from "vitest";
import { NoPlacementError, describePlacement, describeRejection, placementKey, planPlacements } from "../../lib/planner/planner";
import type { PlannerData, Requirements } from "../../lib/planner/types";
import { thrownBy, validationErrorOf } from "../helpers";
import { A_8GPU, AZ, B_8GPU, catalogOf, energy, pool, POOL, R1, R2 } from "./fixtures";

const catalog = catalogOf(A_8GPU, B_8GPU);
const data: PlannerData = { pools: [pool], energy };
const plan = (r: Requirements, d: PlannerData = data) => planPlacements(r, catalog, d);
const keys = (r: Requirements, d?: PlannerData) => plan(r, d).placements.map((p) => placementKey(p));

// For 16 GPUs (2 nodes, 17.6 kW of IT power), by hand:
//   aws r1: $20/h, 17.6 x 1.1 x 0.4 = 7.744 kg/h      aws r2: $30/h, 17.6 x 1.1 x 0.1 = 1.936 kg/h
//   azure az1: $24/h, 17.6 x 1.2 x 0.2 = 4.224 kg/h    pool: 2 x 8 x $1.5 = $24/h, 17.6 x 1.5 x 0.3 = 7.92 kg/h

describe("owned pools in the planner", () => {
  it("places on the pool first when it fits (prefer: owned, the default), then the clouds by cost", () => {
    expect(keys({ gpus: 16 })).toEqual([POOL, R1, AZ, R2]);
    const p = plan({ gpus: 16 }).placements[0]!;
    expect(p).toMatchObject({ rank: 1, cloud: "onprem", region: "fra-dc1", instanceType: "dgx-a", nodes: 2, gpus: 16, gpusPerNode: 8, memoryGiB: 2048, spot: false, usdPerNodeHour: 12, usdPerHour: 24, fabric: { kind: "infiniband" }, fabricGbpsPerNode: 3200 });
    expect(p.zone).toBeUndefined();
    expect(describePlacement(p)).toBe("2 x pool dgx-a (16 x H100) in onprem fra-dc1 at $24/h");
    expect(`${p}`).toBe("2 x pool dgx-a (16 x H100) in onprem fra-dc1 at $24/h");
  });

  it("prefer: none ranks the pool with the clouds by cost (ties: cloud name order)", () => {
    expect(keys({ gpus: 16, prefer: "none" })).toEqual([R1, AZ, POOL, R2]);
  });

  it("a pool exactly big enough takes the job; one GPU more goes to the cloud, and the rejection says why", () => {
    expect(keys({ gpus: 16 })[0]).toBe(POOL);
    const over = plan({ gpus: 17 });
    expect(over.placements[0]!.cloud).toBe("aws");
    expect(over.rejected).toContainEqual({ cloud: "onprem", region: "fra-dc1", instanceType: "dgx-a", reason: "has 16 GPUs in total (2 nodes x 8), fewer than the 17 asked for" });
    expect(over.rejected.map(describeRejection)).toContain("onprem pool dgx-a in fra-dc1: has 16 GPUs in total (2 nodes x 8), fewer than the 17 asked for");
    const one = { ...pool, nodes: 1 };
    expect(plan({ gpus: 9 }, { pools: [one], energy }).rejected).toContainEqual(expect.objectContaining({ instanceType: "dgx-a", reason: "has 8 GPUs in total (1 node x 8), fewer than the 9 asked for" }));
  });

  it("rules out a pool of the wrong accelerator", () => {
    const l40 = { ...pool, accelerator: "L40S", gpuMemoryGiB: 48 };
    const r = plan({ gpus: 8, accelerator: "H100" }, { pools: [l40], energy });
    expect(r.rejected).toContainEqual(expect.objectContaining({ cloud: "onprem", instanceType: "dgx-a", reason: "accelerator L40S is not H100" }));
    expect(r.placements[0]!.cloud).toBe("aws");
  });

  it("rules out a pool without a fabric for a multi-node job, not for one node", () => {
    const ethernet = { ...pool, fabric: { kind: "none" as const, interfaces: 0, gbpsPerNode: 0 } };
    expect(plan({ gpus: 16 }, { pools: [ethernet], energy }).rejected).toContainEqual(expect.objectContaining({ instanceType: "dgx-a", reason: "needs 2 nodes but has no node-to-node fabric (interconnect: required)" }));
    expect(keys({ gpus: 8 }, { pools: [ethernet], energy })[0]).toBe(POOL);
    // RoCE is a fabric
    expect(keys({ gpus: 16 }, { pools: [{ ...pool, fabric: { kind: "roce", interfaces: 2, gbpsPerNode: 400 } }], energy })[0]).toBe(POOL);
  });

  it("rules out a pool by clouds, pools, host memory, GPU memory, GPUs per node and budget", () => {
    const rejected = (r: Requirements) => {
      try {
        return plan(r).rejected;
      } catch (e) {
        if (e instanceof NoPlacementError) return e.rejected;
        throw e;
      }
    };
    const why = (r: Requirements) => rejected(r).find((c) => c.cloud === "onprem")?.reason;
    expect(why({ gpus: 8, clouds: ["aws", "azure"] })).toBe("cloud onprem is not in clouds [aws, azure]");
    expect(why({ gpus: 8, pools: ["dgx-a"], memoryGiB: 1025 })).toBe("1 node x 1024 GiB = 1024 GiB host memory is less than memoryGiB 1025");
    expect(why({ gpus: 8, minGpuMemoryGiB: 81 })).toBe("80 GiB per GPU is less than minGpuMemoryGiB 81");
    expect(why({ gpus: 8, minGpusPerNode: 9 })).toBe("8 GPUs per node is less than minGpusPerNode 9");
    expect(why({ gpus: 16, maxUsdPerHour: 23.99 })).toBe("2 nodes x 8 GPUs x $1.5/GPU-h = $24/h is more than maxUsdPerHour 23.99");
    expect(why({ gpus: 16, maxUsdPerHour: 24 })).toBeUndefined();
    expect(keys({ gpus: 8, memoryGiB: 1024 })[0]).toBe(POOL);
    // exactly the pool's 80 GiB per GPU and 8 GPUs per node are enough
    expect(keys({ gpus: 8, minGpuMemoryGiB: 80, minGpusPerNode: 8 })[0]).toBe(POOL);
  });

  it("takes a multi-node job on a pool without a fabric when the interconnect is preferred or none", () => {
    const ethernet = { ...pool, fabric: { kind: "none" as const, interfaces: 0, gbpsPerNode: 0 } };
    // preferred: after the placements with a fabric (r1, az1, r2), before none; none: by cost, owned first
    expect(keys({ gpus: 16, interconnect: "preferred", prefer: "none" }, { pools: [ethernet], energy })).toEqual([R1, AZ, R2, POOL]);
    expect(keys({ gpus: 16, interconnect: "none" }, { pools: [ethernet], energy })).toEqual([POOL, R1, AZ, R2]);
  });

  it("excluding the pool's key (it could not start the job in time) moves the job to the next placement", () => {
    const r = plan({ gpus: 16, excludePlacements: [POOL] });
    expect(r.placements[0]!.instanceType).toBe("a.8gpu");
    expect(r.rejected).toContainEqual({ cloud: "onprem", region: "fra-dc1", instanceType: "dgx-a", reason: "excluded (excludePlacements), e.g. after it could not start the job in time in an earlier attempt" });
  });

  it("only the pool allowed: NoPlacementError names it and the closest alternative", () => {
    const e = thrownBy(() => plan({ gpus: 17, clouds: ["onprem"] }), NoPlacementError);
    expect(e.message).toBe(
      "planner: no placement meets 17 GPUs, clouds [onprem]: 3 candidates rejected, e.g. onprem pool dgx-a in fra-dc1: has 16 GPUs in total (2 nodes x 8), fewer than the 17 asked for; " +
        "aws a.8gpu: cloud aws is not in clouds [onprem]; azure B_8gpu: cloud azure is not in clouds [onprem]. Closest feasible: on any cloud: 3 x a.8gpu (24 x H100) in aws r1 at $30/h",
    );
    expect(e.alternatives.map((a) => [a.relaxed, placementKey(a.placement)])).toEqual([["on any cloud", R1]]);
  });

  it("a pool's accelerator is a valid requirement even when no cloud offering has it", () => {
    const l40 = { ...pool, name: "lab", accelerator: "L40S", gpuMemoryGiB: 48 };
    expect(keys({ gpus: 8, accelerator: "l40s" }, { pools: [l40], energy })).toEqual(["onprem/fra-dc1//lab"]);
  });
});

describe("requirements about pools and carbon: exact messages", () => {
  it.each([
    [{ gpus: 8, pools: ["dgx-b"] }, 'planner: pools "dgx-b" is not valid: use the name of an OnPremGpuPool of the app: dgx-a'],
    [{ gpus: 8, pools: [] }, "planner: pools [] is not valid: use at least one pool name, or leave pools out to allow every pool"],
    [{ gpus: 8, prefer: "cloud" }, 'planner: prefer "cloud" is not valid: use one of "owned", "none"'],
    [{ gpus: 8, optimize: "speed" }, 'planner: optimize "speed" is not valid: use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }'],
    [{ gpus: 8, optimize: { usdPerKgCo2e: -0.1 } }, 'planner: optimize {"usdPerKgCo2e":-0.1} is not valid: use "cost", "carbon" or a carbon price { usdPerKgCo2e: <USD per kg of CO2e, 0 or more> }'],
    [{ gpus: 8, maxRuntimeHours: 0 }, "planner: maxRuntimeHours 0 is not valid: use a number of hours above 0, at most 336 (14 days)"],
    [{ gpus: 8, maxRuntimeHours: 336.5 }, "planner: maxRuntimeHours 336.5 is not valid: use a number of hours above 0, at most 336 (14 days)"],
  ])("%j", (r, message) => {
    expect(validationErrorOf(() => plan(r as Requirements))).toBe(message);
  });
  it("accepts the boundaries: a carbon price of 0, 336 hours", () => {
    // a price of 0 ranks by cost; the $24 tie goes by cloud name
    expect(keys({ gpus: 16, optimize: { usdPerKgCo2e: 0 }, prefer: "none" })).toEqual([R1, AZ, POOL, R2]);
    expect(plan({ gpus: 16, maxRuntimeHours: 336 }).placements[0]!.kgCo2e).toBe(2661.12);
  });
  it("names the pools when the app has none", () => {
    expect(validationErrorOf(() => plan({ gpus: 8, pools: ["x"] }, { energy }))).toBe('planner: pools "x" is not valid: leave pools out: the app has no OnPremGpuPool');
  });
});
