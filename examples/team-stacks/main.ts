/**
 * A platform team and two ML teams composing the library in their own stacks.
 *
 * - `platform` owns the networks on both clouds (and their VPN gateways).
 * - `platform-vpn` owns the link between them: its VPN connections' pre-shared keys are in its
 *   state. A stack that references another reads that stack's whole state (cdktf's cross-stack
 *   references are `terraform_remote_state` lookups), so the keys live in a stack that no other
 *   stack references; it references `platform`, whose state holds no keys.
 * - `vision` runs an AWS cluster (2 x p4d.24xlarge) in the platform's VPC.
 * - `speech` runs an Azure cluster (2 x ND96asr_v4) in the platform's VNet.
 * - `speech-eval` holds the speech team's GpuTask alone, in the same VNet: `hgpu launch --stack
 *   speech-eval` destroys its whole stack when the run ends, so a task never shares a stack with
 *   resources that must outlive it (the launcher refuses such a stack).
 *
 * Each stack has its own state (S3 here), its team's tags on every resource and, for the teams, a
 * monthly budget. The teams' references to the platform's networks synthesize into
 * `terraform_remote_state` lookups of the platform's state, never of `platform-vpn`'s.
 */
import { App, TerraformVariable } from "cdktf";
import { AwsGpuCluster, AwsNetwork, AzureGpuCluster, AzureNetwork, CrossCloudLink, GpuTask, TeamStack, type BackendSettings } from "../../lib";

const STATE: BackendSettings = { type: "s3", bucket: "acme-ml-tfstate", region: "us-east-1" };

/** Builds the five stacks. */
export function buildApp(app: App = new App()): App {
  const platform = new TeamStack(app, "platform", {
    team: "platform", costCenter: "cc-100", environment: "prod", backend: STATE,
    aws: { region: "us-east-1" }, azure: { location: "eastus" },
  });
  const awsNetwork = new AwsNetwork(platform, "aws-network", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
  const azureNetwork = new AzureNetwork(platform, "azure-network", { cidr: "10.20.0.0/16", location: "eastus" });
  // The link (and any OnPremSite) in a stack of its own: its state holds the VPN keys, and no stack references it.
  const platformVpn = new TeamStack(app, "platform-vpn", {
    team: "platform", costCenter: "cc-100", environment: "prod", backend: STATE,
    aws: { region: "us-east-1" }, azure: { location: "eastus" },
  });
  new CrossCloudLink(platformVpn, "link", { aws: awsNetwork, azure: azureNetwork });

  const vision = new TeamStack(app, "vision", {
    team: "vision", costCenter: "cc-200", environment: "prod", backend: STATE, aws: { region: "us-east-1" },
    monthlyBudgetUsd: 60000, budgetEmails: ["vision-leads@example.com"],
  });
  new AwsGpuCluster(vision, "detector-training", { network: awsNetwork, instanceType: "p4d.24xlarge", nodes: 2, zone: "use1-az4" });

  const speech = new TeamStack(app, "speech", {
    team: "speech", costCenter: "cc-300", environment: "prod", backend: STATE, azure: { location: "eastus" },
    monthlyBudgetUsd: 40000, budgetEmails: ["speech-leads@example.com"],
  });
  const sshKey = new TerraformVariable(speech, "ssh_public_key", { type: "string", description: "OpenSSH public key of the speech team's admin user" });
  new AzureGpuCluster(speech, "asr-finetune", { network: azureNetwork, vmSize: "Standard_ND96asr_v4", nodes: 2, sshPublicKey: sshKey.stringValue });

  // The task in a stack of its own (same team, tags and backend; its runs get their own state under its key).
  const speechEval = new TeamStack(app, "speech-eval", { team: "speech", costCenter: "cc-300", environment: "prod", backend: STATE, azure: { location: "eastus" } });
  const evalKey = new TerraformVariable(speechEval, "ssh_public_key", { type: "string", description: "OpenSSH public key of the evaluation nodes' admin user" });
  new GpuTask(speechEval, "eval", {
    name: "asr-eval", gpus: 8, network: azureNetwork, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["/workspace/eval.py"],
    maxRuntime: "4h", azure: { sshPublicKey: evalKey.stringValue },
  });
  return app;
}

if (require.main === module) {
  setImmediate(() => buildApp().synth());
}
