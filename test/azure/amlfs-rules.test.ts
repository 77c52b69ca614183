import { describe, expect, it } from "vitest";
import {
  AMLFS_SKUS, HPC_CACHE_SP_LOOKUP, amlfsCapacityProblem, amlfsClientZoneProblem, amlfsSubnetPrefix, amlfsThroughputMBps, type AmlfsSku,
} from "../../lib/azure/amlfs-rules";

describe("AMLFS SKUs", () => {
  it("records each SKU's throughput per TiB, minimum, default maximum and step", () => {
    expect(AMLFS_SKUS).toEqual({
      "AMLFS-Durable-Premium-40": { mbpsPerTiB: 40, minTiB: 48, maxTiB: 768, stepTiB: 48 },
      "AMLFS-Durable-Premium-125": { mbpsPerTiB: 125, minTiB: 16, maxTiB: 128, stepTiB: 16 },
      "AMLFS-Durable-Premium-250": { mbpsPerTiB: 250, minTiB: 8, maxTiB: 128, stepTiB: 8 },
      "AMLFS-Durable-Premium-500": { mbpsPerTiB: 500, minTiB: 4, maxTiB: 128, stepTiB: 4 },
    });
  });
});

describe("amlfsCapacityProblem", () => {
  const above = "(more needs an Azure support request, then capacityAboveDefaultMaximum)";
  it.each<[AmlfsSku, number, boolean, string | undefined]>([
    ["AMLFS-Durable-Premium-40", 48, false, undefined],
    ["AMLFS-Durable-Premium-40", 768, false, undefined],
    ["AMLFS-Durable-Premium-40", 0, false, "use at least 48, in steps of 48"],
    ["AMLFS-Durable-Premium-40", 47, false, "use at least 48, in steps of 48"],
    ["AMLFS-Durable-Premium-40", 72, false, "use a multiple of 48"],
    ["AMLFS-Durable-Premium-40", 816, false, `use at most 768 ${above}`],
    ["AMLFS-Durable-Premium-40", 816, true, undefined],
    ["AMLFS-Durable-Premium-125", 16, false, undefined],
    ["AMLFS-Durable-Premium-125", 8, false, "use at least 16, in steps of 16"],
    ["AMLFS-Durable-Premium-125", 24, false, "use a multiple of 16"],
    ["AMLFS-Durable-Premium-125", 128, false, undefined],
    ["AMLFS-Durable-Premium-125", 144, false, `use at most 128 ${above}`],
    ["AMLFS-Durable-Premium-250", 8, false, undefined],
    ["AMLFS-Durable-Premium-250", 4, false, "use at least 8, in steps of 8"],
    ["AMLFS-Durable-Premium-250", 12, false, "use a multiple of 8"],
    ["AMLFS-Durable-Premium-250", 136, false, `use at most 128 ${above}`],
    ["AMLFS-Durable-Premium-250", 136, true, undefined],
    ["AMLFS-Durable-Premium-500", 4, false, undefined],
    ["AMLFS-Durable-Premium-500", 6, false, "use a multiple of 4"],
    ["AMLFS-Durable-Premium-500", 8.5, false, "use at least 4, in steps of 4"],
    ["AMLFS-Durable-Premium-500", 132, false, `use at most 128 ${above}`],
  ])("%s %d TiB (above default maximum allowed: %s): %j", (sku, tib, aboveMax, problem) => {
    expect(amlfsCapacityProblem(tib, sku, aboveMax)).toBe(problem);
  });
});

describe("amlfsSubnetPrefix: the smallest storage subnet per capacity (Azure's network size table)", () => {
  it.each([
    [4, 27],
    [16, 27],
    [17, 26],
    [40, 26],
    [41, 25],
    [92, 25],
    [93, 24],
    [196, 24],
    [197, 23],
    [200, 23],
    [400, 23],
    [401, 22],
    [768, 22],
  ])("%i TiB needs a /%i", (tib, prefix) => {
    expect(amlfsSubnetPrefix(tib)).toBe(prefix);
  });
});

describe("amlfsThroughputMBps", () => {
  it.each<[AmlfsSku, number, number]>([
    ["AMLFS-Durable-Premium-40", 48, 1920],
    ["AMLFS-Durable-Premium-125", 16, 2000],
    ["AMLFS-Durable-Premium-250", 16, 4000],
    ["AMLFS-Durable-Premium-500", 4, 2000],
  ])("%s at %i TiB: %i MB/s", (sku, tib, mbps) => {
    expect(amlfsThroughputMBps(tib, sku)).toBe(mbps);
  });
});

describe("amlfsClientZoneProblem and the HPC Cache lookup", () => {
  it("clients must be in the file system's zone; a regional client is not", () => {
    expect(amlfsClientZoneProblem("1", "1", "s/fs")).toBeUndefined();
    expect(amlfsClientZoneProblem("2", "1", "s/fs")).toBe("use zone 1, the zone of s/fs: Managed Lustre clients must be in the file system's zone");
    expect(amlfsClientZoneProblem(undefined, "1", "s/fs")).toBe("use zone 1, the zone of s/fs: Managed Lustre clients must be in the file system's zone");
  });
  it("looks the provider's service principal up by Microsoft's application ID", () => {
    expect(HPC_CACHE_SP_LOOKUP).toBe("az ad sp show --id 4392ab71-2ce2-4b0d-8770-b352745c73f5 --query id -o tsv");
  });
});
