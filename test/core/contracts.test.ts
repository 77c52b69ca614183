import { describe, expect, it } from "vitest";
import { AZURE_LOCATION_CONTEXT, isGpuCluster } from "../../lib/core/contracts";

describe("AZURE_LOCATION_CONTEXT", () => {
  it("is the context key a stack sets for the default Azure location", () => {
    expect(AZURE_LOCATION_CONTEXT).toBe("hgpu:azure-location");
  });
});

describe("isGpuCluster: the IGpuCluster contract, checked member by member", () => {
  const allowFrom = (): void => undefined;
  const cluster = (cloud: unknown) => ({ node: {}, placement: { cloud }, gpusPerNode: 8, allowFrom });
  const callable = Object.assign(() => undefined, cluster("aws"));

  it.each<[string, unknown, boolean]>([
    ["a cluster on AWS", cluster("aws"), true],
    ["a cluster on Azure", cluster("azure"), true],
    ["a cluster with zero GPUs per node (a number all the same)", { ...cluster("aws"), gpusPerNode: 0 }, true],
    ["a cluster on premises", cluster("onprem"), false],
    ["a cluster on another cloud", cluster("gcp"), false],
    ["no placement", { node: {}, gpusPerNode: 8, allowFrom }, false],
    ["a placement without a cloud", { ...cluster("aws"), placement: {} }, false],
    ["no node", { placement: { cloud: "aws" }, gpusPerNode: 8, allowFrom }, false],
    ["a node that is not an object", { ...cluster("aws"), node: "s/train" }, false],
    ["no allowFrom", { node: {}, placement: { cloud: "aws" }, gpusPerNode: 8 }, false],
    ["an allowFrom that is not a function", { ...cluster("aws"), allowFrom: true }, false],
    ["GPUs per node as text", { ...cluster("aws"), gpusPerNode: "8" }, false],
    ["a function carrying every member", callable, false],
    ["null", null, false],
    ["undefined", undefined, false],
    ["a string", "cluster", false],
  ])("%s: %s", (_what, value, expected) => {
    expect(isGpuCluster(value)).toBe(expected);
  });
});
