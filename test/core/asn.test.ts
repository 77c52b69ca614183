import { describe, expect, it } from "vitest";
import {
  AWS_CUSTOMER_GATEWAY_RESERVED_ASNS,
  AWS_DEFAULT_GATEWAY_ASN,
  DEFAULT_AZURE_GATEWAY_ASN,
  AZURE_RESERVED_ASNS,
  asnProblem,
  azureGatewayAsnProblem,
  azurePeerAsnProblem,
  customerGatewayAsnProblem,
  isIanaReservedAsn,
  isPrivateAsn,
  type AsnRoles,
} from "../../lib/core/asn";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf } from "../helpers";

const PRIVATE = "use a private ASN: 64512-65534 or 4200000000-4294967294";
const RANGE = "use a whole number from 1 to 4294967294";
const IANA = "use an ASN outside the ranges IANA reserves: 23456, 64496-64511 and 65535-65551";
const AZURE_GATEWAY = "use an ASN Azure lets a VPN gateway have: 65515 (its default) or one outside 8074, 8075, 12076 and 65516-65520, which Azure keeps for itself";
const AZURE_PEER = "use an ASN Azure accepts from a BGP peer: not 8074, 8075, 12076, 65515 or 65517-65520, which Azure reserves";

describe("the ASN ranges", () => {
  it.each<[number, boolean]>([
    [64511, false],
    [64512, true],
    [65534, true],
    [65535, false],
    [4199999999, false],
    [4200000000, true],
    [4294967294, true],
    [4294967295, false],
    [64512.5, false],
    [100, false],
  ])("isPrivateAsn(%d) is %s", (asn, expected) => {
    expect(isPrivateAsn(asn)).toBe(expected);
  });

  it.each<[number, boolean]>([
    [0, true],
    [1, false],
    [23455, false],
    [23456, true],
    [23457, false],
    [64495, false],
    [64496, true],
    [64511, true],
    [64512, false],
    [65534, false],
    [65535, true],
    [65551, true],
    [65552, false],
    [4294967294, false],
    [4294967295, true],
  ])("isIanaReservedAsn(%d) is %s", (asn, expected) => {
    expect(isIanaReservedAsn(asn)).toBe(expected);
  });
});

describe("each cloud's reserved ASNs", () => {
  it("Azure reserves 8074, 8075, 12076, 65515 and 65517-65520 (VPN Gateway FAQ)", () => {
    expect(AZURE_RESERVED_ASNS).toEqual([8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520]);
  });

  it.each<[number, string | undefined, string | undefined]>([
    [65515, undefined, AZURE_PEER],
    [65514, undefined, undefined],
    [65516, AZURE_GATEWAY, undefined],
    [65517, AZURE_GATEWAY, AZURE_PEER],
    [65520, AZURE_GATEWAY, AZURE_PEER],
    [65521, undefined, undefined],
    [8073, undefined, undefined],
    [8074, AZURE_GATEWAY, AZURE_PEER],
    [8075, AZURE_GATEWAY, AZURE_PEER],
    [8076, undefined, undefined],
    [12076, AZURE_GATEWAY, AZURE_PEER],
  ])("%i: as an Azure gateway's %j, as an Azure peer's %j", (asn, gateway, peer) => {
    expect(azureGatewayAsnProblem(asn)).toBe(gateway);
    expect(azurePeerAsnProblem(asn)).toBe(peer);
  });

  it("AWS reserves 7224 everywhere and one ASN in each of three regions (Site-to-Site VPN guide)", () => {
    expect(AWS_CUSTOMER_GATEWAY_RESERVED_ASNS).toEqual([{ asn: 7224 }, { asn: 9059, region: "eu-west-1" }, { asn: 10124, region: "ap-northeast-1" }, { asn: 17943, region: "ap-southeast-1" }]);
  });

  it.each<[number, string, string | undefined]>([
    [7224, "us-east-1", "use an ASN other than 7224, which AWS reserves in every region"],
    [7224, "eu-central-1", "use an ASN other than 7224, which AWS reserves in every region"],
    [9059, "eu-west-1", "use an ASN other than 9059, which AWS reserves in eu-west-1 (the region of s/net)"],
    [9059, "eu-west-2", undefined],
    [10124, "ap-northeast-1", "use an ASN other than 10124, which AWS reserves in ap-northeast-1 (the region of s/net)"],
    [10124, "ap-northeast-2", undefined],
    [17943, "ap-southeast-1", "use an ASN other than 17943, which AWS reserves in ap-southeast-1 (the region of s/net)"],
    [17943, "ap-southeast-2", undefined],
    [7225, "us-east-1", undefined],
    [65515, "us-east-1", undefined],
  ])("customer gateway %i in %s", (asn, region, problem) => {
    expect(customerGatewayAsnProblem(asn, region, "s/net")).toBe(problem);
  });
});

