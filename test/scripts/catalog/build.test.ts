import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCatalog, isLocalZone } from "../../../scripts/catalog/build";
import { parseCsv } from "../../../scripts/catalog/csv";
import { CATALOG } from "../../../lib/catalog/catalog";

const AWS_HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,Arch,LocalDiskType,NVMeSupported,LocalDiskSize,LocalDiskCount";
const GPU_INFO = `"{'Gpus': [{'Name': 'H100', 'MemoryInfo': {'SizeInMiB': 81920}}], 'TotalGpuMemoryInMiB': 655360}"`;
const AZURE_HEADER = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation";

const aws = [
  AWS_HEADER,
  `p5.48xlarge,H100,8.0,192.0,2048.0,${GPU_INFO},55.04,20.1,us-east-1,use1-az4,x86_64,ssd,True,3800.0,8.0`,
  `p5.48xlarge,H100,8.0,192.0,2048.0,${GPU_INFO},55.04,,us-east-1,use1-az2,x86_64,ssd,True,3800.0,8.0`,
  `p5.48xlarge,H100,8.0,192.0,2048.0,${GPU_INFO},,,us-east-1,use1-atl2-az1,x86_64,ssd,True,3800.0,8.0`,
].join("\n");
const azure = [
  AZURE_HEADER,
  "Standard_ND96isr_H100_v5,H100,12,96.0,1900,H100,98.32,98.32,eastus,V2",
  'Standard_NC6,K80,1,6.0,56,K80,0.9,0.1,eastus,"V1,V2"',
].join("\r\n");

describe("parseCsv", () => {
  it("reads quoted fields with commas and doubled quotes, CRLF, and skips # comments", () => {
    expect(parseCsv('# note, with comma\na,b\n"x, y","say ""hi"""\r\n1,2\n')).toEqual([{ a: "x, y", b: 'say "hi"' }, { a: "1", b: "2" }]);
  });
  it("names the row whose field count is off", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n")).toThrow("CSV row 3 has 1 fields, the header has 2");
    expect(() => parseCsv('a\n"open')).toThrow("CSV ends inside a quoted field");
  });
});

describe("buildCatalog", () => {
  const built = buildCatalog({ aws, azure }, { builtAt: "2026-11-28" });

  it("groups rows per type, with sorted locations, prices and Local Zone flags", () => {
    const p5 = built.offerings.find((o) => o.instanceType === "p5.48xlarge")!;
    expect(p5).toMatchObject({ cloud: "aws", accelerator: "H100", gpusPerNode: 8, gpuMemoryGiB: 80, gpuTdpWatts: 700, vCpus: 192, memoryGiB: 2048 });
    expect(p5.fabric).toEqual({ kind: "efa", interfaces: 32, gbpsPerNode: 3200, networkCards: 32 });
    expect(p5.locations).toEqual([
      { region: "us-east-1", zone: "use1-atl2-az1", localZone: true },
      { region: "us-east-1", zone: "use1-az2", usdPerHour: 55.04 },
      { region: "us-east-1", zone: "use1-az4", usdPerHour: 55.04, spotUsdPerHour: 20.1 },
    ]);
  });
  it("applies the curated corrections and exclusions", () => {
    expect(built.offerings.find((o) => o.instanceType === "Standard_ND96isr_H100_v5")).toMatchObject({ gpusPerNode: 8, fabric: { kind: "infiniband", interfaces: 8 } });
    expect(built.offerings.some((o) => o.instanceType === "Standard_NC6")).toBe(false);
    expect(built.excluded).toEqual([{ cloud: "azure", instanceType: "Standard_NC6", reason: expect.stringContaining("retired") }]);
  });
  it("records a size's encryption-at-host support as the facts give it, and nothing where they give none", () => {
    const sized = (encryptionAtHost?: boolean) => buildCatalog({ aws, azure }, { builtAt: "x", facts: { Standard_ND96isr_H100_v5: encryptionAtHost === undefined ? {} : { encryptionAtHost } } }).offerings.find((o) => o.cloud === "azure")!;
    expect(sized(true).encryptionAtHost).toBe(true);
    expect(sized(false).encryptionAtHost).toBe(false);
    expect("encryptionAtHost" in sized()).toBe(false);
    expect(built.offerings.find((o) => o.instanceType === "p5.48xlarge")).not.toHaveProperty("encryptionAtHost");
  });
  it("is deterministic", () => {
    expect(buildCatalog({ aws, azure }, { builtAt: "2026-11-28" })).toEqual(built);
  });
  it("rejects malformed or inconsistent rows, naming them", () => {
    expect(() => buildCatalog({ aws: `${AWS_HEADER}\np5.48xlarge,H100,zero,192,2048,,1,1,us-east-1,use1-az4,,,,,`, azure: AZURE_HEADER }, { builtAt: "x" })).toThrow(
      'aws row 2: column AcceleratorCount is "zero", not a positive number',
    );
    expect(() => buildCatalog({ aws: AWS_HEADER, azure: `${AZURE_HEADER}\nStandard_X,H100,8,96,1900,H100,1,1,eastus,V2\nStandard_X,H100,4,96,1900,H100,1,1,westus,V2` }, { builtAt: "x" })).toThrow(
      "azure row 3: Standard_X has gpus 4, earlier rows say 8",
    );
    expect(() => buildCatalog({ aws: AWS_HEADER, azure: `${AZURE_HEADER}\nStandard_X,Q9,8,96,1900,Q9,1,1,eastus,V2` }, { builtAt: "x" })).toThrow(
      "azure row 2: Standard_X has accelerator Q9, which the accelerator table lacks",
    );
    expect(() => buildCatalog({ aws: AWS_HEADER, azure: `${AZURE_HEADER}\nStandard_X,H100,8,96,1900,H100,1,1,eastus,V2\nStandard_X,H100,8,96,1900,H100,1,1,eastus,V2` }, { builtAt: "x" })).toThrow(
      "azure row 3: Standard_X is listed twice for eastus/",
    );
  });
  it("tells Local Zone IDs from Availability Zone IDs", () => {
    expect(isLocalZone("use1-atl2-az1")).toBe(true);
    expect(isLocalZone("usw2-lax1a-az1")).toBe(true);
    expect(isLocalZone("use1-az4")).toBe(false);
  });
});

describe("the committed catalog", () => {
  const source = join(__dirname, "../../../scripts/catalog/source");
  it("is what the committed sources and facts give", () => {
    const rebuilt = buildCatalog(
      {
        aws: readFileSync(join(source, "aws-gpu-vms.csv"), "utf8"),
        azure: readFileSync(join(source, "azure-gpu-vms.csv"), "utf8"),
        awsSupplement: readFileSync(join(__dirname, "../../../scripts/catalog/aws-supplement.csv"), "utf8"),
      },
      { builtAt: CATALOG.builtAt },
    );
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(CATALOG);
  });
});
