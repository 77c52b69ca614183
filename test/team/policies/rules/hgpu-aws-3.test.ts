import { describe, expect, it } from "vitest";
import { awsDisksEncrypted } from "../../../../lib/team/policies/rules/hgpu-aws-3";
import { resourceAt, stackView } from "./aws-fixtures";

const NV = "which the pack cannot verify: use a literal value or suppress with a reason";
const finding = (detail: string) => ({ status: "non-compliant", detail });

/** HGPU-AWS-3's verdict on `address` in a stack of `resources`. */
function verdict(address: string, resources: Record<string, Record<string, unknown>>): unknown {
  return awsDisksEncrypted.check(resourceAt(stackView(resources), address), { requiredTags: [] });
}

describe("HGPU-AWS-3 on plain stack views", () => {
  it.each([
    ["an encrypted volume", "aws_ebs_volume.v", { encrypted: true }, "compliant"],
    ["an unencrypted volume", "aws_ebs_volume.v", { encrypted: false }, finding("encrypted is not true")],
    ["a volume with an expression", "aws_ebs_volume.v", { encrypted: "${var.encrypted}" }, finding(`encrypted is "\${var.encrypted}", ${NV}`)],
    ["an instance with an unencrypted data volume", "aws_instance.i", { root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: "/dev/sdb", encrypted: true }, { encrypted: false }] },
      finding("ebs_block_device[1] (?) not encrypted")],
    ["an instance without volumes", "aws_instance.i", {}, finding("root_block_device not encrypted")],
    ["an instance with two plain volumes and an expression", "aws_instance.i", { root_block_device: { encrypted: "${var.r}" }, ebs_block_device: [{ device_name: "/dev/sdb" }, { device_name: "/dev/sdc", encrypted: "false" }] },
      finding(`ebs_block_device[0] (/dev/sdb), ebs_block_device[1] (/dev/sdc) not encrypted; root_block_device.encrypted is "\${var.r}", ${NV}`)],
    ["an instance with dynamic volumes", "aws_instance.i", { root_block_device: { encrypted: true }, dynamic: { root_block_device: { for_each: "${var.r}" }, ebs_block_device: { for_each: "${var.e}" } } },
      finding(`dynamic.root_block_device is {"for_each":"\${var.r}"}, ${NV}; dynamic.ebs_block_device is {"for_each":"\${var.e}"}, ${NV}`)],
    ["a Spot fleet without specifications", "aws_spot_fleet_request.f", {}, "not-applicable"],
    ["a Spot fleet specification", "aws_spot_fleet_request.f", { launch_specification: [{ root_block_device: { encrypted: true } }, { ebs_block_device: [{ device_name: "/dev/sdb", encrypted: "${var.e}" }] }] },
      finding(`launch_specification[1].root_block_device not encrypted; launch_specification[1].ebs_block_device[0].encrypted is "\${var.e}", ${NV}`)],
    ["a launch template with an unencrypted mapping", "aws_launch_template.lt", { block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: "true" } }, { virtual_name: "ephemeral0" }, { device_name: "/dev/sdb", ebs: { encrypted: false } }] },
      finding("block_device_mappings[2] (/dev/sdb) not encrypted")],
    ["a launch template without mappings", "aws_launch_template.lt", {},
      finding("no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on the default aws provider")],
    ["a launch template of an aliased provider without mappings", "aws_launch_template.lt", { provider: "aws.west" },
      finding("no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on provider aws.west")],
    ["a launch template with dynamic mappings", "aws_launch_template.lt", { dynamic: { block_device_mappings: { for_each: "${var.m}" } } },
      finding(`dynamic.block_device_mappings is {"for_each":"\${var.m}"}, ${NV}`)],
  ])("%s", (_, address, config, expected) => {
    expect(verdict(address, { [address]: config })).toEqual(expected);
  });

  it.each([
    ["enabled unset", {}, "compliant"],
    ["enabled true", { enabled: true }, "compliant"],
    ["enabled \"true\"", { enabled: "true" }, "compliant"],
    ["enabled false", { enabled: false }, finding("root_block_device not encrypted")],
    ["enabled from an expression", { enabled: "${var.on}" }, finding("root_block_device not encrypted")],
    ["enabled on another provider", { provider: "aws.west" }, finding("root_block_device not encrypted")],
  ])("encryption by default with %s", (_, setting, expected) => {
    expect(verdict("aws_instance.i", { "aws_ebs_encryption_by_default.d": setting, "aws_instance.i": {} })).toEqual(expected);
  });
});
