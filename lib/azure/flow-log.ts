import { NetworkWatcherFlowLog } from "../engine/azurerm";
import { Annotations, Fn, Token, type ITerraformDependable } from "../engine/core";
import { StorageAccount } from "../engine/azurerm";
import type { Construct } from "constructs";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { AZURE_STORAGE_ACCOUNT_RESOURCE_ID, AZURE_STORAGE_ACCOUNT_RESOURCE_ID_RULE, type Validator } from "../core/validate";
import { PRIVATE_STORAGE_ACCOUNT } from "./private-storage";
import { azurermProviders, readsStorageDataPlane } from "./provider";

/** Traffic analytics of a VNet flow log: Azure aggregates the flow records into a Log Analytics workspace. */
export interface AzureTrafficAnalytics {
  /** The workspace's ID (its customer ID, a GUID, as `azurerm_log_analytics_workspace.workspace_id` gives it). */
  readonly workspaceId: string;
  /** The workspace's resource ID (`/subscriptions/.../providers/Microsoft.OperationalInsights/workspaces/<name>`). */
  readonly workspaceResourceId: string;
  /**
   * The workspace's location.
   * @default - the network's location
   */
  readonly workspaceRegion?: string;
  /**
   * How often Azure processes the flow records, in minutes: 10 or 60.
   * @default 60
   */
  readonly intervalMinutes?: 10 | 60;
}

/**
 * VNet flow logs of an {@link AzureNetwork}: Network Watcher records every IP flow of the virtual
 * network (allowed and denied, with bytes and packets) as JSON blobs in a storage account.
 */
export interface AzureFlowLogOptions {
  /**
   * Name of the Network Watcher of the network's location. A subscription has one per location:
   * Azure creates `NetworkWatcher_<location>` in the resource group `NetworkWatcherRG` with the
   * subscription's first virtual network there, unless the subscription opted out of that. Name
   * another watcher when the subscription has its own.
   * @default - "NetworkWatcher_<location>", the watcher Azure creates
   */
  readonly networkWatcherName?: string;
  /**
   * Resource group of that Network Watcher (the flow log resource goes in it too).
   * @default "NetworkWatcherRG"
   */
  readonly networkWatcherResourceGroupName?: string;
  /**
   * Days the flow-log blobs are kept, 1 to 365, or 0 to keep them until deleted (Network Watcher's
   * own retention, which it applies to the account as a lifecycle rule).
   * @default 90 - as long as the AWS networks keep their flow logs
   */
  readonly retentionDays?: number;
  /**
   * Resource ID of an existing storage account to write to: a Standard (not Premium) account in
   * the network's location, which admits Network Watcher (trusted Azure services) through its
   * firewall. Network Watcher replaces the account's lifecycle management rules with its retention
   * rule, so give an account that has none of its own.
   * @default - a new account in the network's resource group (see {@link AzureNetwork.flowLogStorageAccount})
   */
  readonly storageAccountId?: string;
  /**
   * Location of the account named by `storageAccountId`, when known, to check at synth that it is
   * the network's (flow logs write only to an account in the virtual network's location).
   * @default - not checked (Azure refuses another location at apply)
   */
  readonly storageAccountLocation?: string;
  /**
   * Traffic analytics into a Log Analytics workspace (billed per GB processed).
   * @default - off
   */
  readonly trafficAnalytics?: AzureTrafficAnalytics;
}

/** What {@link vnetFlowLog} created. */
export interface VnetFlowLogResources {
  readonly flowLog: NetworkWatcherFlowLog;
  /** The account the logs go to, when the network created one. */
  readonly storageAccount?: StorageAccount;
}

/** The network a flow log records, as {@link vnetFlowLog} needs it. */
export interface FlowLoggedNetwork {
  readonly scope: Construct;
  readonly virtualNetworkId: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** Resource ID of the network's resource group: the created account's name takes a hash of it. */
  readonly resourceGroupId: string;
  /** Resources the flow log waits for (the subnets and their security groups). */
  readonly after: readonly ITerraformDependable[];
}

/** Azure's name for the Network Watcher it creates in a location. */
export const defaultNetworkWatcherName = (location: string) => `NetworkWatcher_${location}`;
/** The resource group Azure puts the Network Watchers it creates in. */
export const DEFAULT_NETWORK_WATCHER_GROUP = "NetworkWatcherRG";
/** Days flow-log blobs are kept unless said otherwise. */
export const DEFAULT_FLOW_LOG_RETENTION_DAYS = 90;

/**
 * A storage account resource ID.
 * @deprecated use AZURE_STORAGE_ACCOUNT_RESOURCE_ID (lib/core), the one rule every construct checks
 */
