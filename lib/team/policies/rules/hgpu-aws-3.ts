import { awsProviderAlias, block, blocks, isTrue, nonCompliant, resourcesOfType } from "../helpers";
import type { L1View, PolicyRule } from "../types";

/** HGPU-AWS-3: EBS volumes of nodes, and standalone volumes, are encrypted. */
export const awsDisksEncrypted: PolicyRule = {
  id: "HGPU-AWS-3",
  level: "error",
  title: "Disks are encrypted",
  explanation:
    "Node disks hold checkpoints, datasets and credentials. Every EBS mapping of a launch template or instance, and every " +
    "aws_ebs_volume, sets encrypted = true; a template or instance that maps no volume keeps the AMI's (possibly unencrypted) " +
    "snapshots, so it complies only when the stack turns on aws_ebs_encryption_by_default for the template's or instance's own " +
    "provider configuration (the setting is per account and region: one made through another provider alias does not count).",
  appliesTo: ["aws_launch_template", "aws_instance", "aws_ebs_volume"],
  check(resource) {
    const c = resource.config;
    if (resource.type === "aws_ebs_volume") return isTrue(c.encrypted) ? "compliant" : nonCompliant("encrypted is not true");
    if (encryptedByDefault(resource)) return "compliant";
    const volumes: { where: string; encrypted: unknown }[] = [];
    if (resource.type === "aws_launch_template") {
      blocks(c.block_device_mappings).forEach((m, i) => {
        const ebs = block(m.ebs);
        if (ebs) volumes.push({ where: `block_device_mappings[${i}] (${String(m.device_name ?? "?")})`, encrypted: ebs.encrypted });
      });
    } else {
      const root = block(c.root_block_device);
      volumes.push({ where: "root_block_device", encrypted: root?.encrypted });
      blocks(c.ebs_block_device).forEach((d, i) => volumes.push({ where: `ebs_block_device[${i}] (${String(d.device_name ?? "?")})`, encrypted: d.encrypted }));
    }
    if (volumes.length === 0) {
      const alias = awsProviderAlias(resource);
      return nonCompliant(`no EBS block device mapping sets encrypted = true, and the stack has no aws_ebs_encryption_by_default on ${alias === undefined ? "the default aws provider" : `provider aws.${alias}`}`);
    }
    const plain = volumes.filter((v) => !isTrue(v.encrypted)).map((v) => v.where);
    return plain.length === 0 ? "compliant" : nonCompliant(`${plain.join(", ")} not encrypted`);
  },
};

/** Whether the stack turns on EBS encryption by default through the same provider configuration (account and region) as `resource`. */
function encryptedByDefault(resource: L1View): boolean {
  const alias = awsProviderAlias(resource);
  return resourcesOfType(resource.stack, "aws_ebs_encryption_by_default").some((r) =>
    awsProviderAlias(r) === alias && (r.config.enabled === undefined || isTrue(r.config.enabled)));
}
