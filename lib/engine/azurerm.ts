/**
 * The azurerm provider classes the library uses, each by deep import. The only place in lib/ that
 * imports `@cdktf/provider-azurerm`; `npm run build:cdktn` points it at `@cdktn/provider-azurerm`.
 */
export { ApplicationSecurityGroup } from "@cdktf/provider-azurerm/lib/application-security-group";
export { ConsumptionBudgetSubscription } from "@cdktf/provider-azurerm/lib/consumption-budget-subscription";
export { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
export { DataAzurermResourceGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-resource-group";
export { DataAzurermResources } from "@cdktf/provider-azurerm/lib/data-azurerm-resources";
export { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription";
export { LinuxVirtualMachineScaleSet } from "@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set";
export { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
export { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
export { LogicAppTriggerRecurrence } from "@cdktf/provider-azurerm/lib/logic-app-trigger-recurrence";
export { LogicAppWorkflow } from "@cdktf/provider-azurerm/lib/logic-app-workflow";
export { ManagedLustreFileSystem } from "@cdktf/provider-azurerm/lib/managed-lustre-file-system";
export { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
export { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
export { NatGateway } from "@cdktf/provider-azurerm/lib/nat-gateway";
export { NatGatewayPublicIpAssociation } from "@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association";
export { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
export type { NetworkSecurityGroupSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-group";
export { NetworkWatcherFlowLog } from "@cdktf/provider-azurerm/lib/network-watcher-flow-log";
export { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
export type { AzurermProviderFeatures } from "@cdktf/provider-azurerm/lib/provider";
export { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
export { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
export { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
export { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
export { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
export { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
export { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
export { SubnetNatGatewayAssociation } from "@cdktf/provider-azurerm/lib/subnet-nat-gateway-association";
export { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
export { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
export { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
export { VirtualNetworkGateway } from "@cdktf/provider-azurerm/lib/virtual-network-gateway";
export { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
