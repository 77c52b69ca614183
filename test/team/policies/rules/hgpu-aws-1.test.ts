import { describe, expect, it } from "vitest";
import { awsNoPublicIp } from "../../../../lib/team/policies/rules/hgpu-aws-1";
import type { ElementView } from "../../../../lib/team/policies/types";
import { resourceAt, stackView } from "./aws-fixtures";

const NV = "which the pack cannot verify: use a literal value or suppress with a reason";
const UNSET = "a GPU node without associate_public_ip_address leaves the public IP to the subnet's map_public_ip_on_launch: set associate_public_ip_address = false";
const finding = (detail: string) => ({ status: "non-compliant", detail });
const unverifiable = (detail: string) => ({ status: "non-compliant", detail, level: "error" });

/** HGPU-AWS-1's verdict on `address` in a stack of `resources` (plus data sources). */
function verdict(address: string, resources: Record<string, Record<string, unknown>>, dataSources: ElementView[] = []): unknown {
  const view = stackView(resources, { dataSources });
  return awsNoPublicIp.check(resourceAt(view, address), { requiredTags: [] });
}

describe("HGPU-AWS-1 instances, Spot requests and launch configurations", () => {
  it.each([
    ["a GPU instance without the setting", "aws_instance.n", { instance_type: "g5.xlarge" }, finding(UNSET)],
    ["a GPU Spot request without the setting", "aws_spot_instance_request.n", { instance_type: "g5.xlarge" }, finding(UNSET)],
    ["a GPU instance with its own network_interface", "aws_instance.n", { instance_type: "g5.xlarge", network_interface: [{ network_interface_id: "eni-1", device_index: 0 }] }, "compliant"],
    ["a CPU instance without the setting", "aws_instance.n", { instance_type: "t3.large" }, "compliant"],
    ["a GPU instance with false", "aws_instance.n", { instance_type: "g5.xlarge", associate_public_ip_address: false }, "compliant"],
    ["a CPU instance with true", "aws_instance.n", { instance_type: "t3.large", associate_public_ip_address: true }, finding("associate_public_ip_address is true")],
    ["an instance with an expression", "aws_instance.n", { instance_type: "t3.large", associate_public_ip_address: "${var.public}" }, unverifiable(`associate_public_ip_address is "\${var.public}", ${NV}`)],
    ["a GPU launch configuration without the setting", "aws_launch_configuration.n", { instance_type: "p5.48xlarge" }, finding(UNSET)],
    ["a CPU launch configuration without the setting", "aws_launch_configuration.n", { instance_type: "t3.large" }, "compliant"],
  ])("%s", (_, address, config, expected) => {
    expect(verdict(address, { [address]: config })).toEqual(expected);
  });
});

describe("HGPU-AWS-1 Spot fleets", () => {
  it("reports each launch specification that asks for a public IP or cannot be verified", () => {
    expect(verdict("aws_spot_fleet_request.f", { "aws_spot_fleet_request.f": { launch_specification: [{ associate_public_ip_address: false }, { associate_public_ip_address: "${var.p}" }, { associate_public_ip_address: true }] } }))
      .toEqual(finding(`launch_specification[1].associate_public_ip_address is "\${var.p}", ${NV}; launch_specification[2] sets associate_public_ip_address to true`));
    expect(verdict("aws_spot_fleet_request.f", { "aws_spot_fleet_request.f": { launch_specification: [{ associate_public_ip_address: false }, { instance_type: "g5.xlarge" }] } })).toBe("compliant");
  });
});

