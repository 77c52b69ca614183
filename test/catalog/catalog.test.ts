import { describe, expect, it } from "vitest";
import { ACCELERATORS, findAccelerator } from "../../lib/catalog/accelerators";
import { CATALOG, catalogDate, catalogRegions, catalogZones, efaCardsOf, encryptionAtHostFor, encryptionAtHostSizes, findOfferings, getOffering, offeredAccelerators } from "../../lib/catalog/catalog";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf } from "../helpers";

describe("accelerators", () => {
  it("has the models the library targets, with memory and board power", () => {
    for (const name of ["H100", "H200", "B200", "A100", "A100-80GB", "L40S", "A10G", "V100"]) {
      const a = ACCELERATORS[name]!;
      expect(a.memoryGiB).toBeGreaterThan(0);
      expect(a.tdpWatts).toBeGreaterThan(0);
      expect(a.source).not.toBe("");
    }
    expect(ACCELERATORS.H100).toMatchObject({ memoryGiB: 80, tdpWatts: 700 });
    expect(ACCELERATORS.B200).toMatchObject({ memoryGiB: 180, tdpWatts: 1000 });
    expect(ACCELERATORS.A100).toMatchObject({ memoryGiB: 40, tdpWatts: 400 });
  });
  it("finds an accelerator ignoring case", () => {
    expect(findAccelerator("h100")?.name).toBe("H100");
    expect(findAccelerator("a100-80gb")?.name).toBe("A100-80GB");
    expect(findAccelerator("H1000")).toBeUndefined();
  });
  it("every offering's accelerator is in the table", () => {
    expect(CATALOG.offerings.length).toBeGreaterThan(30);
    for (const o of CATALOG.offerings) expect(ACCELERATORS[o.accelerator]?.name, o.instanceType).toBe(o.accelerator);
  });
});

