import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack, Testing, type App } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../../../lib/aws/network";
import { AzureNetwork } from "../../../../lib/azure/network";
import { CrossCloudLink } from "../../../../lib/hybrid/cross-cloud-link";
import { expected, findings } from "./findings";

const ID = "HGPU-TF-2";
const TITLE = "No other stack reads a state that holds VPN keys";

function stackIn(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  return stack;
}

/** A platform stack with the networks, the link in `linkStack` (or the platform), and a team stack using the VPC. */
function app(linkApart: boolean) {
  const a = Testing.app();
  const platform = stackIn(a, "platform");
  const aws = new AwsNetwork(platform, "aws-net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
  const azure = new AzureNetwork(platform, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
  const linkStack = linkApart ? stackIn(a, "platform-vpn") : platform;
  new CrossCloudLink(linkStack, "link", { aws, azure });
  const team = stackIn(a, "team");
  new SecurityGroup(team, "sg", { vpcId: aws.vpc.id });
  a.synth(); // resolves the cross-stack references
  return { platform, linkStack };
}

describe("HGPU-TF-2 No other stack reads a state that holds VPN keys", () => {
  it("Compliance: the link in a stack of its own, which reads the networks' stack but is read by none", () => {
    const { platform, linkStack } = app(true);
    expect(findings(linkStack, ID)).toEqual([]);
    expect(findings(platform, ID)).toEqual([]);
  });

  it("Noncompliance: the link in the networks' stack, which a team stack reads", () => {
    const { platform } = app(false);
    const line = "the state of stack platform holds this connection's pre-shared keys, and stack team reads that whole state through cdktf cross-stack references: move the links and sites to a stack no other stack references";
    expect(findings(platform, ID)).toEqual(expected("warning", ID, TITLE,
      ["platform/link/vpn-azure-0", line], ["platform/link/vpn-azure-1", line],
      ...["0-1", "0-2", "1-1", "1-2"].map((i): [string, string] => [`platform/link/connection-${i}`, line])));
  });
});
