import { describe, expect, it } from "vitest";
import { CrossCloudLink } from "../../lib/hybrid/cross-cloud-link";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { awsTunnelOptions } from "../../lib/hybrid/tunnel-crypto";
import { hybridStack, resources, synth } from "./helpers";

/**
 * Each IPsec proposal field of an AWS VPN tunnel, the Azure connection's field that must agree with
 * it, and what AWS's value is called on Azure (AWS and Azure name the same algorithms differently).
 * Azure's IKE SA lifetime is fixed at 28800 s and not an argument, so AWS's phase 1 lifetime is held to it.
 */
const PARITY: readonly { aws: string; azure: string | undefined; awsValue: unknown; azureValue: unknown }[] = [
  { aws: "ike_versions", azure: "connection_protocol", awsValue: ["ikev2"], azureValue: "IKEv2" },
  { aws: "phase1_encryption_algorithms", azure: "ipsec_policy.ike_encryption", awsValue: ["AES256"], azureValue: "AES256" },
  { aws: "phase1_integrity_algorithms", azure: "ipsec_policy.ike_integrity", awsValue: ["SHA2-256"], azureValue: "SHA256" },
  { aws: "phase1_dh_group_numbers", azure: "ipsec_policy.dh_group", awsValue: [14], azureValue: "DHGroup14" },
  { aws: "phase1_lifetime_seconds", azure: undefined, awsValue: 28800, azureValue: undefined },
  { aws: "phase2_encryption_algorithms", azure: "ipsec_policy.ipsec_encryption", awsValue: ["AES256"], azureValue: "AES256" },
  { aws: "phase2_integrity_algorithms", azure: "ipsec_policy.ipsec_integrity", awsValue: ["SHA2-256"], azureValue: "SHA256" },
  { aws: "phase2_dh_group_numbers", azure: "ipsec_policy.pfs_group", awsValue: [14], azureValue: "PFS2048" },
  { aws: "phase2_lifetime_seconds", azure: "ipsec_policy.sa_lifetime", awsValue: 3600, azureValue: 3600 },
];

function at(o: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

function proposals(build: (h: ReturnType<typeof hybridStack>) => void) {
  const h = hybridStack();
  build(h);
  const tf = synth(h.stack);
  return { aws: resources(tf, "aws_vpn_connection"), azure: resources(tf, "azurerm_virtual_network_gateway_connection") };
}

describe.each([
  ["a CrossCloudLink", (h: ReturnType<typeof hybridStack>) => void new CrossCloudLink(h.stack, "link", { aws: h.aws, azure: h.azure }), 2, 4],
  ["an OnPremSite on both clouds", (h: ReturnType<typeof hybridStack>) => void new OnPremSite(h.stack, "dc", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [h.aws, h.azure] }), 1, 1],
])("%s: AWS and Azure propose the same IPsec suite, field by field", (_, build, awsCount, azureCount) => {
  it("has the connections it should", () => {
    const { aws, azure } = proposals(build);
    expect(aws).toHaveLength(awsCount);
    expect(azure).toHaveLength(azureCount);
  });

  it.each(PARITY)("$aws ~ $azure", (row) => {
    const { aws, azure } = proposals(build);
    for (const vpn of aws) {
      expect(vpn[`tunnel1_${row.aws}`]).toEqual(row.awsValue);
      expect(vpn[`tunnel2_${row.aws}`]).toEqual(row.awsValue);
    }
    for (const connection of azure) expect(row.azure === undefined ? undefined : at(connection, row.azure)).toEqual(row.azureValue);
  });

  it("AWS restarts a tunnel whose peer stops answering dead-peer detection", () => {
    const { aws } = proposals(build);
    expect(aws.flatMap((vpn) => [vpn.tunnel1_dpd_timeout_action, vpn.tunnel2_dpd_timeout_action])).toEqual(Array(awsCount * 2).fill("restart"));
  });
});

describe("awsTunnelOptions", () => {
  it("names each field after its tunnel, with the same values", () => {
    const one = awsTunnelOptions(1);
    const two = awsTunnelOptions(2);
    expect(Object.keys(one)).toHaveLength(10);
    expect(Object.keys(one).filter((k) => !k.startsWith("tunnel1"))).toEqual([]);
    expect(Object.values(two)).toEqual(Object.values(one));
    expect(Object.keys(two)).toEqual(Object.keys(one).map((k) => k.replace("tunnel1", "tunnel2")));
  });
});
