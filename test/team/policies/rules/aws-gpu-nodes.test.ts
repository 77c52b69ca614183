import { describe, expect, it } from "vitest";
import {
  awsGpuNodes, gpuInstances, gpuLaunchConfigurations, gpuLaunchSpecifications, gpuLaunchTemplates, gpuNetworkInterfaces,
  isGpuInstance, isGpuInstanceType, isGpuInterfaceId, isGpuLaunchTemplate,
} from "../../../../lib/team/policies/rules/aws-gpu-nodes";
import { resourceAt, stackView } from "./aws-fixtures";

const LT = "${aws_launch_template.lt.id}";
const LT_NAME = "${aws_launch_template.lt.name}";
const OTHER = "${aws_launch_template.other.id}";

describe("isGpuInstanceType", () => {
  it.each([
    ["g5.xlarge", true],
    ["trn1.32xlarge", true],
    ["P4D.24XLARGE", true], // listed by the catalog (any case), not of the family pattern
    ["t3.large", false],
    ["m5.xlarge", false],
    ["${aws_ssm_parameter.t.value}", true],
    [undefined, false],
    [5, false],
    [["${var.types}"], false],
  ])("%j is a GPU type: %s", (value, expected) => {
    expect(isGpuInstanceType(value)).toBe(expected);
  });

  it("reads a variable with a literal default as its default, and one without as a GPU type", () => {
    const view = stackView({}, { variables: { cpu: { hasDefault: true, default: "t3.large", sensitive: false }, gpu: { hasDefault: true, default: "g5.xlarge", sensitive: false }, open: { hasDefault: false, sensitive: false } } });
    expect(isGpuInstanceType("${var.cpu}", view)).toBe(false);
    expect(isGpuInstanceType("${var.gpu}", view)).toBe(true);
    expect(isGpuInstanceType("${var.open}", view)).toBe(true);
  });
});

