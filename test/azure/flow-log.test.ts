import { TerraformVariable } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureNetwork, type AzureNetworkProps } from "../../lib/azure/network";
import { azureStack, resources, synth } from "./helpers";
import { validationErrorOf } from "../helpers";

const ACCOUNT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/netlogs";
const WORKSPACE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/net-analytics";
const WORKSPACE_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

function build(props: Partial<AzureNetworkProps> = {}) {
  const stack = azureStack();
  const network = new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus", ...props });
  const tf = synth(stack);
  return { network, tf, flowLogs: resources(tf, "azurerm_network_watcher_flow_log"), accounts: resources(tf, "azurerm_storage_account") };
}
const error = (flowLogs: AzureNetworkProps["flowLogs"], location = "eastus") => validationErrorOf(() => new AzureNetwork(azureStack(), "net", { cidr: "10.20.0.0/16", location, flowLogs }));

describe("AzureNetwork: VNet flow logs by default", () => {
  const { network, tf, flowLogs, accounts } = build();

  it("records the whole virtual network through Azure's Network Watcher of the location, kept 90 days", () => {
    expect(flowLogs).toHaveLength(1);
    expect(flowLogs[0]).toMatchObject({
      network_watcher_name: "NetworkWatcher_eastus",
      resource_group_name: "NetworkWatcherRG",
      location: "eastus",
      target_resource_id: "${azurerm_virtual_network.net_vnet_FA9406DC.id}",
      enabled: true,
      version: 2,
      retention_policy: { enabled: true, days: 90 },
    });
    expect(flowLogs[0].network_security_group_id).toBeUndefined();
    expect(flowLogs[0].traffic_analytics).toBeUndefined();
    // Names: one watcher holds every network's flow logs, so the VNet's ID is in the name.
    expect(flowLogs[0].name).toBe('${join("-", ["s-net-flow-log", substr(sha1(azurerm_virtual_network.net_vnet_FA9406DC.id), 0, 8)])}');
    // the escape hatch is that flow log
    expect(network.flowLog!.node.path).toBe("s/net/flow-log");
  });

  it("waits for the subnets and their security groups (the watcher comes with the location's first VNet)", () => {
    expect(flowLogs[0].depends_on).toEqual([
      "azurerm_subnet.net_gateway-subnet_40011B0C",
      "azurerm_subnet_network_security_group_association.net_compute-nsg-assoc_D80D836A",
      "azurerm_subnet_network_security_group_association.net_storage-nsg-assoc_52045D17",
    ]);
  });

  it("writes to a new account: Standard LRS in the network's group and location, TLS 1.2, no public blobs, no shared keys, trusted Azure services only", () => {
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toEqual({
      name: '${join("", ["snetflow5e656906", substr(sha1(azurerm_resource_group.net_rg_EAE86D03.id), 0, 8)])}',
      resource_group_name: "${azurerm_resource_group.net_rg_EAE86D03.name}",
      location: "eastus",
      account_kind: "StorageV2",
      account_tier: "Standard",
      account_replication_type: "LRS",
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      infrastructure_encryption_enabled: true,
      cross_tenant_replication_enabled: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      network_rules: { default_action: "Deny", bypass: ["AzureServices"] },
    });
    expect(flowLogs[0].storage_account_id).toBe("${azurerm_storage_account.net_flow-log-storage_FD6E998C.id}");
    expect(network.flowLogStorageAccount!.node.path).toBe("s/net/flow-log-storage");
  });

  it("also takes flowLogs: true", () => {
    expect(build({ flowLogs: true }).flowLogs).toEqual(flowLogs);
    expect(Object.keys(tf.resource.azurerm_network_watcher_flow_log)).toEqual(["net_flow-log_02145F4A"]);
  });
});

describe("AzureNetwork: flow-log options", () => {
  it("flowLogs: false creates neither the flow log nor its account", () => {
    const { network, flowLogs, accounts } = build({ flowLogs: false });
    expect(flowLogs).toEqual([]);
    expect(accounts).toEqual([]);
    expect(network.flowLog).toBeUndefined();
    expect(network.flowLogStorageAccount).toBeUndefined();
  });

  it("an existing account, watcher and retention, from 0 (kept until deleted) to 365 days", () => {
    const { flowLogs, accounts } = build({ flowLogs: { storageAccountId: ACCOUNT, storageAccountLocation: "eastus", networkWatcherName: "nw-eastus", networkWatcherResourceGroupName: "network-watchers", retentionDays: 365 } });
    expect(accounts).toEqual([]);
    expect(flowLogs[0]).toMatchObject({ storage_account_id: ACCOUNT, network_watcher_name: "nw-eastus", resource_group_name: "network-watchers", retention_policy: { enabled: true, days: 365 } });
    expect(build({ flowLogs: { retentionDays: 0 } }).flowLogs[0].retention_policy).toEqual({ enabled: false, days: 0 });
    expect(build({ flowLogs: { retentionDays: 1 } }).flowLogs[0].retention_policy).toEqual({ enabled: true, days: 1 });
  });

  it("takes Terraform references, checked by Azure at apply", () => {
    const stack = azureStack();
    const account = new TerraformVariable(stack, "logs_account_id", { type: "string" });
    const days = new TerraformVariable(stack, "logs_days", { type: "number" });
    new AzureNetwork(stack, "net", { cidr: "10.20.0.0/16", location: "eastus", flowLogs: { storageAccountId: account.stringValue, retentionDays: days.numberValue } });
    const [flowLog] = resources(synth(stack), "azurerm_network_watcher_flow_log");
    expect(flowLog.storage_account_id).toBe("${var.logs_account_id}");
    expect(flowLog.retention_policy).toEqual({ enabled: true, days: "${var.logs_days}" });
  });

  it("traffic analytics into a workspace, every hour unless 10 minutes are asked for", () => {
    const hourly = build({ flowLogs: { trafficAnalytics: { workspaceId: WORKSPACE_ID, workspaceResourceId: WORKSPACE } } }).flowLogs[0];
    expect(hourly.traffic_analytics).toEqual({ enabled: true, workspace_id: WORKSPACE_ID, workspace_region: "eastus", workspace_resource_id: WORKSPACE, interval_in_minutes: 60 });
    const fast = build({ flowLogs: { trafficAnalytics: { workspaceId: WORKSPACE_ID, workspaceResourceId: WORKSPACE, workspaceRegion: "westus2", intervalMinutes: 10 } } }).flowLogs[0];
    expect(fast.traffic_analytics).toMatchObject({ workspace_region: "westus2", interval_in_minutes: 10 });
  });
});