export const AZURE_STORAGE_ACCOUNT_ID = AZURE_STORAGE_ACCOUNT_RESOURCE_ID;
/** A Log Analytics workspace resource ID. */
const WORKSPACE_RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure resource names of the Network Watcher kind: 1-80 letters, digits, `.`, `_`, `-`; starting with a letter or digit, ending with one or `_`. */
const WATCHER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/;
/** Resource group names: 1-90 letters, digits, `.`, `_`, `-`, `(`, `)`, not ending with `.`. */
const RESOURCE_GROUP_NAME = /^[A-Za-z0-9._()-]{0,89}[A-Za-z0-9_()-]$/;

/** The checked options, with their defaults. */
export interface CheckedFlowLogOptions {
  readonly networkWatcherName: string;
  readonly networkWatcherResourceGroupName: string;
  readonly retentionDays: number;
  readonly storageAccountId?: string;
  readonly trafficAnalytics?: Required<AzureTrafficAnalytics>;
}

/**
 * Checks the `flowLogs` prop of a network in `location` (field names `flowLogs.*`) and fills in the
 * defaults; undefined when flow logs are off.
 */
export function checkFlowLogOptions(v: Validator, location: string, flowLogs: boolean | AzureFlowLogOptions | undefined): CheckedFlowLogOptions | undefined {
  if (flowLogs === false) return undefined;
  v.check(flowLogs === undefined || flowLogs === true || (typeof flowLogs === "object" && flowLogs !== null && !Array.isArray(flowLogs)), "flowLogs", flowLogs, "use false to turn flow logs off, or leave it out (or give options) to keep them on");
  const o: AzureFlowLogOptions = typeof flowLogs === "object" ? flowLogs : {};
  const retentionDays = v.integer("flowLogs.retentionDays", o.retentionDays ?? DEFAULT_FLOW_LOG_RETENTION_DAYS, { min: 0, max: 365 });
  const networkWatcherName = o.networkWatcherName ?? defaultNetworkWatcherName(location);
  v.matches("flowLogs.networkWatcherName", networkWatcherName, WATCHER_NAME, "use the name of the location's Network Watcher: 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit and ending with one or '_'");
  const networkWatcherResourceGroupName = o.networkWatcherResourceGroupName ?? DEFAULT_NETWORK_WATCHER_GROUP;
  v.matches("flowLogs.networkWatcherResourceGroupName", networkWatcherResourceGroupName, RESOURCE_GROUP_NAME, "use a resource group name: 1-90 letters, digits, '.', '_', '-', '(' or ')', not ending with '.'");
  if (o.storageAccountId !== undefined) {
    v.matches("flowLogs.storageAccountId", o.storageAccountId, AZURE_STORAGE_ACCOUNT_RESOURCE_ID, AZURE_STORAGE_ACCOUNT_RESOURCE_ID_RULE);
  }
  if (o.storageAccountLocation !== undefined) {
    v.check(o.storageAccountId !== undefined, "flowLogs.storageAccountLocation", o.storageAccountLocation, "leave it out unless storageAccountId names an existing account (the account the network creates is in its location)");
    v.azureLocation("flowLogs.storageAccountLocation", o.storageAccountLocation);
    v.check(o.storageAccountLocation === location, "flowLogs.storageAccountLocation", o.storageAccountLocation, `use a storage account in ${location}, the network's location: VNet flow logs write only to an account in the virtual network's location`);
  }
  let trafficAnalytics: Required<AzureTrafficAnalytics> | undefined;
  if (o.trafficAnalytics !== undefined) {
    const t = o.trafficAnalytics;
    v.matches("flowLogs.trafficAnalytics.workspaceId", t.workspaceId, GUID, "use the workspace ID, a GUID (azurerm_log_analytics_workspace.workspace_id), not its resource ID");
    v.matches("flowLogs.trafficAnalytics.workspaceResourceId", t.workspaceResourceId, WORKSPACE_RESOURCE_ID, "use a Log Analytics workspace resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>)");
    const workspaceRegion = t.workspaceRegion ?? location;
    v.azureLocation("flowLogs.trafficAnalytics.workspaceRegion", workspaceRegion);
    const intervalMinutes = v.oneOf("flowLogs.trafficAnalytics.intervalMinutes", t.intervalMinutes ?? 60, [10, 60] as const);
    trafficAnalytics = { workspaceId: t.workspaceId, workspaceResourceId: t.workspaceResourceId, workspaceRegion, intervalMinutes };
  }
  return {
    networkWatcherName,
    networkWatcherResourceGroupName,
    retentionDays,
    ...(o.storageAccountId !== undefined ? { storageAccountId: o.storageAccountId } : {}),
    ...(trafficAnalytics ? { trafficAnalytics } : {}),
  };
}

