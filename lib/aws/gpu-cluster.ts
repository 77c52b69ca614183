import { AutoscalingGroup, DataAwsEc2InstanceTypeOfferings, DataAwsPartition, DataAwsSsmParameter, IamInstanceProfile, IamRole, IamRolePolicy, IamRolePolicyAttachment, LaunchTemplate, PlacementGroup, SecurityGroup, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule } from "../engine/aws";
import { Annotations, Aspects, Fn, TerraformLocal, TerraformResource, Token } from "../engine/core";
import { Construct } from "constructs";
import { chooseOffering, efaCardsOf } from "../catalog/catalog";
import { s3Policy, type S3Access } from "./s3-access";
import { checkFit, planCapacity } from "./cluster-capacity";
import { awsNcclEnv, networkInterfaces } from "./efa";
import type { Offering } from "../catalog/types";
import { bootScript, checkBootHooks } from "../core/boot-script";
import { resolveAllowFrom, type AllowFrom } from "../core/allow-from";
import type { ClusterPlacement, ClusterRunInfo, IGpuCluster, ISharedStorage } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { storageCloudProblem, storageNetworkProblem } from "../core/storage-mount";
import type { Fabric } from "../core/types";
import { isS3BucketName, isS3KeyPrefix, KMS_KEY_ARN, S3_BUCKET_RULE, S3_KEY_PREFIX_RULE, Validator } from "../core/validate";
import { fsxClientZoneProblem } from "./fsx-rules";
import { AwsLustreStorage, LUSTRE_PORTS } from "./lustre-storage";
import { awsName, nameTags, securityGroupNamePrefix } from "./names";
import { AwsNetwork } from "./network";
import { tagLaunchedNodes } from "./provider";

/** The public SSM parameter that holds the latest AWS Deep Learning Base OSS NVIDIA driver AMI (Ubuntu 22.04, x86_64). */
export type { S3Access } from "./s3-access";
export { awsNcclEnv, EFA_LUSTRE_CONNECTION_LIMIT, efaLustreConnections, networkInterfaces } from "./efa";

export const DLAMI_SSM_PARAMETER = "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";

/** Props of {@link AwsGpuCluster}. */
export interface AwsGpuClusterProps {
  /** The network; nodes go into its private subnet of `zone`. */
  readonly network: AwsNetwork;
  /**
   * EC2 instance type, e.g. `p5.48xlarge`; must be in the catalog.
   * @default - the cheapest catalog type with `accelerator` and `gpusPerNode` in the network's region
   */
  readonly instanceType?: string;
  /** Accelerator (with `gpusPerNode`), when `instanceType` is not given, e.g. `H100`. @default - from instanceType */
  readonly accelerator?: string;
  /** GPUs per node (with `accelerator`). @default - from instanceType */
  readonly gpusPerNode?: number;
  /** Number of nodes, 1 to 1000. */
  readonly nodes: number;
  /**
   * Zone of the nodes (a zone of the network). EFA does not cross zones, so all nodes share one.
   * @default - the network's first zone that the catalog says offers the type
   */
  readonly zone?: string;
  /**
   * Run on spot capacity: a mixed instances policy, all spot, `price-capacity-optimized`
   * allocation, and no capacity rebalancing (replacing an at-risk node mid-job would break a
   * tightly coupled job just the same).
   * @default false
   */
  readonly spot?: boolean;
  /** Shared storage every node mounts at boot: on AWS and in the cluster's network. @default - none */
  readonly storage?: ISharedStorage;
  /**
   * Attach one EFA interface per network card (full fabric bandwidth).
   * @default - true where the type supports EFA
   */
  readonly efa?: boolean;
  /**
   * Launch the nodes into a new cluster placement group.
   * @default - true for more than one node, except with a capacity reservation (an existing
   * reservation cannot be in a new group: give `placementGroupName` if it is in one) or a Capacity
   * Block (AWS co-locates its instances itself)
   */
  readonly placementGroup?: boolean;
  /** An existing cluster placement group to launch into, e.g. the one a capacity reservation was made in. @default - none */
  readonly placementGroupName?: string;
  /**
   * AMI id.
   * @default - the AWS Deep Learning Base OSS NVIDIA driver AMI (Ubuntu 22.04), read from its public
   * SSM parameter at the first apply and then kept (later releases do not roll into a running
   * cluster; pass imageId to move)
   */
  readonly imageId?: string;
  /** Root device name of the AMI. @default "/dev/sda1" (Ubuntu AMIs) */
  readonly rootDeviceName?: string;
  /**
   * On-demand capacity reservation or Capacity Block to launch into. Not with spot. No new
   * placement group is created for it; an ODCR made in a cluster placement group needs that group
   * as `placementGroupName`.
   * @default - none
   */
  readonly capacityReservationId?: string;
  /**
   * `capacityReservationId` names a Capacity Block for ML: launch with the `capacity-block`
   * market type and without a placement group (AWS co-locates Capacity Block instances itself).
   * @default false
   */
  readonly capacityBlock?: boolean;
  /**
   * IMDSv2 hop limit. 2 lets containers on a bridge network reach the node's role (training
   * images usually run in containers); 1 confines the credentials to the host.
   * @default 2
   */
  readonly imdsHopLimit?: 1 | 2;
  /**
   * ARN of the KMS key that encrypts the root volumes. Its key policy must let the account's
   * Auto Scaling service-linked role (AWSServiceRoleForAutoScaling) use it, or nodes fail to launch.
   * @default - the account's default EBS key (aws/ebs)
   */
  readonly kmsKeyArn?: string;
  /** Size of the encrypted gp3 root volume, GiB (100 to 16384). @default 200 */
  readonly rootVolumeGiB?: number;
  /** Shell lines appended to the boot script, after storage is mounted. No `${` or `%{` (Terraform template syntax). @default - none */
  readonly userData?: readonly string[];
  /** S3 locations the nodes may read (and optionally write). @default - none */
  readonly s3Access?: readonly S3Access[];
  /**
   * Traffic admitted from outside the cluster, e.g. from a linked Azure network or an on-prem
   * site (see {@link AwsGpuCluster.allowFrom}).
   * @default - nothing from outside the cluster
   */
  readonly allowFrom?: readonly AllowFrom[];
}

