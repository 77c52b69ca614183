import { MonitorAutoscaleSetting } from "@cdktf/provider-azurerm/lib/monitor-autoscale-setting";
import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { MAX_GPU_GROUP_NODES } from "../../../../lib/team/policies/rules/gpu-groups";
import { azureStack } from "../helpers";
import { expected, findings } from "./findings";
import { linuxScaleSet, orchestratedScaleSet } from "./scale-sets";

const ID = "HGPU-AZ-14";
const warned = (...lines: [string, string][]) => expected("warning", ID, "GPU scale sets have a finite size", ...lines);
const autoscale = (maximum: number | string) => ({ name: "default", capacity: { default: 1, minimum: 0, maximum: maximum as number } });

describe("HGPU-AZ-14 GPU scale sets have a finite size", () => {
  it("Compliance: literal counts up to the bound (the boundary itself included), CPU scale sets not judged", () => {
    const stack = azureStack();
    const atBound = linuxScaleSet(stack, "at-bound", { instances: MAX_GPU_GROUP_NODES });
    new MonitorAutoscaleSetting(stack, "scaling", { name: "scaling", resourceGroupName: "rg", location: "eastus", targetResourceId: atBound.id, profile: [autoscale(MAX_GPU_GROUP_NODES)] });
    orchestratedScaleSet(stack, "flexible", { instances: 4 });
    linuxScaleSet(stack, "cpu", { sku: "Standard_D4s_v5", instances: 5000 });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: a count past the bound, an autoscale maximum past it, a count it cannot read", () => {
    const stack = azureStack();
    const unknown = new TerraformVariable(stack, "nodes", { type: "number" });
    const big = linuxScaleSet(stack, "big", { instances: 2 });
    new MonitorAutoscaleSetting(stack, "scaling", { name: "scaling", resourceGroupName: "rg", location: "eastus", targetResourceId: big.id, profile: [autoscale(MAX_GPU_GROUP_NODES + 1)] });
    orchestratedScaleSet(stack, "flexible", { instances: 5000 });
    linuxScaleSet(stack, "unknown", { instances: unknown.numberValue });
    expect(findings(stack, ID)).toEqual(warned(
      ["s/big", "azurerm_monitor_autoscale_setting.scaling profile[0].capacity.maximum is 1001: the scale set may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"],
      ["s/unknown", 'instances is "${var.nodes}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/flexible", "instances is 5000: the scale set may grow past 1000 GPU nodes, which is no bound at all; set the most nodes it may ever run"],
    ));
  });
});
