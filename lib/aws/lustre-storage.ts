import { FsxDataRepositoryAssociation, FsxLustreFileSystem, SecurityGroup, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule } from "../engine/aws";
import { TerraformResource, Token } from "../engine/core";
import { Construct } from "constructs";
import type { ISharedStorage } from "../core/contracts";
import { isS3BucketName, KMS_KEY, S3_BUCKET_RULE, Validator } from "../core/validate";
import { EFA_LUSTRE_CONNECTION_LIMIT } from "./efa";
import {
  FSX_DEPLOYMENT_TYPES, FSX_SCRATCH_MBPS_PER_TIB, fsxCapacityContext, fsxCapacityProblem, fsxMetadataIopsProblem, fsxThroughputMBps,
  fsxThroughputTiers, fsxTierKey, type LustreDeploymentType,
} from "./fsx-rules";
import { checkClientPins, fsxMountScript } from "./fsx-client";
import { nameTags, securityGroupNamePrefix } from "./names";
import type { AwsNetwork } from "./network";

export { fsxMountScript } from "./fsx-client";

export type { LustreDeploymentType } from "./fsx-rules";

/** Where the file system imports from and exports to in S3. */
export interface LustreDataRepository {
  /** A bucket name (`my-datasets`) or an S3 URI with a prefix (`s3://my-datasets/imagenet/`). */
  readonly bucket: string;
  /** Where the repository appears in the file system, e.g. `/dataset`. @default "/" */
  readonly fileSystemPath?: string;
  /**
   * Export new and changed files back to S3 automatically (checkpoints, results).
   * @default true
   */
  readonly autoExport?: boolean;
  /**
   * Also delete S3 objects when their files are deleted on the file system. Off by default:
   * an `rm -rf` on the file system would otherwise empty the bucket prefix.
   * @default false
   */
  readonly exportDeletes?: boolean;
}

/** Props of {@link AwsLustreStorage}. */
export interface AwsLustreStorageProps {
  /** The network the file system lives in. */
  readonly network: AwsNetwork;
  /**
   * Zone of the file system's subnet. Put it in the GPU cluster's zone: an EFA cluster must
   * share it, and any other cluster reads fastest from its own zone.
   * @default - the network's first zone
   */
  readonly zone?: string;
  /** Deployment type. @default "PERSISTENT_2" */
  readonly deploymentType?: LustreDeploymentType;
  /** Storage type; HDD only with PERSISTENT_1. @default "SSD" */
  readonly storageType?: "SSD" | "HDD";
  /** SSD read cache of an HDD file system (required by FSx for HDD). @default "READ" */
  readonly driveCacheType?: "READ" | "NONE";
  /**
   * Capacity in GiB. SSD (SCRATCH_2, PERSISTENT_1, PERSISTENT_2): 1200, 2400, then multiples of
   * 2400; SCRATCH_1: 1200, 2400, then multiples of 3600; HDD: multiples of 6000 (12 MB/s/TiB) or
   * 1800 (40 MB/s/TiB); EFA-enabled: multiples of 38400, 19200, 9600 or 4800 GiB for 125, 250,
   * 500 or 1000 MB/s/TiB.
   */
  readonly storageCapacityGiB: number;
  /**
   * Throughput per TiB of storage, MB/s/TiB: PERSISTENT_2 125, 250, 500 or 1000; PERSISTENT_1
   * SSD 50, 100 or 200; HDD 12 or 40. SCRATCH types have a fixed 200 and take none.
   * @default - 125 for PERSISTENT_2, 50 for PERSISTENT_1 SSD, 12 for HDD
   */
  readonly throughputPerTiB?: number;
  /** Link to S3: a data repository association with automatic import and export (every deployment type but SCRATCH_1). @default - none */
  readonly dataRepository?: LustreDataRepository;
  /** Where nodes mount the file system. @default "/fsx" */
  readonly mountPath?: string;
  /**
   * Enable EFA on the file system (PERSISTENT_2 only). EFA clients in the same zone run AWS's
   * `configure-efa-fsx-lustre-client` setup at boot (part of `mountCommand`); other clients use
   * TCP. One file system accepts at most 1024 EFA connections (8 per p5.48xlarge).
   * @default false
   */
  readonly efa?: boolean;
  /**
   * SHA-256 of AWS's `configure-efa-fsx-lustre-client.zip` (FSx guide, "Configuring EFA clients":
   * `sha256sum configure-efa-fsx-lustre-client.zip` on the copy you reviewed). EFA clients download
   * it at boot and run its `setup.sh` as root only when it has this digest (AWS publishes no
   * signature or digest for it); a download with another one is not run, and that node mounts over
   * TCP, saying why in /var/log/hgpu-boot.log.
   * @default - not pinned: EFA clients do not download AWS's setup and mount over TCP (synth warns)
   */
  readonly efaClientSetupSha256?: string;
  /**
   * SHA-256 of AWS's FSx Ubuntu repository key (`fsx-ubuntu-public-key.asc`), which Ubuntu nodes
   * without the Lustre client download to install it (apt then checks the repository's signature
   * with it, and trusts it for that repository only). A key with another digest stops the boot.
   * @default - not pinned: the key is read over HTTPS from AWS's bucket, as the FSx guide does (AWS publishes no fingerprint)
   */
  readonly lustreRepoKeySha256?: string;
  /**
   * Provisioned metadata IOPS (PERSISTENT_2): 1500, 3000, 6000, 12000, then multiples of
   * 12000 up to 192000.
   * @default - AUTOMATIC metadata mode (scaled with capacity)
   */
  readonly metadataIops?: number;
  /**
   * KMS key for encryption at rest (PERSISTENT types only: SCRATCH types are always encrypted
   * with an AWS-owned key).
   * @default - the AWS-managed FSx key (always encrypted)
   */
  readonly kmsKeyId?: string;
}

