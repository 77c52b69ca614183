import { describe, expect, it } from "vitest";
import { blockInAzureApipaRange, freeApipaPair, freeTunnelCidrs, inAzureApipaRange, isApipaAddress } from "../../lib/hybrid/apipa";

describe("APIPA address rules", () => {
  it.each<[string, boolean, boolean]>([
    // address, in 169.254.0.0/16, in Azure's 169.254.21.0-169.254.22.255
    ["169.254.0.0", true, false],
    ["169.254.255.255", true, false],
    ["169.253.255.255", false, false],
    ["169.255.0.0", false, false],
    ["169.254.20.255", true, false],
    ["169.254.21.0", true, true],
    ["169.254.22.255", true, true],
    ["169.254.23.0", true, false],
    ["10.0.0.1", false, false],
    ["169.254.21", false, false],
    ["169.254.21.300", false, false],
    ["", false, false],
  ])("%s: APIPA %s, Azure's range %s", (address, apipa, azure) => {
    expect(isApipaAddress(address)).toBe(apipa);
    expect(inAzureApipaRange(address)).toBe(azure);
  });

  it.each<[string, boolean]>([
    ["169.254.21.0/30", true],
    ["169.254.22.252/30", true],
    ["169.254.21.0/24", true],
    ["169.254.22.0/24", true],
    ["169.254.20.0/23", false], // 169.254.20.0-169.254.21.255: only half inside
    ["169.254.22.0/23", false], // 169.254.22.0-169.254.23.255: only half inside
    ["169.254.20.252/30", false],
    ["169.254.23.0/30", false],
  ])("block %s in Azure's range: %s", (block, inside) => {
    expect(blockInAzureApipaRange(block)).toBe(inside);
  });
});

describe("freeApipaPair", () => {
  /** Every /30 of Azure's range but the lowest, 169.254.21.0/30. */
  const allButLowest = ["169.254.21.4/30", "169.254.21.8/29", "169.254.21.16/28", "169.254.21.32/27", "169.254.21.64/26", "169.254.21.128/25", "169.254.22.0/24"];

  it.each<[string, string[], [string, string] | undefined]>([
    ["the top /30 of the range when nothing is taken", [], ["169.254.22.253", "169.254.22.254"]],
    ["the next /30 down past a taken one", ["169.254.22.252/30"], ["169.254.22.249", "169.254.22.250"]],
    ["past a single taken address", ["169.254.22.255/32"], ["169.254.22.249", "169.254.22.250"]],
    ["the lowest /30 when it is the only free one", allButLowest, ["169.254.21.1", "169.254.21.2"]],
    ["nothing when the range is full", [...allButLowest, "169.254.21.0/30"], undefined],
    ["nothing when one block covers the range", ["169.254.0.0/16"], undefined],
  ])("%s", (_, taken, pair) => {
    expect(freeApipaPair(taken)).toEqual(pair);
  });
});

/** Tunnel sets `base` for base 0, 8, ..., `upTo` (inclusive), each given as its first /30. */
const firstOfEach = (upTo: number) => Array.from({ length: upTo / 8 + 1 }, (_, i) => `169.254.21.${i * 8}/30`);

describe("freeTunnelCidrs", () => {
  it.each<[string, string[], [string, string, string, string] | undefined]>([
    ["the bottom set when nothing is taken", [], ["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"]],
    ["the next set when any one block of a set is taken", ["169.254.22.4/30"], ["169.254.21.8/30", "169.254.22.8/30", "169.254.21.12/30", "169.254.22.12/30"]],
    ["the next set past a single taken address", ["169.254.22.1/32"], ["169.254.21.8/30", "169.254.22.8/30", "169.254.21.12/30", "169.254.22.12/30"]],
    ["the top set when only it is free", firstOfEach(240), ["169.254.21.248/30", "169.254.22.248/30", "169.254.21.252/30", "169.254.22.252/30"]],
    ["nothing when every set is taken", firstOfEach(248), undefined],
    ["a set beside taken addresses outside the range", ["169.254.100.1/32", "10.0.0.0/8"], ["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"]],
  ])("%s", (_, taken, set) => {
    expect(freeTunnelCidrs(taken)).toEqual(set);
  });
});
