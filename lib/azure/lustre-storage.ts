import { ManagedLustreFileSystem, RoleAssignment, StorageContainer } from "../engine/azurerm";
import { Token, Tokenization } from "../engine/core";
import { TerraformData } from "../engine/terraform-data";
import { Construct } from "constructs";
import { parseCidr } from "../core/cidr";
import { APT_GET, lustreMountScript } from "../core/boot-script";
import type { ISharedStorage } from "../core/contracts";
import { azureLocation } from "../core/regions";
import { NAME_RULES, nameFromPath, shortHash } from "../core/naming";
import { AZURE_CONTAINER, AZURE_CONTAINER_RULE, AZURE_STORAGE_ACCOUNT_RESOURCE_ID, AZURE_STORAGE_ACCOUNT_RESOURCE_ID_RULE, Validator } from "../core/validate";
import type { AzureNetwork } from "./network";

import {
  AMLFS_SKUS, HPC_CACHE_RP_APPLICATION_ID, HPC_CACHE_SP_LOOKUP, amlfsCapacityProblem, amlfsSubnetPrefix, amlfsThroughputMBps, type AmlfsSku,
} from "./amlfs-rules";

export { AMLFS_SKUS, AMLFS_SUBNET_SIZES, HPC_CACHE_RP_APPLICATION_ID, HPC_CACHE_SP_LOOKUP, type AmlfsSku } from "./amlfs-rules";

/** The AMLFS Lustre client package version installed when a node has no Lustre client (Ubuntu 22.04). */
export const AMLFS_CLIENT_VERSION = "2.15.5-41-gc010524";

/** How long the file system waits after the provider's role assignments: Azure documents up to five minutes of propagation. */
export const AMLFS_ROLE_PROPAGATION_SECONDS = 300;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VAULT_NAME = "[a-zA-Z](?:[a-zA-Z0-9]|-(?!-)){1,22}[a-zA-Z0-9]";
const KEY_URL = new RegExp(`^https://(${VAULT_NAME})\\.vault\\.(?:azure\\.net|azure\\.cn|usgovcloudapi\\.net)/keys/[a-zA-Z0-9-]{1,127}/[0-9a-fA-F]{32}$`);
const VAULT_ID = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/(${VAULT_NAME})$`, "i");
const IDENTITY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

/** Blob integration (HSM): import from and export to a blob container. */
export interface AmlfsBlobIntegration {
  /** Resource ID of the storage account (key access must be enabled on it). */
  readonly storageAccountId: string;
  /** Name of the existing data container. */
  readonly container: string;
  /**
   * Name of an existing container in the same account for import/export logs; it must differ
   * from `container`.
   * @default - a new private container created in the account
   */
  readonly loggingContainer?: string;
  /** Only blobs under this prefix are imported, e.g. `/dataset`. @default "/" */
  readonly importPrefix?: string;
  /**
   * Object ID (a GUID that differs per tenant) of the "HPC Cache Resource Provider" service
   * principal in your tenant, which gets Storage Account Contributor and Storage Blob Data
   * Contributor on the account: `az ad sp show --id 4392ab71-2ce2-4b0d-8770-b352745c73f5 --query id -o tsv`.
   * Not the application ID 4392ab71-... itself, which is refused.
   */
  readonly hpcCacheResourceProviderPrincipalId: string;
}

/**
 * A customer-managed key for the file system's disks. Azure requires an RSA 2048 key in a key
 * vault of the file system's subscription and region, with purge protection on, and a
 * user-assigned identity that can use the key before the file system is created (e.g. the
 * Key Vault Crypto Service Encryption User role on the key); the key cannot be swapped for
 * Microsoft-managed keys later (Azure docs, "Use customer-managed encryption keys with Azure Managed Lustre").
 */
export interface AmlfsEncryptionKey {
  /** Versioned key URL, `https://<vault>.vault.azure.net/keys/<key>/<version>` (an `azurerm_key_vault_key`'s `id`). */
  readonly keyUrl: string;
  /** Resource ID of the key vault that holds the key (an `azurerm_key_vault`'s `id`). */
  readonly keyVaultId: string;
  /** Resource ID of the user-assigned identity the file system reads the key with. */
  readonly identityId: string;
}