describe("offerings", () => {
  it.each([
    ["p5.48xlarge", { cloud: "aws", accelerator: "H100", gpusPerNode: 8, gpuMemoryGiB: 80, vCpus: 192, memoryGiB: 2048, fabric: { kind: "efa", interfaces: 32, gbpsPerNode: 3200, networkCards: 32 } }],
    ["p5e.48xlarge", { accelerator: "H200", gpusPerNode: 8, gpuMemoryGiB: 141, fabric: { kind: "efa", interfaces: 32, gbpsPerNode: 3200 } }],
    ["p5en.48xlarge", { accelerator: "H200", gpusPerNode: 8, fabric: { kind: "efa", interfaces: 16, gbpsPerNode: 3200, networkCards: 16 } }],
    ["p4d.24xlarge", { accelerator: "A100", gpusPerNode: 8, gpuMemoryGiB: 40, fabric: { kind: "efa", interfaces: 4, gbpsPerNode: 400 } }],
    ["p4de.24xlarge", { accelerator: "A100-80GB", gpusPerNode: 8, gpuMemoryGiB: 80, fabric: { kind: "efa", interfaces: 4, gbpsPerNode: 400 } }],
    ["p6-b200.48xlarge", { accelerator: "B200", gpusPerNode: 8, fabric: { kind: "efa", interfaces: 8, gbpsPerNode: 3200 } }],
    ["g5.48xlarge", { accelerator: "A10G", gpusPerNode: 8, memoryGiB: 768, fabric: { kind: "efa", interfaces: 1, gbpsPerNode: 100 } }],
    ["g6e.48xlarge", { accelerator: "L40S", gpusPerNode: 8, memoryGiB: 1536, fabric: { kind: "efa", interfaces: 4, gbpsPerNode: 400 } }],
    ["g5.xlarge", { accelerator: "A10G", gpusPerNode: 1, fabric: { kind: "none", interfaces: 0, gbpsPerNode: 0 } }],
    ["Standard_ND96isr_H100_v5", { cloud: "azure", accelerator: "H100", gpusPerNode: 8, vCpus: 96, memoryGiB: 1900, fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 } }],
    ["Standard_ND96asr_v4", { accelerator: "A100", gpusPerNode: 8, fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 1600 } }],
    ["Standard_ND96amsr_A100_v4", { accelerator: "A100-80GB", gpusPerNode: 8, fabric: { kind: "infiniband", interfaces: 8, gbpsPerNode: 1600 } }],
    ["Standard_NC24ads_A100_v4", { accelerator: "A100-80GB", gpusPerNode: 1, gpuTdpWatts: 300, fabric: { kind: "none" } }],
    ["Standard_NC40ads_H100_v5", { accelerator: "H100", gpusPerNode: 1, gpuMemoryGiB: 94, gpuTdpWatts: 400, fabric: { kind: "none" } }],
  ])("%s has the documented shape and fabric", (type, expected) => {
    expect(getOffering(type)).toMatchObject(expected);
  });

  it("corrects the source's ND H100 v5 GPU count (12) to 8, and says so", () => {
    const nd = getOffering("Standard_ND96isr_H100_v5")!;
    expect(nd.gpusPerNode).toBe(8);
    expect(nd.notes?.[0]).toMatch(/corrected to 8/);
  });

  it("leaves retired Azure sizes out, with the reason", () => {
    expect(getOffering("Standard_NC6")).toBeUndefined();
    expect(CATALOG.excluded).toContainEqual(expect.objectContaining({ instanceType: "Standard_NC24s_v3", reason: expect.stringMatching(/retired on 2025-09-30/) }));
  });

  it("leaves NVadsA10 v5 out: it runs only the GRID driver, which the default image lacks", () => {
    for (const type of ["Standard_NV36ads_A10_v5", "Standard_NV36adms_A10_v5", "Standard_NV72ads_A10_v5"]) {
      expect(getOffering(type), type).toBeUndefined();
      expect(CATALOG.excluded).toContainEqual({ cloud: "azure", instanceType: type, reason: expect.stringMatching(/only support GRID 17\.x or higher/) });
    }
    expect(findOfferings({ accelerator: "A10" })).toEqual([]);
  });

  it("records the image generations of every Azure size, with the page that says so", () => {
    const gen2Only = ["Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5", "Standard_NC48ads_A100_v4", "Standard_NC80adis_H100_v5", "Standard_NC96ads_A100_v4", "Standard_ND40rs_v2", "Standard_ND96amsr_A100_v4", "Standard_ND96asr_v4", "Standard_ND96isr_H100_v5"];
    const both = ["Standard_NC16as_T4_v3", "Standard_NC4as_T4_v3", "Standard_NC64as_T4_v3", "Standard_NC8as_T4_v3"];
    const azure = findOfferings({ cloud: "azure" });
    expect(azure.filter((o) => o.vmGenerations?.join() === "2").map((o) => o.instanceType)).toEqual(gen2Only);
    expect(azure.filter((o) => o.vmGenerations?.join() === "1,2").map((o) => o.instanceType)).toEqual(both);
    expect(azure).toHaveLength(gen2Only.length + both.length);
    for (const o of azure) expect(o.notes?.some((n) => /^Generation (2 images only \(Generation 1 VMs: Not Supported\)|1 and 2 images): Azure docs, .+ size series page, Feature support$/.test(n)), o.instanceType).toBe(true);
    expect(getOffering("Standard_ND40rs_v2")!.notes).toContainEqual(expect.stringMatching(/^Uncertain: /));
    const aws = findOfferings({ cloud: "aws" });
    expect(aws).toHaveLength(27);
    expect(aws.filter((o) => o.vmGenerations !== undefined).map((o) => o.instanceType)).toEqual([]);
  });

  it("records AWS prices per zone ID and Azure per region, and flags Local Zones", () => {
    const p5 = getOffering("p5.48xlarge")!;
    expect(p5.locations).toHaveLength(33);
    expect(p5.locations.map((l) => l.zone).filter((z) => !/^[a-z]+\d+(-[a-z]+\d+[a-z]?)?-az\d+$/.test(z ?? ""))).toEqual([]);
    expect(p5.locations.find((l) => l.zone === "use1-az4")).toMatchObject({ region: "us-east-1", usdPerHour: 55.04 });
    expect(getOffering("Standard_ND96isr_H100_v5")!.locations.map((l) => [l.region, l.zone])).toEqual([["eastus", undefined], ["eastus2", undefined], ["westus", undefined]]);
    // the one Local Zone of the catalog, Atlanta, for three types
    const localZones = CATALOG.offerings.flatMap((o) => o.locations.filter((l) => l.localZone !== undefined).map((l) => `${o.instanceType} ${l.zone} ${l.localZone}`));
    expect(localZones).toEqual(["p5.48xlarge use1-atl2-az1 true", "p5en.48xlarge use1-atl2-az1 true", "p6-b200.48xlarge use1-atl2-az1 true"]);
  });

  it("keeps missing prices missing (p5e has no on-demand price)", () => {
    const p5e = getOffering("p5e.48xlarge")!;
    expect(p5e.locations).toHaveLength(9);
    expect(p5e.locations.filter((l) => l.usdPerHour !== undefined)).toEqual([]);
    expect(p5e.locations.find((l) => l.zone === "use2-az1")).toEqual({ region: "us-east-2", zone: "use2-az1", spotUsdPerHour: 15.476 });
    // a location without any price stays in the catalog, priceless
    expect(p5e.locations.find((l) => l.zone === "euw2-az2")).toEqual({ region: "eu-west-2", zone: "euw2-az2" });
  });

  it("says how old its data is", () => {
    const d = catalogDate();
    expect(d.builtAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(d.sources.find((s) => s.cloud === "aws")?.pricesAsOf).toBe("2026-01-22");
    expect(d.sources.find((s) => s.cloud === "azure")?.pricesAsOf).toBeUndefined();
  });
});

