import { describe, expect, it } from "vitest";
import {
  FSX_EFA_STEP_GIB, FSX_THROUGHPUT_TIERS, fsxCapacityContext, fsxCapacityProblem, fsxClientZoneProblem, fsxMetadataIopsProblem,
  fsxThroughputMBps, fsxThroughputTiers, type FsxCapacityShape,
} from "../../lib/aws/fsx-rules";

const p2 = (tier = 125, efa = false): FsxCapacityShape => ({ type: "PERSISTENT_2", storageType: "SSD", tier, efa });
const hdd = (tier: number): FsxCapacityShape => ({ type: "PERSISTENT_1", storageType: "HDD", tier, efa: false });

describe("FSx throughput tiers", () => {
  it("lists the tiers of each deployment and storage type, the default first", () => {
    expect(FSX_THROUGHPUT_TIERS).toEqual({ PERSISTENT_2: [125, 250, 500, 1000], "PERSISTENT_1/SSD": [50, 100, 200], "PERSISTENT_1/HDD": [12, 40] });
  });
  it.each([
    ["PERSISTENT_2", "SSD", [125, 250, 500, 1000]],
    ["PERSISTENT_1", "SSD", [50, 100, 200]],
    ["PERSISTENT_1", "HDD", [12, 40]],
    ["SCRATCH_2", "SSD", undefined],
    ["SCRATCH_1", "SSD", undefined],
  ] as const)("%s %s: %j", (type, storage, tiers) => {
    expect(fsxThroughputTiers(type, storage)).toEqual(tiers);
  });
});

describe("fsxCapacityProblem: FSx's capacity steps", () => {
  it.each<[string, number, FsxCapacityShape, string | undefined]>([
    // SSD: 1200, 2400, then multiples of 2400
    ["SSD", 1200, p2(), undefined],
    ["SSD", 2400, p2(), undefined],
    ["SSD", 4800, p2(), undefined],
    ["SSD", 1199, p2(), "use 1200 or a multiple of 2400"],
    ["SSD", 3000, p2(), "use 1200 or a multiple of 2400"],
    ["SSD", 3600, p2(), "use 1200 or a multiple of 2400"],
    ["SSD", 1200, { type: "SCRATCH_2", storageType: "SSD", tier: 200, efa: false }, undefined],
    ["SSD", 3600, { type: "SCRATCH_2", storageType: "SSD", tier: 200, efa: false }, "use 1200 or a multiple of 2400"],
    // SCRATCH_1: 1200, 2400, then multiples of 3600
    ["SCRATCH_1", 1200, { type: "SCRATCH_1", storageType: "SSD", tier: 200, efa: false }, undefined],
    ["SCRATCH_1", 2400, { type: "SCRATCH_1", storageType: "SSD", tier: 200, efa: false }, undefined],
    ["SCRATCH_1", 3600, { type: "SCRATCH_1", storageType: "SSD", tier: 200, efa: false }, undefined],
    ["SCRATCH_1", 7200, { type: "SCRATCH_1", storageType: "SSD", tier: 200, efa: false }, undefined],
    ["SCRATCH_1", 4800, { type: "SCRATCH_1", storageType: "SSD", tier: 200, efa: false }, "use 1200, 2400 or a multiple of 3600"],
    // HDD: 6000 at 12 MB/s/TiB, 1800 at 40
    ["HDD 12", 6000, hdd(12), undefined],
    ["HDD 12", 12000, hdd(12), undefined],
    ["HDD 12", 1800, hdd(12), "use a multiple of 6000"],
    ["HDD 40", 1800, hdd(40), undefined],
    ["HDD 40", 5400, hdd(40), undefined],
    ["HDD 40", 6000, hdd(40), "use a multiple of 1800"],
    ["HDD 50", 6000, hdd(50), "use a throughput tier of 12, 40 MB/s/TiB"],
    // EFA: 38400, 19200, 9600 or 4800 GiB steps for 125, 250, 500, 1000 MB/s/TiB
    ["EFA 125", 38400, p2(125, true), undefined],
    ["EFA 125", 19200, p2(125, true), "use a multiple of 38400"],
    ["EFA 250", 19200, p2(250, true), undefined],
    ["EFA 250", 9600, p2(250, true), "use a multiple of 19200"],
    ["EFA 500", 9600, p2(500, true), undefined],
    ["EFA 500", 4800, p2(500, true), "use a multiple of 9600"],
    ["EFA 1000", 4800, p2(1000, true), undefined],
    ["EFA 1000", 9600, p2(1000, true), undefined],
    ["EFA 1000", 2400, p2(1000, true), "use a multiple of 4800"],
    ["EFA 1000", 7200, p2(1000, true), "use a multiple of 4800"],
    ["EFA 50", 4800, p2(50, true), "use a throughput tier of 125, 250, 500, 1000 MB/s/TiB"],
  ])("%s: %i GiB -> %j", (_, gib, shape, problem) => {
    expect(fsxCapacityProblem(gib, shape)).toBe(problem);
  });

  it("the EFA steps are FSx's, per tier", () => {
    expect(FSX_EFA_STEP_GIB).toEqual({ 125: 38400, 250: 19200, 500: 9600, 1000: 4800 });
  });

  it.each<[FsxCapacityShape, string]>([
    [p2(), "for PERSISTENT_2"],
    [hdd(12), "for PERSISTENT_1 HDD at 12 MB/s/TiB"],
    [p2(250, true), "for PERSISTENT_2 with EFA at 250 MB/s/TiB"],
  ])("names the shape in the error: %j", (shape, context) => {
    expect(fsxCapacityContext(shape)).toBe(context);
  });
});

describe("fsxMetadataIopsProblem", () => {
  const rule = "use 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000";
  it.each([1500, 3000, 6000, 12000, 24000, 36000, 180000, 192000])("accepts %i", (iops) => {
    expect(fsxMetadataIopsProblem(iops)).toBeUndefined();
  });
  it.each([0, 1000, 1499, 4500, 13000, 18000, 204000, -12000, 12000.5])("refuses %d", (iops) => {
    expect(fsxMetadataIopsProblem(iops)).toBe(rule);
  });
});

describe("fsxThroughputMBps", () => {
  it.each([
    [1200, 125, 146],
    [2400, 125, 293],
    [4800, 1000, 4688],
    [38400, 125, 4688],
    [1200, 200, 234],
  ])("%i GiB at %i MB/s/TiB is %i MB/s", (gib, tier, mbps) => {
    expect(fsxThroughputMBps(gib, tier)).toBe(mbps);
  });
});

describe("fsxClientZoneProblem: an EFA cluster reads its file system in its own zone", () => {
  it.each<[{ zone: string; efa: boolean; nodes: number }, string | undefined]>([
    [{ zone: "use1-az4", efa: true, nodes: 2 }, "use storage in the cluster's zone use1-az4: an EFA cluster reads its file system in use1-az6 across zones"],
    [{ zone: "use1-az6", efa: true, nodes: 2 }, undefined],
    [{ zone: "use1-az4", efa: true, nodes: 1 }, undefined],
    [{ zone: "use1-az4", efa: false, nodes: 8 }, undefined],
  ])("%j", (client, problem) => {
    expect(fsxClientZoneProblem(client, "use1-az6")).toBe(problem);
  });
});
