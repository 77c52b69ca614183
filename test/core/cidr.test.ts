import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate, blockSize, cidrProblem, contains, containsAddress, formatCidr, formatIpv4, isPrivateCidr, isPublicIpv4,
  lastAddress, overlaps, parseCidr, parseIpv4, split, tryParseCidr,
} from "../../lib/core/cidr";

const arbCidr = fc
  .record({ ip: fc.integer({ min: 0, max: 2 ** 32 - 1 }), prefix: fc.integer({ min: 0, max: 32 }) })
  .map(({ ip, prefix }) => formatCidr({ network: ip - (ip % blockSize(prefix)), prefix }));

describe("parseIpv4 / formatIpv4", () => {
  it("round-trips every address", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => parseIpv4(formatIpv4(n)) === n));
  });
  it.each(["256.0.0.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", "01.2.3.4", "", " ", " 10.0.0.1", "10.0.0.1\n"])("rejects %j", (bad) => {
    expect(parseIpv4(bad)).toBeUndefined();
  });
});

describe("parseCidr", () => {
  it("parses a canonical block", () => {
    expect(parseCidr("10.1.0.0/16")).toEqual({ network: 0x0a010000, prefix: 16 });
    expect(formatCidr(parseCidr("0.0.0.0/0"))).toBe("0.0.0.0/0");
  });
  it("says what is wrong with host bits set", () => {
    expect(cidrProblem("10.0.0.1/16")).toBe("host bits are set: use 10.0.0.0/16");
    expect(() => parseCidr("10.0.0.1/16")).toThrow(new RangeError('"10.0.0.1/16": host bits are set: use 10.0.0.0/16'));
  });
  it.each(["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/8/8", "x/8", "/16", "16", "8", "", "10.0.0.0.", " 10.0.0.0/16", "10.0.0.0 /16", "10.0.0.0/16 "])("rejects malformed %j", (bad) => {
    expect(cidrProblem(bad)).toBe("expected an IPv4 CIDR such as 10.0.0.0/16");
    expect(tryParseCidr(bad)).toBeUndefined();
  });
  it("round-trips every canonical block", () => {
    fc.assert(fc.property(arbCidr, (c) => formatCidr(parseCidr(c)) === c));
  });
});