describe("isGpuLaunchTemplate", () => {
  const template = (lt: Record<string, unknown>, others: Record<string, Record<string, unknown>> = {}) =>
    isGpuLaunchTemplate(resourceAt(stackView({ "aws_launch_template.lt": lt, "aws_launch_template.other": {}, ...others }), "aws_launch_template.lt"));

  it.each([
    ["a GPU instance_type", { instance_type: "g5.xlarge" }, true],
    ["a CPU instance_type", { instance_type: "t3.large" }, false],
    ["nothing", {}, false],
    ["accelerator_count.min 1", { instance_requirements: { accelerator_count: { min: 1 } } }, true],
    ["accelerator_count.min \"2\"", { instance_requirements: [{ accelerator_count: [{ min: "2" }] }] }, true],
    ["accelerator_count.min 0", { instance_requirements: { accelerator_count: { min: 0 } } }, false],
    ["accelerator_count without min", { instance_requirements: { accelerator_count: { max: 4 } } }, false],
    ["accelerator_count.min from an expression", { instance_requirements: { accelerator_count: { min: "${var.n}" } } }, true],
    ["accelerator_types gpu", { instance_requirements: { accelerator_types: ["fpga", "gpu"] } }, true],
    ["accelerator_types fpga", { instance_requirements: { accelerator_types: ["fpga"] } }, false],
    ["accelerator_types from an expression", { instance_requirements: { accelerator_types: ["${var.kind}"] } }, true],
    ["instance_requirements with neither", { instance_requirements: { vcpu_count: { min: 4 } } }, false],
  ])("with %s: %s", (_, lt, expected) => {
    expect(template(lt)).toBe(expected);
  });

  it.each([
    ["an ASG mixed override of a GPU type", { "aws_autoscaling_group.g": { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: LT }, override: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge" }] } } } }, true],
    ["an ASG mixed override by template name", { "aws_autoscaling_group.g": { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_name: LT_NAME }, override: { instance_type: "g5.xlarge" } } } } }, true],
    ["an ASG mixed override of CPU types", { "aws_autoscaling_group.g": { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: LT }, override: [{ instance_type: "t3.large" }] } } } }, false],
    ["an ASG mixed override asking for accelerators", { "aws_autoscaling_group.g": { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: LT }, override: [{ instance_requirements: { accelerator_types: ["gpu"] } }] } } } }, true],
    ["a GPU override of an ASG on another template", { "aws_autoscaling_group.g": { mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: OTHER }, override: [{ instance_type: "g5.xlarge" }] } } } }, false],
    ["an EC2 fleet override of a GPU type", { "aws_ec2_fleet.f": { launch_template_config: [{ launch_template_specification: { launch_template_id: LT }, override: [{ instance_type: "g5.xlarge" }] }] } }, true],
    ["an EC2 fleet override by template name", { "aws_ec2_fleet.f": { launch_template_config: { launch_template_specification: { launch_template_name: LT_NAME }, override: { instance_type: "p5.48xlarge" } } } }, true],
    ["an EC2 fleet override on another template", { "aws_ec2_fleet.f": { launch_template_config: [{ launch_template_specification: { launch_template_id: OTHER }, override: [{ instance_type: "g5.xlarge" }] }] } }, false],
    ["an EC2 fleet config without a specification", { "aws_ec2_fleet.f": { launch_template_config: [{ override: [{ instance_type: "g5.xlarge" }] }] } }, false],
    ["a Spot fleet override of a GPU type", { "aws_spot_fleet_request.f": { launch_template_config: [{ launch_template_specification: { id: LT }, overrides: [{ instance_type: "g5.xlarge" }] }] } }, true],
    ["a Spot fleet override by template name", { "aws_spot_fleet_request.f": { launch_template_config: { launch_template_specification: { name: LT_NAME }, overrides: { instance_type: "g5.xlarge" } } } }, true],
    ["a Spot fleet override on another template", { "aws_spot_fleet_request.f": { launch_template_config: [{ launch_template_specification: { id: OTHER }, overrides: [{ instance_type: "g5.xlarge" }] }] } }, false],
    ["a Spot fleet config without a specification", { "aws_spot_fleet_request.f": { launch_template_config: [{ overrides: [{ instance_type: "g5.xlarge" }] }] } }, false],
    ["a Spot fleet override of a CPU type", { "aws_spot_fleet_request.f": { launch_template_config: [{ launch_template_specification: { id: LT }, overrides: [{ instance_type: "t3.large" }] }] } }, false],
    ["an instance of a GPU type launching from it", { "aws_instance.i": { launch_template: { id: LT }, instance_type: "g5.xlarge" } }, true],
    ["a Spot request of a GPU type launching from it by name", { "aws_spot_instance_request.i": { launch_template: { name: LT_NAME }, instance_type: "g5.xlarge" } }, true],
    ["an instance of a CPU type launching from it", { "aws_instance.i": { launch_template: { id: LT }, instance_type: "t3.large" } }, false],
    ["an instance without a type launching from it", { "aws_instance.i": { launch_template: { id: LT } } }, false],
    ["a GPU instance launching from another template", { "aws_instance.i": { launch_template: { id: OTHER }, instance_type: "g5.xlarge" } }, false],
  ])("a CPU template with %s: %s", (_, others, expected) => {
    expect(template({ instance_type: "t3.large" }, others)).toBe(expected);
  });
});

describe("GPU instances, launch configurations and Spot fleet specifications", () => {
  it("an instance is a GPU node by its type, or without a type by the GPU template it names", () => {
    const view = stackView({
      "aws_launch_template.lt": { instance_type: "g5.xlarge" },
      "aws_launch_template.cpu": { instance_type: "t3.large" },
      "aws_instance.typed": { instance_type: "g5.xlarge" },
      "aws_instance.cputyped": { instance_type: "t3.large", launch_template: { id: LT } },
      "aws_instance.byid": { launch_template: { id: LT } },
      "aws_spot_instance_request.byname": { launch_template: { name: LT_NAME } },
      "aws_instance.oncpu": { launch_template: { id: "${aws_launch_template.cpu.id}" } },
      "aws_instance.bare": {},
    });
    const gpu = (a: string) => isGpuInstance(resourceAt(view, a));
    expect([gpu("aws_instance.typed"), gpu("aws_instance.cputyped"), gpu("aws_instance.byid"), gpu("aws_spot_instance_request.byname"), gpu("aws_instance.oncpu"), gpu("aws_instance.bare")])
      .toEqual([true, false, true, true, false, false]);
    expect(gpuInstances(view).map((r) => r.address)).toEqual(["aws_instance.typed", "aws_instance.byid", "aws_spot_instance_request.byname"]);
    expect(gpuLaunchTemplates(view).map((r) => r.address)).toEqual(["aws_launch_template.lt"]);
    // One answer per stack view: asking again returns the same list.
    expect(gpuLaunchTemplates(view)).toBe(gpuLaunchTemplates(view));
    expect(gpuInstances(view)).toBe(gpuInstances(view));
  });

  it("lists launch configurations of a GPU type and the GPU launch specifications of a Spot fleet by index", () => {
    const view = stackView({
      "aws_launch_configuration.gpu": { instance_type: "g5.xlarge" },
      "aws_launch_configuration.cpu": { instance_type: "t3.large" },
      "aws_spot_fleet_request.f": { launch_specification: [{ instance_type: "t3.large" }, { instance_type: "g5.xlarge", ami: "ami-1" }] },
    });
    expect(gpuLaunchConfigurations(view).map((r) => r.address)).toEqual(["aws_launch_configuration.gpu"]);
    expect(gpuLaunchSpecifications(resourceAt(view, "aws_spot_fleet_request.f"))).toEqual([{ index: 1, spec: { instance_type: "g5.xlarge", ami: "ami-1" } }]);
  });
});

