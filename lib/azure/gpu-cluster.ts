import { LinuxVirtualMachineScaleSet, type NetworkSecurityGroup, RoleAssignment, UserAssignedIdentity } from "../engine/azurerm";
import { Fn, TerraformLocal, Token } from "../engine/core";
import { Construct } from "constructs";
import { AZURE_MAX_NODES_PER_CLUSTER } from "../catalog/azure-limits";
import { chooseOffering, encryptionAtHostFor } from "../catalog/catalog";
import type { Offering, VmGeneration } from "../catalog/types";
import { bootScript, checkBootHooks } from "../core/boot-script";
import type { AllowFrom } from "../core/allow-from";
import type { ClusterPlacement, ClusterRunInfo, IGpuCluster, ISharedStorage } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import { azureLocation } from "../core/regions";
import { readSshKey } from "../core/ssh-key";
import { storageCloudProblem, storageNetworkProblem } from "../core/storage-mount";
import type { Fabric } from "../core/types";
import { Validator } from "../core/validate";
import { amlfsClientZoneProblem } from "./amlfs-rules";
import { AzureLustreStorage } from "./lustre-storage";
import { AzureNetwork } from "./network";
import { NodeFirewall } from "./node-firewall";

/** A marketplace image. */
export interface AzureImageReference {
  readonly publisher: string;
  readonly offer: string;
  readonly sku: string;
  /** @default "latest" */
  readonly version?: string;
  /**
   * The image's Hyper-V generation, for an image whose name does not say it. A size that boots
   * only Generation 2 images (ND H100 v5, ND A100 v4, NC A100 v4, ...) refuses a Generation 1 image.
   * @default - from the image: a sku ending in `gen2` (`22_04-lts-gen2`) or `gen1` (`server-gen1`)
   * says it; the Ubuntu-HPC images and Canonical's `ubuntu-24_04-lts`/`server` are Generation 2;
   * any other image is taken as Generation 1
   */
  readonly generation?: VmGeneration;
}