describe("contains / overlaps", () => {
  it("knows the basic cases", () => {
    expect(contains("10.0.0.0/8", "10.20.0.0/16")).toBe(true);
    expect(contains("10.20.0.0/16", "10.0.0.0/8")).toBe(false);
    expect(overlaps("10.0.0.0/8", "10.20.0.0/16")).toBe(true);
    expect(overlaps("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(overlaps("192.168.1.0/24", "192.168.1.128/25")).toBe(true);
    expect(containsAddress("172.16.0.0/12", "172.31.255.255")).toBe(true);
    expect(containsAddress("172.16.0.0/12", "172.32.0.0")).toBe(false);
    expect(lastAddress("10.0.0.0/30")).toBe(parseIpv4("10.0.0.3"));
  });
  it("containsAddress: both ends of the block count, a malformed address is outside", () => {
    expect(containsAddress("10.0.0.0/8", "10.0.0.0")).toBe(true);
    expect(containsAddress("10.0.0.0/8", "9.255.255.255")).toBe(false);
    expect(containsAddress("10.0.0.0/8", "10.255.255.255")).toBe(true);
    expect(containsAddress("10.0.0.0/8", 0x0a000001)).toBe(true);
    expect(containsAddress("10.0.0.0/8", "10.0.0")).toBe(false);
  });
  it.each<[string, string, boolean]>([
    // a /32 at either edge of a block, and the addresses just outside it
    ["10.0.0.0/24", "10.0.0.255/32", true],
    ["10.0.0.255/32", "10.0.0.0/24", true],
    ["10.0.0.0/24", "10.0.0.0/32", true],
    ["10.0.0.0/32", "10.0.0.0/24", true],
    ["10.0.0.0/24", "10.0.1.0/32", false],
    ["10.0.1.0/32", "10.0.0.0/24", false],
    ["10.0.0.0/24", "9.255.255.255/32", false],
    ["10.0.0.7/32", "10.0.0.7/32", true],
    ["10.0.0.7/32", "10.0.0.8/32", false],
    ["0.0.0.0/0", "255.255.255.255/32", true],
  ])("overlaps(%s, %s) is %s", (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
  });
  it("overlap is symmetric and implied by containment", () => {
    fc.assert(
      fc.property(arbCidr, arbCidr, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (contains(a, b)) expect(overlaps(a, b)).toBe(true);
        // two aligned blocks overlap only when one contains the other
        expect(overlaps(a, b)).toBe(contains(a, b) || contains(b, a));
      }),
    );
  });
});

describe("split", () => {
  it("splits a /16 into /24s in address order", () => {
    expect(split("10.0.0.0/16", 24, 3)).toEqual(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
    expect(split("10.0.0.0/24", 26)).toEqual(["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]);
  });
  it("refuses impossible splits", () => {
    expect(() => split("10.0.0.0/16", 8)).toThrow(new RangeError("cannot split 10.0.0.0/16 into /8 blocks: use a prefix from 16 to 32"));
    expect(() => split("10.0.0.0/24", 26, 5)).toThrow(new RangeError("10.0.0.0/24 holds only 4 /26 blocks, 5 were asked for"));
    expect(() => split("10.0.0.0/30", 33)).toThrow(new RangeError("cannot split 10.0.0.0/30 into /33 blocks: use a prefix from 30 to 32"));
    expect(() => split("10.0.0.0/30", 30.5)).toThrow(new RangeError("cannot split 10.0.0.0/30 into /30.5 blocks: use a prefix from 30 to 32"));
    expect(split("10.0.0.0/30", 32)).toEqual(["10.0.0.0/32", "10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"]);
  });
  it("gives disjoint sub-blocks that the parent contains", () => {
    fc.assert(
      fc.property(arbCidr.filter((c) => parseCidr(c).prefix <= 28), fc.integer({ min: 0, max: 4 }), (c, extra) => {
        const p = parseCidr(c).prefix;
        const parts = split(c, p + extra, Math.min(16, 2 ** extra));
        for (const [i, x] of parts.entries()) {
          expect(contains(c, x)).toBe(true);
          for (const y of parts.slice(i + 1)) expect(overlaps(x, y)).toBe(false);
        }
      }),
    );
  });
});

describe("allocate", () => {
  it("hands out the first free block, deterministically", () => {
    expect(allocate("10.0.0.0/8", 16, [])).toBe("10.0.0.0/16");
    expect(allocate("10.0.0.0/8", 16, ["10.0.0.0/16", "10.1.0.0/16"])).toBe("10.2.0.0/16");
    expect(allocate("10.0.0.0/8", 16, ["10.0.128.0/17"])).toBe("10.1.0.0/16");
    expect(allocate("10.0.0.0/15", 16, ["10.0.0.0/16", "10.1.0.0/16"])).toBeUndefined();
  });
  it("hands out /32s and /31s past a clash, and nothing larger than the pool or longer than /32", () => {
    expect(allocate("10.0.0.0/30", 32, [])).toBe("10.0.0.0/32");
    expect(allocate("10.0.0.0/30", 32, ["10.0.0.0/31"])).toBe("10.0.0.2/32");
    expect(allocate("10.0.0.0/30", 31, ["10.0.0.1/32"])).toBe("10.0.0.2/31");
    expect(allocate("10.0.0.0/30", 33, [])).toBeUndefined();
    expect(allocate("10.0.0.0/16", 8, [])).toBeUndefined();
    expect(allocate("10.0.0.0/16", 16, [])).toBe("10.0.0.0/16");
  });
  it("returns the lowest aligned block of the pool that overlaps no taken block, whatever their order, or undefined when there is none", () => {
    // The oracle walks every aligned block of 10.0.0.0/20 (4096 addresses) with plain integer ranges.
    const lowestFree = (prefix: number, taken: readonly { start: number; size: number }[]): string | undefined => {
      const size = 2 ** (32 - prefix);
      for (let start = 0; start + size <= 4096; start += size) {
        if (taken.every((t) => t.start + t.size <= start || start + size <= t.start)) return `10.0.${start >> 8}.${start & 255}/${prefix}`;
      }
      return undefined;
    };
    const block = fc.integer({ min: 20, max: 28 }).chain((prefix) =>
      fc.integer({ min: 0, max: 2 ** (prefix - 20) - 1 }).map((i) => ({ start: i * 2 ** (32 - prefix), size: 2 ** (32 - prefix), prefix })),
    );
    let found = 0;
    let full = 0;
    fc.assert(
      fc.property(fc.array(block, { maxLength: 12 }), fc.integer({ min: 20, max: 28 }), (taken, prefix) => {
        const text = taken.map((t) => `10.0.${t.start >> 8}.${t.start & 255}/${t.prefix}`);
        const expected = lowestFree(prefix, taken);
        expect(allocate("10.0.0.0/20", prefix, text)).toBe(expected);
        if (expected === undefined) full++;
        else found++;
      }),
      { numRuns: 300 },
    );
    // both outcomes were exercised
    expect(found).toBeGreaterThan(50);
    expect(full).toBeGreaterThan(0);
  });
});

describe("address classes", () => {
  it.each([
    ["8.8.8.8", true], ["52.1.2.3", true], ["10.1.2.3", false], ["172.20.0.1", false], ["192.168.0.1", false],
    ["100.64.0.1", false], ["127.0.0.1", false], ["169.254.21.1", false], ["203.0.113.5", false], ["224.0.0.1", false],
    ["not-an-ip", false],
  ])("isPublicIpv4(%s) is %s", (ip, expected) => {
    expect(isPublicIpv4(ip)).toBe(expected);
  });
  it("isPrivateCidr", () => {
    expect(isPrivateCidr("10.4.0.0/16")).toBe(true);
    expect(isPrivateCidr("172.16.0.0/12")).toBe(true);
    expect(isPrivateCidr("172.0.0.0/8")).toBe(false);
    expect(isPrivateCidr("8.8.8.0/24")).toBe(false);
  });
});

describe("split limits", () => {
  it("refuses to list millions of blocks", () => {
    expect(() => split("10.0.0.0/8", 32)).toThrow(new RangeError("10.0.0.0/8 split into /32 gives 16777216 blocks: pass a count of at most 65536"));
    expect(split("10.0.0.0/8", 32, 2)).toEqual(["10.0.0.0/32", "10.0.0.1/32"]);
    const most = split("10.0.0.0/16", 32);
    expect([most.length, most[0], most.at(-1)]).toEqual([65_536, "10.0.0.0/32", "10.0.255.255/32"]);
  });
});