describe("network interfaces of GPU nodes", () => {
  const nics = () => stackView({
    "aws_launch_template.lt": { instance_type: "g5.xlarge", network_interfaces: [{ network_interface_id: "${aws_network_interface.bytemplate.id}" }] },
    "aws_launch_template.cpu": { instance_type: "t3.large", network_interfaces: [{ network_interface_id: "${aws_network_interface.bycputemplate.id}" }] },
    "aws_instance.gpu": { instance_type: "g5.xlarge", network_interface: [{ network_interface_id: "${aws_network_interface.byinstance.id}" }] },
    "aws_instance.cpu": { instance_type: "t3.large", network_interface: [{ network_interface_id: "${aws_network_interface.bycpu.id}" }] },
    "aws_instance.gpu2": { instance_type: "p5.48xlarge" },
    "aws_network_interface.attached": { attachment: [{ instance: "${aws_instance.gpu.id}" }] },
    "aws_network_interface.attachedcpu": { attachment: [{ instance: "${aws_instance.cpu.id}" }] },
    "aws_network_interface.viaresource": {},
    "aws_network_interface.viacpuresource": {},
    "aws_network_interface.byinstance": {},
    "aws_network_interface.bycpu": {},
    "aws_network_interface.bytemplate": {},
    "aws_network_interface.bycputemplate": {},
    "aws_network_interface_attachment.a": { instance_id: "${aws_instance.gpu.id}", network_interface_id: "${aws_network_interface.viaresource.id}" },
    "aws_network_interface_attachment.b": { instance_id: "${aws_instance.cpu.id}", network_interface_id: "${aws_network_interface.viacpuresource.id}" },
  }, { dataSources: [{ type: "aws_network_interface", name: "d", address: "data.aws_network_interface.d", config: {} }] });

  it("finds interfaces attached to, or named by, a GPU instance or GPU template", () => {
    const view = nics();
    expect(gpuNetworkInterfaces(view).map((r) => r.address)).toEqual([
      "aws_network_interface.attached", "aws_network_interface.viaresource", "aws_network_interface.byinstance", "aws_network_interface.bytemplate",
    ]);
    expect(gpuInstances(view).map((r) => r.address)).toEqual(["aws_instance.gpu", "aws_instance.gpu2"]);
    expect(gpuNetworkInterfaces(view)).toBe(gpuNetworkInterfaces(view));
  });

  it.each([
    ["${aws_network_interface.attached.id}", true],
    ["${aws_network_interface.attachedcpu.id}", false],
    ["${aws_instance.gpu.primary_network_interface_id}", true],
    ["${aws_instance.gpu.id}", false],
    ["${aws_instance.cpu.primary_network_interface_id}", false],
    ["${aws_launch_template.lt.id}", false],
    ["${data.aws_network_interface.d.id}", false],
    ["eni-0123456789abcdef0", false],
  ])("%s names an interface of a GPU node: %s", (value, expected) => {
    expect(isGpuInterfaceId(value, nics())).toBe(expected);
  });
});

