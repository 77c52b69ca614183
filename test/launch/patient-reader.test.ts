import { describe, expect, it } from "vitest";
import { patientReader } from "../../lib/launch/patient-reader";
import type { ObjectReader } from "../../lib/launch/status-store";

/** A reader that fails `failures` times, then returns "done". */
function flaky(failures: number): ObjectReader & { calls: number } {
  const r = {
    calls: 0,
    read: async () => {
      r.calls++;
      if (r.calls <= failures) throw new Error(`ExpiredToken (${r.calls})`);
      return "done";
    },
    readFrom: async () => "",
  };
  return r;
}

describe("patientReader", () => {
  it("reads failures as 'nothing yet' however many there are, warning at once and then at most once a minute", async () => {
    let clock = Date.parse("2026-11-30T10:00:00Z");
    const warnings: string[] = [];
    const reader = patientReader(flaky(200), { warn: (m) => warnings.push(m), now: () => clock });
    for (let i = 0; i < 200; i++) {
      expect(await reader.read("s3://b/status.json")).toBeUndefined();
      clock += 1000; // one read a second: 200 s of failures
    }
    expect(await reader.read("s3://b/status.json")).toBe("done");
    expect(warnings).toEqual([
      "warning: reading s3://b/status.json failed 1 time(s) in a row since 2026-11-30T10:00:00.000Z: ExpiredToken (1) (the run is not touched; still trying until its deadline)",
      "warning: reading s3://b/status.json failed 61 time(s) in a row since 2026-11-30T10:00:00.000Z: ExpiredToken (61) (the run is not touched; still trying until its deadline)",
      "warning: reading s3://b/status.json failed 121 time(s) in a row since 2026-11-30T10:00:00.000Z: ExpiredToken (121) (the run is not touched; still trying until its deadline)",
      "warning: reading s3://b/status.json failed 181 time(s) in a row since 2026-11-30T10:00:00.000Z: ExpiredToken (181) (the run is not touched; still trying until its deadline)",
      "reading s3://b/status.json works again after 200 failure(s)",
    ]);
  });

  it("with stopAfterFailures, throws the read's own error at that many failures in a row, not one before", async () => {
    const reader = patientReader(flaky(99), { warn: () => undefined, stopAfterFailures: 3 });
    await expect(reader.read("u")).resolves.toBeUndefined();
    await expect(reader.read("u")).resolves.toBeUndefined();
    await expect(reader.read("u")).rejects.toThrow("ExpiredToken (3)");
  });

  it("counts failures in a row: a success in between starts the count again", async () => {
    let n = 0;
    const reader = patientReader(
      { read: async () => { n++; if (n % 3 === 0) return "ok"; throw new Error("throttled"); }, readFrom: async () => "" },
      { warn: () => undefined, stopAfterFailures: 3 },
    );
    for (let i = 0; i < 30; i++) await reader.read("u"); // never 3 failures in a row
  });
});
