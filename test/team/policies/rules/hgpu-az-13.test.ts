import { VpnConnection } from "@cdktf/provider-aws/lib/vpn-connection";
import { DataAzurermKeyVaultSecret } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret";
import { VirtualNetworkGatewayConnection, type VirtualNetworkGatewayConnectionConfig } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork } from "../../../../lib/azure/network";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { SSH_KEY, azureStack } from "../helpers";
import { expected, findings } from "./findings";
import { linuxScaleSet, orchestratedScaleSet } from "./scale-sets";

const ID = "HGPU-AZ-13";
const flagged = (...lines: [string, string][]) => expected("error", ID, "No secrets in plain text", ...lines);
const base64 = (text: string) => Buffer.from(text).toString("base64");
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----";

function connection(stack: TerraformStack, id: string, props: Partial<VirtualNetworkGatewayConnectionConfig>): VirtualNetworkGatewayConnection {
  return new VirtualNetworkGatewayConnection(stack, id, { name: id, resourceGroupName: "rg", location: "eastus", type: "IPsec", virtualNetworkGatewayId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw", ...props });
}

describe("HGPU-AZ-13 No secrets in plain text", () => {
  it("Compliance: shared keys from a sensitive variable, Key Vault, or the key AWS generated for the other end; clean custom data", () => {
    const stack = azureStack();
    const key = new TerraformVariable(stack, "key", { type: "string", sensitive: true });
    const vault = new DataAzurermKeyVaultSecret(stack, "vault", { name: "vpn-psk", keyVaultId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" });
    const aws = new VpnConnection(stack, "aws-end", { customerGatewayId: "cgw-0123456789abcdef0", type: "ipsec.1", vpnGatewayId: "vgw-0123456789abcdef0" });
    connection(stack, "by-variable", { sharedKey: key.stringValue });
    connection(stack, "by-vault", { sharedKey: vault.value });
    connection(stack, "by-aws", { sharedKey: aws.tunnel1PresharedKey });
    // boundary: an SSH public key in custom data is public
    linuxScaleSet(stack, "vmss", { customData: base64(`#!/bin/bash\necho '${SSH_KEY}' >> /home/azureuser/.ssh/authorized_keys\n`) });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Compliance: a GpuTask on Azure (its env written into its boot script) raises nothing", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const network = new AzureNetwork(stack, "net", { location: "eastus", cidr: "10.50.0.0/16" });
    new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["azure"], network, command: ["train.py"], env: { WANDB_PROJECT: "imagenet" }, azure: { sshPublicKey: SSH_KEY } });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: a literal shared key, keys in custom data (top level and os_profile), a token in tags, custom data from a template", () => {
    const stack = azureStack();
    connection(stack, "literal", { sharedKey: "abcdefgh12345678" });
    linuxScaleSet(stack, "vmss", { customData: base64(`#!/bin/bash\ncat > /root/.ssh/id_ed25519 <<'EOF'\n${PRIVATE_KEY}\nEOF\n`), tags: { notify: "xoxb-123456789012-abcdefghijkl" } });
    orchestratedScaleSet(stack, "flexible", { osProfile: { customData: base64("export DB_PASSWORD=hunter2hunter2\n"), linuxConfiguration: { adminUsername: "azureuser", adminSshKey: [{ username: "azureuser", publicKey: SSH_KEY }] } } });
    linuxScaleSet(stack, "templated", { customData: Fn.base64encode(Fn.templatefile("boot.sh", {})) });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/literal", "shared_key is a literal key in the code (abcd... (16 characters)): use a sensitive variable or a secret store's data source"],
      ["s/vmss", 'custom_data holds a private key (----... (35 characters)); tags "notify" holds a Slack token (xoxb... (30 characters))'],
      ["s/templated", 'custom_data is "${base64encode(templatefile(\\"boot.sh\\", {}))}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/flexible", "os_profile.custom_data holds a literal value of DB_PASSWORD, whose name says it is a secret (hunt... (14 characters))"],
    ));
  });
});