describe("awsGpuNodes", () => {
  it("lists every GPU node with the groups it names, and which take the VPC's default group", () => {
    const view = stackView({
      "aws_launch_template.lt": {
        instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-1"], security_group_names: ["web"],
        network_interfaces: [{ security_groups: ["sg-2"] }, { security_groups: "${var.sgs}" }],
      },
      "aws_launch_template.bare": { instance_requirements: { accelerator_count: { min: 1 } } },
      "aws_launch_template.cpu": { instance_type: "t3.large", vpc_security_group_ids: ["sg-0"] },
      "aws_instance.listed": { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-3"], security_groups: ["classic"] },
      "aws_instance.none": { instance_type: "g5.xlarge", security_groups: null },
      "aws_instance.fromtemplate": { launch_template: { id: "${aws_launch_template.lt.id}" } },
      "aws_instance.withnic": { instance_type: "g5.xlarge", network_interface: [{ network_interface_id: "${aws_network_interface.n1.id}" }] },
      "aws_instance.cpu": { instance_type: "t3.large", vpc_security_group_ids: ["sg-0"] },
      "aws_launch_configuration.lc": { instance_type: "g5.xlarge", security_groups: ["sg-4"] },
      "aws_launch_configuration.cpu": { instance_type: "t3.large", security_groups: ["sg-0"] },
      "aws_spot_fleet_request.sf": { launch_specification: [{ instance_type: "t3.large", vpc_security_group_ids: ["sg-0"] }, { instance_type: "g5.xlarge", vpc_security_group_ids: ["sg-5"] }] },
      "aws_network_interface.n1": { security_groups: ["sg-6"] },
      "aws_network_interface.n2": { security_groups: ["sg-0"] },
      "aws_network_interface_sg_attachment.a1": { network_interface_id: "${aws_network_interface.n1.id}", security_group_id: "sg-7" },
      "aws_network_interface_sg_attachment.a2": { network_interface_id: "${aws_network_interface.n1.id}" },
      "aws_network_interface_sg_attachment.cpu": { network_interface_id: "${aws_network_interface.n2.id}", security_group_id: "sg-0" },
    });
    const nodes = awsGpuNodes(view);
    expect(nodes.map((n) => ({ what: n.what, address: n.resource.address, groups: n.groups, defaultGroup: n.defaultGroup }))).toEqual([
      {
        what: "GPU launch template aws_launch_template.lt", address: "aws_launch_template.lt", defaultGroup: false, groups: [
          { attribute: "vpc_security_group_ids", value: "sg-1" }, { attribute: "security_group_names", value: "web" },
          { attribute: "network_interfaces[0].security_groups", value: "sg-2" }, { attribute: "network_interfaces[1].security_groups", value: "${var.sgs}" },
        ],
      },
      { what: "GPU launch template aws_launch_template.bare", address: "aws_launch_template.bare", defaultGroup: true, groups: [] },
      {
        what: "GPU instance aws_instance.listed", address: "aws_instance.listed", defaultGroup: false,
        groups: [{ attribute: "vpc_security_group_ids", value: "sg-3" }, { attribute: "security_groups", value: "classic" }],
      },
      { what: "GPU instance aws_instance.none", address: "aws_instance.none", defaultGroup: true, groups: [] },
      { what: "GPU instance aws_instance.fromtemplate", address: "aws_instance.fromtemplate", defaultGroup: false, groups: [] },
      { what: "GPU instance aws_instance.withnic", address: "aws_instance.withnic", defaultGroup: false, groups: [] },
      { what: "GPU launch configuration aws_launch_configuration.lc", address: "aws_launch_configuration.lc", defaultGroup: false, groups: [{ attribute: "security_groups", value: "sg-4" }] },
      {
        what: "launch_specification[1] of Spot fleet aws_spot_fleet_request.sf", address: "aws_spot_fleet_request.sf", defaultGroup: false,
        groups: [{ attribute: "launch_specification[1].vpc_security_group_ids", value: "sg-5" }],
      },
      { what: "network interface aws_network_interface.n1 of a GPU instance", address: "aws_network_interface.n1", defaultGroup: false, groups: [{ attribute: "security_groups", value: "sg-6" }] },
      { what: "GPU node interface (aws_network_interface_sg_attachment.a1)", address: "aws_network_interface_sg_attachment.a1", defaultGroup: false, groups: [{ attribute: "security_group_id", value: "sg-7" }] },
      { what: "GPU node interface (aws_network_interface_sg_attachment.a2)", address: "aws_network_interface_sg_attachment.a2", defaultGroup: false, groups: [] },
    ]);
    expect(awsGpuNodes(view)).toBe(nodes);
  });
});