/** A weekly 30-minute maintenance window. */
export interface AmlfsMaintenanceWindow {
  /** Day of week, e.g. `Sunday`. */
  readonly dayOfWeek: string;
  /** Start time in UTC, `HH:MM`. */
  readonly timeOfDayUtc: string;
}

/** Props of {@link AzureLustreStorage}. */
export interface AzureLustreStorageProps {
  /** The network; the file system takes its storage subnet (one file system per subnet). */
  readonly network: AzureNetwork;
  /** SKU: throughput per TiB 40, 125, 250 or 500 MB/s. */
  readonly sku: AmlfsSku;
  /**
   * Capacity in TiB, a literal number (not a Terraform reference): from the SKU's minimum, in its
   * steps (Premium-40: 48; -125: 16; -250: 8; -500: 4), up to its default maximum (768 for
   * Premium-40, 128 for the others). The network's storage subnet must be large enough for it:
   * a /27 up to 16 TiB, /26 up to 40, /25 up to 92, /24 up to 196, /23 up to 400, /22 above.
   */
  readonly capacityTiB: number;
  /**
   * Availability zone `1`, `2` or `3`; put clients in the same zone. The network's location must
   * have availability zones: the file system is zonal.
   * @default "1" - the network location's first zone
   */
  readonly zone?: string;
  /** Blob integration (HSM). @default - none */
  readonly blob?: AmlfsBlobIntegration;
  /** Where nodes mount it. @default "/lustre" */
  readonly mountPath?: string;
  /** Maintenance window. @default - Sunday 02:00 UTC */
  readonly maintenanceWindow?: AmlfsMaintenanceWindow;
  /**
   * Allow a capacity above the SKU's default maximum, after Azure support raised it for you.
   * @default false
   */
  readonly capacityAboveDefaultMaximum?: boolean;
  /** Encrypt the file system's disks with your own key. @default - Microsoft-managed keys */
  readonly encryptionKey?: AmlfsEncryptionKey;
}

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const claimed = new WeakMap<AzureNetwork, string>();

/**
 * An Azure Managed Lustre file system in a network's storage subnet, optionally integrated with
 * a blob container (HSM import and export, with the resource provider's role assignments). Every
 * documented SKU, capacity, subnet and container rule is checked at synth.
 *
 * With blob integration, the file system waits for its role assignments to propagate (Azure
 * documents up to five minutes, and creation fails without them): a `terraform_data` resource
 * runs `sleep 300` through a `local-exec` provisioner after the roles exist (again whenever they
 * are replaced), and the file system depends on it. The machine running Terraform needs a POSIX
 * shell with `sleep` for that (no extra provider is involved).
 *
 * ```ts
 * const fs = new AzureLustreStorage(stack, "data", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1" });
 * ```
 */
export class AzureLustreStorage extends Construct implements ISharedStorage {
  public readonly cloud = "azure" as const;
  public readonly mountPath: string;
  public readonly capacityGiB: number;
  public readonly throughputMBps: number;
  public readonly mountCommand: string;
  /** The network whose storage subnet the file system takes. */
  public readonly network: AzureNetwork;
  /** Capacity, TiB. */
  public readonly capacityTiB: number;
  /** Availability zone. */
  public readonly zone: string;
  /** The file system. */
  public readonly fileSystem: ManagedLustreFileSystem;
  /** The logging container, when this construct created it. */
  public readonly loggingContainer?: StorageContainer;
  /** Role assignments for the HPC Cache resource provider, when blob integration is on. */
  public readonly providerRoleAssignments: readonly RoleAssignment[] = [];
  /** The wait for those role assignments to propagate (`terraform_data` with `sleep`), when blob integration is on. */
  public readonly rolePropagationWait?: TerraformData;

