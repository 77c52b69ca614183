import { describe, expect, it } from "vitest";
import { asnArg } from "../../lib/hybrid/asn";

describe("asnArg", () => {
  it.each<[number, Record<string, string>]>([
    [65000, { bgpAsn: "65000" }],
    [2147483647, { bgpAsn: "2147483647" }],
    [2147483648, { bgpAsnExtended: "2147483648" }],
    [4294967294, { bgpAsnExtended: "4294967294" }],
  ])("%i -> %j (AWS's bgp_asn stops at 2147483647)", (asn, arg) => {
    expect(asnArg(asn)).toEqual(arg);
  });
});