describe("asnProblem: the first rule an ASN breaks for its roles", () => {
  const awsGateway: AsnRoles = { awsGateway: true };
  const onPrem: AsnRoles = { azurePeer: true, awsCustomerGatewayIn: [{ region: "eu-west-1", where: "s/net" }] };
  it.each<[string, number, AsnRoles, string | undefined]>([
    // an AWS gateway's ASN: private only, which also keeps it in range and clear of IANA's ranges
    ["aws gateway", 64511, awsGateway, PRIVATE],
    ["aws gateway", 64512, awsGateway, undefined],
    ["aws gateway", 65534, awsGateway, undefined],
    ["aws gateway", 65535, awsGateway, PRIVATE],
    ["aws gateway", 4199999999, awsGateway, PRIVATE],
    ["aws gateway", 4200000000, awsGateway, undefined],
    ["aws gateway", 4294967294, awsGateway, undefined],
    ["aws gateway", 4294967295, awsGateway, PRIVATE],
    ["aws gateway", 7224, awsGateway, PRIVATE],
    // any other: a whole number in 1..4294967294, outside IANA's ranges
    ["no role", 0, {}, RANGE],
    ["no role", 1, {}, undefined],
    ["no role", 4294967294, {}, undefined],
    ["no role", 4294967295, {}, RANGE],
    ["no role", 65000.5, {}, RANGE],
    ["no role", Number.NaN, {}, RANGE],
    ["no role", 23456, {}, IANA],
    ["no role", 64496, {}, IANA],
    ["no role", 64495, {}, undefined],
    ["no role", 65551, {}, IANA],
    ["no role", 65552, {}, undefined],
    // then each cloud that sees it
    ["azure gateway", 65515, { azureGateway: true }, undefined],
    ["azure gateway", 65516, { azureGateway: true }, AZURE_GATEWAY],
    ["on-prem device", 65515, onPrem, AZURE_PEER],
    ["on-prem device", 9059, onPrem, "use an ASN other than 9059, which AWS reserves in eu-west-1 (the region of s/net)"],
    ["on-prem device", 9059, { azurePeer: true }, undefined],
    ["on-prem device", 65100, onPrem, undefined],
    // a private AWS gateway ASN that Azure also peers with
    ["aws gateway peered by azure", 65517, { awsGateway: true, azurePeer: true }, AZURE_PEER],
  ])("%s %d: %j", (_, asn, roles, problem) => {
    expect(asnProblem(asn, roles)).toBe(problem);
  });

  it("Validator.asn throws it as a ValidationError naming the path and field, and skips unresolved values except a gateway's own", () => {
    expect(validationErrorOf(() => new Validator("s/link").asn("awsAsn", 100, awsGateway))).toBe(`s/link: awsAsn 100 is not valid: ${PRIVATE}`);
    expect(new Validator("s/link").asn("awsAsn", 64512, awsGateway)).toBe(64512);
    const token = -1.8881545897087626e289;
    const v = new Validator("s/site", { isUnresolved: (x) => x === token });
    expect(v.asn("bgpAsn", token, { azurePeer: true, awsCustomerGatewayIn: [{ region: "us-east-1", where: "s/aws-net" }] })).toBe(token);
    const known = "use a number: a VPN gateway's ASN is checked at synth against the ASNs of the links and sites that peer with it, so it cannot come from a Terraform expression";
    expect(validationErrorOf(() => v.asn("awsAsn", token, awsGateway))).toBe(`s/site: awsAsn "(an expression)" is not valid: ${known}`);
    expect(validationErrorOf(() => v.asn("azureAsn", token, { azureGateway: true }))).toBe(`s/site: azureAsn "(an expression)" is not valid: ${known}`);
  });
});

describe("the default gateway ASNs", () => {
  it("each meets every rule of the roles a link gives it", () => {
    expect(asnProblem(AWS_DEFAULT_GATEWAY_ASN, { awsGateway: true, azurePeer: true })).toBeUndefined();
    // 7224 is reserved only for AWS customer gateways: without one, it is a good ASN
    expect(asnProblem(7224, {})).toBeUndefined();
    expect(asnProblem(7224, { azurePeer: true, awsCustomerGatewayIn: [] })).toBeUndefined();
    expect(asnProblem(DEFAULT_AZURE_GATEWAY_ASN, { azureGateway: true, awsCustomerGatewayIn: [{ region: "eu-west-1", where: "s/net" }] })).toBeUndefined();
  });
});
