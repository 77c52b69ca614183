import { awsProviderAlias, block, blocks, isTrue, nonCompliant, resourcesOfType } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, dynamicBlock, hasDynamicBlock, readValue } from "../values";

/** HGPU-AWS-3: EBS volumes of nodes, and standalone volumes, are encrypted. */
export const awsDisksEncrypted: PolicyRule = {
  id: "HGPU-AWS-3",
  level: "error",
  title: "Disks are encrypted",
  explanation:
    "Node disks hold checkpoints, datasets and credentials. Every EBS mapping of a launch template, instance, Spot instance " +
    "request, launch configuration or Spot fleet launch specification, and every aws_ebs_volume, sets encrypted = true; a node " +
    "that maps no volume keeps the AMI's (possibly unencrypted) snapshots, so it complies only when the stack turns on " +
    "aws_ebs_encryption_by_default for the resource's own provider configuration (the setting is per account and region: one made " +
    "through another provider alias does not count). A value or block the pack cannot resolve is a finding.",
  appliesTo: ["aws_launch_template", "aws_instance", "aws_spot_instance_request", "aws_launch_configuration", "aws_spot_fleet_request", "aws_ebs_volume"],
  check(resource) {
    const c = resource.config;
    if (resource.type === "aws_ebs_volume") {
      const read = readValue(c.encrypted, resource.stack);
      if (read.kind !== "literal") return nonCompliant(cannotVerifyText("encrypted", c.encrypted));
      return isTrue(read.value) ? "compliant" : nonCompliant("encrypted is not true");
    }
    if (encryptedByDefault(resource)) return "compliant";
    const volumes: { where: string; attribute: string; encrypted: unknown }[] = [];
    const dynamic: { attribute: string; value: unknown }[] = [];
    const instanceLike = (config: Readonly<Record<string, unknown>>, prefix: string) => {
      const root = block(config.root_block_device);
      volumes.push({ where: `${prefix}root_block_device`, attribute: `${prefix}root_block_device.encrypted`, encrypted: root?.encrypted });
      blocks(config.ebs_block_device).forEach((d, i) => volumes.push({ where: `${prefix}ebs_block_device[${i}] (${String(d.device_name ?? "?")})`, attribute: `${prefix}ebs_block_device[${i}].encrypted`, encrypted: d.encrypted }));
      for (const name of ["root_block_device", "ebs_block_device"]) if (hasDynamicBlock(config, name)) dynamic.push({ attribute: `${prefix}dynamic.${name}`, value: dynamicBlock(config, name) });
    };
    if (resource.type === "aws_launch_template") {
      blocks(c.block_device_mappings).forEach((m, i) => {
        const ebs = block(m.ebs);
        if (ebs) volumes.push({ where: `block_device_mappings[${i}] (${String(m.device_name ?? "?")})`, attribute: `block_device_mappings[${i}].ebs.encrypted`, encrypted: ebs.encrypted });
      });
      if (hasDynamicBlock(c, "block_device_mappings")) dynamic.push({ attribute: "dynamic.block_device_mappings", value: dynamicBlock(c, "block_device_mappings") });
    } else if (resource.type === "aws_spot_fleet_request") {
      const specs = blocks(c.launch_specification);
      if (specs.length === 0) return "not-applicable";
      specs.forEach((spec, i) => instanceLike(spec, `launch_specification[${i}].`));
    } else {
      instanceLike(c, "");
    }
    const problems = dynamic.map((d) => cannotVerifyText(d.attribute, d.value));
    if (volumes.length === 0 && problems.length === 0) {
      const alias = awsProviderAlias(resource);
      return nonCompliant(`no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on ${alias === undefined ? "the default aws provider" : `provider aws.${alias}`}`);
    }
    const plain: string[] = [];
    for (const v of volumes) {
      const read = readValue(v.encrypted, resource.stack);
      if (read.kind !== "literal") problems.push(cannotVerifyText(v.attribute, v.encrypted));
      else if (!isTrue(read.value)) plain.push(v.where);
    }
    if (plain.length > 0) problems.unshift(`${plain.join(", ")} not encrypted`);
    return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
  },
};

/** Whether the stack turns on EBS encryption by default through the same provider configuration (account and region) as `resource`. */
function encryptedByDefault(resource: L1View): boolean {
  const alias = awsProviderAlias(resource);
  return resourcesOfType(resource.stack, "aws_ebs_encryption_by_default").some((r) => {
    if (awsProviderAlias(r) !== alias) return false;
    const enabled = readValue(r.config.enabled, r.stack);
    return r.config.enabled === undefined || isTrue(enabled.value); // an unresolved read holds its expression, never true
  });
}