/** The Ubuntu-HPC image: Ubuntu 22.04 with the NVIDIA GPU and Mellanox InfiniBand drivers, NCCL and MPI (Generation 2). */
export const UBUNTU_HPC_IMAGE: Required<AzureImageReference> = { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest", generation: 2 };

const GENERATION_SUFFIX = /(?:^|[-_])gen([12])$/i;
/** Images that are Generation 2 although their sku does not say so (no sku: every sku of the offer). */
const KNOWN_GEN2_IMAGES: readonly { readonly publisher: string; readonly offer: string; readonly sku?: string }[] = [
  // The Azure HPC images run on the Generation 2-only ND and NC A100 sizes they are made for.
  { publisher: "microsoft-dsvm", offer: "ubuntu-hpc" },
  // Canonical's 24.04 offer: "server" is Generation 2, "server-gen1" Generation 1.
  { publisher: "canonical", offer: "ubuntu-24_04-lts", sku: "server" },
];

/**
 * The Hyper-V generation of a marketplace image and how it is known: `given` (image.generation),
 * `sku` (a sku ending in gen1 or gen2), `known` (an image in the library's list) or `assumed`
 * (Generation 1, what an image whose name does not say usually is).
 */
export function imageGeneration(image: AzureImageReference): { generation: VmGeneration; from: "given" | "sku" | "known" | "assumed" } {
  if (image.generation !== undefined) return { generation: image.generation, from: "given" };
  const said = GENERATION_SUFFIX.exec(image.sku)?.[1];
  if (said) return { generation: Number(said) as VmGeneration, from: "sku" };
  const is = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const known = KNOWN_GEN2_IMAGES.some((k) => is(k.publisher, image.publisher) && is(k.offer, image.offer) && (k.sku === undefined || is(k.sku, image.sku)));
  return known ? { generation: 2, from: "known" } : { generation: 1, from: "assumed" };
}

/** Access the nodes' managed identity gets to one storage scope. */
export interface AzureStorageAccess {
  /** Resource ID of a storage account or of one of its containers. */
  readonly scope: string;
  /** Also allow writing (Storage Blob Data Contributor instead of Reader). @default false */
  readonly write?: boolean;
}

/** Props of {@link AzureGpuCluster}. */
export interface AzureGpuClusterProps {
  /** The network; nodes go into its compute subnet. */
  readonly network: AzureNetwork;
  /**
   * VM size, e.g. `Standard_ND96isr_H100_v5`; must be in the catalog.
   * @default - the cheapest catalog size with `accelerator` and `gpusPerNode` in the network's location
   */
  readonly vmSize?: string;
  /** Accelerator (with `gpusPerNode`), when `vmSize` is not given. @default - from vmSize */
  readonly accelerator?: string;
  /** GPUs per node (with `accelerator`, or to double-check `vmSize`). @default - from vmSize */
  readonly gpusPerNode?: number;
  /** Number of VMs, 1 to 100 (one scale set with a single placement group, which InfiniBand needs). */
  readonly nodes: number;
  /** Availability zone, `1`, `2` or `3`. @default - the zone of its Managed Lustre `storage`, else no zone (regional) */
  readonly zone?: string;
  /** Spot priority, evicted by deletion. @default false */
  readonly spot?: boolean;
  /** Highest spot price per VM, USD/hour; -1 pays up to the on-demand price. @default -1 */
  readonly maxSpotUsdPerHour?: number;
  /** Shared storage every node mounts at boot: on Azure and in the cluster's network. @default - none */
  readonly storage?: ISharedStorage;
  /** Marketplace image. @default UBUNTU_HPC_IMAGE (microsoft-dsvm / ubuntu-hpc / 2204) */
  readonly image?: AzureImageReference;
  /** Administrator user. @default "azureuser" */
  readonly adminUsername?: string;
  /** The administrator's SSH public key (password authentication is always off). */
  readonly sshPublicKey: string;
  /** OS disk size, GiB (64 to 4095). @default 256 */
  readonly osDiskGiB?: number;
  /**
   * Encrypt temp disks and disk caches at the host too (managed disks are encrypted at rest either
   * way). The subscription needs the EncryptionAtHost feature registered once:
   * `az feature register --namespace Microsoft.Compute --name EncryptionAtHost`. A size the catalog
   * records as not supporting it (`Offering.encryptionAtHost: false`) refuses `true`.
   * @default - true, unless the catalog records that the size does not support it (then false); a
   * size without a record (see its catalog notes) is taken to support it
   */
  readonly encryptionAtHost?: boolean;
  /** Shell lines appended to the boot script, after storage is mounted. No `${` or `%{`. @default - none */
  readonly customData?: readonly string[];
  /** Blob storage the nodes' managed identity may read (or write). @default - none */
  readonly storageAccess?: readonly AzureStorageAccess[];
  /**
   * Resource group of the scale set, its identity and its security group (it may differ from the
   * network's: a task keeps its compute in a group of its own, so roles scoped to that group reach
   * only its own scale set).
   * @default - the network's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Traffic admitted from outside the cluster, e.g. from a linked AWS network or an on-prem site
   * (see {@link AzureGpuCluster.allowFrom}).
   * @default - nothing from outside the cluster
   */
  readonly allowFrom?: readonly AllowFrom[];
}

const ADMIN_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// Azure's disallowed administrator names for Linux VMs, and "azure".
const RESERVED_USERS = [
  "1", "123", "a", "actuser", "adm", "admin", "admin1", "admin2", "administrator", "aspnet", "azure", "backup", "console", "david", "guest", "john",
  "owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test", "test1", "test2", "test3", "user", "user1", "user2", "user3", "user4", "user5",
];
const TOPOLOGY_FILES: Readonly<Record<string, string>> = {
  Standard_ND96isr_H100_v5: "/opt/microsoft/ndv5-topo.xml",
  Standard_ND96asr_v4: "/opt/microsoft/ndv4-topo.xml",
  Standard_ND96amsr_A100_v4: "/opt/microsoft/ndv4-topo.xml",
};

/**
 * A cluster of identical GPU VMs in one Linux scale set with a single placement group, so every
 * VM shares one InfiniBand fabric (8 x 400 Gb/s NDR on ND H100 v5). No public IPs, SSH keys only,
 * accelerated networking, a user-assigned identity with only the storage roles it is given (the
 * identity and its roles exist before the scale set, so the nodes have them from their first boot),
 * boot diagnostics to a managed account, and shared storage mounted at boot.
 *
 * ```ts
 * const cluster = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, sshPublicKey });
 * cluster.fabric; // { kind: "infiniband", interfaces: 8, gbpsPerNode: 3200 }
 * ```
 */
export class AzureGpuCluster extends Construct implements IGpuCluster {
  /**
   * The scale set name a cluster at `clusterPath` gets: known before the scale set exists, so its
   * resource ID can be built from the resource group's (e.g. to grant a role or target a deadline).
   */
  public static scaleSetName(clusterPath: string): string {
    return nameFromPath(clusterPath, NAME_RULES.azureScaleSet);
  }

  public readonly network: AzureNetwork;
  public readonly placement: ClusterPlacement;
  public readonly nodes: number;
  public readonly accelerator: string;
  public readonly gpusPerNode: number;
  public readonly gpus: number;
  public readonly fabric: Fabric;
  public readonly runInfo: ClusterRunInfo;
  /** The catalog offering of the VM size. */
  public readonly offering: Offering;
  /** The scale set. */
  public readonly scaleSet: LinuxVirtualMachineScaleSet;
  /** Principal ID of the nodes' user-assigned identity (known once the identity exists, before the scale set). */
  public readonly identity: string;
  /** Client ID of the nodes' identity (for token requests on the nodes). */
  public readonly identityClientId: string;
  /** The nodes' user-assigned identity. */
  public readonly userAssignedIdentity: UserAssignedIdentity;
  /** Resource group of the scale set. */
  public readonly resourceGroupName: string;
  /** The NSG on the nodes' network interfaces. */
  public readonly networkSecurityGroup: NetworkSecurityGroup;
  /** The nodes' inbound firewall: their application security group and network security group. */
  public readonly firewall: NodeFirewall;
  /** Whether the nodes encrypt temp disks and disk caches at the host. */
  public readonly encryptionAtHost: boolean;

  constructor(scope: Construct, id: string, props: AzureGpuClusterProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const network = (this.network = props.network);
    v.check(network instanceof AzureNetwork, "network", network?.node?.path ?? network, "use an AzureNetwork");
    this.nodes = v.integer("nodes", props.nodes, { min: 1, max: AZURE_MAX_NODES_PER_CLUSTER });
    const offering = (this.offering = chooseOffering(v, "azure", { instanceType: props.vmSize, accelerator: props.accelerator, gpusPerNode: props.gpusPerNode }, network.location, "vmSize"));
    // Managed Lustre clients must share the file system's zone: without a zone, the cluster takes it.
    const zone = props.zone ?? (props.storage instanceof AzureLustreStorage ? props.storage.zone : undefined);
    if (props.zone !== undefined) v.check(azureLocation(network.location)?.zones !== false, "zone", props.zone, `leave zone out: ${network.location} has no availability zones (its scale sets are regional)`, `in ${network.location}`);
    if (zone !== undefined) v.oneOf("zone", zone, ["1", "2", "3"]);
    const spot = props.spot ?? false;
    const maxBid = props.maxSpotUsdPerHour ?? -1;
    if (props.maxSpotUsdPerHour !== undefined) {
      v.check(spot, "maxSpotUsdPerHour", maxBid, "leave it out unless spot is true");
      v.check(maxBid === -1 || maxBid > 0, "maxSpotUsdPerHour", maxBid, "use -1 (up to the on-demand price) or a price above 0");
    }
    const adminUsername = props.adminUsername ?? "azureuser";
    v.check(ADMIN_USER.test(adminUsername) && !RESERVED_USERS.includes(adminUsername), "adminUsername", adminUsername, "use 1-32 lowercase letters, digits, _ or -, and not a name Azure reserves (admin, administrator, root, user, test, guest, ...)");
    if (!Token.isUnresolved(props.sshPublicKey)) {
      // Azure takes RSA keys of 2048 bits or more and ED25519 keys; it refuses ECDSA.
      const key = typeof props.sshPublicKey === "string" ? readSshKey(props.sshPublicKey) : undefined;
      const accepted = key !== undefined && (key.type === "ssh-ed25519" || (key.type === "ssh-rsa" && (key.rsaBits ?? 0) >= 2048));
      v.check(accepted, "sshPublicKey", abbreviate(props.sshPublicKey), `use an OpenSSH ED25519 or RSA (2048 bits or more) public key, e.g. the contents of ~/.ssh/id_ed25519.pub${key?.type.startsWith("ecdsa") ? ": Azure refuses ECDSA keys" : key?.rsaBits !== undefined ? `: this RSA key has ${key.rsaBits} bits` : ""}`);
    }
    const osDiskGiB = v.integer("osDiskGiB", props.osDiskGiB ?? 256, { min: 64, max: 4095 });
    const hooks = checkBootHooks(v, "customData", props.customData ?? []);
    const image = props.image ?? UBUNTU_HPC_IMAGE;
    if (props.storage !== undefined) {
      const storage = props.storage;
      const amlfs = storage instanceof AzureLustreStorage ? storage : undefined;
      const problem = storageCloudProblem("azure", storage.cloud) ?? (amlfs && storageNetworkProblem(network.node.path, amlfs.network.node.path));
      if (problem) v.fail("storage", storage.node.path, problem);
      const zoneProblem = amlfs && amlfsClientZoneProblem(zone, amlfs.zone, amlfs.node.path);
      if (zoneProblem && !Token.isUnresolved(zone)) v.fail("zone", zone, zoneProblem);
    }
    for (const field of ["publisher", "offer", "sku"] as const) v.nonEmpty(`image.${field}`, image[field]);
    checkImageGeneration(v, image, offering);
    this.encryptionAtHost = encryptionAtHostFor(v, offering, props.encryptionAtHost);

    this.accelerator = offering.accelerator;
    this.gpusPerNode = offering.gpusPerNode;
    this.gpus = this.nodes * offering.gpusPerNode;
    this.placement = { cloud: "azure", region: network.location, ...(zone ? { zone } : {}), instanceType: offering.instanceType };
    this.fabric = { kind: offering.fabric.kind, interfaces: offering.fabric.interfaces, gbpsPerNode: offering.fabric.gbpsPerNode };

    const resourceGroupName = (this.resourceGroupName = props.resourceGroupName ?? network.resourceGroupName);
    // Managed Lustre clients are reached from the file system's subnet: the firewall admits it.
    const lustreSubnet = props.storage instanceof AzureLustreStorage ? { lustreSubnetCidr: props.storage.network.storageSubnetCidr } : {};
    this.firewall = new NodeFirewall(this, { resourceGroupName, location: network.location, ...lustreSubnet });
    this.networkSecurityGroup = this.firewall.networkSecurityGroup;

    // The nodes' identity and its roles come first: a node that boots can use them at once.
    this.userAssignedIdentity = new UserAssignedIdentity(this, "identity", { name: nameFromPath(this.node.path, NAME_RULES.azureGeneric, "nodes"), resourceGroupName, location: network.location });
    this.identity = this.userAssignedIdentity.principalId;
    this.identityClientId = this.userAssignedIdentity.clientId;
    const roles = (props.storageAccess ?? []).map((access, i) => {
      v.nonEmpty(`storageAccess[${i}].scope`, access.scope);
      return new RoleAssignment(this, `storage-access-${i}`, {
        scope: access.scope,
        principalId: this.identity,
        principalType: "ServicePrincipal",
        roleDefinitionName: access.write ? "Storage Blob Data Contributor" : "Storage Blob Data Reader",
        description: `${this.node.path}: ${access.write ? "read and write" : "read"} blobs`,
      });
    });

    const script = new TerraformLocal(this, "boot-script", bootScript(props.storage?.mountCommand, hooks));
    this.scaleSet = new LinuxVirtualMachineScaleSet(this, "vmss", {
      name: AzureGpuCluster.scaleSetName(this.node.path),
      computerNamePrefix: nameFromPath(this.node.path, NAME_RULES.azureComputerNamePrefix),
      resourceGroupName,
      location: network.location,
      sku: offering.instanceType,
      instances: this.nodes,
      ...(zone ? { zones: [zone] } : {}),
      // InfiniBand only connects VMs of one scale set within one placement group.
      singlePlacementGroup: true,
      overprovision: false,
      platformFaultDomainCount: 1,
      upgradeMode: "Manual",
      adminUsername,
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: adminUsername, publicKey: props.sshPublicKey }],
      sourceImageReference: { publisher: image.publisher, offer: image.offer, sku: image.sku, version: image.version ?? "latest" },
      osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS", diskSizeGb: osDiskGiB },
      networkInterface: [{
        name: "nic",
        primary: true,
        enableAcceleratedNetworking: true,
        networkSecurityGroupId: this.networkSecurityGroup.id,
        ipConfiguration: [{ name: "internal", primary: true, subnetId: network.computeSubnet.id, applicationSecurityGroupIds: [this.firewall.applicationSecurityGroup.id] }],
      }],
      identity: { type: "UserAssigned", identityIds: [this.userAssignedIdentity.id] },
      encryptionAtHostEnabled: this.encryptionAtHost,
      bootDiagnostics: {},
      ...(spot ? { priority: "Spot", evictionPolicy: "Delete", maxBidPrice: maxBid } : { priority: "Regular" }),
      customData: Fn.base64encode(script.asString),
      dependsOn: roles,
    });
    this.runInfo = {
      nodes: this.nodes,
      gpusPerNode: this.gpusPerNode,
      ncclEnv: azureNcclEnv(offering.instanceType, offering.fabric.kind === "infiniband"),
      ...(props.storage ? { dataMountPath: props.storage.mountPath } : {}),
    };
    for (const rule of props.allowFrom ?? []) this.allowFrom(rule);
  }

  /**
   * Admits traffic from outside the cluster (see {@link NodeFirewall}): one inbound rule of the
   * nodes' network security group per call, priorities 1000 up, from the source's blocks, on all
   * protocols for `ports: "all"` and TCP otherwise. Sources must be private ranges.
   */
  public allowFrom(rule: AllowFrom): void {
    this.firewall.allowFrom(rule);
  }
}

