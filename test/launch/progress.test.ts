import { describe, expect, it } from "vitest";
import { Progress, elapsed } from "../../lib/launch/progress";

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
