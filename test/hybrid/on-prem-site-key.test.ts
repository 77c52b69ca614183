import { DataAzurermKeyVaultSecret } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret";
import { Fn, TerraformLocal, TerraformVariable, Token } from "cdktf";
import { describe, expect, it } from "vitest";
import { OnPremSite } from "../../lib/hybrid/on-prem-site";
import { validationErrorOf, hybridStack, resources, synth } from "./helpers";

/**
 * OnPremSite's Azure pre-shared key: only a sensitive variable without a default or a data
 * source's attribute; everything that could carry a key written in code, or print it, is refused.
 */
const base = { name: "fra-dc1", publicIp: "198.51.99.10", cidrs: ["192.168.0.0/16"], bgpAsn: 65100 };
const KEY = "s/dc: azureSharedKey";

describe("OnPremSite azureSharedKey", () => {
  it.each<[string, (s: ReturnType<typeof hybridStack>["stack"]) => string, string]>([
    ["a literal", () => "hunter2hunter2", `${KEY} "(a literal string)" is not valid: pass a reference, e.g. a sensitive TerraformVariable or a Key Vault secret's value: VPN keys never go in code`],
    ["Fn.join over literals", () => Fn.join("", ["hunter2", "hunter2"]), `${KEY} "(an expression)" is not valid: pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code`],
    ["a local holding a literal", (s) => new TerraformLocal(s, "psk", "hunter2hunter2").asString, `${KEY} "(an expression)" is not valid: pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code`],
    ["a sensitive variable made nonsensitive", (s) => Fn.nonsensitive(new TerraformVariable(s, "psk", { type: "string", sensitive: true }).stringValue), `${KEY} "(an expression)" is not valid: pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code`],
    ["a non-sensitive variable with a default", (s) => new TerraformVariable(s, "psk", { type: "string", default: "hunter2hunter2" }).stringValue, `${KEY} "(variable psk, not sensitive)" is not valid: declare the variable with sensitive: true, so that Terraform keeps the key out of plan output and logs`],
    ["a non-sensitive variable", (s) => new TerraformVariable(s, "psk", { type: "string" }).stringValue, `${KEY} "(variable psk, not sensitive)" is not valid: declare the variable with sensitive: true, so that Terraform keeps the key out of plan output and logs`],
    ["a sensitive variable with a default", (s) => new TerraformVariable(s, "psk", { type: "string", sensitive: true, default: "hunter2hunter2" }).stringValue, `${KEY} "(variable psk, with a default)" is not valid: remove the variable's default and give the key at plan time (TF_VAR_<name> or a secret store): VPN keys never go in code`],
  ])("refuses %s", (_what, key, message) => {
    const { stack, aws, azure } = hybridStack();
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: key(stack) }))).toBe(message);
  });

  it.each<[string, (secret: DataAzurermKeyVaultSecret) => string]>([
    ["a literal before a data source's attribute", (secret) => `hunter2${secret.value}`],
    ["a literal after a data source's attribute", (secret) => `${secret.value}hunter2`],
  ])("refuses %s", (_what, key) => {
    const { stack, aws, azure } = hybridStack();
    const secret = new DataAzurermKeyVaultSecret(stack, "psk", { name: "dc-psk", keyVaultId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/net-kv" });
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: key(secret) }))).toBe(
      `${KEY} "(an expression)" is not valid: pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code`);
  });

  it.each<[string, string]>([
    ["a nested attribute", "value.secret"],
    ["an element of a list attribute", "versions[12]"],
    ["a nested attribute of an element", "versions[0].value"],
  ])("accepts %s of a data source", (_what, attribute) => {
    const { stack, aws, azure } = hybridStack();
    const secret = new DataAzurermKeyVaultSecret(stack, "psk", { name: "dc-psk", keyVaultId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/net-kv" });
    new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: Token.asString(secret.interpolationForAttribute(attribute)) });
    expect(resources(synth(stack), "azurerm_virtual_network_gateway_connection")[0].shared_key).toBe(`\${data.azurerm_key_vault_secret.psk.${attribute}}`);
  });

  it("refuses a resource's attribute", () => {
    const { stack, aws, azure } = hybridStack();
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: azure.resourceGroupName }))).toBe(
      `${KEY} "(an expression)" is not valid: pass a sensitive TerraformVariable without a default, or a data source's attribute such as a Key Vault secret's value: an expression or a resource's attribute can carry a key written in code`);
  });

  it("names a variable by its logical ID", () => {
    const { stack, aws, azure } = hybridStack();
    const variable = new TerraformVariable(stack, "psk", { type: "string" });
    variable.overrideLogicalId("dc_key");
    expect(validationErrorOf(() => new OnPremSite(stack, "dc", { ...base, connectTo: [aws, azure], azureSharedKey: variable.stringValue }))).toBe(
      `${KEY} "(variable dc_key, not sensitive)" is not valid: declare the variable with sensitive: true, so that Terraform keeps the key out of plan output and logs`);
  });

  it("accepts a sensitive variable without a default, a data source's attribute, and its own default variable", () => {
    const one = hybridStack();
    const psk = new TerraformVariable(one.stack, "psk", { type: "string", sensitive: true });
    new OnPremSite(one.stack, "dc", { ...base, connectTo: [one.aws, one.azure], azureSharedKey: psk.stringValue });
    expect(resources(synth(one.stack), "azurerm_virtual_network_gateway_connection")[0].shared_key).toBe("${var.psk}");

    const two = hybridStack();
    const secret = new DataAzurermKeyVaultSecret(two.stack, "psk", { name: "dc-psk", keyVaultId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/net-kv" });
    new OnPremSite(two.stack, "dc", { ...base, connectTo: [two.aws, two.azure], azureSharedKey: secret.value });
    expect(resources(synth(two.stack), "azurerm_virtual_network_gateway_connection")[0].shared_key).toBe("${data.azurerm_key_vault_secret.psk.value}");

    const three = hybridStack();
    new OnPremSite(three.stack, "dc", { ...base, connectTo: [three.aws, three.azure] });
    expect(synth(three.stack).variable.fra_dc1_vpn_shared_key).toEqual({ type: "string", sensitive: true, description: "Pre-shared key of the VPN between fra-dc1 and Azure (configure the same on the site's device)" });
  });
});
