/**
 * HGPU-AZ-13 on plain views: which resource types have their shared key, custom and user data and
 * os_profile read, and which of those attributes hold base64.
 */
import { describe, expect, it } from "vitest";
import { azureNoPlainSecrets } from "../../../../lib/team/policies/rules/hgpu-az-13";
import { ENCODED_SCRIPT as encoded, GH, GITHUB, checkOne, flagged } from "./secret-fixtures";

const check = (type: string, config: Record<string, unknown>) => checkOne(azureNoPlainSecrets, type, config);

describe("HGPU-AZ-13 on one resource", () => {
  it.each<[string, string, Record<string, unknown>, unknown]>([
    ["a connection's shared key", "azurerm_virtual_network_gateway_connection", { shared_key: "abcdef123456" }, flagged("shared_key is a literal key in the code (abcd... (12 characters)): use a sensitive variable or a secret store's data source")],
    ["a shared key attribute on another type", "azurerm_virtual_network_gateway", { shared_key: "abcdef123456" }, "compliant"],
    ["a scale set's custom_data, user_data and user_data_base64, decoded", "azurerm_linux_virtual_machine_scale_set", { custom_data: encoded, user_data: encoded, user_data_base64: encoded }, flagged(`custom_data holds ${GH}`, `user_data holds ${GH}`, `user_data_base64 holds ${GH}`)],
    ["an orchestrated scale set's os_profile custom_data, decoded", "azurerm_orchestrated_virtual_machine_scale_set", { os_profile: [{ custom_data: encoded }] }, flagged(`os_profile.custom_data holds ${GH}`)],
    ["a virtual machine's os_profile custom_data, plain text", "azurerm_virtual_machine", { os_profile: [{ custom_data: encoded }] }, flagged(`os_profile.custom_data (base64-encoded text) holds ${GH}`)],
    ["custom data on a type without it", "azurerm_storage_account", { custom_data: encoded, os_profile: [{ custom_data: encoded }] }, "compliant"],
    ["tags of any Azure resource", "azurerm_storage_account", { tags: { token: GITHUB } }, flagged(`tags "token" holds ${GH}`)],
  ])("%s", (_what, type, config, expected) => {
    expect(check(type, config)).toEqual(expected);
  });
});