describe("findOfferings", () => {
  const types = (q: Parameters<typeof findOfferings>[0]) => findOfferings(q).map((o) => o.instanceType);

  it("by accelerator (any case) and cloud", () => {
    expect(types({ accelerator: "h100", cloud: "aws" })).toEqual(["p5.48xlarge", "p5.4xlarge"]);
    expect(types({ accelerator: ["H100", "H200"], cloud: "azure" })).toEqual(["Standard_NC40ads_H100_v5", "Standard_NC80adis_H100_v5", "Standard_ND96isr_H100_v5"]);
  });
  it("by GPU count, GPU memory and host memory", () => {
    expect(findOfferings({ gpusPerNode: 8, minGpuMemoryGiB: 140 }).map((o) => o.instanceType)).toEqual([
      "p5e.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "p6-b300.48xlarge",
    ]);
    expect(findOfferings({ minMemoryGiB: 4000 }).map((o) => o.instanceType)).toEqual(["p6-b300.48xlarge"]);
    // no catalog type has more than 8 GPUs a node
    expect(types({ minGpusPerNode: 8 })).toEqual([
      "g5.48xlarge", "g6e.48xlarge", "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "p6-b300.48xlarge",
      "Standard_ND40rs_v2", "Standard_ND96amsr_A100_v4", "Standard_ND96asr_v4", "Standard_ND96isr_H100_v5",
    ]);
    expect(types({ minGpusPerNode: 9 })).toEqual([]);
  });
  it("by fabric kind and bandwidth", () => {
    expect(types({ fabric: "infiniband", minFabricGbps: 1600 })).toEqual(["Standard_ND96amsr_A100_v4", "Standard_ND96asr_v4", "Standard_ND96isr_H100_v5"]);
    const none = findOfferings({ fabric: "none" });
    expect(none.map((o) => o.instanceType)).toEqual([
      "g5.2xlarge", "g5.4xlarge", "g5.xlarge", "g6e.2xlarge", "g6e.4xlarge", "g6e.xlarge", "p3.2xlarge", "p3.8xlarge",
      "Standard_NC16as_T4_v3", "Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5", "Standard_NC48ads_A100_v4", "Standard_NC4as_T4_v3",
      "Standard_NC64as_T4_v3", "Standard_NC80adis_H100_v5", "Standard_NC8as_T4_v3", "Standard_NC96ads_A100_v4",
    ]);
    expect(new Set(none.map((o) => `${o.fabric.interfaces} ${o.fabric.gbpsPerNode}`))).toEqual(new Set(["0 0"]));
  });
  it("by region and zone, narrowing each offering's locations", () => {
    const inUse1Az4 = findOfferings({ zone: "use1-az4" });
    expect(inUse1Az4.map((o) => `${o.instanceType} ${o.locations.map((l) => l.zone).join()}`)).toEqual([
      "p4d.24xlarge use1-az4", "p4de.24xlarge use1-az4", "p5.48xlarge use1-az4", "p5.4xlarge use1-az4",
    ]);
    const eastus = findOfferings({ region: "eastus", accelerator: "H100" });
    expect(eastus.map((o) => `${o.instanceType} ${o.locations.map((l) => l.region).join()}`)).toEqual([
      "Standard_NC40ads_H100_v5 eastus", "Standard_NC80adis_H100_v5 eastus", "Standard_ND96isr_H100_v5 eastus",
    ]);
    expect(findOfferings({ region: "mars-1" })).toEqual([]);
  });
  it("with no criteria returns everything, and does not mutate the catalog", () => {
    expect(findOfferings()).toHaveLength(CATALOG.offerings.length);
    findOfferings({ region: "us-east-1" });
    expect(getOffering("p5.48xlarge")!.locations.length).toBeGreaterThan(20);
  });
  it("lists accelerators, regions and zones", () => {
    expect(offeredAccelerators()).toEqual(["A100", "A100-80GB", "A10G", "B200", "B300", "H100", "H200", "L40S", "T4", "V100", "V100-32GB"]);
    expect(catalogRegions("azure")).toContain("eastus");
    expect(catalogRegions("aws")).not.toContain("eastus");
    expect(catalogZones()).toContain("use1-az4");
  });
});

