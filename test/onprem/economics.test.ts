import { describe, expect, it } from "vitest";
import { Validator } from "../../lib/core/validate";
import { amortizedUsdPerGpuHour, checkPoolCost, HOURS_PER_YEAR } from "../../lib/onprem/economics";
import { validationErrorOf } from "../helpers";

// 4 nodes x 8 GPUs = 32 GPUs drawing 8 kW a node, in a site of PUE 1.25.
const shape = { nodes: 4, gpusPerNode: 8, nodeWatts: 8000, pue: 1.25 };
const v = () => new Validator("dc/pool");

describe("amortizedUsdPerGpuHour", () => {
  it("is capital / busy GPU-hours + running / busy GPU-hours + the GPU's share of power x PUE x price (hand-computed)", () => {
    expect(HOURS_PER_YEAR).toBe(8760);
    // busy GPU-hours a year: 8760 x 32 x 0.5 = 140,160; capital 2,803,200 / (4 x 140,160) = 5.0;
    // power: 8000 W / 8 GPUs = 1 kW x 1.25 x $0.10 = $0.125
    expect(amortizedUsdPerGpuHour({ capexUsd: 2_803_200, lifetimeYears: 4, utilization: 0.5, powerUsdPerKwh: 0.1 }, shape)).toBe(5.125);
    // + running costs of 140,160 a year = $1.00 per busy GPU-hour
    const withOpex = { capexUsd: 2_803_200, lifetimeYears: 4, utilization: 0.5, powerUsdPerKwh: 0.1, opexUsdPerYear: 140_160 };
    expect(amortizedUsdPerGpuHour(withOpex, shape)).toBe(6.125);
    // fully used: the capital is spread over twice the hours: 2.5 + 0.125
    expect(amortizedUsdPerGpuHour({ capexUsd: 2_803_200, lifetimeYears: 4, utilization: 1, powerUsdPerKwh: 0.1 }, shape)).toBe(2.625);
    // free power and a written-off cluster cost nothing
    expect(amortizedUsdPerGpuHour({ capexUsd: 0, lifetimeYears: 4, utilization: 1, powerUsdPerKwh: 0 }, shape)).toBe(0);
  });

  it("checkPoolCost keeps a stated cost and says how a derived one was reached", () => {
    expect(checkPoolCost(v(), { usdPerGpuHour: 2.1 }, shape)).toEqual({ usdPerGpuHour: 2.1, basis: "stated" });
    expect(checkPoolCost(v(), { capexUsd: 2_803_200, lifetimeYears: 4, utilization: 0.5, powerUsdPerKwh: 0.1 }, shape)).toEqual({
      usdPerGpuHour: 5.125,
      basis: "amortized: $2803200 over 4 y at 50% use + power at $0.1/kWh x PUE 1.25",
    });
  });
});

describe("bad costs: exact messages, accepted boundaries", () => {
  const derived = { capexUsd: 1_000_000, lifetimeYears: 4, utilization: 0.7, powerUsdPerKwh: 0.12 };
  it.each([
    [{ usdPerGpuHour: -0.01 }, "dc/pool: cost.usdPerGpuHour -0.01 is not valid: use a number of at least 0"],
    [{ ...derived, capexUsd: -1 }, "dc/pool: cost.capexUsd -1 is not valid: use a number of at least 0"],
    [{ ...derived, powerUsdPerKwh: -0.1 }, "dc/pool: cost.powerUsdPerKwh -0.1 is not valid: use a number of at least 0"],
    [{ ...derived, opexUsdPerYear: -5 }, "dc/pool: cost.opexUsdPerYear -5 is not valid: use a number of at least 0"],
    [{ ...derived, utilization: 0 }, "dc/pool: cost.utilization 0 is not valid: use a share above 0 and at most 1, e.g. 0.7 for GPUs busy 70% of the time"],
    [{ ...derived, utilization: 1.01 }, "dc/pool: cost.utilization 1.01 is not valid: use a share above 0 and at most 1, e.g. 0.7 for GPUs busy 70% of the time"],
    [{ ...derived, lifetimeYears: 0 }, "dc/pool: cost.lifetimeYears 0 is not valid: use a number of years above 0, at most 20"],
    [{ ...derived, usdPerGpuHour: 2 }, 'dc/pool: cost {"capexUsd":1000000,"lifetimeYears":4,"utilization":0.7,"powerUsdPerKwh":0.12,"usdPerGpuHour":2} is not valid: use { usdPerGpuHour } alone, or derive it from { capexUsd, lifetimeYears, utilization, powerUsdPerKwh } without usdPerGpuHour'],
    [{}, "dc/pool: cost {} is not valid: use { usdPerGpuHour } or { capexUsd, lifetimeYears, utilization, powerUsdPerKwh }"],
  ])("%j", (cost, message) => {
    expect(validationErrorOf(() => checkPoolCost(v(), cost as never, shape))).toBe(message);
  });
  it("accepts the boundaries: a free GPU-hour, utilization 1 and just above 0, 20 years", () => {
    expect(checkPoolCost(v(), { usdPerGpuHour: 0 }, shape).usdPerGpuHour).toBe(0);
    expect(checkPoolCost(v(), { ...derived, utilization: 1 }, shape).usdPerGpuHour).toBeGreaterThan(0);
    expect(checkPoolCost(v(), { ...derived, utilization: 0.01, lifetimeYears: 20, capexUsd: 0, powerUsdPerKwh: 0 }, shape).usdPerGpuHour).toBe(0);
  });
});
