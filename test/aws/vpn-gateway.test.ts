import { type TerraformStack, TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsVpnGateway } from "../../lib/aws/vpn-gateway";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { validationErrorOf, resources, synth } from "../helpers";
import { hybridStack, otherStack } from "../hybrid/helpers";

describe("AwsVpnGateway", () => {
  it("is one per network: a second caller asking for another ASN is refused", () => {
    const { aws } = hybridStack();
    expect(AwsVpnGateway.tryOf(aws)).toBeUndefined();
    AwsVpnGateway.of(aws, { asn: 64600 });
    expect(AwsVpnGateway.tryOf(aws)?.asn).toBe(64600);
    expect(validationErrorOf(() => AwsVpnGateway.of(aws, { asn: 64512 }))).toBe("s/aws-net: awsAsn 64512 is not valid: use 64600, the ASN of the VPC's virtual private gateway that another link or site already set up");
  });

  it("judges a second caller's ASN by the gateway's ASN rule first: one the Amazon side cannot have is told so, not only that it differs", () => {
    const { aws } = hybridStack();
    AwsVpnGateway.of(aws, { asn: 64600 });
    expect(validationErrorOf(() => AwsVpnGateway.of(aws, { asn: 64511 }))).toBe("s/aws-net: awsAsn 64511 is not valid: use a private ASN: 64512-65534 or 4200000000-4294967294");
    expect(AwsVpnGateway.of(aws, { asn: 64600 }).asn).toBe(64600);
  });

  it("refuses an ASN from a Terraform expression, new or for an existing gateway, and takes a number", () => {
    const asnOf = (stack: TerraformStack) => new TerraformVariable(stack, "asn", { type: "number" }).numberValue;
    const fresh = hybridStack();
    const rule = "use a number: a VPN gateway's ASN is checked at synth against the ASNs of the links and sites that peer with it, so it cannot come from a Terraform expression";
    expect(validationErrorOf(() => AwsVpnGateway.of(fresh.aws, { asn: asnOf(fresh.stack) }))).toBe(`s/aws-net/vpn-gateway: awsAsn "(an expression)" is not valid: ${rule}`);
    const { stack, aws } = hybridStack();
    expect(AwsVpnGateway.of(aws, { asn: 64600 }).asn).toBe(64600);
    expect(validationErrorOf(() => AwsVpnGateway.of(aws, { asn: asnOf(stack) }))).toBe(`s/aws-net: awsAsn "(an expression)" is not valid: ${rule}`);
    expect(AwsVpnGateway.of(aws).asn).toBe(64600);
  });

  it.each([64511, 65535, 4199999999, 4294967295])("refuses %i: the Amazon side takes private ASNs only", (asn) => {
    const { aws } = hybridStack();
    expect(validationErrorOf(() => AwsVpnGateway.of(aws, { asn }))).toBe(`s/aws-net/vpn-gateway: awsAsn ${asn} is not valid: use a private ASN: 64512-65534 or 4200000000-4294967294`);
  });
});

describe("AwsVpnGateway.attachedBefore: VPN connections wait for the attachment", () => {
  it("in the gateway's stack, by depending on the attachment", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    const vpns = resources(synth(stack), "aws_vpn_connection");
    expect(vpns.map((v) => v.depends_on)).toEqual([["aws_vpn_gateway_attachment.aws-net_vpn-gateway_attachment_EC3062AF"], ["aws_vpn_gateway_attachment.aws-net_vpn-gateway_attachment_EC3062AF"]]);
  });

  it("from another stack, through a stack dependency: Terraform cannot depend on another state's resource", () => {
    const { stack, aws, azure } = hybridStack();
    const vpnStack = otherStack(stack.node.root as never, "vpn");
    new CrossCloudLink(vpnStack, "link", { aws, azure });
    const vpns = resources(synth(vpnStack), "aws_vpn_connection");
    expect(vpns).toHaveLength(2);
    expect(vpns.map((v) => v.depends_on)).toEqual([undefined, undefined]);
    expect(vpnStack.dependencies).toContain(stack);
  });
});