/** Longest DataRepositoryPath and FileSystemPath of a data repository association (FSx API reference). */
const MAX_DATA_REPOSITORY_PATH = 4357;
const MAX_FILE_SYSTEM_PATH = 4096;
/** TCP ports Lustre uses between clients and servers (FSx docs: 988 and 1018-1023). */
export const LUSTRE_PORTS: readonly [number, number][] = [[988, 988], [1018, 1023]];

/**
 * An FSx for Lustre file system in one subnet of an {@link AwsNetwork}, encrypted, with a
 * security group that admits Lustre traffic only from itself and from client security groups,
 * and optionally linked to S3. Every capacity, tier and EFA rule is checked at synth.
 *
 * ```ts
 * const fs = new AwsLustreStorage(stack, "data", {
 *   network, zone: "use1-az4", storageCapacityGiB: 4800, throughputPerTiB: 250,
 *   dataRepository: { bucket: "s3://ml-datasets/imagenet/", fileSystemPath: "/dataset" },
 * });
 * ```
 */
export class AwsLustreStorage extends Construct implements ISharedStorage {
  public readonly cloud = "aws" as const;
  public readonly mountPath: string;
  public readonly capacityGiB: number;
  public readonly throughputMBps: number;
  public readonly mountCommand: string;
  /** The network the file system lives in. */
  public readonly network: AwsNetwork;
  /** Zone of the file system. */
  public readonly zone: string;
  /** Deployment type. */
  public readonly deploymentType: LustreDeploymentType;
  /** Whether EFA is enabled on the file system. */
  public readonly efaEnabled: boolean;
  /** Whether EFA clients download and run AWS's client setup at boot (efa, with `efaClientSetupSha256` set); without it they mount over TCP. */
  public readonly efaClientSetupPinned: boolean;
  /** The file system. */
  public readonly fileSystem: FsxLustreFileSystem;
  /** Its security group. */
  public readonly securityGroup: SecurityGroup;
  /** The S3 link, when `dataRepository` is set. */
  public readonly dataRepositoryAssociation?: FsxDataRepositoryAssociation;
  /**
   * Resources that must exist before a client mounts: the client-side security group rules are
   * added by the client, this lists the file system's own (rules, S3 link).
   */
  public readonly readyDependencies: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: AwsLustreStorageProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const network = (this.network = props.network);
    this.zone = props.zone ?? network.zones[0]!;
    v.check(network.hasZone(this.zone), "zone", this.zone, `use a zone of the network: ${network.zones.join(", ")}`);
    const type = (this.deploymentType = v.oneOf("deploymentType", props.deploymentType ?? "PERSISTENT_2", FSX_DEPLOYMENT_TYPES));
    const storageType = v.oneOf("storageType", props.storageType ?? "SSD", ["SSD", "HDD"] as const);
    if (storageType === "HDD") v.check(type === "PERSISTENT_1", "storageType", storageType, "use SSD: HDD storage needs deploymentType PERSISTENT_1", `for ${type}`);
    if (props.driveCacheType !== undefined) {
      v.check(storageType === "HDD", "driveCacheType", props.driveCacheType, "leave it out: a drive cache is for HDD storage only");
      v.oneOf("driveCacheType", props.driveCacheType, ["READ", "NONE"]);
    }
    this.efaEnabled = props.efa ?? false;
    if (this.efaEnabled) v.check(type === "PERSISTENT_2", "efa", true, "use deploymentType PERSISTENT_2 for an EFA-enabled file system", `for ${type}`);
    const pins = checkClientPins(v, this, this.efaEnabled, props);
    this.efaClientSetupPinned = pins.efaSetupSha256 !== undefined;

