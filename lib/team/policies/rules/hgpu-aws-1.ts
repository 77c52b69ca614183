import { blocks, isFalse, isTrue, nonCompliant, numberOf } from "../helpers";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { cannotVerify, cannotVerifyText, dynamicBlock, hasDynamicBlock, readValue } from "../values";
import { gpuInstances, gpuNetworkInterfaces, isGpuInstance, isGpuInstanceType, isGpuLaunchTemplate } from "./aws-gpu-nodes";

/** HGPU-AWS-1: EC2 nodes get no public IP address. */
export const awsNoPublicIp: PolicyRule = {
  id: "HGPU-AWS-1",
  level: "error",
  title: "GPU nodes have no public IP",
  explanation:
    "A public address puts a GPU node on the internet. Nodes reach out through NAT and VPC endpoints and are managed through SSM, " +
    "so no network interface of a launch template, no instance or Spot instance request, no launch configuration and no Spot fleet " +
    "launch specification may ask for one (associate_public_ip_address = true). A GPU launch template (GPU instance_type, " +
    "accelerator instance_requirements, or a GPU override where something launches from it) must also not leave the choice to the " +
    "subnet's map_public_ip_on_launch: its primary interface (device_index 0) sets associate_public_ip_address = false, unless the " +
    "template has several network interfaces (EC2 assigns no public IPv4 address to an instance launched with more than one); GPU " +
    "instances, Spot instance requests and launch configurations set it to false too. No aws_eip or aws_eip_association may point at " +
    "a GPU instance or at a network interface attached to one. A value the pack cannot resolve is a finding.",
  appliesTo: ["aws_launch_template", "aws_instance", "aws_spot_instance_request", "aws_launch_configuration", "aws_spot_fleet_request", "aws_eip", "aws_eip_association"],
  check(resource) {
    const c = resource.config;
    switch (resource.type) {
      case "aws_instance":
      case "aws_spot_instance_request":
        return singleNode(resource, isGpuInstance(resource) && blocks(c.network_interface).length === 0);
      case "aws_launch_configuration":
        return singleNode(resource, isGpuInstanceType(c.instance_type, resource.stack));
      case "aws_spot_fleet_request":
        return spotFleet(resource);
      case "aws_eip":
        return elasticIpTarget(resource, c.instance, c.network_interface, ["instance", "network_interface"]);
      case "aws_eip_association":
        return elasticIpTarget(resource, c.instance_id, c.network_interface_id, ["instance_id", "network_interface_id"]);
      default:
        return launchTemplate(resource);
    }
  },
};

/** An instance, Spot request or launch configuration: no public IP asked for, and an explicit false on GPU nodes. */
function singleNode(node: L1View, gpu: boolean): RuleResult {
  const raw = node.config.associate_public_ip_address;
  const read = readValue(raw, node.stack);
  if (read.kind !== "literal") return cannotVerify("error", "associate_public_ip_address", raw);
  if (isTrue(read.value)) return nonCompliant("associate_public_ip_address is true");
  if (gpu && read.value === undefined) {
    return nonCompliant("a GPU node without associate_public_ip_address leaves the public IP to the subnet's map_public_ip_on_launch: set associate_public_ip_address = false");
  }
  return "compliant";
}

function spotFleet(fleet: L1View): RuleResult {
  const problems: string[] = [];
  blocks(fleet.config.launch_specification).forEach((spec, i) => {
    const read = readValue(spec.associate_public_ip_address, fleet.stack);
    if (read.kind !== "literal") problems.push(cannotVerifyText(`launch_specification[${i}].associate_public_ip_address`, spec.associate_public_ip_address));
    else if (isTrue(read.value)) problems.push(`launch_specification[${i}] sets associate_public_ip_address to true`);
  });
  return problems.length === 0 ? "compliant" : nonCompliant(problems.join("; "));
}

function launchTemplate(template: L1View): RuleResult {
  if (hasDynamicBlock(template.config, "network_interfaces")) {
    return cannotVerify("error", "dynamic.network_interfaces", dynamicBlock(template.config, "network_interfaces"));
  }
  const nics = blocks(template.config.network_interfaces);
  const reads = nics.map((nic) => readValue(nic.associate_public_ip_address, template.stack));
  const unknown = reads.map((r, i) => ({ r, i })).filter(({ r }) => r.kind !== "literal");
  if (unknown.length > 0) {
    return nonCompliant(unknown.map(({ i }) => cannotVerifyText(`network_interfaces[${i}].associate_public_ip_address`, nics[i]!.associate_public_ip_address)).join("; "));
  }
  const values = reads.map((r) => r.value);
  const publicOnes = values.map((v, i) => ({ v, i })).filter(({ v }) => isTrue(v));
  if (publicOnes.length > 0) return nonCompliant(`network_interfaces[${publicOnes.map(({ i }) => i).join(", ")}] set associate_public_ip_address to true`);
  if (!isGpuLaunchTemplate(template) || nics.length > 1) return "compliant";
  if (nics.length === 0) {
    return nonCompliant("a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: " +
      "add network_interfaces { device_index = 0, associate_public_ip_address = false }");
  }
  const primary = nics[0]!;
  const index = numberOf(primary.device_index) ?? 0;
  if (index === 0 && isFalse(values[0])) return "compliant";
  return nonCompliant(index === 0
    ? "network_interfaces[0] (device_index 0) leaves associate_public_ip_address unset, so the subnet's map_public_ip_on_launch decides: set it to false"
    : `the only network interface has device_index ${String(primary.device_index)}: use device_index 0 with associate_public_ip_address = false`);
}

function elasticIpTarget(eip: L1View, instance: unknown, networkInterface: unknown, attributes: readonly [string, string]): RuleResult {
  const targets: [string, unknown][] = [[attributes[0], instance], [attributes[1], networkInterface]];
  for (const [attribute, value] of targets) {
    const read = readValue(value, eip.stack);
    if (read.kind === "unresolved") return cannotVerify("error", attribute, value);
    if (read.kind !== "reference") continue;
    if (read.reference.isDataSource) return cannotVerify("error", attribute, value);
    const address = read.reference.element.address;
    const node = gpuInstances(read.reference.stack).find((i) => i.address === address);
    if (node) return nonCompliant(`gives GPU instance ${node.address} a public (Elastic) IP`);
    const nic = gpuNetworkInterfaces(read.reference.stack).find((n) => n.address === address);
    if (nic) return nonCompliant(`gives network interface ${nic.address} of a GPU instance a public (Elastic) IP`);
  }
  return "compliant";
}
