import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { OnPremGpuPool, type OnPremGpuPoolProps } from "../../lib/onprem";
import { poolRecords } from "../../lib/onprem/pool-record";
import { validationErrorOf } from "../helpers";
import { hybridStack, synth } from "../hybrid/helpers";
import { synthWithMetadata } from "./helpers";

function siteStack() {
  const { stack, aws, azure } = hybridStack();
  const site = new OnPremSite(stack, "dc", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [aws, azure] });
  return { stack, site, aws };
}

const props = (site: OnPremGpuPoolProps["site"]): OnPremGpuPoolProps => ({
  name: "dgx-a", site, scheduler: { kind: "slurm", partition: "gpu", submitHost: "login1.dc.example.com" },
  nodes: 4, accelerator: "h100", gpusPerNode: 8, memoryGiBPerNode: 2048, fabric: { kind: "infiniband", gbpsPerNode: 3200, interfaces: 8 },
  sharedPath: "/lustre", container: "pyxis", cost: { usdPerGpuHour: 1.8 }, pue: 1.3, gridKgCo2ePerKwh: 0.35,
});

describe("OnPremGpuPool", () => {
  const { stack, site } = siteStack();
  const pool = new OnPremGpuPool(stack, "pool", props(site));
  const tf = synthWithMetadata(stack);

  it("creates no resource and records itself in its stack's JSON for the report and hgpu place", () => {
    const before = synth(siteStack().stack);
    expect(Object.keys(tf.resource).sort()).toEqual(Object.keys(before.resource).sort());
    const resourceCount = (json: { resource: Record<string, object> }) => Object.values(json.resource).flatMap((r) => Object.keys(r)).length;
    expect(resourceCount(tf)).toBe(resourceCount(before));
    const { pools, skipped } = poolRecords(tf);
    expect(skipped).toEqual([]);
    expect(pools).toEqual([pool.record]);
    expect(pool.record).toMatchObject({
      name: "dgx-a", path: "pool", stack: "s", site: { name: "fra-dc1", stack: "s", path: "dc" }, scheduler: { kind: "slurm", partition: "gpu", submitHost: "login1.dc.example.com" },
      nodes: 4, accelerator: "H100", gpuMemoryGiB: 80, gpusPerNode: 8, memoryGiBPerNode: 2048, vCpusPerNode: 192, sharedPath: "/lustre", container: "pyxis",
      usdPerGpuHour: 1.8, costBasis: "stated", pue: 1.3, gridKgCo2ePerKwh: 0.35, gridBasis: "stated", fabric: { kind: "infiniband", gbpsPerNode: 3200, interfaces: 8 },
    });
  });

  it("draws what the host power model gives a node: 8 x 700 W + 192 x 3.5 W + 2048 GiB x 0.392 W, +10%", () => {
    // (5600 + 672 + 802.816) x 1.1 = 7782.2976 W
    expect(pool.nodeWatts).toBeCloseTo(7782.2976, 6);
    expect(pool.gpus).toBe(32);
  });

  it("is found by its brand, not its class (another copy of the library is recognised)", () => {
    expect(OnPremGpuPool.isOnPremGpuPool(pool)).toBe(true);
    expect(OnPremGpuPool.isOnPremGpuPool({ ...pool })).toBe(false);
    const branded = Object.defineProperty({}, Symbol.for("cdktf-hybrid-gpu.OnPremGpuPool"), { value: true });
    expect(OnPremGpuPool.isOnPremGpuPool(branded)).toBe(true);
    expect(OnPremGpuPool.poolsOf(stack)).toEqual([pool]);
  });

  it("gives the planner its view: the offering", () => {
    expect(pool.offering).toEqual({
      name: "dgx-a", site: "fra-dc1", accelerator: "H100", gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, memoryGiBPerNode: 2048,
      fabric: { kind: "infiniband", gbpsPerNode: 3200, interfaces: 8 }, usdPerGpuHour: 1.8, nodeWatts: pool.nodeWatts, pue: 1.3, gridKgCo2ePerKwh: 0.35,
    });
  });

  it("derives its cost from the purchase (hand-computed) and its grid factor from a region", () => {
    const { stack: s2, site: site2 } = siteStack();
    const derived = new OnPremGpuPool(s2, "pool", {
      ...props(site2), vCpusPerNode: 100, memoryGiBPerNode: 1000, gpusPerNode: 4, nodes: 2, accelerator: "A100", gridKgCo2ePerKwh: undefined, gridRegion: "eu-north-1",
      cost: { capexUsd: 700_800, lifetimeYears: 5, utilization: 0.8, powerUsdPerKwh: 0.2 }, pue: 1.5,
    });
    // node: (4 x 400 + 100 x 3.5 + 1000 x 0.392) x 1.1 = (1600 + 350 + 392) x 1.1 = 2576.2 W
    // capital: 700,800 / (5 x 8760 x 8 x 0.8) = 700,800 / 280,320 = 2.5; power: 2576.2 / 4 / 1000 x 1.5 x 0.2 = 0.193215
    expect(derived.nodeWatts).toBeCloseTo(2576.2, 6);
    expect(derived.usdPerGpuHour).toBe(2.6932);
    expect(derived.gridKgCo2ePerKwh).toBe(0.008);
    expect(derived.record.gridBasis).toBe("eu-north-1 (Cloud Carbon Footprint (country))");
  });
});

