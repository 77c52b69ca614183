import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { azureStack } from "../helpers";
import { expected, findings } from "./findings";
import { linuxScaleSet, orchestratedScaleSet } from "./scale-sets";

const ID = "HGPU-AZ-3";
const warned = (...lines: [string, string][]) => expected("warning", ID, "Scale sets encrypt at the host", ...lines);

describe("HGPU-AZ-3 Scale sets encrypt at the host", () => {
  it("Compliance: encryption_at_host_enabled true on both kinds of scale set (a variable's default counts)", () => {
    const stack = azureStack();
    linuxScaleSet(stack, "linux", { encryptionAtHostEnabled: true });
    orchestratedScaleSet(stack, "flexible", { encryptionAtHostEnabled: true });
    const onByDefault = new TerraformVariable(stack, "host-encryption", { type: "bool", default: true });
    linuxScaleSet(stack, "by-default", { encryptionAtHostEnabled: onByDefault.booleanValue });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: unset, false, or a value it cannot read (warnings, not errors)", () => {
    const stack = azureStack();
    const unknown = new TerraformVariable(stack, "unknown", { type: "bool" });
    linuxScaleSet(stack, "unset");
    linuxScaleSet(stack, "off", { encryptionAtHostEnabled: false });
    orchestratedScaleSet(stack, "flexible");
    linuxScaleSet(stack, "unknown-set", { encryptionAtHostEnabled: unknown.booleanValue });
    expect(findings(stack, ID)).toEqual(warned(
      ["s/unset", "encryption_at_host_enabled is not set: temp disks and disk caches are stored unencrypted; set it to true"],
      ["s/off", "encryption_at_host_enabled is false: temp disks and disk caches are stored unencrypted; set it to true"],
      ["s/unknown-set", 'encryption_at_host_enabled is "${var.unknown}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/flexible", "encryption_at_host_enabled is not set: temp disks and disk caches are stored unencrypted; set it to true"],
    ));
  });
});
