import { describe, expect, it } from "vitest";
import { storageCloudProblem, storageNetworkProblem } from "../../lib/core/storage-mount";

describe("which shared storage a cluster may mount", () => {
  it.each([
    ["aws", "aws", undefined],
    ["azure", "azure", undefined],
    ["aws", "azure", "use storage on AWS, such as an AwsLustreStorage: this one is on azure; a cluster mounts storage of its own cloud only"],
    ["azure", "aws", "use storage on Azure, such as an AzureLustreStorage: this one is on aws; a cluster mounts storage of its own cloud only"],
  ] as const)("a cluster on %s, storage on %s: %j", (cluster, storage, problem) => {
    expect(storageCloudProblem(cluster, storage)).toBe(problem);
  });

  it("storage in the cluster's own network only", () => {
    expect(storageNetworkProblem("s/net", "s/net")).toBeUndefined();
    expect(storageNetworkProblem("s/net", "s/other")).toBe("use storage in the cluster's network s/net: this one is in s/other");
  });
});
