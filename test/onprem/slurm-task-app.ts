/**
 * A real app for launches on the test Slurm (test/onprem/slurm-cluster.ts): a platform stack with
 * an AWS network, the data centre joined to it and its pool (1 node with 1 GPU, the cluster's
 * partition `gpu`, its shared folder HGPU_TEST_SHARED, no container runtime), and the stack
 * `train` with a GpuTask that places on the pool and runs HGPU_TEST_COMMAND (JSON argv).
 * `hgpu launch --stack train` synthesizes it like any cdktf app (CDKTF_OUTDIR).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { AwsNetwork, GpuTask, OnPremGpuPool, OnPremSite } from "../../lib";

const app = new App();
const platform = new TerraformStack(app, "platform");
new AwsProvider(platform, "aws", { region: "us-east-1" });
const network = new AwsNetwork(platform, "network", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
const site = new OnPremSite(platform, "datacentre", { name: "dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [network] });
new OnPremGpuPool(platform, "pool", {
  name: "dgx", site, scheduler: { kind: "slurm", partition: "gpu" }, nodes: 1, accelerator: "H100", gpusPerNode: 1, memoryGiBPerNode: 256,
  fabric: { kind: "none", gbpsPerNode: 0 }, sharedPath: process.env.HGPU_TEST_SHARED!, container: "none", cost: { usdPerGpuHour: 2 }, pue: 1.3, gridKgCo2ePerKwh: 0.35,
});
const train = new TerraformStack(app, "train");
new GpuTask(train, "task", {
  name: "nn", gpus: 1, clouds: ["onprem"], command: JSON.parse(process.env.HGPU_TEST_COMMAND!) as string[],
  env: { EPOCHS: "2" }, maxRuntime: "30m", pullTimeout: "5m", notify: "ml@example.com",
});
app.synth();
