import { describe, expect, it } from "vitest";
import { plural } from "../../lib/core/plural";

describe("plural", () => {
  it.each<[number, string, string | undefined, string]>([
    [1, "run", undefined, "1 run"],
    [0, "run", undefined, "0 runs"],
    [2, "run", undefined, "2 runs"],
    [1.5, "GPU", undefined, "1.5 GPUs"],
    [1, "gateway or VPN connection", "gateways or VPN connections", "1 gateway or VPN connection"],
    [3, "gateway or VPN connection", "gateways or VPN connections", "3 gateways or VPN connections"],
  ])("plural(%d, %j, %j) is %j", (n, one, many, expected) => {
    expect(many === undefined ? plural(n, one) : plural(n, one, many)).toBe(expected);
  });
});
