import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster, DLAMI_SSM_PARAMETER, networkInterfaces, type AwsGpuClusterProps } from "../../lib/aws/gpu-cluster";
import { AwsLustreStorage } from "../../lib/aws/lustre-storage";
import { AwsNetwork } from "../../lib/aws/network";
import { AzureLustreStorage } from "../../lib/azure/lustre-storage";
import { AzureNetwork } from "../../lib/azure/network";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

const BUCKET_RULE = "3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias";

function make(props: Partial<AwsGpuClusterProps> = {}) {
  const { stack, network } = withNetwork();
  const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 4, ...props });
  return { stack, network, cluster };
}

describe("AwsGpuCluster: a 4-node p5.48xlarge cluster", () => {
  const { stack, cluster } = make();
  const tf = synth(stack);
  const [lt] = resources(tf, "aws_launch_template");
  const [asg] = resources(tf, "aws_autoscaling_group");
  const sgRef = "${aws_security_group.train_sg_2146EB6B.id}";

  it("attaches 32 EFA interfaces on 32 distinct network cards, after an ENA primary (current EC2 layout)", () => {
    const nics = lt.network_interfaces as { network_card_index: number; device_index: number; interface_type: string }[];
    expect(nics).toHaveLength(33);
    expect(nics[0]).toEqual({ network_card_index: 0, device_index: 0, interface_type: "interface", security_groups: [sgRef], delete_on_termination: "true" });
    const efa = nics.filter((n) => n.interface_type === "efa-only");
    expect(efa).toHaveLength(32);
    expect(new Set(efa.map((n) => n.network_card_index))).toEqual(new Set(Array.from({ length: 32 }, (_, i) => i)));
    expect(efa.map((n) => `${n.network_card_index}/${n.device_index}`).slice(0, 3)).toEqual(["0/1", "1/0", "2/0"]);
    expect(efa.slice(1).map((n) => n.device_index)).toEqual(Array(31).fill(0));
    expect(cluster.fabric).toEqual({ kind: "efa", interfaces: 32, gbpsPerNode: 3200 });
  });

  it("carries the security group on every interface and never a public IP", () => {
    expect(lt.network_interfaces.map((n: { security_groups: string[] }) => n.security_groups)).toEqual(Array(33).fill([sgRef]));
    expect(lt.vpc_security_group_ids).toBeUndefined();
    expect(JSON.stringify(lt.network_interfaces)).not.toContain('"associate_public_ip_address":"true"');
  });

  it("launches 4 nodes into one subnet and a cluster placement group", () => {
    expect(asg).toMatchObject({ min_size: 4, max_size: 4, desired_capacity: 4, vpc_zone_identifier: ["${aws_subnet.net_private-use1-az4_8052065E.id}"] });
    expect(asg.placement_group).toBe("${aws_placement_group.train_pg_F170BBF0.id}");
    expect(resources(tf, "aws_placement_group")).toEqual([expect.objectContaining({ strategy: "cluster" })]);
    expect(asg.launch_template).toEqual({ id: "${aws_launch_template.train_lt_BEE65116.id}", version: "${aws_launch_template.train_lt_BEE65116.latest_version}" });
    expect(asg.mixed_instances_policy).toBeUndefined();
  });

  it("requires IMDSv2 and an encrypted gp3 root volume, on the Deep Learning AMI from SSM", () => {
    expect(lt.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 2 });
    expect(lt.lifecycle).toEqual({ ignore_changes: ["image_id"] });
    expect(lt.block_device_mappings).toEqual([{ device_name: "/dev/sda1", ebs: { volume_size: 200, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } }]);
    expect(tf.data.aws_ssm_parameter.train_ami_EBB04424.name).toBe(DLAMI_SSM_PARAMETER);
    expect(lt.image_id).toBe("${data.aws_ssm_parameter.train_ami_EBB04424.value}");
  });

  it("has a security group that admits itself only, and may reach itself and the outside", () => {
    const ingress = resources(tf, "aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === sgRef);
    expect(ingress).toEqual([expect.objectContaining({ ip_protocol: "-1", referenced_security_group_id: sgRef })]);
    const egress = resources(tf, "aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id === sgRef);
    expect(egress.map((r) => r.referenced_security_group_id ?? r.cidr_ipv4).sort()).toEqual([sgRef, "0.0.0.0/0"]);
  });

  it("gives the nodes an SSM-managed role and nothing more by default", () => {
    const role = resources(tf, "aws_iam_role").find((r) => r.assume_role_policy.includes('"Service":"ec2.amazonaws.com"'));
    expect(role.name).toBe("s-train-nodes-us-east-1");
    expect(resources(tf, "aws_iam_role_policy_attachment")[0].policy_arn).toBe("arn:${data.aws_partition.train_partition_1A992C1F.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(resources(tf, "aws_iam_role_policy").filter((p) => p.role.includes("train"))).toEqual([]);
    expect(lt.iam_instance_profile).toEqual({ arn: "${aws_iam_instance_profile.train_profile_9627043B.arn}" });
  });

  it("guards the plan: the zone must offer the type, before the group is created", () => {
    const check = tf.data.aws_ec2_instance_type_offerings["train_offering-check_46FD7AC7"];
    expect(check).toMatchObject({
      location_type: "availability-zone-id",
      filter: [{ name: "instance-type", values: ["p5.48xlarge"] }, { name: "location", values: ["use1-az4"] }],
      lifecycle: { postcondition: [{ condition: "${length(self.instance_types) > 0}", error_message: expect.stringContaining("s/train: p5.48xlarge is not offered in use1-az4") }] },
    });
    expect(asg.depends_on).toEqual(["data.aws_ec2_instance_type_offerings.train_offering-check_46FD7AC7"]);
  });

  it("exposes what a task needs", () => {
    expect(cluster).toMatchObject({ nodes: 4, gpusPerNode: 8, gpus: 32, accelerator: "H100", placement: { cloud: "aws", region: "us-east-1", zone: "use1-az4", instanceType: "p5.48xlarge" } });
    expect(cluster.runInfo).toEqual({ nodes: 4, gpusPerNode: 8, ncclEnv: { FI_PROVIDER: "efa", FI_EFA_USE_DEVICE_RDMA: "1" } });
  });
});

describe("AwsGpuCluster: other shapes", () => {
  it.each([
    ["p4d.24xlarge", { kind: "efa", interfaces: 4, gbpsPerNode: 400 }],
    ["p5en.48xlarge", { kind: "efa", interfaces: 16, gbpsPerNode: 3200 }],
    ["p6-b200.48xlarge", { kind: "efa", interfaces: 8, gbpsPerNode: 3200 }],
    ["g6e.48xlarge", { kind: "efa", interfaces: 4, gbpsPerNode: 400 }],
    ["g5.48xlarge", { kind: "efa", interfaces: 1, gbpsPerNode: 100 }],
    ["g5.xlarge", { kind: "none", interfaces: 0, gbpsPerNode: 0 }],
  ])("%s has the fabric %j, one interface per card", (instanceType, fabric) => {
    const { stack, cluster } = make({ instanceType, nodes: 2 });
    expect(cluster.fabric).toEqual(fabric);
    const [lt] = resources(synth(stack), "aws_launch_template");
    expect(lt.network_interfaces).toHaveLength(fabric.interfaces + 1);
  });

  it("p4d: an ENA primary, then efa-only on cards 0 (device 1) to 3 (device 0)", () => {
    const [lt] = resources(synth(make({ instanceType: "p4d.24xlarge" }).stack), "aws_launch_template");
    expect(lt.network_interfaces.map((n: { network_card_index: number; device_index: number; interface_type: string }) => `${n.network_card_index}/${n.device_index}:${n.interface_type}`)).toEqual([
      "0/0:interface", "0/1:efa-only", "1/0:efa-only", "2/0:efa-only", "3/0:efa-only",
    ]);
  });

  it("a g-family type without EFA: one plain interface without a public IP, no placement group for one node", () => {
    const { stack, cluster } = make({ instanceType: "g5.xlarge", nodes: 1 });
    const tf = synth(stack);
    const [lt] = resources(tf, "aws_launch_template");
    expect(lt.network_interfaces).toEqual([
      { device_index: 0, network_card_index: 0, interface_type: "interface", security_groups: ["${aws_security_group.train_sg_2146EB6B.id}"], associate_public_ip_address: "false", delete_on_termination: "true" },
    ]);
    expect(resources(tf, "aws_placement_group")).toEqual([]);
    expect(resources(tf, "aws_autoscaling_group")[0].placement_group).toBeUndefined();
    expect(cluster.runInfo.ncclEnv).toEqual({ NCCL_IB_DISABLE: "1" });
  });

  it("EFA can be turned off on a type that has it", () => {
    const { stack, cluster } = make({ efa: false });
    expect(cluster.fabric.kind).toBe("none");
    expect(resources(synth(stack), "aws_launch_template")[0].network_interfaces).toHaveLength(1);
  });

  it("spot: a mixed instances policy, all spot, price-capacity-optimized, without rebalancing mid-job", () => {
    const [asg] = resources(synth(make({ spot: true }).stack), "aws_autoscaling_group");
    expect(asg.launch_template).toBeUndefined();
    expect(asg.capacity_rebalance).toBe(false);
    expect(asg.mixed_instances_policy).toEqual({
      instances_distribution: { on_demand_base_capacity: 0, on_demand_percentage_above_base_capacity: 0, spot_allocation_strategy: "price-capacity-optimized" },
      launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.train_lt_BEE65116.id}", version: "${aws_launch_template.train_lt_BEE65116.latest_version}" } },
    });
  });

  it("picks the type from accelerator and GPU count", () => {
    expect(make({ instanceType: undefined, accelerator: "A100", gpusPerNode: 8 }).cluster.placement.instanceType).toBe("p4d.24xlarge");
    expect(make({ instanceType: undefined, accelerator: "a10g", gpusPerNode: 4 }).cluster.placement.instanceType).toBe("g5.12xlarge");
  });

  it("uses a capacity reservation, a custom AMI and root volume, and boot hooks", () => {
    const { stack } = make({ capacityReservationId: "cr-0123456789abcdef0", imageId: "ami-0123456789abcdef0", rootDeviceName: "/dev/xvda", rootVolumeGiB: 500, userData: ["echo ready > /tmp/ready"], kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
    const tf = synth(stack);
    const [lt] = resources(tf, "aws_launch_template");
    expect(lt.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: "cr-0123456789abcdef0" } });
    expect(lt.image_id).toBe("ami-0123456789abcdef0");
    expect(lt.block_device_mappings[0]).toEqual({ device_name: "/dev/xvda", ebs: { volume_size: 500, volume_type: "gp3", encrypted: "true", delete_on_termination: "true", kms_key_id: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } });
    expect(tf.data.aws_ssm_parameter).toBeUndefined();
    expect(lt.lifecycle).toBeUndefined();
    expect(Object.values(tf.locals)[0]).toContain("echo ready > /tmp/ready");
  });

  it("grants S3 access by prefix only", () => {
    const tf = synth(make({ s3Access: [{ bucket: "ml-datasets", prefix: "imagenet/" }, { bucket: "ml-runs", prefix: "runs/", write: true, delete: true }] }).stack);
    const policy = JSON.parse(resources(tf, "aws_iam_role_policy").find((p) => p.name === "s3-access").policy);
    const arn = "arn:${data.aws_partition.train_partition_1A992C1F.partition}:s3:::";
    expect(policy.Statement).toEqual([
      { Sid: "List0", Effect: "Allow", Action: "s3:ListBucket", Resource: `${arn}ml-datasets`, Condition: { StringLike: { "s3:prefix": ["imagenet/*"] } } },
      { Sid: "Objects0", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${arn}ml-datasets/imagenet/*` },
      { Sid: "List1", Effect: "Allow", Action: "s3:ListBucket", Resource: `${arn}ml-runs`, Condition: { StringLike: { "s3:prefix": ["runs/*"] } } },
      { Sid: "Objects1", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"], Resource: `${arn}ml-runs/runs/*` },
    ]);
  });

  it("warns when the catalog does not list the type in the chosen zone, and not when it does", () => {
    const warnings = (c: AwsGpuCluster) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    // The catalog lists p3dn.24xlarge in use1-az1 and use1-az6 only.
    expect(warnings(make({ instanceType: "p3dn.24xlarge", zone: "use1-az4" }).cluster)).toEqual([
      "p3dn.24xlarge is not in the catalog for use1-az4 (it lists use1-az1, use1-az6); terraform plan checks the zone for real",
    ]);
    expect(warnings(make({ instanceType: "p3dn.24xlarge", zone: "use1-az6" }).cluster)).toEqual([]);
  });

  it("networkInterfaces lays out one EFA interface per card after the ENA primary", () => {
    expect(networkInterfaces([0, 1], "sg")).toEqual([
      { networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface", securityGroups: ["sg"], deleteOnTermination: "true" },
      { networkCardIndex: 0, deviceIndex: 1, interfaceType: "efa-only", securityGroups: ["sg"], deleteOnTermination: "true" },
      { networkCardIndex: 1, deviceIndex: 0, interfaceType: "efa-only", securityGroups: ["sg"], deleteOnTermination: "true" },
    ]);
    expect(networkInterfaces([], "sg")).toEqual([{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface", securityGroups: ["sg"], deleteOnTermination: "true", associatePublicIpAddress: "false" }]);
  });

  it("a Capacity Block: capacity-block market type, the reservation, and no placement group", () => {
    const { stack } = make({ capacityReservationId: "cr-0123456789abcdef0", capacityBlock: true });
    const tf = synth(stack);
    const [lt] = resources(tf, "aws_launch_template");
    expect(lt.instance_market_options).toEqual({ market_type: "capacity-block" });
    expect(lt.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: "cr-0123456789abcdef0" } });
    expect(resources(tf, "aws_placement_group")).toEqual([]);
  });

  it("the IMDS hop limit can be 1 to keep credentials on the host", () => {
    expect(resources(synth(make({ imdsHopLimit: 1 }).stack), "aws_launch_template")[0].metadata_options.http_put_response_hop_limit).toBe(1);
  });
});

describe("AwsGpuCluster: provider default tags reach the launched nodes", () => {
  function tagged(alias = false) {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: { team: "vision", "cost-center": "cc-1", Name: "provider-default" } }] });
    const west = new AwsProvider(stack, "west", { alias: "west", region: "us-west-2", defaultTags: [{ tags: { team: "west-team" } }] });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p4d.24xlarge", nodes: 2 });
    // The escape hatch: the template moved to an aliased provider.
    if (alias) cluster.launchTemplate.provider = west;
    const tf = synth(stack);
    return { lt: resources(tf, "aws_launch_template")[0], asg: resources(tf, "aws_autoscaling_group")[0] };
  }

  it("merges them into the instance, volume and ENI tag specifications, under the node's Name", () => {
    const { lt } = tagged();
    expect(lt.tag_specifications.map((t: { resource_type: string }) => t.resource_type)).toEqual(["instance", "volume", "network-interface"]);
    // The node's own Name wins over the provider's default Name.
    for (const spec of lt.tag_specifications) expect(spec.tags).toEqual({ team: "vision", "cost-center": "cc-1", Name: "s-train-node" });
  });

  it("adds them to the group as propagated tags, keeping its Name", () => {
    const { asg } = tagged();
    expect(asg.tag).toEqual([
      { key: "Name", value: "s-train-node", propagate_at_launch: true },
      { key: "team", value: "vision", propagate_at_launch: true },
      { key: "cost-center", value: "cc-1", propagate_at_launch: true },
    ]);
  });

  it("takes the tags of the provider the cluster's resources use", () => {
    const { lt } = tagged(true);
    expect(lt.tag_specifications[0].tags).toEqual({ team: "west-team", Name: "s-train-node" });
  });

  it("leaves the tags alone when the provider has none", () => {
    const [lt] = resources(synth(make().stack), "aws_launch_template");
    expect(lt.tag_specifications[0].tags).toEqual({ Name: "s-train-node" });
  });
});

describe("AwsGpuCluster with Lustre storage", () => {
  const { stack, network } = withNetwork();
  const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 2400, dataRepository: { bucket: "s3://ml-datasets/imagenet/", fileSystemPath: "/dataset" } });
  const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 4, storage: fs });
  const tf = synth(stack);

  it("mounts the file system at boot, through a Terraform local that references it", () => {
    const script = tf.locals["train_boot-script_D23A4BCA"] as string;
    expect(script.startsWith("#!/bin/bash\nset -euo pipefail\n")).toBe(true);
    expect(script).toContain('echo "${aws_fsx_lustre_file_system.fs_BEA11E66.dns_name}@tcp:/${aws_fsx_lustre_file_system.fs_BEA11E66.mount_name} /fsx lustre');
    expect(resources(tf, "aws_launch_template")[0].user_data).toBe("${base64encode(local.train_boot-script_D23A4BCA)}");
    expect(cluster.runInfo.dataMountPath).toBe("/fsx");
  });

  it("opens the file system's Lustre ports to the cluster, and the cluster to the servers", () => {
    const fsSg = "${aws_security_group.fs_sg_B76787E2.id}";
    const nodesSg = "${aws_security_group.train_sg_2146EB6B.id}";
    const ingress = resources(tf, "aws_vpc_security_group_ingress_rule");
    const into = (group: string, from: string) => ingress.filter((r) => r.security_group_id === group && r.referenced_security_group_id === from);
    expect(into(fsSg, nodesSg).map((r) => r.from_port).sort()).toEqual([1018, 988]);
    expect(into(nodesSg, fsSg).map((r) => `${r.from_port}-${r.to_port}`).sort()).toEqual(["1018-1023", "988-988"]);
  });

  it("creates the file system after its own rules, and the nodes after every rule and the S3 link", () => {
    const fsDeps = resources(tf, "aws_fsx_lustre_file_system")[0].depends_on as string[];
    expect(fsDeps).toHaveLength(4);
    expect(fsDeps.filter((d) => !/^aws_vpc_security_group_(ingress|egress)_rule\.fs_self-/.test(d))).toEqual([]);
    const asgDeps = resources(tf, "aws_autoscaling_group")[0].depends_on as string[];
    expect(asgDeps).toContain("aws_fsx_data_repository_association.fs_s3_9B11E5EE");
    expect(asgDeps.filter((d) => d.includes("lustre-client-train"))).toHaveLength(4);
    expect(asgDeps.filter((d) => d.includes("lustre-in"))).toHaveLength(2);
  });

  it("synthesizes the S3 link's file system path (cdktf's toHaveResourceWithProperties)", () => {
    expect(Testing.toHaveResourceWithProperties(Testing.synth(stack, true), "aws_fsx_data_repository_association", { file_system_path: "/dataset" })).toBe(true);
  });
});

describe("AwsGpuCluster with an EFA-enabled file system", () => {
  it("opens all traffic both ways between the nodes and the file system, by group", () => {
    const { stack, network } = withNetwork();
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 });
    new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, storage: fs });
    const tf = synth(stack);
    const fsSg = "${aws_security_group.fs_sg_B76787E2.id}";
    const nodesSg = "${aws_security_group.train_sg_2146EB6B.id}";
    expect(Object.keys(tf.resource.aws_security_group).sort()).toEqual(["fs_sg_B76787E2", "net_endpoints-sg_7DBAE231", "train_sg_2146EB6B"]);
    const pairs = (type: string) =>
      resources(tf, type)
        .filter((r) => r.ip_protocol === "-1" && r.referenced_security_group_id !== undefined && r.referenced_security_group_id !== r.security_group_id)
        .map((r) => [r.security_group_id, r.referenced_security_group_id, r.cidr_ipv4])
        .sort();
    expect(pairs("aws_vpc_security_group_ingress_rule")).toEqual([[fsSg, nodesSg, undefined], [nodesSg, fsSg, undefined]]);
    expect(pairs("aws_vpc_security_group_egress_rule")).toEqual([[fsSg, nodesSg, undefined], [nodesSg, fsSg, undefined]]);
    // the file system's group admits and sends to groups only (itself and its clients), no address range
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      const fsRules = resources(tf, type).filter((r) => r.security_group_id === fsSg);
      expect(fsRules.length, type).toBeGreaterThan(1);
      expect(fsRules.filter((r) => r.cidr_ipv4 !== undefined || ![fsSg, nodesSg].includes(r.referenced_security_group_id)), type).toEqual([]);
    }
  });
});

describe("AwsGpuCluster validation", () => {
  it.each<[Partial<AwsGpuClusterProps>, string]>([
    [{ nodes: 0 }, "s/train: nodes 0 is not valid: use a whole number from 1 to 1000"],
    [{ nodes: 2.5 }, "s/train: nodes 2.5 is not valid: use a whole number from 1 to 1000"],
    [{ instanceType: "p9.96xlarge" }, 's/train: instanceType "p9.96xlarge" is not valid: use an AWS GPU instance type from the catalog: g5.12xlarge, g5.16xlarge, g5.24xlarge, g5.2xlarge, g5.48xlarge, g5.4xlarge, g5.8xlarge, g5.xlarge, g6e.12xlarge, g6e.16xlarge, g6e.24xlarge, g6e.2xlarge, g6e.48xlarge, g6e.4xlarge, g6e.8xlarge, g6e.xlarge, p3.2xlarge, p3.8xlarge, p3dn.24xlarge, p4d.24xlarge, p4de.24xlarge, p5.48xlarge, p5.4xlarge, p5e.48xlarge, p5en.48xlarge, p6-b200.48xlarge, p6-b300.48xlarge'],
    [{ instanceType: "Standard_ND96isr_H100_v5" }, 's/train: instanceType "Standard_ND96isr_H100_v5" is not valid: use an AWS GPU instance type from the catalog: g5.12xlarge, g5.16xlarge, g5.24xlarge, g5.2xlarge, g5.48xlarge, g5.4xlarge, g5.8xlarge, g5.xlarge, g6e.12xlarge, g6e.16xlarge, g6e.24xlarge, g6e.2xlarge, g6e.48xlarge, g6e.4xlarge, g6e.8xlarge, g6e.xlarge, p3.2xlarge, p3.8xlarge, p3dn.24xlarge, p4d.24xlarge, p4de.24xlarge, p5.48xlarge, p5.4xlarge, p5e.48xlarge, p5en.48xlarge, p6-b200.48xlarge, p6-b300.48xlarge'],
    [{ instanceType: undefined }, "s/train: instanceType (missing) is not valid: set instanceType, or accelerator and gpusPerNode"],
    [{ instanceType: undefined, accelerator: "H100", gpusPerNode: 4 }, "s/train: gpusPerNode 4 is not valid: use a GPU count an AWS GPU instance type has for H100: 8 (p5.48xlarge), 1 (p5.4xlarge)"],
    [{ accelerator: "A100" }, 's/train: accelerator "A100" is not valid: leave it out or use H100, the accelerator of p5.48xlarge'],
    [{ gpusPerNode: 4 }, "s/train: gpusPerNode 4 is not valid: leave it out or use 8, the GPU count of p5.48xlarge"],
    [{ zone: "use1-az1" }, 's/train: zone "use1-az1" is not valid: use a zone of the network: use1-az4, use1-az6'],
    [{ instanceType: "g5.xlarge", efa: true }, "s/train: efa true is not valid: leave it out or false: g5.xlarge has no EFA"],
    [{ spot: true, capacityReservationId: "cr-0123456789abcdef0" }, 's/train: capacityReservationId "cr-0123456789abcdef0" is not valid: leave it out with spot: capacity reservations hold on-demand capacity'],
    [{ rootVolumeGiB: 50 }, "s/train: rootVolumeGiB 50 is not valid: use a whole number from 100 to 16384"],
    [{ s3Access: [{ bucket: "runs", kmsKeyArn: "mrk-1234" }] }, 's/train: s3Access[0].kmsKeyArn "mrk-1234" is not valid: use the KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (IAM grants name keys by ARN)'],
    [{ kmsKeyArn: "alias/aws/ebs" }, 's/train: kmsKeyArn "alias/aws/ebs" is not valid: use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (a launch template takes no key ID or alias)'],
    [{ kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/ebs" }, 's/train: kmsKeyArn "arn:aws:kms:us-east-1:111122223333:alias/ebs" is not valid: use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (a launch template takes no key ID or alias)'],
    [{ s3Access: [{ bucket: "ml-runs", prefix: "runs" }] }, 's/train: s3Access[0].prefix "runs" is not valid: use a key prefix ending in / (without a leading /, *, ? or $), e.g. runs/'],
    [{ s3Access: [{ bucket: "ml-runs", prefix: "${aws:username}/" }] }, 's/train: s3Access[0].prefix "${aws:username}/" is not valid: use a key prefix ending in / (without a leading /, *, ? or $), e.g. runs/'],
    [{ capacityBlock: true }, "s/train: capacityBlock true is not valid: set capacityReservationId to the Capacity Block's reservation ID too"],
    [{ capacityReservationId: "cr-0123456789abcdef0", capacityBlock: true, placementGroup: true }, "s/train: placementGroup true is not valid: leave it out or false with a Capacity Block"],
    [{ imdsHopLimit: 3 as never }, 's/train: imdsHopLimit 3 is not valid: use one of 1, 2'],
    [{ userData: ["echo ${HOME}"] }, 's/train: userData "echo ${HOME}" is not valid: write $VAR instead of ${VAR} (Terraform reads ${ and %{ as template syntax), or escape them as $${ and %%{'],
    [{ capacityReservationId: "cr-1" }, 's/train: capacityReservationId "cr-1" is not valid: use a capacity reservation ID such as cr-0123456789abcdef0'],
    [{ capacityReservationId: "odcr-0123456789abcdef0" }, 's/train: capacityReservationId "odcr-0123456789abcdef0" is not valid: use a capacity reservation ID such as cr-0123456789abcdef0'],
    [{ imageId: "ubuntu-22.04" }, 's/train: imageId "ubuntu-22.04" is not valid: use an AMI ID such as ami-0123456789abcdef0, or resolve:ssm:<parameter name>'],
    [{ imageId: "ami-123" }, 's/train: imageId "ami-123" is not valid: use an AMI ID such as ami-0123456789abcdef0, or resolve:ssm:<parameter name>'],
    [{ s3Access: [{ bucket: "Bad_Bucket" }] }, `s/train: s3Access[0].bucket "Bad_Bucket" is not valid: use an S3 bucket name (${BUCKET_RULE})`],
    [{ s3Access: [{ bucket: "192.168.5.4" }] }, `s/train: s3Access[0].bucket "192.168.5.4" is not valid: use an S3 bucket name (${BUCKET_RULE})`],
    [{ s3Access: [{ bucket: "xn--data" }] }, `s/train: s3Access[0].bucket "xn--data" is not valid: use an S3 bucket name (${BUCKET_RULE})`],
    [{ s3Access: [{ bucket: "data-s3alias" }] }, `s/train: s3Access[0].bucket "data-s3alias" is not valid: use an S3 bucket name (${BUCKET_RULE})`],
    [{ s3Access: [{ bucket: "my..data" }] }, `s/train: s3Access[0].bucket "my..data" is not valid: use an S3 bucket name (${BUCKET_RULE})`],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => make(props))).toBe(message);
  });

  it("rejects storage in another zone than an EFA cluster", () => {
    const { stack, network } = withNetwork();
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az6", storageCapacityGiB: 1200 });
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: fs }))).toBe(
      's/train: storage "s/fs" is not valid: use storage in the cluster\'s zone use1-az4: an EFA cluster reads its file system in use1-az6 across zones',
    );
  });

  it("rejects storage on another cloud", () => {
    const { stack, network } = withNetwork();
    const azureNetwork = new AzureNetwork(stack, "vnet", { cidr: "10.20.0.0/16", location: "eastus" });
    const fs = new AzureLustreStorage(stack, "fs", { network: azureNetwork, sku: "AMLFS-Durable-Premium-500", capacityTiB: 4, zone: "1" });
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, storage: fs }))).toBe(
      's/train: storage "s/fs" is not valid: use storage on AWS, such as an AwsLustreStorage: this one is on azure; a cluster mounts storage of its own cloud only',
    );
  });

  it("rejects storage in another network", () => {
    const { stack, network } = withNetwork();
    const other = new AwsNetwork(stack, "other", { cidr: "10.11.0.0/16", zones: ["use1-az4", "use1-az6"] });
    const fs = new AwsLustreStorage(stack, "fs", { network: other, zone: "use1-az4", storageCapacityGiB: 1200 });
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 2, zone: "use1-az4", storage: fs }))).toBe(
      's/train: storage "s/fs" is not valid: use storage in the cluster\'s network s/net: this one is in s/other',
    );
  });

  it("rejects more EFA clients than an EFA file system accepts", () => {
    const { stack, network } = withNetwork();
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 });
    expect(validationErrorOf(() => new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 129, zone: "use1-az4", storage: fs }))).toBe(
      "s/train: nodes 129 is not valid: use at most 128: an EFA file system takes 1024 EFA connections and each p5.48xlarge uses 8",
    );
  });
});

describe("AwsGpuCluster: ID formats it accepts", () => {
  it.each([
    [{ capacityReservationId: "cr-01234567" }],
    [{ capacityReservationId: "cr-0123456789abcdef0" }],
    [{ imageId: "ami-01234567" }],
    [{ imageId: "resolve:ssm:/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id" }],
  ] as const)("%j", (props) => {
    expect(() => make(props)).not.toThrow();
  });
});

describe("AwsGpuCluster: capacity that is not on demand", () => {
  function inRegion(region: string, zones: string[], props: Partial<AwsGpuClusterProps>) {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region });
    const network = new AwsNetwork(stack, "net", { cidr: "10.70.0.0/16", zones });
    return { stack, cluster: () => new AwsGpuCluster(stack, "train", { network, instanceType: "p5e.48xlarge", nodes: 2, zone: zones[0]!, ...props }) };
  }

  it("refuses p5e without spot, a reservation or a Capacity Block, naming the three ways", () => {
    const { cluster } = inRegion("us-east-2", ["use2-az1"], {});
    expect(validationErrorOf(cluster)).toBe(
      's/train: instanceType "p5e.48xlarge" is not valid: AWS sells no on-demand p5e.48xlarge in us-east-2: set spot: true, capacityReservationId (an On-Demand Capacity Reservation), or capacityBlock: true with the Capacity Block\'s reservation ID',
    );
  });

  it.each([
    ["spot", { spot: true }],
    ["an On-Demand Capacity Reservation", { capacityReservationId: "cr-0123456789abcdef0" }],
    ["a Capacity Block", { capacityReservationId: "cr-0123456789abcdef0", capacityBlock: true }],
  ] as const)("accepts p5e with %s", (_what, props) => {
    const { stack, cluster } = inRegion("us-east-2", ["use2-az1"], props);
    cluster();
    expect(resources(synth(stack), "aws_autoscaling_group")).toHaveLength(1);
  });

  it("creates no placement group for a capacity reservation; launches into the reservation's group when named", () => {
    const reserved = make({ capacityReservationId: "cr-0123456789abcdef0" });
    const tf = synth(reserved.stack);
    expect(resources(tf, "aws_placement_group")).toEqual([]);
    expect(resources(tf, "aws_autoscaling_group")[0].placement_group).toBeUndefined();
    const named = make({ capacityReservationId: "cr-0123456789abcdef0", placementGroupName: "odcr-pg" });
    const tf2 = synth(named.stack);
    expect(resources(tf2, "aws_placement_group")).toEqual([]);
    expect(resources(tf2, "aws_autoscaling_group")[0].placement_group).toBe("odcr-pg");
    // placementGroup: true still makes a new group on purpose
    expect(resources(synth(make({ capacityReservationId: "cr-0123456789abcdef0", placementGroup: true }).stack), "aws_placement_group")).toHaveLength(1);
  });

  it.each<[Partial<AwsGpuClusterProps>, string]>([
    [{ placementGroupName: "pg", placementGroup: true }, 's/train: placementGroupName "pg" is not valid: leave placementGroup out (or false) when launching into an existing group'],
    [{ placementGroupName: "" }, 's/train: placementGroupName "" is not valid: use a placement group name (1-255 ASCII characters)'],
    [{ capacityReservationId: "cr-0123456789abcdef0", capacityBlock: true, placementGroupName: "pg" }, 's/train: placementGroupName "pg" is not valid: leave it out with a Capacity Block: AWS co-locates its instances itself'],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => make(props))).toBe(message);
  });
});
