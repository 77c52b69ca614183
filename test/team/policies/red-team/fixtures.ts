/** Builders shared by the red-team patterns: stacks, compliant GPU nodes, and raw L1 resources of any type. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformResource, TerraformStack, type App } from "cdktf";
import type { Construct } from "constructs";
import type { RuleLevel } from "../../../../lib/team/policies";

/** One risky pattern: what it builds into a fresh app, and the findings it must produce (of the rules named in them). */
export interface RedTeamRow {
  /** What the pattern does. */
  readonly name: string;
  /** Builds the pattern; GpuPolicies.applyTo(app) has already been called, so every stack is created after it. */
  readonly build: (app: App) => void;
  /** Each finding it must produce: level, rule ID and the exact message. */
  readonly expect: readonly (readonly [RuleLevel, string, string])[];
}

/** A stack with an AWS provider in us-east-1. */
export function awsStack(app: App, id = "s"): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** A stack with an azurerm provider. */
export function azureStack(app: App, id = "s"): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, "azure", { features: [{}] });
  return stack;
}

/** A GPU launch template that passes every AWS rule; `props` replace parts of it. */
export function gpuTemplate(scope: Construct, props: Partial<LaunchTemplateConfig> = {}, id = "lt"): LaunchTemplate {
  return new LaunchTemplate(scope, id, {
    instanceType: "g5.xlarge",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
    blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 200, encrypted: "true" } }],
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }],
    ...props,
  });
}

/** An L1 resource of any type with the given (Terraform, snake_case) configuration, e.g. one the provider package would take longer to write. */
export function raw(scope: Construct, id: string, type: string, config: Record<string, unknown>): TerraformResource {
  const resource = new TerraformResource(scope, id, { terraformResourceType: type });
  for (const [key, value] of Object.entries(config)) resource.addOverride(key, value);
  return resource;
}

/** An instance's arguments that pass every rule but the one a pattern breaks. */
export const SAFE_INSTANCE = {
  ami: "ami-0123456789abcdef0",
  associate_public_ip_address: false,
  metadata_options: { http_tokens: "required" },
  root_block_device: { encrypted: true },
} as const;

/** The VM's arguments of an Azure scale set, without its network interfaces. */
export const SCALE_SET = {
  resource_group_name: "rg", location: "eastus", instances: 2, admin_username: "azureuser",
  admin_ssh_key: [{ username: "azureuser", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ml@example" }],
  source_image_reference: { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest" },
  os_disk: { caching: "ReadWrite", storage_account_type: "Premium_LRS" },
} as const;

/** An NSG security rule's arguments, inbound Allow on TCP 22 from `source`. */
export function inbound(name: string, priority: number, source: Record<string, unknown>): Record<string, unknown> {
  return { name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*", destination_address_prefix: "*", destination_port_range: "22", ...source };
}
