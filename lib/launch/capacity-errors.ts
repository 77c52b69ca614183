/**
 * Which apply failures mean "no capacity here, try the next placement" (pure). Everything else
 * fails fast: a wrong permission or a bad argument will not improve in another zone. Quota errors
 * (VcpuLimitExceeded, QuotaExceeded) fail fast too: raising a quota is a request to the cloud, not
 * something the next zone fixes.
 */

/** The clouds' error codes and messages for missing capacity, as they appear in Terraform's diagnostics. */
export const CAPACITY_ERROR_PATTERNS: readonly { readonly cloud: "aws" | "azure"; readonly pattern: RegExp; readonly name: string }[] = [
  { cloud: "aws", name: "InsufficientInstanceCapacity", pattern: /InsufficientInstanceCapacity/ },
  { cloud: "aws", name: "InsufficientCapacity", pattern: /\bInsufficientCapacity\b/ },
  { cloud: "aws", name: "Unsupported", pattern: /\bUnsupported\b.*(instance type|availability zone|not supported in your requested)/i },
  { cloud: "aws", name: "no capacity in the zone", pattern: /(We currently do not have sufficient|There is no Spot capacity available|capacity-not-available|MaxSpotInstanceCountExceeded|InsufficientFreeAddressesInSubnet.*EFA)/i },
  { cloud: "aws", name: "not offered in the zone", pattern: /is not offered in [a-z0-9-]+: choose another zone/ },
  { cloud: "aws", name: "configuration not supported in the zone", pattern: /The requested configuration is currently not supported/ },
  { cloud: "azure", name: "SkuNotAvailable", pattern: /SkuNotAvailable/ },
  { cloud: "azure", name: "AllocationFailed", pattern: /\bAllocationFailed\b/ },
  { cloud: "azure", name: "ZonalAllocationFailed", pattern: /ZonalAllocationFailed/ },
  { cloud: "azure", name: "OverconstrainedAllocationRequest", pattern: /OverconstrainedAllocationRequest|OverconstrainedZonalAllocationRequest/ },
  { cloud: "azure", name: "no Spot capacity", pattern: /SpotCapacityNotAvailable|Spot.*capacity.*not available/i },
];

/** The capacity error a text reports, or undefined. */
export function capacityError(text: string): { cloud: "aws" | "azure"; name: string } | undefined {
  const hit = CAPACITY_ERROR_PATTERNS.find((p) => p.pattern.test(text));
  return hit ? { cloud: hit.cloud, name: hit.name } : undefined;
}
