import { describe, expect, it } from "vitest";
import { AWS_REGIONS, AZURE_LOCATIONS, awsRegion, awsZoneProblem, azureLocation } from "../../lib/core/regions";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf as errorOf } from "../helpers";


describe("AWS regions and zones", () => {
  it("knows each region once, with a zone-ID prefix of its own", () => {
    expect(new Set(AWS_REGIONS.map((r) => r.name)).size).toBe(AWS_REGIONS.length);
    expect(new Set(AWS_REGIONS.map((r) => r.zoneIdPrefix)).size).toBe(AWS_REGIONS.length);
    expect(awsRegion("us-east-1")).toEqual({ name: "us-east-1", zoneIdPrefix: "use1", zoneIds: 6 });
    expect(awsRegion("us-mars-1")).toBeUndefined();
  });

  const east = awsRegion("us-east-1")!;
  it.each([
    ["use1-az1", undefined],
    ["use1-az6", undefined],
    ["use1-az7", "us-east-1 has zone IDs use1-az1 to use1-az6"],
    ["use1-atl2-az1", undefined],
    ["usw2-az1", "usw2-az1 is in us-west-2"],
    ["xyz9-az1", "zone IDs of us-east-1 start with use1-"],
    ["us-east-1a", undefined],
    ["us-east-1-atl-2a", undefined],
    ["eu-west-1a", "eu-west-1a is in eu-west-1"],
    // Local and Wavelength Zone IDs: only the prefix is checked, not the zone number.
    ["use1-atl2-az9", undefined],
    ["usw2-lax1-az1", "usw2-lax1-az1 is in us-west-2"],
    ["usw2-lax12-az1", "usw2-lax12-az1 is in us-west-2"],
    ["usw2-lax1a-az1", "usw2-lax1a-az1 is in us-west-2"],
    ["usw2-lax-az1", undefined],
    ["usw2-1-az1", undefined],
    ["usw12-az1", "zone IDs of us-east-1 start with use1-"],
    ["use1-az10", "us-east-1 has zone IDs use1-az1 to use1-az6"],
    // Shaped like no zone (a format problem the caller reports): a zone ID inside a longer text is not one.
    ["9use1-az9", undefined],
    ["use1-az9x", undefined],
  ])("%s in us-east-1: %s", (zone, problem) => {
    expect(awsZoneProblem(zone, east)).toBe(problem);
  });

  it("bounds zone IDs per region (us-west-2 has four, eu-west-1 three)", () => {
    expect(awsZoneProblem("usw2-az4", awsRegion("us-west-2")!)).toBeUndefined();
    expect(awsZoneProblem("euw1-az3", awsRegion("eu-west-1")!)).toBeUndefined();
    expect(awsZoneProblem("euw1-az4", awsRegion("eu-west-1")!)).toBe("eu-west-1 has zone IDs euw1-az1 to euw1-az3");
  });
});

describe("Azure locations", () => {
  it("knows each location once, with its zone support", () => {
    expect(new Set(AZURE_LOCATIONS.map((l) => l.name)).size).toBe(AZURE_LOCATIONS.length);
    expect(azureLocation("eastus")).toEqual({ name: "eastus", zones: true });
    expect(azureLocation("westus")).toEqual({ name: "westus", zones: false });
    expect(azureLocation("northcentralus")).toEqual({ name: "northcentralus", zones: false });
    expect(azureLocation("marsnorth")).toBeUndefined();
  });
});

describe("Validator region rules", () => {
  const v = new Validator("s/x");
  it.each([
    [() => v.awsRegion("region", "us-mars-1"), 's/x: region "us-mars-1" is not valid: use an AWS region such as us-east-1 (us-mars-1 is not an AWS region this library knows; a region newer than the library is an issue to report)'],
    [() => v.awsRegion("region", "US East"), 's/x: region "US East" is not valid: use an AWS region such as us-east-1'],
    [() => v.azureLocation("location", "marsnorth"), 's/x: location "marsnorth" is not valid: use an Azure location name such as eastus (`az account list-locations -o table` lists them; a location newer than the library is an issue to report)'],
    [() => v.azureLocation("location", "East US"), 's/x: location "East US" is not valid: use an Azure location name such as eastus'],
  ])("refuses %#", (f, message) => {
    expect(errorOf(f)).toBe(message);
  });

  it("accepts regions and locations that exist", () => {
    expect(v.awsRegion("region", "us-gov-west-1")).toBe("us-gov-west-1");
    expect(v.awsRegion("region", "ap-southeast-7")).toBe("ap-southeast-7");
    expect(v.azureLocation("location", "westus")).toBe("westus");
    expect(v.azureLocation("location", "swedencentral")).toBe("swedencentral");
  });
});