describe("efaCardsOf", () => {
  it("is every network card unless the catalog names the EFA cards, and none without EFA", () => {
    expect(efaCardsOf({ kind: "efa", interfaces: 4, gbpsPerNode: 400, networkCards: 4 })).toEqual([0, 1, 2, 3]);
    expect(efaCardsOf({ kind: "efa", interfaces: 1, gbpsPerNode: 100 })).toEqual([0]);
    expect(efaCardsOf({ kind: "efa", interfaces: 2, gbpsPerNode: 200, networkCards: 3, efaCards: [1, 2] })).toEqual([1, 2]);
    expect(efaCardsOf({ kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 })).toEqual([]);
  });
  it("the catalog records p6-b300's 17 cards with EFA on cards 1 to 16, and no other type names its EFA cards", () => {
    expect(getOffering("p6-b300.48xlarge")!.fabric).toMatchObject({ networkCards: 17, efaCards: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], interfaces: 16 });
    expect(CATALOG.offerings.filter((o) => o.fabric.efaCards !== undefined).map((o) => o.instanceType)).toEqual(["p6-b300.48xlarge"]);
    // every EFA type's EFA card list matches its interface count
    for (const o of CATALOG.offerings.filter((x) => x.fabric.kind === "efa")) expect(efaCardsOf(o.fabric).length, o.instanceType).toBe(o.fabric.interfaces);
  });
});

describe("encryption at host, a fact per Azure size", () => {
  it("records the sizes whose EncryptionAtHostSupported capability a source gives, with the source, and says which have none", () => {
    const supported = ["Standard_NC16as_T4_v3", "Standard_NC40ads_H100_v5", "Standard_NC4as_T4_v3", "Standard_NC64as_T4_v3", "Standard_NC80adis_H100_v5", "Standard_NC8as_T4_v3"];
    const unrecorded = ["Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4", "Standard_NC96ads_A100_v4", "Standard_ND40rs_v2", "Standard_ND96amsr_A100_v4", "Standard_ND96asr_v4", "Standard_ND96isr_H100_v5"];
    const azure = findOfferings({ cloud: "azure" });
    expect(azure.filter((o) => o.encryptionAtHost === true).map((o) => o.instanceType)).toEqual(supported);
    expect(encryptionAtHostSizes()).toEqual(supported);
    expect(azure.filter((o) => o.encryptionAtHost === undefined).map((o) => o.instanceType)).toEqual(unrecorded);
    expect(azure.some((o) => o.encryptionAtHost === false)).toBe(false);
    for (const o of azure) {
      const note = o.notes?.find((n) => n.startsWith("Encryption at host "));
      if (o.encryptionAtHost) expect(note, o.instanceType).toMatch(/^Encryption at host supported \(resource SKU capability EncryptionAtHostSupported = True\): microsoft\/ga4gh-tes .+ @ [0-9a-f]{40} /);
      else expect(note, o.instanceType).toMatch(/^Encryption at host not recorded: no public record/);
    }
    expect(findOfferings({ cloud: "aws" }).filter((o) => "encryptionAtHost" in o).map((o) => o.instanceType)).toEqual([]);
  });

  const offering = (encryptionAtHost?: boolean) => ({ ...getOffering("Standard_NC4as_T4_v3")!, ...(encryptionAtHost === undefined ? { encryptionAtHost: undefined } : { encryptionAtHost }) });
  const v = new Validator("c");

  it("is on by default where supported or unrecorded, and as asked otherwise", () => {
    expect(encryptionAtHostFor(v, offering(true), undefined)).toBe(true);
    expect(encryptionAtHostFor(v, offering(undefined), undefined)).toBe(true);
    expect(encryptionAtHostFor(v, offering(true), false)).toBe(false);
    expect(encryptionAtHostFor(v, offering(undefined), false)).toBe(false);
    expect(encryptionAtHostFor(v, offering(true), true)).toBe(true);
  });

  it("is off on a size recorded as not supporting it, and refuses true there", () => {
    expect(encryptionAtHostFor(v, offering(false), undefined)).toBe(false);
    expect(encryptionAtHostFor(v, offering(false), false)).toBe(false);
    const tiny = { ...CATALOG, offerings: [offering(false), { ...getOffering("Standard_NC40ads_H100_v5")! }] };
    expect(validationErrorOf(() => encryptionAtHostFor(v, offering(false), true, tiny))).toBe(
      "c: encryptionAtHost true is not valid for Standard_NC4as_T4_v3: leave it out or set it to false: Standard_NC4as_T4_v3 does not support encryption at host " +
        "(its EncryptionAtHostSupported capability is False); sizes in the catalog that support it: Standard_NC40ads_H100_v5",
    );
    expect(validationErrorOf(() => encryptionAtHostFor(v, offering(false), true, { ...CATALOG, offerings: [offering(false)] }))).toMatch(/sizes in the catalog that support it: none$/);
  });
});
