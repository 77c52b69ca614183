import { DefaultSecurityGroup, Eip, type FlowLog, InternetGateway, type KmsKey, NatGateway, Route, RouteTable, RouteTableAssociation, SecurityGroup, Subnet, Vpc, VpcEndpoint } from "../engine/aws";
import { Annotations, Token } from "../engine/core";
import { Construct } from "constructs";
import { catalogZonesOfRegion } from "../catalog/catalog";
import { AWS_ZONE_ID, AWS_ZONE_NAME, awsRegion, awsZoneProblem } from "../core/regions";
import { blockSize, contains, DOCKER_BRIDGE, overlaps, split, VPC_PRIVATE_RANGES } from "../core/cidr";
import { AddressPlan, registerAddresses } from "../core/address-plan";
import type { INetwork } from "../core/contracts";
import { KMS_KEY_ARN, Validator } from "../core/validate";
import { vpcFlowLog } from "./flow-log";
import { nameTags, securityGroupNamePrefix } from "./names";
import { providerRegion } from "./provider";

/** Addresses AWS reserves in every subnet: the first four and the last. */
export const AWS_RESERVED_PER_SUBNET = 5;

/** What {@link AwsNetwork.takeAddresses} found in a private subnet. */
export interface SubnetRoom {
  /** Whether the addresses fit (and were taken). */
  readonly fits: boolean;
  /** Addresses free before the request (estimates not counted). */
  readonly free: number;
  /** Usable addresses of the subnet (its size less AWS's reserved five). */
  readonly usable: number;
  /** Who holds the taken addresses, for messages, e.g. "3 by interface endpoints". */
  readonly takenBy: string;
  /** The subnet's block. */
  readonly block: string;
}

/** How private subnets reach the internet (package mirrors, container registries). */
export type NatGatewayMode = "perZone" | "single" | "none";

/** Props of {@link AwsNetwork}. */
export interface AwsNetworkProps {
  /**
   * The VPC's IPv4 block, a literal prefix from /16 to /20 (not a Terraform token: the subnets
   * are computed at synth). It is cut into 16 equal blocks: block i is the
   * private subnet of the i-th zone, the last block holds the small public subnets NAT needs.
   * Append new zones at the end of `zones`: reordering them moves subnets.
   * @default - the next free block of the app's AddressPlan (a /16 of 10.0.0.0/8 unless configured)
   */
  readonly cidr?: string;
  /**
   * AWS region, e.g. `us-east-1`.
   * @default - the region of the stack's AWS provider (an error if it has no literal region)
   */
  readonly region?: string;
  /**
   * Zones for private subnets: zone **IDs** (`use1-az4`, the same in every account, preferred)
   * or zone names (`us-east-1a`). GPU clusters and Lustre file systems live in one of them.
   * @default - the region's first two Availability Zone IDs in the catalog
   */
  readonly zones?: readonly string[];
  /**
   * NAT gateways for outbound internet from private subnets: one per zone (survives a zone
   * outage), a single one (cheaper), or none (no internet: nodes then need every package and
   * image from inside the VPC).
   * @default "perZone"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Interface endpoints for Systems Manager (ssm, ssmmessages, ec2messages), so nodes without
   * public IPs are managed through Session Manager even without NAT.
   * @default true
   */
  readonly ssmEndpoints?: boolean;
  /**
   * A gateway endpoint for S3 on the private route tables, so data traffic stays inside AWS
   * and costs no NAT processing.
   * @default true
   */
  readonly s3Endpoint?: boolean;
  /**
   * VPC flow logs to an encrypted CloudWatch log group (kept 90 days): `ALL` records every flow
   * (what an incident review needs: who talked to the nodes), `REJECT` only refused connections
   * (cheaper), `none` turns them off. EFA's OS-bypass traffic between nodes is not in flow logs.
   * @default "ALL"
   */
  readonly flowLogs?: "REJECT" | "ALL" | "none";
  /**
   * ARN of the KMS key that encrypts the flow-log group; its key policy must let CloudWatch Logs
   * of the network's region use it.
   * @default - a new key (rotated yearly) that only the account and CloudWatch Logs, for this log group, may use
   */
  readonly flowLogsKmsKeyArn?: string;
}


