import { describe, expect, it } from "vitest";
import { Progress, elapsed, gibibytes } from "../../lib/launch/progress";

const plan = { type: "change_summary", changes: { add: 3, change: 0, remove: 0, operation: "plan" } };
const done = (addr: string, type = "apply_complete") => ({ type, hook: { resource: { addr } } });

describe("Progress", () => {
  it("prints plain lines with counts when not on a terminal", () => {
    const out: string[] = [];
    const p = new Progress({ isTTY: false, write: (t) => void out.push(t) });
    p.phase("apply aws/us-east-1/use1-az4/p5.48xlarge");
    p.event(plan);
    p.event(done("aws_vpc.net"));
    p.event(done("aws_subnet.a", "apply_errored"));
    expect(out[0]).toMatch(/^\[\d\d:\d\d\] apply aws\/us-east-1\/use1-az4\/p5\.48xlarge\n$/);
    expect(out[1]).toMatch(/^ {2}1\/3 aws_vpc\.net \(\d\d:\d\d\)\n$/);
    expect(out[2]).toMatch(/^ {2}2\/3 FAILED aws_subnet\.a/);
    expect(p.counts).toEqual({ done: 2, total: 3 });
  });
  it("redraws a bar on a terminal", () => {
    const out: string[] = [];
    const p = new Progress({ isTTY: true, write: (t) => void out.push(t) });
    p.phase("destroy");
    p.event(plan);
    p.event(done("aws_vpc.net"));
    expect(out[out.length - 1]).toMatch(/^\r {2}\[#{10}\.{20}\] 1\/3 \d\d:\d\d$/);
    p.note("destroyed");
    expect(out[out.length - 2]).toBe("\n");
  });
  it("formats elapsed time", () => {
    expect(elapsed(65_000)).toBe("01:05");
    expect(elapsed(3_725_000)).toBe("1:02:05");
  });
});

describe("gibibytes: sizes in the unit egress is billed in (2^30 bytes)", () => {
  it.each([
    [0, "0.000 GiB"],
    [32_212_255, "0.030 GiB"], // 0.0300000002 GiB
    [1_073_741_823, "1.000 GiB"], // one byte under 1 GiB: still three decimals
    [1_073_741_824, "1.0 GiB"],
    [2_500_000_000, "2.3 GiB"], // 2.33 GiB; 2.5 decimal GB
    [13_421_772_800, "12.5 GiB"],
  ])("%d bytes: %s", (bytes, shown) => {
    expect(gibibytes(bytes)).toBe(shown);
  });
});
