import { App, TerraformStack, Testing } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { OnPremGpuPool, type OnPremGpuPoolProps } from "../../lib/onprem";
import { GpuTask } from "../../lib/task/gpu-task";
import { hybridStack } from "../hybrid/helpers";

/**
 * The stack's Terraform JSON as `cdktf synth` writes it, `//` metadata included (Testing.synth
 * strips every `//` key), after aspects and validations ran.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synthWithMetadata(stack: TerraformStack): any {
  Testing.synth(stack, true);
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

/** 4 x 8 H100 at $1.80/GPU-h with InfiniBand, PUE 1.3 on a 0.35 kgCO2e/kWh grid, Slurm partition gpu via login1. */
export function poolProps(site: OnPremSite, over: Partial<OnPremGpuPoolProps> = {}): OnPremGpuPoolProps {
  return {
    name: "dgx-a", site, scheduler: { kind: "slurm", partition: "gpu", submitHost: "login1.dc.example.com" },
    nodes: 4, accelerator: "H100", gpusPerNode: 8, memoryGiBPerNode: 2048, fabric: { kind: "infiniband", gbpsPerNode: 3200 },
    sharedPath: "/lustre", container: "pyxis", cost: { usdPerGpuHour: 1.8 }, pue: 1.3, gridKgCo2ePerKwh: 0.35, ...over,
  };
}

/**
 * An app synthesized into a temporary folder: `platform` (AWS and Azure networks, the site fra-dc1
 * joined to both, and the pool dgx-a, declared in `pools` when it is not the platform stack) and
 * `train` (a 30-GPU task, placed on the pool). Returns the output folder.
 */
export function synthPoolApp(options: { poolStack?: string } = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-pools-"));
  const app = new App({ outdir });
  const { stack: platform, aws, azure } = hybridStack("us-east-1", app, "platform");
  const site = new OnPremSite(platform, "datacentre", { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100, connectTo: [aws, azure] });
  const poolScope = options.poolStack ? new TerraformStack(app, options.poolStack) : platform;
  new OnPremGpuPool(poolScope, "dgx", poolProps(site));
  const train = new TerraformStack(app, "train");
  new GpuTask(train, "task", { name: "nnt", gpus: 30, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"], maxRuntime: "10h", notify: "ml@example.com" });
  app.synth();
  return outdir;
}
