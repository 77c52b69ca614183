import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../lib/azure/network";
import { formatEstimate, readOutdir, reportOutdir, type StackReport } from "../../lib/report/report";
import { appTopology, type Topology } from "../../lib/report/topology";
import { GpuTask } from "../../lib/task/gpu-task";

// - platform: an Azure network;
// - speech: an unrelated cluster (2 x ND96asr_v4) and a task (1 x ND40rs_v2, 4 h), both in the platform's VNet (remote state);
// - pair: two AWS tasks, each with its own network.
let stacks: StackReport[];
let topology: Topology;

let out: string;
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "hgpu-task-scope-"));
  const app = new App({ outdir: out });
  const platform = new TerraformStack(app, "platform");
  new AzurermProvider(platform, "azurerm", { features: [{}] });
  const vnet = new AzureNetwork(platform, "azure-network", { cidr: "10.20.0.0/16", location: "eastus" });
  const speech = new TerraformStack(app, "speech");
  new AzurermProvider(speech, "azurerm", { features: [{}] });
  const key = new TerraformVariable(speech, "ssh_public_key", { type: "string" });
  new AzureGpuCluster(speech, "asr-finetune", { network: vnet, vmSize: "Standard_ND96asr_v4", nodes: 2, sshPublicKey: key.stringValue });
  new GpuTask(speech, "eval", { name: "asr-eval", gpus: 8, network: vnet, command: ["eval.py"], maxRuntime: "4h", azure: { sshPublicKey: key.stringValue } });
  const pair = new TerraformStack(app, "pair");
  new AwsProvider(pair, "aws", { region: "us-east-1" });
  new GpuTask(pair, "a", { name: "task-a", gpus: 8, clouds: ["aws"], command: ["a.py"], maxRuntime: "2h" });
  new GpuTask(pair, "b", { name: "task-b", gpus: 16, clouds: ["aws"], command: ["b.py"], maxRuntime: "2h" });
  app.synth();
  stacks = [...reportOutdir(out).stacks];
  topology = appTopology(readOutdir(out));
});

const estimate = (stack: string) => stacks.find((s) => s.name === stack)!.estimate;
const cluster = (stack: string, name: string) => estimate(stack).clusters.find((c) => c.name === name)!;

describe("a task's estimate covers only what the task creates", () => {
  it("a task next to an unrelated cluster is charged for its own cluster only", () => {
    const e = estimate("speech");
    const own = cluster("speech", "eval/cluster");
    expect([own.instanceType, own.nodes, own.usdPerHour]).toEqual(["Standard_ND40rs_v2", 1, 22.032]);
    expect(cluster("speech", "asr-finetune").usdPerHour).toBe(54.394); // 2 x 27.197
    expect(e.cost.totalUsdPerHour).toBeCloseTo(76.426, 4); // 22.032 + 54.394
    const t = e.tasks[0]!;
    expect([t.name, t.scope, t.clusters, t.usdPerHour, t.maxRuntimeHours]).toEqual(["asr-eval", "task", ["eval/cluster"], 22.032, 4]);
    expect(t.usd).toBe(88.13); // 22.032 x 4 h, not the stack's 76.43/h x 4
    expect([own.powerKw, own.kgCo2ePerHour]).toEqual([3.0838, 1.169]);
    expect([t.kwh, t.kgCo2e]).toEqual([12.34, 4.68]); // its own cluster's 3.0838 kW and 1.169 kg/h over 4 h, rounded
    const text = formatEstimate(e).join("\n");
    expect(text).toMatch(/cost \(whole stack\): \$76\.43\/h/);
    expect(text).toContain("task asr-eval over its 4 h maxRuntime (own resources: cluster eval/cluster): $88.13, max ");
  });

  it("two tasks in one stack are each charged for their own cluster and network gateways", () => {
    const e = estimate("pair");
    const [a, b] = e.tasks;
    expect([a!.name, a!.clusters, b!.name, b!.clusters]).toEqual(["task-a", ["a/cluster"], "task-b", ["b/cluster"]]);
    // each task's cluster and its network's two NAT gateways ($0.045/h each), nothing of the other's
    const parts = [...e.clusters, ...e.storage, ...e.gateways].map((x) => [x.name, x.usdPerHour]).sort();
    expect(parts).toEqual([["a/cluster", 16.288], ["a/network", 0.045], ["a/network", 0.045], ["b/cluster", 32.576], ["b/network", 0.045], ["b/network", 0.045]]);
    expect([a!.usdPerHour, a!.usd, b!.usdPerHour, b!.usd]).toEqual([16.378, 32.76, 32.666, 65.33]); // 16.288 + 0.09, over 2 h; 32.576 + 0.09, over 2 h
    // Nothing else in the stack: the two tasks add up to the stack total.
    expect(e.cost.totalUsdPerHour).toBeCloseTo(49.044, 4);
  });
});

describe("topology of tasks", () => {
  const runsOn = (task: string) => topology.edges.filter((x) => x.kind === "runs-on" && x.from === task).map((x) => x.to);
  const node = (text: string) => topology.nodes.find((n) => n.lines[0] === text)!;

  it("draws a task's runs-on edges to its own clusters only", () => {
    expect(runsOn(node("task asr-eval").id)).toEqual([node("eval/cluster").id]);
    expect(runsOn(node("task task-a").id)).toEqual([node("a/cluster").id]);
    expect(runsOn(node("task task-b").id)).toEqual([node("b/cluster").id]);
  });

  it("places a task in the cloud of its clusters", () => {
    expect(node("task asr-eval").parent).toBe("azure");
    expect(node("task task-a").parent).toBe("aws");
  });

  it("places clusters whose subnet comes from another stack's state in that stack's network", () => {
    const vnet = topology.groups.find((g) => g.title.startsWith("VNet 10.20.0.0/16  platform/azure-network"))!;
    expect(node("asr-finetune").parent).toBe(vnet.id);
    expect(node("eval/cluster").parent).toBe(vnet.id);
  });
});
