/** Internet egress cost (pure): the rates' units and tiers, and the bad input egressUsd refuses. */
import { describe, expect, it } from "vitest";
import { BYTES_PER_GB, EGRESS_RATES, egressUsd } from "../../lib/core/egress";

describe("egressUsd", () => {
  it("prices a GB out of each cloud at its first-tier list price", () => {
    expect(BYTES_PER_GB).toBe(1073741824);
    expect(egressUsd(1073741824, "aws")).toBe(0.09);
    expect(egressUsd(1073741824, "azure")).toBe(0.087);
    // 50 GiB out of S3: $4.50; 50 GiB out of Blob: $4.35
    expect(egressUsd(50 * 1073741824, "aws")).toBeCloseTo(4.5, 10);
    expect(egressUsd(50 * 1073741824, "azure")).toBeCloseTo(4.35, 10);
  });

  it("costs nothing for no bytes, a copy on the launcher's disk or an owned site", () => {
    expect(egressUsd(0, "aws")).toBe(0);
    expect(egressUsd(1073741824, "local")).toBe(0);
    expect(egressUsd(1073741824, "onprem")).toBe(0);
  });

  it("says its tier and source for each cloud", () => {
    expect(EGRESS_RATES.aws.tier).toContain("up to 10 TB a month");
    expect(EGRESS_RATES.aws.source).toContain("https://aws.amazon.com/s3/pricing/");
    expect(EGRESS_RATES.azure.tier).toContain("first 10 TB a month");
    expect(EGRESS_RATES.azure.source).toContain("https://azure.microsoft.com/pricing/details/bandwidth/");
  });

  it.each([
    [-1, "aws", "egress: bytes -1 is not valid: a whole number of bytes >= 0"],
    [1.5, "aws", "egress: bytes 1.5 is not valid: a whole number of bytes >= 0"],
    [Number.NaN, "aws", "egress: bytes NaN is not valid: a whole number of bytes >= 0"],
    [1, "gcp", 'egress: fromCloud "gcp" is not valid: one of aws, azure, onprem, local'],
    [1, "toString", 'egress: fromCloud "toString" is not valid: one of aws, azure, onprem, local'],
  ])("refuses %s bytes from %j", (bytes, from, message) => {
    expect(() => egressUsd(bytes, from)).toThrow(message);
  });
});
