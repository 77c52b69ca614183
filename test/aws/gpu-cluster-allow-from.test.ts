import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../lib/aws/gpu-cluster";
import { AzureNetwork } from "../../lib/azure/network";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

describe("AwsGpuCluster.allowFrom", () => {
  it("admits nothing from outside the cluster by default: the only ingress rules name the group itself", () => {
    const { stack, network } = withNetwork();
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2 });
    const ingress = resources(synth(stack), "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => r.cidr_ipv4 ?? r.referenced_security_group_id)).toEqual(["${aws_security_group.train_sg_2146EB6B.id}"]);
  });

  it("adds one ingress rule per source block and port range: TCP for ports, every protocol for all", () => {
    const { stack, network } = withNetwork();
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    const azure = new AzureNetwork(stack, "azure-net", { cidr: "10.20.0.0/16", location: "eastus" });
    const cluster = new AwsGpuCluster(stack, "train", {
      network, instanceType: "p5.48xlarge", nodes: 2,
      allowFrom: [{ from: azure, ports: "all" }],
    });
    cluster.allowFrom({ from: "192.168.10.0/24", ports: [22, [29400, 29500]], description: "SSH and rendezvous from the data centre" });
    const ingress = resources(synth(stack), "aws_vpc_security_group_ingress_rule").filter((r) => r.cidr_ipv4 !== undefined);
    const sg = "${aws_security_group.train_sg_2146EB6B.id}";
    expect(ingress.map(({ tags: _tags, ...r }) => r)).toEqual([
      { security_group_id: sg, cidr_ipv4: "10.20.0.0/16", ip_protocol: "-1", description: "from s/azure-net" },
      { security_group_id: sg, cidr_ipv4: "192.168.10.0/24", ip_protocol: "tcp", from_port: 22, to_port: 22, description: "SSH and rendezvous from the data centre" },
      { security_group_id: sg, cidr_ipv4: "192.168.10.0/24", ip_protocol: "tcp", from_port: 29400, to_port: 29500, description: "SSH and rendezvous from the data centre" },
    ]);
  });

  it("numbers a later call's rules after the props' and names the bad entry", () => {
    const { stack, network } = withNetwork();
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, allowFrom: [{ from: "10.99.0.0/16", ports: [22] }] });
    expect(validationErrorOf(() => cluster.allowFrom({ from: "0.0.0.0/0", ports: [22] }))).toBe(
      's/train: allowFrom[1].from "0.0.0.0/0" is not valid: use a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): GPU nodes are never opened to the internet',
    );
  });
});
