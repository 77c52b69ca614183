import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureNetwork } from "../../lib/azure/network";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { reachedAzureNetworks, reachedGateways } from "../../lib/hybrid/reach";
import { hybridStack } from "./helpers";

/** Each reached gateway as [network path, kind, ASN, link paths]. */
const summary = (gateways: ReturnType<typeof reachedGateways>) => gateways.map((g) => [g.network.node.path, g.kind, g.asn, g.via.map((l) => l.node.path)]);

describe("reachedGateways", () => {
  it("starts from the networks' own gateways, then follows links, nearest first", () => {
    const { stack, aws, azure } = hybridStack();
    const awsB = new AwsNetwork(stack, "aws-b", { cidr: "10.12.0.0/16", zones: ["use1-az6"] });
    new CrossCloudLink(stack, "link1", { aws, azure, azureAsn: 65010 });
    new CrossCloudLink(stack, "link2", { aws: awsB, azure, awsAsn: 64600, azureAsn: 65010 });
    expect(summary(reachedGateways(stack, [aws]))).toEqual([
      ["s/aws-net", "virtual private gateway", 64512, []],
      ["s/azure-net", "VPN gateway", 65010, ["s/link1"]],
      ["s/aws-b", "virtual private gateway", 64600, ["s/link1", "s/link2"]],
    ]);
  });

  it("lists a network given twice once", () => {
    const { stack, aws, azure } = hybridStack();
    new CrossCloudLink(stack, "link", { aws, azure });
    expect(summary(reachedGateways(stack, [aws, aws]))).toEqual([
      ["s/aws-net", "virtual private gateway", 64512, []],
      ["s/azure-net", "VPN gateway", 65000, ["s/link"]],
    ]);
  });

  it("skips networks that have no gateway yet", () => {
    const { stack, aws, azure } = hybridStack();
    expect(reachedGateways(stack, [aws, azure])).toEqual([]);
  });
});

describe("reachedAzureNetworks", () => {
  it("keeps the Azure networks of the start and of the reached gateways, each once", () => {
    const { stack, aws, azure } = hybridStack();
    const west = new AzureNetwork(stack, "azure-west", { cidr: "10.30.0.0/16", location: "westus3" });
    new CrossCloudLink(stack, "link", { aws, azure });
    const gateways = reachedGateways(stack, [aws]);
    expect(reachedAzureNetworks(gateways, [aws, west, azure]).map((n) => n.node.path)).toEqual(["s/azure-west", "s/azure-net"]);
  });
});
