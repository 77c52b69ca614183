/**
 * Benchmark child for the scale case: N team stacks, each with an AWS cluster (2 x p5.48xlarge,
 * full EFA), an Azure cluster (2 x ND96isr_H100_v5) and FSx for Lustre storage, on networks of its
 * own from the address plan. Prints synth time and peak RSS as JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { AwsGpuCluster, AwsLustreStorage, AwsNetwork, AzureGpuCluster, AzureNetwork, TeamStack } from "../lib";

const n = Number(process.argv[2] ?? 5);
const SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench@example";

setImmediate(() => {
  const started = process.hrtime.bigint();
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-scale-"));
  const app = new App({ outdir });
  for (let i = 0; i < n; i++) {
    const team = `team-${i}`;
    const stack = new TeamStack(app, team, { team, costCenter: `cc-${i}`, environment: "dev", backend: { type: "local" }, aws: { region: "us-east-1" }, azure: { location: "eastus" } });
    const awsNet = new AwsNetwork(stack, "aws-net", { region: "us-east-1", zones: ["use1-az4"], natGateways: "single" });
    const storage = new AwsLustreStorage(stack, "data", { network: awsNet, zone: "use1-az4", storageCapacityGiB: 2400 });
    new AwsGpuCluster(stack, "aws-train", { network: awsNet, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage });
    const azureNet = new AzureNetwork(stack, "azure-net", { location: "eastus" });
    new AzureGpuCluster(stack, "azure-train", { network: azureNet, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, sshPublicKey: SSH });
  }
  app.synth();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ stacks: n, ms, maxRssKiB: process.resourceUsage().maxRSS }));
});
