import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { newCustomerGateway } from "../../lib/hybrid/customer-gateway";
import { resources, synth } from "./helpers";

const spec = { ipAddress: "198.51.99.10", addressKey: "198.51.99.10", asn: 65100, region: "us-east-1", tags: { Name: "dc" } };

/** A stack "s" with an AWS provider, in an app of its own. */
function stack(id = "s"): TerraformStack {
  const s = new TerraformStack(Testing.app(), id);
  new AwsProvider(s, "aws", { region: "us-east-1" });
  return s;
}

describe("newCustomerGateway", () => {
  it("gives the first customer gateway of an identity AWS's plain form, and each later one a device name of its own", () => {
    const s = stack();
    newCustomerGateway(s, "first", spec);
    newCustomerGateway(s, "second", spec);
    newCustomerGateway(s, "third", spec);
    expect(resources(synth(s), "aws_customer_gateway")).toEqual([
      { type: "ipsec.1", ip_address: "198.51.99.10", bgp_asn: "65100", tags: { Name: "dc" } },
      { type: "ipsec.1", ip_address: "198.51.99.10", bgp_asn: "65100", device_name: "s/second", tags: { Name: "dc" } },
      { type: "ipsec.1", ip_address: "198.51.99.10", bgp_asn: "65100", device_name: "s/third", tags: { Name: "dc" } },
    ]);
  });

  it.each<[string, Partial<typeof spec>]>([
    ["another region", { region: "us-west-2" }],
    ["another address", { addressKey: "198.51.99.11" }],
    ["another ASN", { asn: 65101 }],
  ])("treats %s as another identity: no device name", (_, change) => {
    const s = stack();
    newCustomerGateway(s, "first", spec);
    newCustomerGateway(s, "other", { ...spec, ...change });
    expect(resources(synth(s), "aws_customer_gateway").map((c) => c.device_name)).toEqual([undefined, undefined]);
  });

  it("keeps identities per app: the same identity in another app is a first again", () => {
    const one = stack();
    const two = stack();
    newCustomerGateway(one, "first", spec);
    newCustomerGateway(two, "first", spec);
    expect(resources(synth(two), "aws_customer_gateway")[0].device_name).toBeUndefined();
  });

  it("uses a 4-byte ASN's extended argument", () => {
    const s = stack();
    newCustomerGateway(s, "first", { ...spec, asn: 4200000000 });
    expect(resources(synth(s), "aws_customer_gateway")).toEqual([{ type: "ipsec.1", ip_address: "198.51.99.10", bgp_asn_extended: "4200000000", tags: { Name: "dc" } }]);
  });

  it("keeps the last 255 characters of a longer path, AWS's limit for a device name", () => {
    const s = stack();
    const deep = new Construct(s, "a".repeat(300));
    newCustomerGateway(s, "first", spec);
    newCustomerGateway(deep, "cgw", spec);
    expect(resources(synth(s), "aws_customer_gateway").map((c) => c.device_name).sort()).toEqual([`${"a".repeat(251)}/cgw`, undefined]);
  });
});