/**
 * A VNet flow log (`target_resource_id` the virtual network, format version 2) through the
 * location's Network Watcher, to `options.storageAccountId` or to a new storage account: Standard
 * LRS in the network's resource group and location, TLS 1.2 and HTTPS only, no public blobs,
 * infrastructure encryption, Entra ID only (no shared keys) and a firewall that admits trusted
 * Azure services alone (Network Watcher is one). Behind such a firewall Network Watcher writes with
 * an Entra ID token when key access fails (Network Watcher FAQ, "Why do I see some 403 errors in
 * storage account activity logs?"); azurerm 4.x gives flow logs no managed identity to choose.
 * Terraform itself reads the account's queue and static-website properties from where it runs,
 * which the firewall refuses: the provider needs `features { storage { data_plane_available = false } }`
 * (cdktf: `features: [{ storage: [{ dataPlaneAvailable: false }] }]`), or the account an IP rule for
 * the machine that runs Terraform. Resources are created under `net.scope` with fixed ids.
 */
export function vnetFlowLog(net: FlowLoggedNetwork, options: CheckedFlowLogOptions): VnetFlowLogResources {
  const { scope } = net;
  const storageAccount = options.storageAccountId === undefined
    ? new StorageAccount(scope, "flow-log-storage", {
        // Account names are global: a hash of the resource group's ID (subscription and group) keeps two subscriptions' apart.
        name: Fn.join("", [nameFromPath(scope.node.path, { ...NAME_RULES.azureStorageAccount, maxLength: 16 }, "flowlogs"), Fn.substr(Fn.sha1(net.resourceGroupId), 0, 8)]),
        resourceGroupName: net.resourceGroupName,
        location: net.location,
        accountKind: "StorageV2",
        ...PRIVATE_STORAGE_ACCOUNT,
        crossTenantReplicationEnabled: false,
        networkRules: { defaultAction: "Deny", bypass: ["AzureServices"] },
      })
    : undefined;
  if (storageAccount) warnOfDataPlaneReads(scope);
  const retention = options.retentionDays;
  const flowLog = new NetworkWatcherFlowLog(scope, "flow-log", {
    // One watcher holds the flow logs of every network of the subscription in the location: a hash of the VNet's ID keeps two apps' apart.
    name: Fn.join("-", [nameFromPath(scope.node.path, { ...NAME_RULES.azureGeneric, maxLength: 71 }, "flow-log"), Fn.substr(Fn.sha1(net.virtualNetworkId), 0, 8)]),
    networkWatcherName: options.networkWatcherName,
    resourceGroupName: options.networkWatcherResourceGroupName,
    location: net.location,
    targetResourceId: net.virtualNetworkId,
    storageAccountId: options.storageAccountId ?? storageAccount!.id,
    enabled: true,
    version: 2,
    // 0 keeps the blobs until deleted: the retention policy is then off. A reference is taken as a number of days.
    retentionPolicy: { enabled: Token.isUnresolved(retention) || retention > 0, days: retention },
    ...(options.trafficAnalytics
      ? {
          trafficAnalytics: {
            enabled: true,
            workspaceId: options.trafficAnalytics.workspaceId,
            workspaceRegion: options.trafficAnalytics.workspaceRegion,
            workspaceResourceId: options.trafficAnalytics.workspaceResourceId,
            intervalInMinutes: options.trafficAnalytics.intervalMinutes,
          },
        }
      : {}),
    // Azure creates its Network Watcher with the location's first virtual network: the subnets and
    // their security groups come after it, which gives the watcher time to exist.
    dependsOn: [...net.after],
  });
  return { flowLog, ...(storageAccount ? { storageAccount } : {}) };
}

/**
 * At synth (when the stack's providers all exist): a warning on `scope` for each azurerm provider of
 * the stack that reads storage accounts' data plane, which the flow-log account's firewall refuses,
 * so `terraform plan` would fail with 403 on the account.
 */
function warnOfDataPlaneReads(scope: Construct): void {
  scope.node.addValidation({
    validate: () => {
      for (const provider of azurermProviders(scope).filter((p) => readsStorageDataPlane(p) === true)) {
        Annotations.of(scope).addWarning(
          `the azurerm provider ${provider.node.path} reads storage accounts' data plane, which the flow-log storage account's firewall refuses ` +
            "from where Terraform runs (plan fails with 403): give the provider features: [{ storage: [{ dataPlaneAvailable: false }] }] " +
            "(AZURERM_FEATURES), or set flowLogs.storageAccountId, or flowLogs: false",
        );
      }
      return [];
    },
  });
}
