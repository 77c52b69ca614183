export * from "./summary";
export * from "./report";
export {
  estimateStack, ownedTask, poolEstimates, taskMaxRuntime,
  type ClusterEstimate, type CostBreakdown, type GatewayEstimate, type LinkEstimate, type OwnedTaskRecord,
  type PoolEstimate, type StackEstimate, type StorageEstimate, type TaskEstimate,
} from "./estimate";
export {
  AWS_VPN_TUNNEL_GBPS, GRID_EMISSIONS, HOST_POWER, HOURS_PER_MONTH, SERVICE_PRICES,
  azureVpnGatewayGbps, fsxLustrePrice, gatewayPrice, gridFactor, managedLustrePrice, nodePowerWatts,
  type GatewayKind, type Rate, type RateStatus,
} from "./rates";
export * from "./topology";
export type { TerraformJson, TfResource, ResourceArgs } from "./terraform-json";