describe("OnPremGpuPool: bad input, exact messages, accepted boundaries", () => {
  const { stack, site, aws } = siteStack();
  let n = 0;
  const make = (over: Partial<OnPremGpuPoolProps>) => new OnPremGpuPool(stack, `p${++n}`, { ...props(site), name: `pool-${n}`, ...over });

  it.each([
    [{ nodes: 0 }, "nodes 0 is not valid: use a whole number from 1 to 4096"],
    [{ gpusPerNode: 0 }, "gpusPerNode 0 is not valid: use a whole number from 1 to 16"],
    [{ gpusPerNode: 17 }, "gpusPerNode 17 is not valid: use a whole number from 1 to 16"],
    [{ pue: 0.99 }, "pue 0.99 is not valid: use a power usage effectiveness from 1.0 (every watt reaches the IT equipment) to 3"],
    [{ pue: 3.01 }, "pue 3.01 is not valid: use a power usage effectiveness from 1.0 (every watt reaches the IT equipment) to 3"],
    [{ cost: { usdPerGpuHour: -1 } }, "cost.usdPerGpuHour -1 is not valid: use a number of at least 0"],
    [{ cost: { capexUsd: 1e6, lifetimeYears: 4, utilization: 1.5, powerUsdPerKwh: 0.1 } }, "cost.utilization 1.5 is not valid: use a share above 0 and at most 1, e.g. 0.7 for GPUs busy 70% of the time"],
    [{ scheduler: { kind: "slurm", partition: "gpu batch" } }, 'scheduler.partition "gpu batch" is not valid: use a Slurm partition name: 1-64 letters, digits, _, . and -, starting with a letter, digit or _ (no spaces, commas, = or #: slurm.conf and sbatch split on them)'],
    [{ scheduler: { kind: "slurm", partition: "gpu", submitHost: "ops@login1" } }, 'scheduler.submitHost "ops@login1" is not valid: use a host name such as login1.cluster.example.com or an IPv4 address (letters, digits, hyphens and dots; no user@, port, spaces or leading -): the launcher reaches it with ssh'],
    [{ accelerator: "H1000" }, 'accelerator "H1000" is not valid: use an accelerator of the catalog: B300, B200, H200, H100, A100-80GB, A100, L40S, A10G, A10, L4, T4, V100-32GB, V100'],
    [{ sharedPath: "/usr/share" }, 'sharedPath "/usr/share" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
    [{ container: "docker" as never }, 'container "docker" is not valid: use one of "pyxis", "apptainer", "none"'],
    [{ fabric: { kind: "none", gbpsPerNode: 100 } }, "fabric.gbpsPerNode 100 is not valid: use 0 with kind none"],
    [{ fabric: { kind: "roce", gbpsPerNode: 0 } }, "fabric.gbpsPerNode 0 is not valid: use the Gbit/s of one node's roce adapters together, above 0 and at most 25600 (e.g. 3200 for 8 x 400 Gb/s)"],
    [{ gridRegion: "eu-central-1" }, "gridKgCo2ePerKwh 0.35 is not valid: give either gridKgCo2ePerKwh (the site's grid factor, kgCO2e/kWh) or gridRegion (a cloud region on the same grid), not both nor neither"],
    [{ gridKgCo2ePerKwh: 1.6 }, "gridKgCo2ePerKwh 1.6 is not valid: use a number from 0 to 1.5"],
    [{ name: "DGX" }, 'name "DGX" is not valid: use 2-32 lowercase letters, digits and hyphens, starting with a letter'],
  ])("%j", (over, message) => {
    const id = `p${n + 1}`;
    expect(validationErrorOf(() => make(over as Partial<OnPremGpuPoolProps>))).toBe(`s/${id}: ${message}`);
  });

  it("refuses a grid region the table lacks, naming the table's regions", () => {
    expect(validationErrorOf(() => make({ gridKgCo2ePerKwh: undefined, gridRegion: "mars-1" }))).toMatch(/^s\/p\d+: gridRegion "mars-1" is not valid: use a region of the grid emission table: us-east-1, us-east-2, .*, eastus, .*westindia$/);
  });

  it("refuses a site that is not on-prem", () => {
    expect(validationErrorOf(() => make({ site: aws }))).toMatch(/^s\/p\d+: site "s\/aws-net" is not valid: use an OnPremSite: the data centre that hosts the pool$/);
  });

  it("refuses a second pool of the same name anywhere in the app", () => {
    const other = new TerraformStack(stack.node.root as never, "other");
    new OnPremGpuPool(stack, "first", { ...props(site), name: "twin" });
    expect(validationErrorOf(() => new OnPremGpuPool(other, "second", { ...props(site), name: "twin" }))).toBe('other/second: name "twin" is not valid: use a name no other OnPremGpuPool of the app has (s/first has it): placements name a pool by it');
  });

  it("accepts the boundaries: 1 node, 1 and 16 GPUs, PUE 1 and 3, grid 0 and 1.5, a free GPU-hour", () => {
    expect(make({ nodes: 1, gpusPerNode: 1, pue: 1 }).gpus).toBe(1);
    expect(make({ gpusPerNode: 16, pue: 3, gridKgCo2ePerKwh: 0 }).gpusPerNode).toBe(16);
    expect(make({ gridKgCo2ePerKwh: 1.5, cost: { usdPerGpuHour: 0 } }).usdPerGpuHour).toBe(0);
    expect(make({ container: undefined, pue: undefined }).record).toMatchObject({ container: "none", pue: 1.63 });
  });

  it("a pool alone makes a stack with no resource and no provider, only its record", () => {
    const app = Testing.app();
    const s = new TerraformStack(app, "lone");
    const fake = { cloud: "onprem", region: "lab", cidr: "10.9.0.0/16", node: { path: "lone/lab" } } as never;
    new OnPremGpuPool(s, "pool", { ...props(fake), name: "lab-pool" });
    expect(JSON.parse(Testing.synth(s, true))).toEqual({});
    const out = synthWithMetadata(s);
    expect(out.resource).toBeUndefined();
    expect(out["//"].hgpu_pools["lab-pool"].site).toEqual({ name: "lab", stack: "lone", path: "lab" });
  });
});
