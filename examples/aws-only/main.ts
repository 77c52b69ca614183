/**
 * AWS only: a VPC, 2 x p5.48xlarge with their full EFA fabric (32 interfaces each, 3,200 Gbit/s),
 * and FSx for Lustre linked to an S3 dataset, mounted at /fsx on every node.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { AwsGpuCluster, AwsLustreStorage, AwsNetwork, GpuPolicies } from "../../lib";

/** Builds the stack. */
export function buildApp(app: App = new App()): App {
  const stack = new TerraformStack(app, "aws-only");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const network = new AwsNetwork(stack, "network", { cidr: "10.30.0.0/16", zones: ["use1-az4", "use1-az6"] });
  const data = new AwsLustreStorage(stack, "data", {
    network, zone: "use1-az4", storageCapacityGiB: 4800, throughputPerTiB: 500,
    dataRepository: { bucket: "s3://example-ml-datasets/imagenet/", fileSystemPath: "/dataset/imagenet", autoExport: false },
  });
  const cluster = new AwsGpuCluster(stack, "training", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: data });
  new TerraformOutput(stack, "fabric", { value: `${cluster.fabric.interfaces} EFA interfaces, ${cluster.fabric.gbpsPerNode} Gbit/s per node` });
  // Every stack of the app, those added later included; these stacks carry no team tags (see examples/team-stacks for a TeamStack's).
  GpuPolicies.applyTo(app, { requiredTags: [] });
  return app;
}

if (require.main === module) {
  setImmediate(() => buildApp().synth());
}
