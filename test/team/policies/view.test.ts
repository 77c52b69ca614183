import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../../lib/azure/gpu-cluster";
import { AzureNetwork } from "../../../lib/azure/network";
import { isGpuCluster } from "../../../lib/core/contracts";
import { GpuPolicies, synthesizeStackView } from "../../../lib/team/policies";
import { sharedViews } from "../../../lib/team/policies/view";
import { SSH_KEY, azureStack } from "./helpers";

/** A construct that meets the IGpuCluster contract without being this copy's class, as another copy's cluster would. */
class ForeignCluster extends Construct {
  public readonly gpusPerNode = 8;
  constructor(scope: Construct, id: string, public readonly placement: { cloud: string }) {
    super(scope, id);
  }
  allowFrom(): void {}
}

function view(stack: TerraformStack) {
  return synthesizeStackView(stack).view;
}

describe("the policy view recognises clusters and tasks without instanceof", () => {
  it("reads a resource's task from the record the task writes in the stack (//.hgpu_tasks.<name>.path)", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const job = new Construct(stack, "job");
    new SecurityGroup(job, "sg", {});
    new SecurityGroup(stack, "outside", {});
    new SecurityGroup(new Construct(stack, "job-2"), "sg", {});
    stack.addOverride("//.hgpu_tasks.job", { path: "job" });
    const paths = view(stack).resources.map((r) => [r.path, r.taskPath]);
    expect(paths).toEqual([
      ["s/job/sg", "s/job"],
      ["s/outside", undefined],
      ["s/job-2/sg", undefined],
    ]);
  });

  it("finds the cluster of each resource by the IGpuCluster contract, of either cloud, from any copy of the library", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new SecurityGroup(new ForeignCluster(stack, "aws-c", { cloud: "aws" }), "sg", {});
    new NetworkSecurityGroup(new ForeignCluster(stack, "az-c", { cloud: "azure" }), "nsg", { name: "n", location: "eastus", resourceGroupName: "rg" });
    new SecurityGroup(new ForeignCluster(stack, "onprem-c", { cloud: "onprem" }), "sg", {});
    const found = view(stack).resources.map((r) => [r.path, r.awsClusterPath, r.azureClusterPath]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(found).toEqual([
      ["s/aws-c/sg", "s/aws-c", undefined],
      ["s/az-c/nsg", undefined, "s/az-c"],
      ["s/onprem-c/sg", undefined, undefined],
    ]);
  });

  it("a library AzureGpuCluster's resources carry its path", () => {
    const stack = azureStack();
    const network = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus" });
    const cluster = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, sshPublicKey: SSH_KEY });
    const scaleSets = view(stack).resources.filter((r) => r.type === "azurerm_linux_virtual_machine_scale_set");
    expect(scaleSets.map((r) => r.azureClusterPath)).toEqual([cluster.node.path]);
    expect(isGpuCluster(cluster)).toBe(true);
    expect(isGpuCluster(network)).toBe(false);
  });

  it("isGpuCluster holds a construct to the whole contract", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(isGpuCluster(new ForeignCluster(stack, "a", { cloud: "aws" }))).toBe(true);
    expect(isGpuCluster(new ForeignCluster(stack, "b", { cloud: "gcp" }))).toBe(false);
    expect(isGpuCluster({ placement: { cloud: "aws" }, gpusPerNode: 8, allowFrom: () => undefined })).toBe(false);
    expect(isGpuCluster({ node: {}, placement: { cloud: "aws" }, gpusPerNode: 8 })).toBe(false);
    expect(isGpuCluster({ node: {}, placement: { cloud: "aws" }, gpusPerNode: "8", allowFrom: () => undefined })).toBe(false);
    expect(isGpuCluster(null)).toBe(false);
  });
});

describe("GpuPolicies.isGpuPolicies: a pack of any copy of the library", () => {
  it("recognises the brand, not the class", () => {
    const foreign = Object.defineProperty({ visit() {} }, Symbol.for("cdktf-hybrid-gpu.GpuPolicies"), { value: true });
    expect(GpuPolicies.isGpuPolicies(new GpuPolicies({ requiredTags: [] }))).toBe(true);
    expect(GpuPolicies.isGpuPolicies(foreign)).toBe(true);
    expect(GpuPolicies.isGpuPolicies({ visit() {} })).toBe(false);
    expect(GpuPolicies.isGpuPolicies(null)).toBe(false);
  });

  it("applyTo leaves a stack that already has another copy's pack alone", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const foreign = Object.defineProperty({ visit() {} }, Symbol.for("cdktf-hybrid-gpu.GpuPolicies"), { value: true });
    Aspects.of(stack).add(foreign);
    GpuPolicies.applyTo(stack, { requiredTags: [] });
    expect(Aspects.of(stack).all).toEqual([foreign]);
    const bare = new TerraformStack(Testing.app(), "t");
    const pack = GpuPolicies.applyTo(bare, { requiredTags: [] });
    expect(Aspects.of(bare).all).toEqual([pack]);
  });
});

describe("synthesizeStackView: raw blocks", () => {
  it("reads raw resources' tags, a module block without a construct, outputs that are objects, and no data sources", () => {
    const stack = azureStack();
    new SecurityGroup(stack, "sg", {});
    stack.addOverride("resource.azurerm_thing.tagged", { tags: { team: "ml" } });
    stack.addOverride("resource.azurerm_thing.plain", { name: "x" });
    stack.addOverride("module.raw", { source: "./gpu" });
    stack.addOverride("output.good", { value: "v" });
    stack.addOverride("output.weird", "x");
    const { view } = synthesizeStackView(stack);
    expect(view.resources.map((r) => [r.address, r.taggable, "taskPath" in r, "awsClusterPath" in r, "azureClusterPath" in r])).toEqual([
      ["aws_security_group.sg", true, false, false, false],
      ["azurerm_thing.tagged", true, false, false, false],
      ["azurerm_thing.plain", false, false, false, false],
    ]);
    expect(view.modules.map((m) => [m.address, m.path, m.taggable, m.config])).toEqual([["module.raw", "s/module.raw", false, { source: "./gpu" }]]);
    expect([view.outputs, Object.keys(view.outputs), view.dataSources]).toEqual([{ good: "v" }, ["good"], []]);
  });
});

describe("sharedViews", () => {
  it("shares one map within a tick and starts a new one after it", async () => {
    const stack = azureStack();
    const first = sharedViews(stack);
    expect(sharedViews(stack)).toBe(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sharedViews(stack)).not.toBe(first);
  });
});

describe("synthesizeStackView: task records", () => {
  it("reads a task's path under the stack's own id and skips records whose path is not text", () => {
    const stack = new TerraformStack(Testing.app(), "st");
    new SecurityGroup(new Construct(stack, "t"), "sg", {});
    new SecurityGroup(new Construct(stack, "5"), "sg", {});
    stack.addOverride("//.hgpu_tasks.train", { path: "t" });
    stack.addOverride("//.hgpu_tasks.odd", { path: 5 });
    const { view } = synthesizeStackView(stack);
    expect(view.resources.map((r) => [r.path, r.taskPath]).sort()).toEqual([["st/5/sg", undefined], ["st/t/sg", "st/t"]]);
  });
});
