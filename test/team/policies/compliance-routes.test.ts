/**
 * Compliance side of the fail-closed changes: every route to a GPU passes when written safely,
 * literal variable defaults are judged as literals, and what is not the internet or not a GPU
 * group draws nothing. (The red team, red-team.test.ts, holds the noncompliance side.)
 */
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { evaluateGpuPolicies } from "../../../lib/team/policies";
import { SAFE_INSTANCE, SCALE_SET, awsStack, azureStack, gpuTemplate, inbound, raw } from "./red-team/fixtures";

const RULES = ["HGPU-AWS-1", "HGPU-AWS-2", "HGPU-AWS-3", "HGPU-AWS-9", "HGPU-AZ-1", "HGPU-AZ-9"];

function findings(stack: Parameters<typeof evaluateGpuPolicies>[0]): string[] {
  return evaluateGpuPolicies(stack, { requiredTags: [] }).filter((f) => RULES.includes(f.ruleId)).map((f) => `${f.level} ${f.message}`);
}

describe("every route to a GPU passes when written safely", () => {
  it("instances, Spot requests, launch configurations and Spot fleets (with account-level IMDSv2 defaults)", () => {
    const stack = awsStack(Testing.app());
    raw(stack, "vm", "aws_instance", { ...SAFE_INSTANCE, instance_type: "p5.48xlarge" });
    raw(stack, "spot", "aws_spot_instance_request", { ...SAFE_INSTANCE, instance_type: "p4d.24xlarge" });
    raw(stack, "lc", "aws_launch_configuration", { image_id: "ami-1", instance_type: "g5.xlarge", associate_public_ip_address: false, metadata_options: { http_tokens: "required" }, root_block_device: { encrypted: true } });
    raw(stack, "defaults", "aws_ec2_instance_metadata_defaults", { http_tokens: "required" });
    raw(stack, "fleet", "aws_spot_fleet_request", {
      iam_fleet_role: "arn:aws:iam::123456789012:role/fleet", target_capacity: 2,
      launch_specification: [{ ami: "ami-1", instance_type: "g6e.xlarge", root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: "/dev/sdb", encrypted: true }] }],
    });
    expect(findings(stack)).toEqual([]);
  });

  it("a CPU type, also through a variable's literal default, needs no explicit public-IP false", () => {
    const stack = awsStack(Testing.app());
    const type = new TerraformVariable(stack, "type", { type: "string", default: "m7i.large" });
    gpuTemplate(stack, { instanceType: type.stringValue, networkInterfaces: undefined });
    raw(stack, "vm", "aws_instance", { ...SAFE_INSTANCE, associate_public_ip_address: undefined, instance_type: "t3.micro" });
    expect(findings(stack)).toEqual([]);
  });
});

describe("what is not the internet, or not a GPU group, draws nothing (or a warning)", () => {
  it("private ranges on a GPU group, even when other rules of the group hold half the internet each on their own", () => {
    const stack = awsStack(Testing.app());
    const sg = new SecurityGroup(stack, "sg", { name: "nodes", ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8", "fd00::/8"] }] });
    new VpcSecurityGroupIngressRule(stack, "half", { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/1", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    gpuTemplate(stack, { vpcSecurityGroupIds: [sg.id] });
    expect(findings(stack)).toEqual([]);
  });

  it("a world-open group no GPU node uses, in any stack of the app, is a warning", () => {
    const app = Testing.app();
    const stack = awsStack(app, "edge");
    new SecurityGroup(stack, "alb", { name: "alb", ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
    gpuTemplate(awsStack(app, "team"));
    expect(findings(stack)).toEqual([
      "warning edge/alb: HGPU-AWS-9 Security groups admit nothing from the internet: ingress[0] from 0.0.0.0/0 (tcp 443) (the group is not attached to GPU nodes or shared storage of this app, so this is a warning)",
    ]);
  });

  it("VirtualNetwork on an NSG of no GPU node; a GPU NSG that denies VirtualNetwork below its own rules, its subnet's NSG then needing no deny", () => {
    const stack = azureStack(Testing.app());
    const other = new NetworkSecurityGroup(stack, "other", { resourceGroupName: "rg", location: "eastus", name: "other" });
    other.addOverride("security_rule", [inbound("vnet", 100, { source_address_prefix: "VirtualNetwork" })]);
    const gpu = new NetworkSecurityGroup(stack, "gpu", { resourceGroupName: "rg", location: "eastus", name: "gpu" });
    gpu.addOverride("security_rule", [
      inbound("cluster", 100, { source_application_security_group_ids: ["${azurerm_application_security_group.cluster.id}"] }),
      { ...inbound("deny-vnet", 4000, { source_address_prefix: "VirtualNetwork" }), access: "Deny", destination_port_range: "*" },
    ]);
    raw(stack, "vmss", "azurerm_linux_virtual_machine_scale_set", {
      ...SCALE_SET, name: "gpu", sku: "Standard_ND96asr_v4",
      network_interface: [{ name: "nic", primary: true, network_security_group_id: gpu.id, ip_configuration: [{ name: "ip", primary: true, subnet_id: "${azurerm_subnet.compute.id}" }] }],
    });
    raw(stack, "compute", "azurerm_subnet", { name: "compute", resource_group_name: "rg", virtual_network_name: "vnet", address_prefixes: ["10.0.0.0/20"] });
    const subnetNsg = new NetworkSecurityGroup(stack, "subnet-nsg", { resourceGroupName: "rg", location: "eastus", name: "subnet" });
    raw(stack, "assoc", "azurerm_subnet_network_security_group_association", { subnet_id: "${azurerm_subnet.compute.id}", network_security_group_id: subnetNsg.id });
    expect(findings(stack)).toEqual([]);
  });
});