describe("HGPU-AWS-1 launch templates", () => {
  it.each([
    ["a dynamic network_interfaces block", { instance_type: "t3.large", dynamic: { network_interfaces: { for_each: "${var.nics}" } } }, unverifiable(`dynamic.network_interfaces is {"for_each":"\${var.nics}"}, ${NV}`)],
    ["interfaces it cannot verify", { network_interfaces: [{ associate_public_ip_address: false }, { associate_public_ip_address: "${var.a}" }, { associate_public_ip_address: "${var.b}" }] },
      finding(`network_interfaces[1].associate_public_ip_address is "\${var.a}", ${NV}; network_interfaces[2].associate_public_ip_address is "\${var.b}", ${NV}`)],
    ["public interfaces", { network_interfaces: [{ associate_public_ip_address: true }, { associate_public_ip_address: false }, { associate_public_ip_address: "true" }] }, finding("network_interfaces[0, 2] set associate_public_ip_address to true")],
    ["a CPU template without interfaces", { instance_type: "t3.large" }, "compliant"],
    ["a GPU template with two interfaces", { instance_type: "g5.xlarge", network_interfaces: [{ device_index: 0 }, { device_index: 1 }] }, "compliant"],
    ["a GPU template without interfaces", { instance_type: "g5.xlarge" },
      finding("a GPU launch template without network_interfaces leaves the public IP to the subnet's map_public_ip_on_launch: add network_interfaces { device_index = 0, associate_public_ip_address = false }")],
    ["a GPU template with a private primary interface", { instance_type: "g5.xlarge", network_interfaces: [{ device_index: 0, associate_public_ip_address: false }] }, "compliant"],
    ["a GPU template with a private interface without device_index", { instance_type: "g5.xlarge", network_interfaces: [{ associate_public_ip_address: "false" }] }, "compliant"],
    ["a GPU template with a primary interface that leaves it unset", { instance_type: "g5.xlarge", network_interfaces: [{ device_index: 0 }] },
      finding("network_interfaces[0] (device_index 0) leaves associate_public_ip_address unset, so the subnet's map_public_ip_on_launch decides: set it to false")],
    ["a GPU template whose only interface is not the primary one", { instance_type: "g5.xlarge", network_interfaces: [{ device_index: 1, associate_public_ip_address: false }] },
      finding("the only network interface has device_index 1: use device_index 0 with associate_public_ip_address = false")],
  ])("%s", (_, config, expected) => {
    expect(verdict("aws_launch_template.lt", { "aws_launch_template.lt": config })).toEqual(expected);
  });
});

describe("HGPU-AWS-1 Elastic IPs", () => {
  const stack = {
    "aws_instance.gpu": { instance_type: "g5.xlarge", associate_public_ip_address: false },
    "aws_instance.cpu": { instance_type: "t3.large" },
    "aws_network_interface.gpu": { attachment: [{ instance: "${aws_instance.gpu.id}" }] },
    "aws_network_interface.cpu": { attachment: [{ instance: "${aws_instance.cpu.id}" }] },
  };
  const data: ElementView[] = [{ type: "aws_instance", name: "d", address: "data.aws_instance.d", config: {} }];

  it.each([
    ["aws_eip", { instance: "${aws_instance.gpu.id}" }, finding("gives GPU instance aws_instance.gpu a public (Elastic) IP")],
    ["aws_eip", { network_interface: "${aws_network_interface.gpu.id}" }, finding("gives network interface aws_network_interface.gpu of a GPU instance a public (Elastic) IP")],
    ["aws_eip", { instance: "${aws_instance.cpu.id}", network_interface: "${aws_network_interface.gpu.id}" }, finding("gives network interface aws_network_interface.gpu of a GPU instance a public (Elastic) IP")],
    ["aws_eip", { instance: null, network_interface: "${aws_network_interface.cpu.id}" }, "compliant"],
    ["aws_eip", { instance: "i-0123", network_interface: "${aws_network_interface.gpu.id}" }, finding("gives network interface aws_network_interface.gpu of a GPU instance a public (Elastic) IP")],
    ["aws_eip", { instance: "${var.instance}" }, unverifiable(`instance is "\${var.instance}", ${NV}`)],
    ["aws_eip", { network_interface: "${data.aws_instance.d.network_interface_id}" }, unverifiable(`network_interface is "\${data.aws_instance.d.network_interface_id}", ${NV}`)],
    ["aws_eip", { domain: "vpc" }, "compliant"],
    ["aws_eip_association", { instance_id: "${aws_instance.gpu.id}" }, finding("gives GPU instance aws_instance.gpu a public (Elastic) IP")],
    ["aws_eip_association", { network_interface_id: "${aws_network_interface.gpu.id}" }, finding("gives network interface aws_network_interface.gpu of a GPU instance a public (Elastic) IP")],
    ["aws_eip_association", { instance_id: "${var.i}" }, unverifiable(`instance_id is "\${var.i}", ${NV}`)],
    ["aws_eip_association", { network_interface_id: "${var.n}" }, unverifiable(`network_interface_id is "\${var.n}", ${NV}`)],
    ["aws_eip_association", { instance_id: "${aws_instance.cpu.id}" }, "compliant"],
  ])("%s %j", (type, config, expected) => {
    expect(verdict(`${type}.e`, { ...stack, [`${type}.e`]: config }, data)).toEqual(expected);
  });
});