/**
 * A cluster of identical GPU nodes in one zone: launch template + Auto Scaling group, with one EFA
 * interface on every network card (3,200 Gbps on p5.48xlarge), a cluster placement group, a
 * security group that admits only itself, IMDSv2, an encrypted root volume, an SSM-managed role
 * with only the S3 access it is given, and shared storage mounted at boot. No public IPs.
 *
 * ```ts
 * const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p5.48xlarge", nodes: 4, storage: fs });
 * cluster.fabric; // { kind: "efa", interfaces: 32, gbpsPerNode: 3200 }
 * ```
 */
export class AwsGpuCluster extends Construct implements IGpuCluster {
  /** The Auto Scaling group name a cluster at `clusterPath` gets (known before the cluster exists). */
  public static autoScalingGroupName(clusterPath: string): string {
    return nameFromPath(clusterPath, NAME_RULES.awsAutoScalingGroup, "nodes");
  }

  public readonly network: AwsNetwork;
  public readonly placement: ClusterPlacement;
  public readonly nodes: number;
  public readonly accelerator: string;
  public readonly gpusPerNode: number;
  public readonly gpus: number;
  public readonly fabric: Fabric;
  public readonly runInfo: ClusterRunInfo;
  /** The catalog offering of the instance type. */
  public readonly offering: Offering;
  /** The launch template. */
  public readonly launchTemplate: LaunchTemplate;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: AutoscalingGroup;
  /** The cluster placement group, when one is used. */
  public readonly placementGroup?: PlacementGroup;
  /** The nodes' security group (all traffic within itself; nothing else inbound). */
  public readonly securityGroup: SecurityGroup;
  /** The nodes' IAM role. */
  public readonly role: IamRole;
  /** The nodes' instance profile. */
  public readonly instanceProfile: IamInstanceProfile;
  /** Plan-time guard: fails `terraform plan` when the zone does not offer the type. */
  public readonly offeringCheck: DataAwsEc2InstanceTypeOfferings;
  /** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`), read at plan time, for ARNs. */
  public readonly partition: string;

