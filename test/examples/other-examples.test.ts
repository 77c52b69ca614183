import { App, Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp as awsOnly } from "../../examples/aws-only/main";
import { buildApp as azureOnly } from "../../examples/azure-only/main";
import { buildApp as teamStacks } from "../../examples/team-stacks/main";
import { checkLaunchStack } from "../../lib/launch/launch-stack";

function synthApp(build: (app: App) => App) {
  const outdir = mkdtempSync(join(tmpdir(), "hgpu-example-"));
  const app = build(new App({ outdir }));
  for (const stack of app.node.children) Testing.synth(stack as never, true); // validations on
  app.synth();
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    return Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8"))]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("examples", () => {
  it("aws-only: 2 x p5.48xlarge with 32 EFA interfaces each, FSx for Lustre from S3", () => {
    const { "aws-only": tf } = synthApp(awsOnly);
    const lt = Object.values(tf.resource.aws_launch_template)[0] as { instance_type: string; network_interfaces: unknown[] };
    expect(lt.instance_type).toBe("p5.48xlarge");
    expect(lt.network_interfaces).toHaveLength(33);
    expect(Object.values(tf.resource.aws_fsx_data_repository_association)).toHaveLength(1);
    expect(tf.output.fabric.value).toBe("32 EFA interfaces, 3200 Gbit/s per node");
  });

  it("azure-only: 2 x ND96isr_H100_v5 in one placement group, Managed Lustre", () => {
    const { "azure-only": tf } = synthApp(azureOnly);
    expect(Object.values(tf.resource.azurerm_linux_virtual_machine_scale_set)[0]).toMatchObject({ sku: "Standard_ND96isr_H100_v5", instances: 2, single_placement_group: true });
    expect(Object.values(tf.resource.azurerm_managed_lustre_file_system)).toHaveLength(1);
    expect(tf.output.fabric.value).toBe("8 InfiniBand links, 3200 Gbit/s per VM");
  });

  it("team-stacks: a platform stack, its VPN stack, two team stacks and a task stack, with remote-state references, tags and budgets", () => {
    const stacks = synthApp(teamStacks);
    expect(Object.keys(stacks).sort()).toEqual(["platform", "platform-vpn", "speech", "speech-eval", "vision"]);
    // The VPN keys (AWS generates them on the connections; Azure's connections take them) are in platform-vpn's state alone.
    expect(Object.values(stacks["platform-vpn"].resource.aws_vpn_connection)).toHaveLength(2);
    expect(Object.values(stacks["platform-vpn"].resource.azurerm_virtual_network_gateway_connection)).toHaveLength(4);
    expect(stacks["platform-vpn"].terraform.backend.s3.key).toBe("platform/prod/platform-vpn.tfstate");
    expect(stacks.platform.resource.aws_vpn_connection).toBeUndefined();
    expect(stacks.platform.resource.azurerm_virtual_network_gateway_connection).toBeUndefined();
    // A reference reads the source's whole state: no stack reads platform-vpn's; it reads platform's.
    const stateKeys = (tf: { data?: { terraform_remote_state?: Record<string, { config: { key: string } }> } }) =>
      Object.values(tf.data?.terraform_remote_state ?? {}).map((r) => r.config.key);
    const reads = Object.fromEntries(Object.entries(stacks).map(([name, tf]) => [name, stateKeys(tf)]));
    expect(Object.values(reads).flat()).not.toContain("platform/prod/platform-vpn.tfstate");
    expect(reads["platform-vpn"]).toEqual(["platform/prod/platform.tfstate"]);
    for (const team of ["vision", "speech"]) {
      expect(stacks[team].data.terraform_remote_state["cross-stack-reference-input-platform"].config.key).toBe("platform/prod/platform.tfstate");
      expect(stacks[team].terraform.backend.s3.key).toBe(`${team}/prod/${team}.tfstate`);
    }
    expect(stacks.vision.provider.aws[0].default_tags[0].tags.team).toBe("vision");
    expect(Object.values(stacks.vision.resource.aws_budgets_budget)).toHaveLength(1);
    expect(Object.values(stacks.speech.resource.azurerm_consumption_budget_subscription)).toHaveLength(1);
    expect(Object.values(stacks.speech.resource.azurerm_linux_virtual_machine_scale_set)).toHaveLength(1);
    const vmss = Object.values(stacks.speech.resource.azurerm_linux_virtual_machine_scale_set)[0] as { tags: Record<string, string> };
    expect(vmss.tags).toMatchObject({ team: "speech", "cost-center": "cc-300", "managed-by": "cdktf-hybrid-gpu" });
    // The task's stack holds the task alone, so hgpu launch accepts it.
    const task = stacks["speech-eval"];
    expect(task["//"].hgpu_tasks["asr-eval"].chosen).toMatch(/^1 x Standard_ND/);
    expect(task.terraform.backend.s3.key).toBe("speech/prod/speech-eval.tfstate");
    const dir = mkdtempSync(join(tmpdir(), "hgpu-example-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(task));
      expect(checkLaunchStack(join(dir, "cdk.tf.json"), "speech-eval")).toMatchObject({ taskName: "asr_eval" });
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ ...stacks.speech, "//": task["//"], output: task.output }));
      expect(() => checkLaunchStack(join(dir, "cdk.tf.json"), "speech")).toThrow('hgpu launch: stack "speech" holds resources outside its GpuTask "eval"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