  constructor(scope: Construct, id: string, props: AzureLustreStorageProps) {
    super(scope, id);
    const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
    const network = (this.network = props.network);
    const sku = v.oneOf("sku", props.sku, Object.keys(AMLFS_SKUS) as AmlfsSku[]);
    const tib = props.capacityTiB;
    // The steps, the subnet size and the throughput are computed from it: a reference cannot wait for apply.
    if (Token.isUnresolved(tib)) v.fail("capacityTiB", String(Tokenization.reverseNumber(tib) ?? tib), "use a literal number of TiB, not a Terraform reference or variable: the SKU's steps, the storage subnet's size and the throughput are computed from it at synth");
    const capacityProblem = amlfsCapacityProblem(tib, sku, props.capacityAboveDefaultMaximum ?? false);
    if (capacityProblem) v.fail("capacityTiB", tib, capacityProblem, `for ${sku}`);
    // azurerm's managed_lustre_file_system requires a zone; a location without zones has none to give.
    v.check(azureLocation(network.location)?.zones !== false, "network.location", network.location, `use a network in a location with availability zones: a Managed Lustre file system is zonal (azurerm's managed_lustre_file_system requires zones) and ${network.location} has none`);
    this.zone = v.oneOf("zone", props.zone ?? "1", ["1", "2", "3"]);

    const subnetPrefix = parseCidr(network.storageSubnetCidr).prefix;
    const needed = amlfsSubnetPrefix(tib);
    v.check(subnetPrefix <= needed, "network", network.storageSubnetCidr, `use a storage subnet of /${needed} or larger for ${tib} TiB (set storageSubnetPrefix on the network)`, "as the storage subnet");
    const holder = claimed.get(network);
    v.check(holder === undefined, "network", network.node.path, `use another network: its storage subnet already holds ${holder}, and each Managed Lustre file system needs a subnet of its own`);

    this.mountPath = v.mountPath("mountPath", props.mountPath ?? "/lustre");
    const window = props.maintenanceWindow ?? { dayOfWeek: "Sunday", timeOfDayUtc: "02:00" };
    v.oneOf("maintenanceWindow.dayOfWeek", window.dayOfWeek, DAYS);
    v.matches("maintenanceWindow.timeOfDayUtc", window.timeOfDayUtc, /^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM in UTC, e.g. 02:00");

    const blob = props.blob;
    let hsm: { containerId: string; loggingContainerId: string; importPrefix?: string } | undefined;
    const roles: RoleAssignment[] = [];
    const key = props.encryptionKey;
    if (key) {
      v.matches("encryptionKey.keyUrl", key.keyUrl, KEY_URL, "use a versioned Key Vault key URL, https://<vault>.vault.azure.net/keys/<key>/<32-hex-digit version> (an azurerm_key_vault_key's id)");
      v.matches("encryptionKey.keyVaultId", key.keyVaultId, VAULT_ID, "use a key vault resource ID (/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name>)");
      const urlVault = KEY_URL.exec(key.keyUrl)?.[1];
      const idVault = VAULT_ID.exec(key.keyVaultId)?.[1];
      if (urlVault && idVault) v.check(urlVault.toLowerCase() === idVault.toLowerCase(), "encryptionKey.keyUrl", key.keyUrl, `use a key of the vault keyVaultId names (${idVault}): this key is in ${urlVault}`);
      v.matches("encryptionKey.identityId", key.identityId, IDENTITY_ID, "use a user-assigned identity resource ID (/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>) that can use the key");
    }
    if (blob) {
      v.matches("blob.storageAccountId", blob.storageAccountId, AZURE_STORAGE_ACCOUNT_RESOURCE_ID, AZURE_STORAGE_ACCOUNT_RESOURCE_ID_RULE);
      v.matches("blob.container", blob.container, AZURE_CONTAINER, AZURE_CONTAINER_RULE);
      if (blob.loggingContainer !== undefined) {
        v.matches("blob.loggingContainer", blob.loggingContainer, AZURE_CONTAINER, AZURE_CONTAINER_RULE);
        v.check(blob.loggingContainer !== blob.container, "blob.loggingContainer", blob.loggingContainer, "use a container other than the data container: Managed Lustre keeps its import/export logs apart from the data");
      }
      if (blob.importPrefix !== undefined) v.matches("blob.importPrefix", blob.importPrefix, /^\/\S*$/, "use a prefix starting with /, e.g. /dataset");
      const principal = blob.hpcCacheResourceProviderPrincipalId;
      v.check(String(principal).toLowerCase() !== HPC_CACHE_RP_APPLICATION_ID, "blob.hpcCacheResourceProviderPrincipalId", principal, `use the object ID of the HPC Cache Resource Provider's service principal in your tenant, not its application ID: ${HPC_CACHE_SP_LOOKUP}`);
      v.matches("blob.hpcCacheResourceProviderPrincipalId", principal, GUID, `use the object ID (a GUID) of the HPC Cache Resource Provider's service principal in your tenant: ${HPC_CACHE_SP_LOOKUP}`);

      const containerId = (name: string) => `${blob.storageAccountId}/blobServices/default/containers/${name}`;
      let loggingContainerId: string;
      if (blob.loggingContainer !== undefined) {
        loggingContainerId = containerId(blob.loggingContainer);
      } else {
        this.loggingContainer = new StorageContainer(this, "logs", {
          name: `amlfs-logs-${shortHash(this.node.path)}`,
          storageAccountId: blob.storageAccountId,
          containerAccessType: "private",
        });
        loggingContainerId = this.loggingContainer.id;
      }
      for (const role of ["Storage Account Contributor", "Storage Blob Data Contributor"]) {
        roles.push(new RoleAssignment(this, `provider-${role.toLowerCase().replace(/ /g, "-")}`, {
          scope: blob.storageAccountId,
          principalId: blob.hpcCacheResourceProviderPrincipalId,
          principalType: "ServicePrincipal",
          roleDefinitionName: role,
          description: `Managed Lustre ${this.node.path} imports from and exports to this account`,
        }));
      }
      this.providerRoleAssignments = [...roles];
      this.rolePropagationWait = new TerraformData(this, "role-propagation", {
        triggersReplace: { role_assignment_ids: roles.map((r) => r.id) },
        provisioners: [{ type: "local-exec", command: `sleep ${AMLFS_ROLE_PROPAGATION_SECONDS}` }],
      });
      hsm = { containerId: containerId(blob.container), loggingContainerId, ...(blob.importPrefix !== undefined ? { importPrefix: blob.importPrefix } : {}) };
    }
    // Claimed only once every check passed, so a failed attempt does not block a corrected one.
    claimed.set(network, this.node.path);

    this.fileSystem = new ManagedLustreFileSystem(this, "amlfs", {
      name: nameFromPath(this.node.path, NAME_RULES.azureManagedLustre),
      resourceGroupName: network.resourceGroupName,
      location: network.location,
      skuName: sku,
      storageCapacityInTb: tib,
      subnetId: network.storageSubnet.id,
      zones: [this.zone],
      maintenanceWindow: { dayOfWeek: window.dayOfWeek, timeOfDayInUtc: window.timeOfDayUtc },
      ...(hsm ? { hsmSetting: hsm } : {}),
      ...(key ? { identity: { type: "UserAssigned", identityIds: [key.identityId] }, encryptionKey: { keyUrl: key.keyUrl, sourceVaultId: key.keyVaultId } } : {}),
      timeouts: { create: "60m", delete: "60m" },
      // Role assignments take up to five minutes to propagate; creation fails without them.
      ...(this.rolePropagationWait ? { dependsOn: [this.rolePropagationWait] } : {}),
    });

    this.capacityTiB = tib;
    this.capacityGiB = tib * 1024;
    this.throughputMBps = amlfsThroughputMBps(tib, sku);
    this.mountCommand = amlfsMountScript(this.fileSystem.mgsAddress, this.mountPath);
  }
}

/**
 * The Managed Lustre mount script: installs the AMLFS Lustre client if the image lacks one (the
 * Ubuntu-HPC image carries it), then mounts the file system's `lustrefs` from its MGS address.
 */
export function amlfsMountScript(mgsAddress: string, mountPath: string): string {
  return lustreMountScript({
    title: "mount Azure Managed Lustre",
    installClient: [
      ". /etc/lsb-release",
      // The key signs this repository only (signed-by), not every apt source of the node.
      "curl -fsSL https://packages.microsoft.com/keys/microsoft.asc | gpg --dearmor --yes -o /usr/share/keyrings/microsoft-amlfs.gpg",
      'echo "deb [arch=amd64 signed-by=/usr/share/keyrings/microsoft-amlfs.gpg] https://packages.microsoft.com/repos/amlfs-$DISTRIB_CODENAME/ $DISTRIB_CODENAME main" > /etc/apt/sources.list.d/amlfs.list',
      `${APT_GET} update -q && ${APT_GET} install -y -q "amlfs-lustre-client-${AMLFS_CLIENT_VERSION}=$(uname -r)"`,
    ],
    source: `${mgsAddress}@tcp:/lustrefs`,
    mountPath,
    options: ["noatime", "flock"],
  });
}
