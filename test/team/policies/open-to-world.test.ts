import { describe, expect, it } from "vitest";
import { coveredSpaces, isWorldSource, parsePrefix, reachesInternet } from "../../../lib/team/policies/open-to-world";

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
