import { describe, expect, it } from "vitest";
import { capacityError } from "../../lib/launch/capacity-errors";

// Messages as the clouds write them (EC2 API error codes, Auto Scaling activity reasons, Spot
// request status codes, Azure compute error codes), wrapped the way Terraform prints them.
describe("capacityError", () => {
  it.each([
    ["Error: creating EC2 Instance: InsufficientInstanceCapacity: We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity.", "aws", "InsufficientInstanceCapacity"],
    ["Error: waiting for Auto Scaling Group (s-train-nodes) capacity satisfied: 1 error occurred:\n\t* Scaling activity (abc): Failed: We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a). Launching EC2 instance failed.", "aws", "no capacity in the zone"],
    ["InsufficientInstanceCapacity: There is no Spot capacity available that matches your request.", "aws", "InsufficientInstanceCapacity"],
    ["Scaling activity (abc): Failed: There is no Spot capacity available that matches your request. Launching EC2 instance failed.", "aws", "no capacity in the zone"],
    ["Error: creating EC2 Capacity Reservation: InsufficientCapacity: Insufficient capacity.", "aws", "InsufficientCapacity"],
    ["Spot request status: capacity-not-available", "aws", "no capacity in the zone"],
    ["Unsupported: Your requested instance type (p5.48xlarge) is not supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an Availability Zone or choosing us-east-1a, us-east-1b.", "aws", "Unsupported"],
    ["Error: Invalid postcondition: s/train: p5.48xlarge is not offered in use1-az3: choose another zone (hgpu place lists the catalog's zones for the type)", "aws", "not offered in the zone"],
    ["Failed: The requested configuration is currently not supported. Please check the documentation for supported configurations. Launching EC2 instance failed.", "aws", "configuration not supported in the zone"],
    ['Code="SkuNotAvailable" Message="The requested VM size for resource \'Following SKUs have failed for Capacity Restrictions: Standard_ND96isr_H100_v5\' is currently not available in location \'eastus\'."', "azure", "SkuNotAvailable"],
    ['Code="AllocationFailed" Message="Allocation failed. We do not have sufficient capacity for the requested VM size in this region."', "azure", "AllocationFailed"],
    ['Code="ZonalAllocationFailed" Message="Allocation failed. We do not have sufficient capacity for the requested VM size in this zone."', "azure", "ZonalAllocationFailed"],
    ['Code="OverconstrainedAllocationRequest" Message="Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive."', "azure", "OverconstrainedAllocationRequest"],
    ['Code="OverconstrainedZonalAllocationRequest" Message="Allocation failed. VM(s) with the following constraints cannot be allocated."', "azure", "OverconstrainedAllocationRequest"],
    ['Code="SpotCapacityNotAvailable" Message="Spot capacity is not available in this region."', "azure", "no Spot capacity"],
  ])("%s", (text, cloud, name) => {
    expect(capacityError(text)).toEqual({ cloud, name });
  });

  it.each([
    "VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to.",
    'Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved standardNDSH100v5Family Cores quota."',
    "UnauthorizedOperation: You are not authorized to perform this operation.",
    "InvalidParameterValue: Value (p5.48xlarge) for parameter instanceType is invalid.",
    'Code="AuthorizationFailed" Message="The client does not have authorization to perform action."',
    "",
  ])("is not a capacity error: %s", (text) => {
    expect(capacityError(text)).toBeUndefined();
  });
});