/** A size that boots only some image generations (ND H100 v5: Generation 2) refuses an image of another. */
function checkImageGeneration(v: Validator, image: AzureImageReference, offering: Offering): void {
  const said = GENERATION_SUFFIX.exec(image.sku)?.[1];
  if (image.generation !== undefined) {
    v.oneOf("image.generation", image.generation, [1, 2]);
    v.check(said === undefined || Number(said) === image.generation, "image.generation", image.generation, `leave it out or use ${said}: the sku ${image.sku} says Generation ${said}`);
  }
  const generations = offering.vmGenerations;
  if (!generations || [image.publisher, image.offer, image.sku].some((f) => Token.isUnresolved(f))) return;
  const { generation, from } = imageGeneration(image);
  const why = from === "assumed" ? "this image's sku does not say gen2, so it is taken as Generation 1 (set image.generation to 2 if it is a Generation 2 image)" : `this one is Generation ${generation}`;
  v.check(
    generations.includes(generation), "image", `${image.publisher}:${image.offer}:${image.sku}:${image.version ?? "latest"}`,
    `use a Generation ${generations.join(" or ")} image, such as UBUNTU_HPC_IMAGE (microsoft-dsvm:ubuntu-hpc:2204): ${offering.instanceType} boots Generation ${generations.join(" and ")} images only, and ${why}`,
    `for ${offering.instanceType}`,
  );
}

/** The environment that points NCCL at InfiniBand (UCX, the size's topology file), or off the fabric. */
export function azureNcclEnv(vmSize: string, infiniband: boolean): Record<string, string> {
  if (!infiniband) return { NCCL_IB_DISABLE: "1", NCCL_SOCKET_IFNAME: "eth0" };
  const topology = TOPOLOGY_FILES[vmSize];
  return {
    NCCL_IB_PCI_RELAXED_ORDERING: "1",
    NCCL_SOCKET_IFNAME: "eth0",
    UCX_TLS: "rc",
    UCX_NET_DEVICES: "mlx5_ib0:1",
    CUDA_DEVICE_ORDER: "PCI_BUS_ID",
    ...(topology ? { NCCL_TOPO_FILE: topology } : {}),
  };
}

function abbreviate(key: unknown): unknown {
  return typeof key === "string" && key.length > 40 ? `${key.slice(0, 37)}...` : key;
}
