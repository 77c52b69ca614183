import { blocks, isTrue, nonCompliant } from "../helpers";
import type { PolicyRule } from "../types";

/** HGPU-AWS-1: EC2 nodes get no public IP address. */
export const awsNoPublicIp: PolicyRule = {
  id: "HGPU-AWS-1",
  level: "error",
  title: "GPU nodes have no public IP",
  explanation:
    "A public address puts a GPU node on the internet. Nodes reach out through NAT and VPC endpoints and are managed through SSM, " +
    "so no network interface of a launch template and no instance may ask for one (associate_public_ip_address).",
  appliesTo: ["aws_launch_template", "aws_instance"],
  check(resource) {
    if (resource.type === "aws_instance") {
      return isTrue(resource.config.associate_public_ip_address) ? nonCompliant("associate_public_ip_address is true") : "compliant";
    }
    const publicOnes = blocks(resource.config.network_interfaces)
      .map((nic, i) => ({ nic, i }))
      .filter(({ nic }) => isTrue(nic.associate_public_ip_address));
    if (publicOnes.length === 0) return "compliant";
    return nonCompliant(`network_interfaces[${publicOnes.map(({ i }) => i).join(", ")}] set associate_public_ip_address to true`);
  },
};