    const tierKey = fsxTierKey(type, storageType);
    const tiers = fsxThroughputTiers(type, storageType);
    let tier: number;
    if (tiers) {
      tier = props.throughputPerTiB ?? tiers[0]!;
      v.check(tiers.includes(tier), "throughputPerTiB", tier, `use one of ${tiers.join(", ")} MB/s/TiB`, `for ${tierKey.replace("/", " ")}`);
    } else {
      v.check(props.throughputPerTiB === undefined, "throughputPerTiB", props.throughputPerTiB, `leave it out: ${type} has a fixed ${FSX_SCRATCH_MBPS_PER_TIB} MB/s/TiB`, `for ${type}`);
      tier = FSX_SCRATCH_MBPS_PER_TIB;
    }

    const gib = v.integer("storageCapacityGiB", props.storageCapacityGiB, { min: 1 });
    const shape = { type, storageType, tier, efa: this.efaEnabled };
    const capacityProblem = fsxCapacityProblem(gib, shape);
    v.check(capacityProblem === undefined, "storageCapacityGiB", gib, capacityProblem ?? "", fsxCapacityContext(shape));

    if (props.metadataIops !== undefined) {
      v.check(type === "PERSISTENT_2", "metadataIops", props.metadataIops, "leave it out: provisioned metadata IOPS need deploymentType PERSISTENT_2", `for ${type}`);
      const iopsProblem = fsxMetadataIopsProblem(props.metadataIops);
      v.check(iopsProblem === undefined, "metadataIops", props.metadataIops, iopsProblem ?? "");
    }
    // Checked even for a token: the deployment type, not the key, is what is wrong.
    if (props.kmsKeyId !== undefined && !type.startsWith("PERSISTENT")) {
      v.fail("kmsKeyId", props.kmsKeyId, "leave it out: SCRATCH file systems are encrypted with an AWS-owned key", `for ${type}`);
    }
    if (props.kmsKeyId !== undefined) {
      v.matches("kmsKeyId", props.kmsKeyId, KMS_KEY, "use a KMS key ID, key ARN or alias (alias/my-key), or leave it out for the AWS-managed key");
    }
    this.mountPath = v.mountPath("mountPath", props.mountPath ?? "/fsx");
    const repo = props.dataRepository;
    if (repo) v.check(type !== "SCRATCH_1", "dataRepository", repo.bucket, "use another deploymentType: AWS links S3 to every Lustre 2.12/2.15 file system but SCRATCH_1 (data repository associations)", `for ${type}`);
    if (repo?.exportDeletes) v.check(repo.autoExport ?? true, "dataRepository.exportDeletes", true, "leave it out: deletes are exported only with autoExport");
    const link = repo && { repo, repoPath: s3Path(v, repo.bucket), fileSystemPath: checkFileSystemPath(v, repo.fileSystemPath ?? "/") };

    const subnet = network.subnetFor(this.zone)!;
    // FSx does not publish how many addresses a file system takes: about one per file server.
    network.takeAddresses(this.zone, this.node.path, estimatedAddresses(gib), true);
    this.securityGroup = new SecurityGroup(this, "sg", {
      namePrefix: securityGroupNamePrefix(this, "lustre"),
      description: "FSx for Lustre: Lustre traffic from itself and its clients only",
      vpcId: network.vpc.id,
      tags: nameTags(this, "lustre"),
      lifecycle: { createBeforeDestroy: true },
    });
    // Lustre servers talk to each other and to clients; EFA additionally needs all traffic to and from itself.
    // FSx checks the group's rules while it creates the file system, so the rules come first.
    const selfRules = this.allowPeer(this, "self", this.securityGroup.id);

    this.fileSystem = new FsxLustreFileSystem(this, "fs", {
      storageCapacity: gib,
      subnetIds: [subnet.id],
      securityGroupIds: [this.securityGroup.id],
      deploymentType: type,
      storageType,
      ...(storageType === "HDD" ? { driveCacheType: props.driveCacheType ?? "READ" } : {}),
      ...(tiers ? { perUnitStorageThroughput: tier } : {}),
      ...(type === "PERSISTENT_2" ? { metadataConfiguration: props.metadataIops !== undefined ? { mode: "USER_PROVISIONED", iops: props.metadataIops } : { mode: "AUTOMATIC" } } : {}),
      ...(this.efaEnabled ? { efaEnabled: true } : {}),
      kmsKeyId: props.kmsKeyId,
      // Lustre 2.15 runs on every deployment type (FSx CreateFileSystem, FileSystemTypeVersion).
      fileSystemTypeVersion: "2.15",
      dataCompressionType: "LZ4",
      logConfiguration: { level: "WARN_ERROR" },
      tags: nameTags(this, "lustre"),
      dependsOn: selfRules,
    });
    if (link) {
      const { repoPath, fileSystemPath } = link;
      const importEvents = ["NEW", "CHANGED", "DELETED"];
      const exportEvents = link.repo.exportDeletes ? importEvents : ["NEW", "CHANGED"];
      this.dataRepositoryAssociation = new FsxDataRepositoryAssociation(this, "s3", {
        fileSystemId: this.fileSystem.id,
        dataRepositoryPath: repoPath,
        fileSystemPath,
        batchImportMetaDataOnCreate: true,
        s3: { autoImportPolicy: { events: importEvents }, ...((link.repo.autoExport ?? true) ? { autoExportPolicy: { events: exportEvents } } : {}) },
        tags: nameTags(this, "s3"),
      });
    }

