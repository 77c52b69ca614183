import { describe, expect, it } from "vitest";
import { coveredSpaces, isWorldSource, parsePrefix, reachesInternet, spaceName } from "../../../lib/team/policies/open-to-world";

describe("isWorldSource", () => {
  it.each(["0.0.0.0/0", "::/0", "::0/0", "0:0::/0", "0:0:0:0:0:0:0:0/0", "10.1.2.3/0", "*", "Any", "any", "Internet", "INTERNET", "AzureCloud", "0.0.0.0"])("%s is the whole internet", (s) => {
    expect(isWorldSource(s)).toBe(true);
  });

  it.each(["0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "::/1", "VirtualNetwork", "AzureLoadBalancer", "1.2.3.4", "not-a-cidr", "10.0.0.0/33"])("%s is not", (s) => {
    expect(isWorldSource(s)).toBe(false);
  });
});

describe("coveredSpaces", () => {
  it("finds sets of prefixes that cover a whole space, in any order and with overlaps", () => {
    expect(coveredSpaces(["0.0.0.0/1", "128.0.0.0/1"])).toEqual([4]);
    expect(coveredSpaces(["128.0.0.0/2", "0.0.0.0/1", "192.0.0.0/2", "10.0.0.0/8"])).toEqual([4]);
    expect(coveredSpaces(["::/1", "8000::/1", "0.0.0.0/0"])).toEqual([4, 6]);
    expect(coveredSpaces(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3"])).toEqual([4]);
  });

  it("leaves a gap alone: a space short of one address is not covered", () => {
    expect(coveredSpaces(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6", "252.0.0.0/7", "254.0.0.0/8"])).toEqual([]);
    expect(coveredSpaces(["0.0.0.0/1", "192.0.0.0/2"])).toEqual([]);
    expect(coveredSpaces(["::/1"])).toEqual([]);
    expect(coveredSpaces(["Internet", "garbage"])).toEqual([]);
  });
});

describe("parsePrefix and reachesInternet", () => {
  it("parses IPv4 and IPv6 (compressed, with an IPv4 tail) and masks host bits", () => {
    expect(parsePrefix("10.1.2.3/8")).toEqual({ version: 4, first: 10n << 24n, last: (11n << 24n) - 1n });
    expect(parsePrefix("::ffff:10.0.0.1")).toEqual({ version: 6, first: 0xffff0a000001n, last: 0xffff0a000001n });
    expect(parsePrefix("2001:db8::/32")?.first).toBe(0x20010db8n << 96n);
    for (const bad of ["1.2.3/8", "1::2::3", "10.0.0.0/x", "1.2.3.4/8/9", "g::/8"]) expect(parsePrefix(bad)).toBeUndefined();
  });

  it("tells private and link-local ranges from prefixes that hold internet addresses", () => {
    expect(["10.2.0.0/16", "192.168.1.0/24", "fd00::/8", "fe80::/64"].map(reachesInternet)).toEqual([false, false, false, false]);
    expect(["0.0.0.0/1", "8.8.8.8/32", "2001:db8::/32", "AzureCloud"].map(reachesInternet)).toEqual([true, true, true, true]);
  });
});

describe("parsePrefix, exact ranges", () => {
  const range = (text: string) => {
    const r = parsePrefix(text);
    return r && [r.version, r.first, r.last];
  };

  it.each([
    [" 10.1.2.3/8 ", [4, 167772160n, 184549375n]],
    ["10.0.0.0/32", [4, 167772160n, 167772160n]],
    ["10.0.0.0/0", [4, 0n, 4294967295n]],
    ["1.2.3.255", [4, 16909311n, 16909311n]],
    ["::1", [6, 1n, 1n]],
    ["::/0", [6, 0n, (1n << 128n) - 1n]],
    ["1::2:3", [6, (1n << 112n) + (2n << 16n) + 3n, (1n << 112n) + (2n << 16n) + 3n]],
    ["1:2:3:4::5:6:7/128", [6, 0x0001000200030004000000050006_0007n, 0x0001000200030004000000050006_0007n]],
    ["1:2:3:4:5:6:7:8/128", [6, 0x00010002000300040005000600070008n, 0x00010002000300040005000600070008n]],
    ["::ffff:1.2.3.4", [6, 281470698652420n, 281470698652420n]],
    ["fe80::/10", [6, 0xfe80n << 112n, (0xfe80n << 112n) + (1n << 118n) - 1n]],
  ])("%j parses", (text, expected) => {
    expect(range(text)).toEqual(expected);
  });

  it.each([
    "10.0.0.0/8/1", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/a8", "10.0.0.0/8a", "10.0.0.0/", "1.2.3.256", "1.2.3.4a", "1.2.3",
    "10.0.0.0/1e1", "10.0.0.0/ 8", "10.0.0.0/0x8", "1.2.3.4:1::", "::/129", "1:2:3:4:5:6:7", "1:2:3:4::5:6:7:8", "1::2::3", "1::12345", "1::g", "::ffff:1.2.3.999", "", "x",
  ])("%j is no prefix", (text) => {
    expect(parsePrefix(text)).toBeUndefined();
  });
});

describe("isWorldSource, coveredSpaces and reachesInternet at their edges", () => {
  it("compares tags without surrounding space or case", () => {
    expect(isWorldSource(" ANY ")).toBe(true);
    expect(isWorldSource(" Internet")).toBe(true);
  });

  it("finds a cover whatever the order, and a cover that starts with single hosts", () => {
    expect(coveredSpaces(["192.0.0.0/2", "128.0.0.0/2", "64.0.0.0/2", "0.0.0.0/2"])).toEqual([4]);
    expect(coveredSpaces(["192.0.0.0/2", "128.0.0.0/2", "0.0.0.0/2"])).toEqual([]);
    // 0.0.0.0/32, 0.0.0.1/32, 0.0.0.2/31, 0.0.0.4/30, ..., 128.0.0.0/1: each starts where the ones before end.
    const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
    const doubling = [0, ...Array.from({ length: 32 }, (_, k) => 2 ** k)];
    const prefixes = doubling.map((start, i) => `${dotted(start)}/${i === 0 ? 32 : 33 - i}`);
    expect(prefixes.slice(0, 4)).toEqual(["0.0.0.0/32", "0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30"]);
    expect(prefixes.at(-1)).toBe("128.0.0.0/1");
    expect(coveredSpaces(prefixes)).toEqual([4]);
    expect(coveredSpaces(prefixes.slice(1))).toEqual([]);
  });

  it.each([
    ["8.8.8.8/32", true], ["10.1.0.0/16", false], ["10.0.0.0/7", true], ["2001:db8::/32", true], ["fd00::/8", false], ["::1", false], ["::2", true], ["::a00:1", true], ["VirtualNetwork", true],
  ])("%s reaches the internet: %s", (source, expected) => {
    expect(reachesInternet(source)).toBe(expected);
  });

  it("names the spaces", () => {
    expect([spaceName(4), spaceName(6)]).toEqual(["IPv4", "IPv6"]);
  });
});
