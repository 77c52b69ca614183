import { blocks, isFalse, isTrue, nonCompliant, numberOf, refersTo } from "../helpers";
import type { L1View, PolicyRule, RuleResult } from "../types";
import { gpuInstances, gpuNetworkInterfaces, isGpuLaunchTemplate } from "./aws-gpu-nodes";

/** HGPU-AWS-1: EC2 nodes get no public IP address. */
export const awsNoPublicIp: PolicyRule = {
  id: "HGPU-AWS-1",
  level: "error",
  title: "GPU nodes have no public IP",
  explanation:
    "A public address puts a GPU node on the internet. Nodes reach out through NAT and VPC endpoints and are managed through SSM, " +
    "so no network interface of a launch template and no instance may ask for one (associate_public_ip_address = true). A GPU " +
    "launch template (GPU instance_type, accelerator instance_requirements, or a GPU override in a group using it) must also not " +
    "leave the choice to the subnet's map_public_ip_on_launch: its primary interface (device_index 0) sets " +
    "associate_public_ip_address = false, unless the template has several network interfaces (EC2 assigns no public IPv4 address " +
    "to an instance launched with more than one). No aws_eip or aws_eip_association may point at a GPU aws_instance or at an " +
    "aws_network_interface attached to one.",
  appliesTo: ["aws_launch_template", "aws_instance", "aws_eip", "aws_eip_association"],
  check(resource) {
    switch (resource.type) {
      case "aws_instance":
        return isTrue(resource.config.associate_public_ip_address) ? nonCompliant("associate_public_ip_address is true") : "compliant";
      case "aws_eip":
        return elasticIpTarget(resource, resource.config.instance, resource.config.network_interface);
      case "aws_eip_association":
        return elasticIpTarget(resource, resource.config.instance_id, resource.config.network_interface_id);
      default:
        return launchTemplate(resource);
    }
  },
};

function launchTemplate(template: L1View): RuleResult {
  const nics = blocks(template.config.network_interfaces);
  const publicOnes = nics.map((nic, i) => ({ nic, i })).filter(({ nic }) => isTrue(nic.associate_public_ip_address));
  if (publicOnes.length > 0) return nonCompliant(`network_interfaces[${publicOnes.map(({ i }) => i).join(", ")}] set associate_public_ip_address to true`);
  if (!isGpuLaunchTemplate(template) || nics.length > 1) return "compliant";
  if (nics.length === 0) {
    return nonCompliant("a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: " +
      "add network_interfaces { device_index = 0, associate_public_ip_address = false }");
  }
  const primary = nics[0]!;
  const index = numberOf(primary.device_index) ?? 0;
  if (index === 0 && isFalse(primary.associate_public_ip_address)) return "compliant";
  return nonCompliant(index === 0
    ? "network_interfaces[0] (device_index 0) leaves associate_public_ip_address unset, so the subnet's map_public_ip_on_launch decides: set it to false"
    : `the only network interface has device_index ${String(primary.device_index)}: use device_index 0 with associate_public_ip_address = false`);
}

function elasticIpTarget(eip: L1View, instance: unknown, networkInterface: unknown): RuleResult {
  const node = gpuInstances(eip.stack).find((i) => refersTo(instance, i));
  if (node) return nonCompliant(`gives GPU instance ${node.address} a public (Elastic) IP`);
  const nic = gpuNetworkInterfaces(eip.stack).find((n) => refersTo(networkInterface, n));
  if (nic) return nonCompliant(`gives network interface ${nic.address} of a GPU instance a public (Elastic) IP`);
  return "compliant";
}