  constructor(scope: Construct, id: string, props: AwsGpuClusterProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const network = (this.network = props.network);
    v.check(network instanceof AwsNetwork, "network", network?.node?.path ?? network, "use an AwsNetwork");
    this.nodes = v.integer("nodes", props.nodes, { min: 1, max: 1000 });
    const offering = (this.offering = chooseOffering(v, "aws", props, network.region, "instanceType"));
    const zone = props.zone ?? defaultZone(network, offering);
    v.check(network.hasZone(zone), "zone", zone, `use a zone of the network: ${network.zones.join(", ")}`);
    if (AwsNetwork.isZoneId(zone)) {
      const zones = offering.locations.filter((l) => l.region === network.region && l.zone).map((l) => l.zone!);
      if (zones.length > 0 && !zones.includes(zone)) {
        Annotations.of(this).addWarning(`${offering.instanceType} is not in the catalog for ${zone} (it lists ${zones.join(", ")}); terraform plan checks the zone for real`);
      }
    }
    const supportsEfa = offering.fabric.kind === "efa";
    const efa = props.efa ?? supportsEfa;
    if (efa) v.check(supportsEfa, "efa", true, `leave it out or false: ${offering.instanceType} has no EFA`);
    if (props.imageId !== undefined) v.matches("imageId", props.imageId, /^(ami-[0-9a-f]{8}([0-9a-f]{9})?|resolve:ssm:\/?[A-Za-z0-9_.\-/]+(:\d+)?)$/, "use an AMI ID such as ami-0123456789abcdef0, or resolve:ssm:<parameter name>");
    const hopLimit = v.oneOf("imdsHopLimit", props.imdsHopLimit ?? 2, [1, 2] as const);
    const rootVolumeGiB = v.integer("rootVolumeGiB", props.rootVolumeGiB ?? 200, { min: 100, max: 16384 });
    if (props.kmsKeyArn !== undefined) v.matches("kmsKeyArn", props.kmsKeyArn, KMS_KEY_ARN, "use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (a launch template takes no key ID or alias)");
    const hooks = checkBootHooks(v, "userData", props.userData ?? []);
    for (const [i, a] of (props.s3Access ?? []).entries()) {
      v.check(Token.isUnresolved(a.bucket) || isS3BucketName(a.bucket), `s3Access[${i}].bucket`, a.bucket, `use an S3 bucket name (${S3_BUCKET_RULE})`);
      if (a.kmsKeyArn !== undefined) v.matches(`s3Access[${i}].kmsKeyArn`, a.kmsKeyArn, KMS_KEY_ARN, "use the KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (IAM grants name keys by ARN)");
      if (a.prefix !== undefined) {
        v.check(isS3KeyPrefix(a.prefix), `s3Access[${i}].prefix`, a.prefix, `${S3_KEY_PREFIX_RULE}, e.g. runs/`);
      }
    }
    const storage = props.storage;
    if (storage !== undefined) {
      const fsx = storage instanceof AwsLustreStorage ? storage : undefined;
      const problem = storageCloudProblem("aws", storage.cloud) ??
        (fsx && (storageNetworkProblem(network.node.path, fsx.network.node.path) ?? fsxClientZoneProblem({ zone, efa, nodes: this.nodes }, fsx.zone)));
      if (problem) v.fail("storage", storage.node.path, problem);
    }
    const { spot, capacityBlock, usePlacementGroup } = planCapacity(v, props, offering, network.region, this.nodes);
    const efaCards = efa ? efaCardsOf(offering.fabric) : [];
    const efaStorage = storage instanceof AwsLustreStorage && storage.efaEnabled && efa ? storage : undefined;
    checkFit(v, { path: this.node.path, network, zone, nodes: this.nodes, offering, efaCards, storage: efaStorage });

    this.accelerator = offering.accelerator;
    this.gpusPerNode = offering.gpusPerNode;
    this.gpus = this.nodes * offering.gpusPerNode;
    this.placement = { cloud: "aws", region: network.region, zone, instanceType: offering.instanceType };
    this.fabric = efa ? { kind: "efa", interfaces: efaCards.length, gbpsPerNode: offering.fabric.gbpsPerNode } : { kind: "none", interfaces: 0, gbpsPerNode: 0 };

    // --- security group: EFA needs all traffic to and from the group itself; egress for NAT and endpoints
    this.securityGroup = new SecurityGroup(this, "sg", {
      namePrefix: securityGroupNamePrefix(this, "nodes"),
      description: "GPU nodes: all traffic within the cluster (EFA), nothing else inbound",
      vpcId: network.vpc.id,
      tags: nameTags(this, "nodes"),
      lifecycle: { createBeforeDestroy: true },
    });
    const sg = this.securityGroup.id;
    new VpcSecurityGroupIngressRule(this, "self-in", { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: "-1", description: "cluster traffic (EFA, NCCL, rendezvous)" });
    new VpcSecurityGroupEgressRule(this, "self-out", { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: "-1", description: "cluster traffic (EFA, NCCL, rendezvous)" });
    new VpcSecurityGroupEgressRule(this, "all-out", { securityGroupId: sg, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "outbound through NAT and VPC endpoints" });
    for (const rule of props.allowFrom ?? []) this.allowFrom(rule);
    // Nodes boot and mount only once the file system admits them (and its S3 link exists).
    const mountReady: TerraformResource[] = [];
    if (storage instanceof AwsLustreStorage) {
      mountReady.push(...storage.allowClient(this, sg), ...storage.readyDependencies);
      const fsSg = storage.securityGroup.id;
      if (storage.efaEnabled) {
        // EFA counts only rules that name the peer group, so both directions are explicit.
        mountReady.push(
          new VpcSecurityGroupIngressRule(this, "lustre-in", { securityGroupId: sg, referencedSecurityGroupId: fsSg, ipProtocol: "-1", description: "EFA and Lustre from the file system" }),
          new VpcSecurityGroupEgressRule(this, "lustre-out", { securityGroupId: sg, referencedSecurityGroupId: fsSg, ipProtocol: "-1", description: "EFA and Lustre to the file system" }),
        );
      } else {
        for (const [from, to] of LUSTRE_PORTS) {
          mountReady.push(new VpcSecurityGroupIngressRule(this, `lustre-in-${from}`, { securityGroupId: sg, referencedSecurityGroupId: fsSg, ipProtocol: "tcp", fromPort: from, toPort: to, description: "Lustre servers to clients" }));
        }
      }
    }

    // --- identity: SSM management plus exactly the S3 access granted
    const partition = (this.partition = new DataAwsPartition(this, "partition").partition);
    // IAM is global: the region in the name keeps two regional copies of a stack apart.
    this.role = new IamRole(this, "role", {
      name: awsName(this, `nodes-${network.region}`, NAME_RULES.awsIamRole),
      description: `GPU nodes of ${this.node.path}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags: nameTags(this, "nodes"),
    });
    new IamRolePolicyAttachment(this, "ssm", { role: this.role.name, policyArn: `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` });
    if (props.s3Access && props.s3Access.length > 0) {
      new IamRolePolicy(this, "s3", { role: this.role.id, name: "s3-access", policy: JSON.stringify(s3Policy(props.s3Access, partition)) });
    }
    this.instanceProfile = new IamInstanceProfile(this, "profile", { name: awsName(this, `nodes-${network.region}`, NAME_RULES.awsIamRole), role: this.role.name, tags: nameTags(this, "nodes") });

    // --- plan-time guard: the zone must offer the type
    const locationType = AwsNetwork.isZoneId(zone) ? "availability-zone-id" : "availability-zone";
    this.offeringCheck = new DataAwsEc2InstanceTypeOfferings(this, "offering-check", {
      locationType,
      filter: [
        { name: "instance-type", values: [offering.instanceType] },
        { name: "location", values: [zone] },
      ],
      lifecycle: {
        postcondition: [{
          condition: "${length(self.instance_types) > 0}",
          errorMessage: `${this.node.path}: ${offering.instanceType} is not offered in ${zone}: choose another zone (hgpu place lists the catalog's zones for the type)`,
        }],
      },
    });

    // --- nodes
    const imageId = props.imageId ?? new DataAwsSsmParameter(this, "ami", { name: DLAMI_SSM_PARAMETER }).value;
    if (usePlacementGroup) {
      this.placementGroup = new PlacementGroup(this, "pg", { name: awsName(this, "pg", NAME_RULES.awsPlacementGroup), strategy: "cluster", tags: nameTags(this, "pg") });
    }
    // A local holds the script, so its quotes and Terraform references stay a plain JSON string.
    const script = new TerraformLocal(this, "boot-script", bootScript(storage?.mountCommand, hooks));
    const reservationId = props.capacityReservationId;
    const reservation = reservationId !== undefined ? { capacityReservationTarget: { capacityReservationId: reservationId } } : undefined;
    this.launchTemplate = new LaunchTemplate(this, "lt", {
      name: awsName(this, "nodes", NAME_RULES.awsLaunchTemplate),
      description: `${offering.instanceType} GPU nodes of ${this.node.path}`,
      imageId,
      instanceType: offering.instanceType,
      updateDefaultVersion: true,
      ebsOptimized: "true",
      iamInstanceProfile: { arn: this.instanceProfile.arn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: hopLimit },
      blockDeviceMappings: [{
        deviceName: props.rootDeviceName ?? "/dev/sda1",
        ebs: { volumeSize: rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true", ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}) },
      }],
      networkInterfaces: networkInterfaces(efaCards, sg),
      ...(reservation ? { capacityReservationSpecification: reservation } : {}),
      ...(capacityBlock ? { instanceMarketOptions: { marketType: "capacity-block" } } : {}),
      userData: Fn.base64encode(script.asString),
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: nameTags(this, "node") })),
      tags: nameTags(this, "nodes"),
      // The default AMI is resolved once; a new DLAMI release must not swap the image under a running cluster.
      ...(props.imageId === undefined ? { lifecycle: { ignoreChanges: ["image_id"] } } : {}),
    });

    const template = { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) };
    const placementGroup = this.placementGroup?.id ?? props.placementGroupName;
    this.autoScalingGroup = new AutoscalingGroup(this, "asg", {
      name: AwsGpuCluster.autoScalingGroupName(this.node.path),
      minSize: this.nodes,
      maxSize: this.nodes,
      desiredCapacity: this.nodes,
      vpcZoneIdentifier: [network.subnetFor(zone)!.id],
      ...(placementGroup !== undefined ? { placementGroup } : {}),
      ...(spot
        ? {
            // No capacity rebalancing: replacing an at-risk node mid-job breaks a tightly coupled job just the same.
            capacityRebalance: false,
            mixedInstancesPolicy: {
              instancesDistribution: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" },
              launchTemplate: { launchTemplateSpecification: { launchTemplateId: template.id, version: template.version } },
            },
          }
        : { launchTemplate: template }),
      healthCheckType: "EC2",
      // Apply waits for every node; a zone without capacity fails here with the EC2 error the launcher fails over on.
      waitForCapacityTimeout: "20m",
      tag: [{ key: "Name", value: awsName(this, "node"), propagateAtLaunch: true }],
      dependsOn: [this.offeringCheck, ...mountReady],
    });
    // Provider default tags never reach what the group launches; copy them in once every provider is configured.
    Aspects.of(this).add({ visit: (node) => { if (node === this) tagLaunchedNodes(this.launchTemplate, this.autoScalingGroup); } });

    this.runInfo = {
      nodes: this.nodes,
      gpusPerNode: this.gpusPerNode,
      ncclEnv: awsNcclEnv(offering.instanceType, efa),
      ...(storage ? { dataMountPath: storage.mountPath } : {}),
    };
  }

  /**
   * Admits traffic from outside the cluster: one security group ingress rule per source block and
   * port range (all protocols for `ports: "all"`, TCP otherwise). Sources must be private ranges.
   *
   * ```ts
   * cluster.allowFrom({ from: site, ports: [22, [29400, 29500]], description: "SSH and rendezvous from the data centre" });
   * ```
   */
  public allowFrom(rule: AllowFrom): void {
    const n = this.allowed++;
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const traffic = resolveAllowFrom(v, `allowFrom[${n}]`, rule);
    traffic.cidrs.forEach((cidr, i) => {
      const common = { securityGroupId: this.securityGroup.id, cidrIpv4: cidr, description: traffic.description, tags: nameTags(this, "nodes") };
      if (traffic.ports === "all") {
        new VpcSecurityGroupIngressRule(this, `allow-${n}-${i}`, { ...common, ipProtocol: "-1" });
      } else {
        traffic.ports.forEach(([fromPort, toPort], j) => new VpcSecurityGroupIngressRule(this, `allow-${n}-${i}-${j}`, { ...common, ipProtocol: "tcp", fromPort, toPort }));
      }
    });
  }

  private allowed = 0;
}

function defaultZone(network: AwsNetwork, offering: Offering): string {
  const offered = new Set(offering.locations.filter((l) => l.region === network.region && l.zone).map((l) => l.zone!));
  return network.zones.find((z) => offered.has(z)) ?? network.zones[0]!;
}