/**
 * A VPC for GPU clusters: private subnets per zone (by zone ID), NAT for outbound traffic, an S3
 * gateway endpoint and SSM interface endpoints, and the default security group locked down.
 * Nothing in it gets a public IP but the NAT gateways.
 *
 * ```ts
 * const net = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
 * ```
 */
export class AwsNetwork extends Construct implements INetwork {
  public readonly cloud = "aws" as const;
  public readonly region: string;
  public readonly cidr: string;
  /** Zones with a private subnet, as given (IDs or names). */
  public readonly zones: readonly string[];
  /** The VPC. */
  public readonly vpc: Vpc;
  /** Private subnet of each zone, keyed by zone. */
  public readonly privateSubnets: Readonly<Record<string, Subnet>>;
  /** Route table of each zone's private subnet, keyed by zone. */
  public readonly privateRouteTables: Readonly<Record<string, RouteTable>>;
  /** Public subnets (only where a NAT gateway needs one), keyed by zone. */
  public readonly publicSubnets: Readonly<Record<string, Subnet>>;
  /** NAT gateways, keyed by zone. */
  public readonly natGateways: Readonly<Record<string, NatGateway>>;
  /** The NAT gateways' Elastic IPs, keyed by zone. */
  public readonly natAddresses: Readonly<Record<string, Eip>>;
  /** Interface endpoints (they bill by the hour), keyed by service. */
  public readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;
  /** Security group of the interface endpoints (HTTPS from the VPC). */
  public readonly endpointSecurityGroup?: SecurityGroup;
  /** The VPC flow log, unless turned off. */
  public readonly flowLog?: FlowLog;
  /** The KMS key of the flow-log group, when the network created one. */
  public readonly flowLogKey?: KmsKey;

  constructor(scope: Construct, id: string, props: AwsNetworkProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    // The subnets are cut from the block at synth, so it cannot wait for apply.
    if (props.cidr !== undefined && Token.isUnresolved(props.cidr)) v.fail("cidr", props.cidr, "use a literal CIDR such as 10.10.0.0/16 (the subnets are computed from it at synth), not a Terraform reference or variable");
    this.cidr = v.cidr("cidr", props.cidr ?? AddressPlan.of(this).allocate(this), { min: 16, max: 20 });
    v.check(Token.isUnresolved(this.cidr) || VPC_PRIVATE_RANGES.some((r) => contains(r, this.cidr)), "cidr", this.cidr, "use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or 100.64.0.0/10): a public range hides those addresses on the internet from the nodes");
    if (overlaps(this.cidr, DOCKER_BRIDGE)) Annotations.of(this).addWarning(`${this.node.path}: cidr ${this.cidr} overlaps ${DOCKER_BRIDGE}, Docker's default bridge on the GPU images: containers cannot reach addresses there`);
    const stackRegion = providerRegion(this);
    const region = props.region ?? stackRegion ?? v.fail("region", undefined, "set region, or give the stack's AWS provider a literal region");
    this.region = v.awsRegion("region", region);
    // The network's resources are created by the stack's default AWS provider, so in its region.
    v.check(stackRegion === undefined || region === stackRegion, "region", region, `use ${stackRegion}, the region of the stack's AWS provider, which creates the network's resources (or build the network in a stack whose provider is in ${region})`);
    this.zones = props.zones ?? defaultZones(this.region, v);
    v.check(this.zones.length >= 1 && this.zones.length <= 15, "zones", this.zones, "use 1 to 15 zones");
    for (const zone of this.zones) checkZone(v, zone, this.region);
    v.check(new Set(this.zones).size === this.zones.length, "zones", this.zones, "list each zone once");
    const nat = v.oneOf("natGateways", props.natGateways ?? "perZone", ["perZone", "single", "none"] as const);
    const flowLogs = v.oneOf("flowLogs", props.flowLogs ?? "ALL", ["REJECT", "ALL", "none"] as const);
    if (props.flowLogsKmsKeyArn !== undefined) v.matches("flowLogsKmsKeyArn", props.flowLogsKmsKeyArn, KMS_KEY_ARN, "use a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (CloudWatch Logs takes no key ID or alias)");

    this.vpc = new Vpc(this, "vpc", { cidrBlock: this.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: nameTags(this, "vpc") });
    // The default security group allows all traffic between its members: leave it with no rules.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, tags: nameTags(this, "default", { Purpose: "unused, locked down" }) });

    const blocks = split(this.cidr, Number(this.cidr.split("/")[1]) + 4);
    const publicBlocks = split(blocks[15]!, Number(this.cidr.split("/")[1]) + 8);
    const privateSubnets: Record<string, Subnet> = {};
    const privateRouteTables: Record<string, RouteTable> = {};
    const publicSubnets: Record<string, Subnet> = {};
    const natGateways: Record<string, NatGateway> = {};
    const natAddresses: Record<string, Eip> = {};
    const interfaceEndpoints: Record<string, VpcEndpoint> = {};

    const natZones = nat === "none" ? [] : nat === "single" ? [this.zones[0]!] : [...this.zones];
    if (natZones.length > 0) {
      const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: nameTags(this, "igw") });
      const publicRt = new RouteTable(this, "public-rt", { vpcId: this.vpc.id, tags: nameTags(this, "public", { Tier: "public" }) });
      new Route(this, "public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
      natZones.forEach((zone) => {
        const i = this.zones.indexOf(zone);
        const subnet = new Subnet(this, `public-${zone}`, {
          vpcId: this.vpc.id,
          cidrBlock: publicBlocks[i]!,
          ...zoneArg(zone),
          mapPublicIpOnLaunch: false,
          tags: nameTags(this, `public-${zone}`, { Tier: "public", Zone: zone }),
        });
        new RouteTableAssociation(this, `public-${zone}-rta`, { subnetId: subnet.id, routeTableId: publicRt.id });
        const eip = new Eip(this, `nat-${zone}-eip`, { domain: "vpc", tags: nameTags(this, `nat-${zone}`, { Zone: zone }), dependsOn: [igw] });
        natAddresses[zone] = eip;
        publicSubnets[zone] = subnet;
        natGateways[zone] = new NatGateway(this, `nat-${zone}`, { allocationId: eip.allocationId, subnetId: subnet.id, tags: nameTags(this, `nat-${zone}`, { Zone: zone }) });
      });
    }

