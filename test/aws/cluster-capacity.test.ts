import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../lib/aws/gpu-cluster";
import { AwsLustreStorage } from "../../lib/aws/lustre-storage";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

const warnings = (c: { node: { metadata: readonly { type: string; data: unknown }[] } }) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);

// A /20 VPC is cut into /24 subnets: 256 addresses, 251 usable after AWS's reserved five.
describe("cluster nodes fit their subnet", () => {
  it("fits 248 single-address nodes beside the three interface endpoints of a /24 subnet, and refuses 249", () => {
    const fits = withNetwork({ cidr: "10.10.0.0/20" });
    expect(new AwsGpuCluster(fits.stack, "train", { network: fits.network, instanceType: "p5.48xlarge", nodes: 248, zone: "use1-az4" }).nodes).toBe(248);
    const over = withNetwork({ cidr: "10.10.0.0/20" });
    expect(validationErrorOf(() => new AwsGpuCluster(over.stack, "train", { network: over.network, instanceType: "p5.48xlarge", nodes: 249, zone: "use1-az4" }))).toBe(
      "s/train: nodes 249 is not valid: use at most 248: the private subnet of use1-az4 (10.10.0.0/24) has 251 usable addresses, 3 of them taken (3 by interface endpoints), and each node takes 1 (its ENA interface; EFA-only interfaces take none)",
    );
  });

  it("counts every cluster of the zone, and none of another zone", () => {
    const { stack, network } = withNetwork({ cidr: "10.10.0.0/20", ssmEndpoints: false });
    new AwsGpuCluster(stack, "a", { network, instanceType: "p5.48xlarge", nodes: 200, zone: "use1-az4" });
    new AwsGpuCluster(stack, "elsewhere", { network, instanceType: "p5.48xlarge", nodes: 251, zone: "use1-az6" });
    expect(new AwsGpuCluster(stack, "b", { network, instanceType: "p5.48xlarge", nodes: 51, zone: "use1-az4" }).nodes).toBe(51);
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "c", { network, instanceType: "g5.xlarge", nodes: 1, zone: "use1-az4" }))).toBe(
      "s/c: nodes 1 is not valid: use at most 0: the private subnet of use1-az4 (10.10.0.0/24) has 251 usable addresses, 251 of them taken (200 by s/a, 51 by s/b), and each node takes 1 (its ENA interface; EFA-only interfaces take none)",
    );
  });

  it("warns, without refusing, when a file system's estimated addresses may not fit beside the nodes", () => {
    const { stack, network } = withNetwork({ cidr: "10.10.0.0/20" });
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 240, zone: "use1-az4" });
    new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 24000 });
    expect(warnings(network)).toEqual([
      "s/net: the private subnet of use1-az4 (10.10.0.0/24) may run out of addresses: 251 usable, 243 taken (3 by interface endpoints, 240 by s/train) and 22 (estimated) more for s/fs",
    ]);
    const roomy = withNetwork({ cidr: "10.10.0.0/20" });
    new AwsGpuCluster(roomy.stack, "train", { network: roomy.network, instanceType: "p5.48xlarge", nodes: 226, zone: "use1-az4" });
    new AwsLustreStorage(roomy.stack, "fs", { network: roomy.network, zone: "use1-az4", storageCapacityGiB: 24000 });
    expect(warnings(roomy.network)).toEqual([]);
  });
});

describe("an EFA file system's connections, summed over its clients", () => {
  const efaFs = (natGateways: "single" | "none" = "single", pin: { efaClientSetupSha256?: string } = {}) => {
    const { stack, network } = withNetwork({ natGateways });
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000, ...pin });
    return { stack, network, fs };
  };

  it("accepts clusters that together take exactly 1024 connections, and refuses one more node", () => {
    const { stack, network, fs } = efaFs();
    new AwsGpuCluster(stack, "a", { network, instanceType: "p5.48xlarge", nodes: 100, zone: "use1-az4", storage: fs });
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "b", { network, instanceType: "p5.48xlarge", nodes: 29, zone: "use1-az4", storage: fs }))).toBe(
      "s/b: nodes 29 is not valid: use at most 28: an EFA file system takes 1024 EFA connections (800 by s/a already) and each p5.48xlarge uses 8",
    );
    expect(new AwsGpuCluster(stack, "c", { network, instanceType: "p5.48xlarge", nodes: 28, zone: "use1-az4", storage: fs }).nodes).toBe(28);
  });

  it("does not count clients that mount over TCP (efa: false)", () => {
    const { stack, network, fs } = efaFs();
    new AwsGpuCluster(stack, "tcp", { network, instanceType: "p5.48xlarge", nodes: 200, zone: "use1-az4", storage: fs, efa: false });
    expect(new AwsGpuCluster(stack, "efa", { network, instanceType: "p5.48xlarge", nodes: 128, zone: "use1-az4", storage: fs }).nodes).toBe(128);
  });

  it("refuses EFA clients of a file system with a pinned client setup in a network without NAT, where the setup cannot be downloaded, and accepts TCP clients there", () => {
    const { stack, network, fs } = efaFs("none", { efaClientSetupSha256: "a".repeat(64) });
    expect(fs.efaClientSetupPinned).toBe(true);
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: fs }))).toBe(
      's/train: storage "s/fs" is not valid: use a network with NAT gateways (natGateways "single" or "perZone"), or set efa: false to mount over TCP: the nodes download AWS\'s EFA client setup (pinned by efaClientSetupSha256) at boot, and s/net has no route to the internet',
    );
    expect(new AwsGpuCluster(stack, "tcp", { network, instanceType: "p5.48xlarge", nodes: 1, zone: "use1-az4", storage: fs, efa: false }).fabric.kind).toBe("none");
  });

  it("accepts EFA clients without NAT when the client setup is not pinned: they download nothing and mount over TCP", () => {
    const { stack, network, fs } = efaFs("none");
    expect(fs.efaClientSetupPinned).toBe(false);
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: fs });
    expect(cluster.fabric.kind).toBe("efa");
    const script = String(Object.values(synth(stack).locals as Record<string, string>)[0]);
    expect(script).toContain("# EFA for Lustre: AWS's client setup is not pinned by a SHA-256, so it is not run: nodes mount over TCP\n");
    expect(script).not.toContain("unzip");
  });

  it("mounts over TCP when the EFA setup fails at boot, instead of aborting the boot script", () => {
    const { stack, network, fs } = efaFs();
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: fs });
    const script = String(Object.values(synth(stack).locals as Record<string, string>)[0]);
    // Unpinned (no efaClientSetupSha256), the setup is not even downloaded; a pinned one that fails falls back too (test/aws/fsx-client.system.test.ts).
    expect(script).toContain('  echo "hgpu: EFA for Lustre not set up: no SHA-256 pins configure-efa-fsx-lustre-client.zip (AwsLustreStorage efaClientSetupSha256); mounting over TCP" >&2\nfi');
    expect(resources(synth(stack), "aws_autoscaling_group")).toHaveLength(1);
  });
});