describe("AzureNetwork: flow-log validation", () => {
  it("retention from 0 to 365 whole days", () => {
    expect(error({ retentionDays: 366 })).toBe("s/net: flowLogs.retentionDays 366 is not valid: use a whole number from 0 to 365");
    expect(error({ retentionDays: -1 })).toBe("s/net: flowLogs.retentionDays -1 is not valid: use a whole number from 0 to 365");
    expect(error({ retentionDays: 7.5 })).toBe("s/net: flowLogs.retentionDays 7.5 is not valid: use a whole number from 0 to 365");
  });

  it("a storage account resource ID, in the network's location when the location is given", () => {
    expect(error({ storageAccountId: "netlogs" })).toBe(
      's/net: flowLogs.storageAccountId "netlogs" is not valid: use a storage account resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>)',
    );
    const notAnAccount = ACCOUNT.replace("Storage", "Network");
    expect(error({ storageAccountId: notAnAccount })).toBe(
      `s/net: flowLogs.storageAccountId "${notAnAccount}" is not valid: use a storage account resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>)`,
    );
    // ARM IDs compare case-insensitively
    expect(build({ flowLogs: { storageAccountId: ACCOUNT.toLowerCase() } }).flowLogs[0].storage_account_id).toBe(ACCOUNT.toLowerCase());
    expect(error({ storageAccountId: ACCOUNT, storageAccountLocation: "westus2" })).toBe(
      's/net: flowLogs.storageAccountLocation "westus2" is not valid: use a storage account in eastus, the network\'s location: VNet flow logs write only to an account in the virtual network\'s location',
    );
    expect(error({ storageAccountId: ACCOUNT, storageAccountLocation: "east-us" })).toBe('s/net: flowLogs.storageAccountLocation "east-us" is not valid: use an Azure location name such as eastus');
    expect(error({ storageAccountLocation: "eastus" })).toBe(
      's/net: flowLogs.storageAccountLocation "eastus" is not valid: leave it out unless storageAccountId names an existing account (the account the network creates is in its location)',
    );
  });

  it("watcher and resource group names Azure takes", () => {
    expect(error({ networkWatcherName: "nw eastus" })).toBe(
      's/net: flowLogs.networkWatcherName "nw eastus" is not valid: use the name of the location\'s Network Watcher: 1-80 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit and ending with one or \'_\'',
    );
    expect(error({ networkWatcherName: "nw-" })).toBe(
      's/net: flowLogs.networkWatcherName "nw-" is not valid: use the name of the location\'s Network Watcher: 1-80 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit and ending with one or \'_\'',
    );
    expect(() => build({ flowLogs: { networkWatcherName: "nw_" } })).not.toThrow();
    expect(error({ networkWatcherResourceGroupName: "watchers." })).toBe(
      's/net: flowLogs.networkWatcherResourceGroupName "watchers." is not valid: use a resource group name: 1-90 letters, digits, \'.\', \'_\', \'-\', \'(\' or \')\', not ending with \'.\'',
    );
    expect(error({ networkWatcherResourceGroupName: "x".repeat(91) })).toBe(
      `s/net: flowLogs.networkWatcherResourceGroupName "${"x".repeat(91)}" is not valid: use a resource group name: 1-90 letters, digits, '.', '_', '-', '(' or ')', not ending with '.'`,
    );
    expect(() => build({ flowLogs: { networkWatcherResourceGroupName: "x".repeat(90) } })).not.toThrow();
  });

  it("traffic analytics: a workspace GUID, a workspace resource ID, a location and 10 or 60 minutes", () => {
    const ta = (t: object) => error({ trafficAnalytics: { workspaceId: WORKSPACE_ID, workspaceResourceId: WORKSPACE, ...t } });
    expect(ta({ workspaceId: WORKSPACE })).toBe(`s/net: flowLogs.trafficAnalytics.workspaceId "${WORKSPACE}" is not valid: use the workspace ID, a GUID (azurerm_log_analytics_workspace.workspace_id), not its resource ID`);
    expect(ta({ workspaceResourceId: WORKSPACE_ID })).toBe(
      `s/net: flowLogs.trafficAnalytics.workspaceResourceId "${WORKSPACE_ID}" is not valid: use a Log Analytics workspace resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>)`,
    );
    expect(ta({ workspaceRegion: "mars" })).toBe('s/net: flowLogs.trafficAnalytics.workspaceRegion "mars" is not valid: use an Azure location name such as eastus (`az account list-locations -o table` lists them; a location newer than the library is an issue to report)');
    expect(ta({ intervalMinutes: 30 })).toBe("s/net: flowLogs.trafficAnalytics.intervalMinutes 30 is not valid: use one of 10, 60");
  });

  it("false or options, nothing else", () => {
    expect(error("yes" as never)).toBe('s/net: flowLogs "yes" is not valid: use false to turn flow logs off, or leave it out (or give options) to keep them on');
  });
});