    this.zones.forEach((zone, i) => {
      const subnet = new Subnet(this, `private-${zone}`, {
        vpcId: this.vpc.id,
        cidrBlock: blocks[i]!,
        ...zoneArg(zone),
        mapPublicIpOnLaunch: false,
        tags: nameTags(this, `private-${zone}`, { Tier: "private", Zone: zone }),
      });
      const rt = new RouteTable(this, `private-${zone}-rt`, { vpcId: this.vpc.id, tags: nameTags(this, `private-${zone}`, { Tier: "private", Zone: zone }) });
      new RouteTableAssociation(this, `private-${zone}-rta`, { subnetId: subnet.id, routeTableId: rt.id });
      const natGateway = natGateways[zone] ?? natGateways[natZones[0] ?? ""];
      if (natGateway) new Route(this, `private-${zone}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateway.id });
      privateSubnets[zone] = subnet;
      privateRouteTables[zone] = rt;
    });

    if (props.s3Endpoint ?? true) {
      new VpcEndpoint(this, "s3-endpoint", {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${this.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: Object.values(privateRouteTables).map((rt) => rt.id),
        tags: nameTags(this, "s3"),
      });
    }
    if (props.ssmEndpoints ?? true) {
      this.endpointSecurityGroup = new SecurityGroup(this, "endpoints-sg", {
        namePrefix: securityGroupNamePrefix(this, "endpoints"),
        lifecycle: { createBeforeDestroy: true },
        description: "HTTPS from the VPC to its interface endpoints",
        vpcId: this.vpc.id,
        ingress: [{ description: "HTTPS from the VPC", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [this.cidr] }],
        egress: [],
        tags: nameTags(this, "endpoints"),
      });
      for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
        interfaceEndpoints[service] = new VpcEndpoint(this, `${service}-endpoint`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${this.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: Object.values(privateSubnets).map((s) => s.id),
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: nameTags(this, service, { Service: service }),
        });
      }
    }

    if (flowLogs !== "none") {
      const created = vpcFlowLog(this, this.vpc.id, this.region, flowLogs, props.flowLogsKmsKeyArn);
      this.flowLog = created.flowLog;
      this.flowLogKey = created.kmsKey;
    } else if (props.flowLogsKmsKeyArn !== undefined) {
      v.fail("flowLogsKmsKeyArn", props.flowLogsKmsKeyArn, "leave it out with flowLogs none");
    }

    registerAddresses(this, [
      { field: "cidr", cidr: this.cidr, kind: "network" },
      ...this.zones.map((zone, i) => ({ field: `private subnet ${zone}`, cidr: blocks[i]!, kind: "subnet" as const, parent: this.cidr })),
      ...natZones.map((zone) => ({ field: `public subnet ${zone}`, cidr: publicBlocks[this.zones.indexOf(zone)]!, kind: "subnet" as const, parent: this.cidr })),
    ]);

    this.subnetBlocks = Object.fromEntries(this.zones.map((zone, i) => [zone, blocks[i]!]));
    this.privateSubnets = privateSubnets;
    this.privateRouteTables = privateRouteTables;
    this.publicSubnets = publicSubnets;
    this.natGateways = natGateways;
    this.natAddresses = natAddresses;
    this.interfaceEndpoints = interfaceEndpoints;
  }

  /**
   * Takes `count` addresses of `zone`'s private subnet for `owner` (e.g. a cluster's nodes), after
   * checking they fit beside what is already taken there; an `estimate` (a file system's servers)
   * that does not fit is a warning, since its real count is known only to the cloud. Takes nothing
   * when they do not fit, and says how many addresses are free and who holds the others.
   */
  public takeAddresses(zone: string, owner: string, count: number, estimate = false): SubnetRoom {
    const block = this.subnetBlocks[zone];
    if (block === undefined) return { fits: true, free: Infinity, usable: Infinity, takenBy: "", block: "" };
    const usable = blockSize(Number(block.split("/")[1])) - AWS_RESERVED_PER_SUBNET;
    const taken = (this.taken[zone] ??= [...(Object.keys(this.interfaceEndpoints).length > 0 ? [{ owner: "interface endpoints", count: Object.keys(this.interfaceEndpoints).length, estimate: false }] : [])]);
    const certain = taken.filter((t) => !t.estimate).reduce((sum, t) => sum + t.count, 0);
    const all = taken.reduce((sum, t) => sum + t.count, 0);
    const takenBy = taken.map((t) => `${t.count}${t.estimate ? " (estimated)" : ""} by ${t.owner}`).join(", ");
    const fits = certain + (estimate ? 0 : count) <= usable;
    if (fits && all + count > usable) {
      Annotations.of(this).addWarning(`${this.node.path}: the private subnet of ${zone} (${block}) may run out of addresses: ${usable} usable, ${all} taken (${takenBy}) and ${count}${estimate ? " (estimated)" : ""} more for ${owner}`);
    }
    if (fits) taken.push({ owner, count, estimate });
    return { fits, free: Math.max(0, usable - certain), usable, takenBy, block };
  }

  private readonly taken: Record<string, { owner: string; count: number; estimate: boolean }[]> = {};
  private subnetBlocks: Readonly<Record<string, string>> = {};

  /** True when `zone` is a zone ID (`use1-az4`) rather than a zone name (`us-east-1a`). */
  public static isZoneId(zone: string): boolean {
    return AWS_ZONE_ID.test(zone);
  }

  /** True when the network has a private subnet in `zone`. */
  public hasZone(zone: string): boolean {
    return this.zones.includes(zone);
  }

  /** The private subnet of `zone`; undefined when the network has none there. */
  public subnetFor(zone: string): Subnet | undefined {
    return this.privateSubnets[zone];
  }
}

function zoneArg(zone: string): { availabilityZoneId: string } | { availabilityZone: string } {
  return AWS_ZONE_ID.test(zone) ? { availabilityZoneId: zone } : { availabilityZone: zone };
}

function defaultZones(region: string, v: Validator): string[] {
  const known = catalogZonesOfRegion(region);
  v.check(known.length > 0, "zones", undefined, `set zones: the catalog knows no zone IDs in ${region}`);
  return known.slice(0, 2);
}

function checkZone(v: Validator, zone: string, region: string): void {
  if (Token.isUnresolved(zone)) return;
  v.check(AWS_ZONE_ID.test(zone) || AWS_ZONE_NAME.test(zone), "zones", zone, "use a zone ID such as use1-az4 or a zone name such as us-east-1a");
  const facts = awsRegion(region);
  const problem = facts ? awsZoneProblem(zone, facts) : undefined;
  if (problem) v.fail("zones", zone, `use zones of ${region}: ${problem}`);
}