    this.capacityGiB = gib;
    this.throughputMBps = fsxThroughputMBps(gib, tier);
    this.mountCommand = fsxMountScript(`${this.fileSystem.dnsName}@tcp:/${this.fileSystem.mountName}`, this.mountPath, this.efaEnabled, pins);
    this.readyDependencies = [...selfRules, ...(this.dataRepositoryAssociation ? [this.dataRepositoryAssociation] : [])];
  }

  /**
   * Counts `connections` EFA connections of the client `owner` against the file system's budget
   * ({@link EFA_LUSTRE_CONNECTION_LIMIT}); returns what was already taken and by whom, and takes
   * nothing when they do not fit.
   */
  public takeEfaConnections(owner: string, connections: number): { fits: boolean; taken: number; takenBy: string } {
    const taken = this.efaClients.reduce((sum, c) => sum + c.connections, 0);
    const takenBy = this.efaClients.map((c) => `${c.connections} by ${c.owner}`).join(", ");
    const fits = taken + connections <= EFA_LUSTRE_CONNECTION_LIMIT;
    if (fits) this.efaClients.push({ owner, connections });
    return { fits, taken, takenBy };
  }

  private readonly efaClients: { owner: string; connections: number }[] = [];

  /**
   * Lets a client security group reach the file system: Lustre ports (all traffic when EFA is
   * enabled), as rules created under `scope` (the client's construct).
   */
  public allowClient(scope: Construct, clientSecurityGroupId: string): TerraformResource[] {
    return this.allowPeer(scope, `lustre-client-${scope.node.id}`, clientSecurityGroupId);
  }

  private allowPeer(scope: Construct, id: string, peer: string): TerraformResource[] {
    const target = this.securityGroup.id;
    if (this.efaEnabled) {
      return [
        new VpcSecurityGroupIngressRule(scope, `${id}-in`, { securityGroupId: target, referencedSecurityGroupId: peer, ipProtocol: "-1", description: "EFA and Lustre" }),
        new VpcSecurityGroupEgressRule(scope, `${id}-out`, { securityGroupId: target, referencedSecurityGroupId: peer, ipProtocol: "-1", description: "EFA and Lustre" }),
      ];
    }
    return LUSTRE_PORTS.flatMap(([from, to]) => [
      new VpcSecurityGroupIngressRule(scope, `${id}-${from}`, { securityGroupId: target, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: from, toPort: to, description: "Lustre" }),
      new VpcSecurityGroupEgressRule(scope, `${id}-out-${from}`, { securityGroupId: target, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: from, toPort: to, description: "Lustre" }),
    ]);
  }
}

/** Addresses a file system of `gib` GiB is estimated to take in its subnet (one per 1.2 TiB, plus metadata servers). */
function estimatedAddresses(gib: number): number {
  return Math.ceil(gib / 1200) + 2;
}

function s3Path(v: Validator, bucket: string): string {
  // A reference goes through the same split (its checks pass as unresolved), so its prefix gets the trailing slash too.
  const m = /^(?:s3:\/\/)?([^/]+)(\/.*)?$/.exec(bucket);
  const name = m?.[1] ?? "";
  v.check(isS3BucketName(name), "dataRepository.bucket", bucket, `use a bucket name (${S3_BUCKET_RULE}) or an S3 URI such as s3://bucket/prefix/`);
  const prefix = (m![2] ?? "").replace(/\/*$/, "/");
  const path = `s3://${name}${prefix}`;
  v.check(path.length <= MAX_DATA_REPOSITORY_PATH, "dataRepository.bucket", bucket, `use an S3 path of at most ${MAX_DATA_REPOSITORY_PATH} characters (this one is ${path.length} as s3://bucket/prefix/)`);
  return path;
}

function checkFileSystemPath(v: Validator, path: string): string {
  const ok = path === "/" || (/^\/[^\s]*[^/]$/.test(path) && !path.split("/").includes(".."));
  v.check(ok, "dataRepository.fileSystemPath", path, "use an absolute path such as /dataset, without a trailing slash");
  v.check(path.length <= MAX_FILE_SYSTEM_PATH, "dataRepository.fileSystemPath", path, `use a path of at most ${MAX_FILE_SYSTEM_PATH} characters (this one is ${path.length})`);
  return path;
}
