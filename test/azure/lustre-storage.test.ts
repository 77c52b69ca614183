import { TerraformVariable, Tokenization } from "cdktf";
import { describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { AMLFS_SKUS, AzureLustreStorage, amlfsMountScript, type AmlfsEncryptionKey, type AzureLustreStorageProps } from "../../lib/azure/lustre-storage";
import { ACCOUNT_ID, SSH_KEY, validationErrorOf, resources, synth, withNetwork } from "./helpers";
import { withoutTerraform } from "../helpers";

const blob = { storageAccountId: ACCOUNT_ID, container: "imagenet", importPrefix: "/dataset", hpcCacheResourceProviderPrincipalId: "11111111-2222-3333-4444-555555555555" };
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keys/providers";
const key: AmlfsEncryptionKey = {
  keyUrl: "https://ml-keys.vault.azure.net/keys/amlfs/0123456789abcdef0123456789abcdef",
  keyVaultId: `${SUB}/Microsoft.KeyVault/vaults/ml-keys`,
  identityId: `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/amlfs-key-reader`,
};
const SP_LOOKUP = "az ad sp show --id 4392ab71-2ce2-4b0d-8770-b352745c73f5 --query id -o tsv";

function make(props: Partial<AzureLustreStorageProps> = {}, networkProps = {}) {
  const { stack, network } = withNetwork(networkProps);
  const fs = new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, ...props });
  return { stack, network, fs };
}

describe("AzureLustreStorage", () => {
  it("creates a file system in zone 1 of the storage subnet, with a default maintenance window", () => {
    const { stack, fs } = make();
    const [amlfs] = resources(synth(stack), "azurerm_managed_lustre_file_system");
    expect(amlfs).toMatchObject({
      name: "s-fs",
      sku_name: "AMLFS-Durable-Premium-250",
      storage_capacity_in_tb: 16,
      zones: ["1"],
      subnet_id: "${azurerm_subnet.net_storage-subnet_C5FABCA2.id}",
      maintenance_window: { day_of_week: "Sunday", time_of_day_in_utc: "02:00" },
      timeouts: { create: "60m", delete: "60m" },
    });
    expect(amlfs.hsm_setting).toBeUndefined();
    expect(amlfs.encryption_key).toBeUndefined();
    expect(amlfs.identity).toBeUndefined();
    expect(amlfs.depends_on).toBeUndefined();
    expect(synth(stack).resource.terraform_data).toBeUndefined();
    expect(fs).toMatchObject({ cloud: "azure", mountPath: "/lustre", capacityTiB: 16, capacityGiB: 16384, throughputMBps: 4000, zone: "1" });
  });

  it("integrates blob storage: HSM with a separate logging container and the provider's two roles first", () => {
    const { stack } = make({ blob });
    const tf = synth(stack);
    const [amlfs] = resources(tf, "azurerm_managed_lustre_file_system");
    expect(amlfs.hsm_setting).toEqual({
      container_id: `${ACCOUNT_ID}/blobServices/default/containers/imagenet`,
      logging_container_id: "${azurerm_storage_container.fs_logs_9E08A804.id}",
      import_prefix: "/dataset",
    });
    expect(resources(tf, "azurerm_storage_container")[0]).toMatchObject({ storage_account_id: ACCOUNT_ID, container_access_type: "private" });
    const roles = resources(tf, "azurerm_role_assignment");
    expect(roles.map((r) => r.role_definition_name)).toEqual(["Storage Account Contributor", "Storage Blob Data Contributor"]);
    expect(roles.map((r) => [r.scope, r.principal_id])).toEqual(Array(2).fill([ACCOUNT_ID, blob.hpcCacheResourceProviderPrincipalId]));
    expect(roles.map((r) => [r.principal_type, r.description])).toEqual(Array(2).fill(["ServicePrincipal", "Managed Lustre s/fs imports from and exports to this account"]));
    expect(resources(tf, "azurerm_storage_container")[0].name).toMatch(/^amlfs-logs-[0-9a-f]{6,}$/);
  });

  it("waits five minutes after the provider's role assignments (Azure's propagation time) before creating the file system", () => {
    const { stack, fs } = make({ blob });
    const tf = synth(stack);
    expect(tf.resource.terraform_data).toEqual({
      "fs_role-propagation_CA5D642C": {
        provisioner: [{ "local-exec": { command: "sleep 300" } }],
        triggers_replace: {
          role_assignment_ids: [
            "${azurerm_role_assignment.fs_provider-storage-account-contributor_0DDA7ADE.id}",
            "${azurerm_role_assignment.fs_provider-storage-blob-data-contributor_EE989856.id}",
          ],
        },
      },
    });
    expect(resources(tf, "azurerm_managed_lustre_file_system")[0].depends_on).toEqual(["terraform_data.fs_role-propagation_CA5D642C"]);
    expect(fs.rolePropagationWait?.node.path).toBe("s/fs/role-propagation");
    expect(fs.providerRoleAssignments).toHaveLength(2);
  });

  it("synthesizes, validations included, with no terraform on the PATH: the wait carries no synth-time version check", () => {
    const { stack, fs } = make({ blob });
    expect(withoutTerraform(() => fs.rolePropagationWait?.node.validate())).toEqual([]);
    expect(Object.keys(withoutTerraform(() => synth(stack)).resource.terraform_data)).toEqual(["fs_role-propagation_CA5D642C"]);
  });

  it("encrypts with a customer-managed key through the identity given", () => {
    const { stack } = make({ encryptionKey: key });
    const [amlfs] = resources(synth(stack), "azurerm_managed_lustre_file_system");
    expect(amlfs.encryption_key).toEqual({ key_url: key.keyUrl, source_vault_id: key.keyVaultId });
    expect(amlfs.identity).toEqual({ type: "UserAssigned", identity_ids: [key.identityId] });
  });

  it("takes a key, vault and identity that are Terraform references (checked at apply)", () => {
    const { stack, network } = withNetwork();
    const ref = (name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
    new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-500", capacityTiB: 4, encryptionKey: { keyUrl: ref("key"), keyVaultId: ref("vault"), identityId: ref("identity") } });
    const [amlfs] = resources(synth(stack), "azurerm_managed_lustre_file_system");
    expect(amlfs.encryption_key).toEqual({ key_url: "${var.key}", source_vault_id: "${var.vault}" });
  });

  it("uses an existing logging container when named", () => {
    const tf = synth(make({ blob: { ...blob, loggingContainer: "amlfs-logs" } }).stack);
    expect(resources(tf, "azurerm_managed_lustre_file_system")[0].hsm_setting.logging_container_id).toBe(`${ACCOUNT_ID}/blobServices/default/containers/amlfs-logs`);
    expect(resources(tf, "azurerm_storage_container")).toEqual([]);
  });

  it("is mounted by a cluster in its zone", () => {
    const { stack, network, fs } = make({ blob });
    const cluster = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, storage: fs, sshPublicKey: SSH_KEY });
    expect(cluster.placement.zone).toBe("1");
    const tf = synth(stack);
    const script = tf.locals["train_boot-script_D23A4BCA"] as string;
    expect(script).toContain('echo "${azurerm_managed_lustre_file_system.fs_amlfs_907FAC24.mgs_address}@tcp:/lustrefs /lustre lustre noatime,flock,_netdev');
    expect(script).toContain("mountpoint -q /lustre || mount /lustre");
    expect(cluster.runInfo.dataMountPath).toBe("/lustre");
  });

  it("installs the AMLFS client only when the image has none", () => {
    const script = amlfsMountScript("10.20.128.4", "/lustre");
    expect(script).toContain("if ! command -v mount.lustre >/dev/null 2>&1; then");
    expect(script).toContain('"amlfs-lustre-client-2.15.5-41-gc010524=$(uname -r)"');
    expect(script).toContain("https://packages.microsoft.com/repos/amlfs-$DISTRIB_CODENAME/");
    expect(script).not.toMatch(/\$\{|%\{/);
    // Microsoft's key is trusted for the AMLFS repository only, not for every apt source.
    expect(script).toContain("gpg --dearmor --yes -o /usr/share/keyrings/microsoft-amlfs.gpg");
    expect(script).toContain('echo "deb [arch=amd64 signed-by=/usr/share/keyrings/microsoft-amlfs.gpg] https://packages.microsoft.com/repos/amlfs-$DISTRIB_CODENAME/ $DISTRIB_CODENAME main" > /etc/apt/sources.list.d/amlfs.list');
    expect(script).not.toContain("trusted.gpg.d");
  });

  it("knows each SKU's throughput and steps", () => {
    expect(AMLFS_SKUS["AMLFS-Durable-Premium-40"]).toEqual({ mbpsPerTiB: 40, minTiB: 48, maxTiB: 768, stepTiB: 48 });
    expect(make({ sku: "AMLFS-Durable-Premium-40", capacityTiB: 96 }).fs.throughputMBps).toBe(3840);
    expect(make({ sku: "AMLFS-Durable-Premium-500", capacityTiB: 4 }).fs.throughputMBps).toBe(2000);
    expect(make({ capacityTiB: 256, capacityAboveDefaultMaximum: true }, { storageSubnetPrefix: 23 }).fs.capacityTiB).toBe(256);
  });

  it.each<[AzureLustreStorageProps["sku"], number, number]>([
    // [sku, its default maximum (TiB), the storage subnet that size needs]
    ["AMLFS-Durable-Premium-40", 768, 22],
    ["AMLFS-Durable-Premium-125", 128, 24],
    ["AMLFS-Durable-Premium-250", 128, 24],
    ["AMLFS-Durable-Premium-500", 128, 24],
  ])("accepts %s at its maximum, %i TiB", (sku, capacityTiB, storageSubnetPrefix) => {
    const { stack } = make({ sku, capacityTiB }, { storageSubnetPrefix });
    expect(resources(synth(stack), "azurerm_managed_lustre_file_system")[0]).toMatchObject({ sku_name: sku, storage_capacity_in_tb: capacityTiB });
  });

  it.each<[AzureLustreStorageProps["sku"], number]>([
    ["AMLFS-Durable-Premium-40", 48],
    ["AMLFS-Durable-Premium-125", 16],
    ["AMLFS-Durable-Premium-250", 8],
    ["AMLFS-Durable-Premium-500", 4],
  ])("accepts %s at its minimum, %i TiB, in the smallest storage subnet that size allows", (sku, capacityTiB) => {
    // 4-16 TiB: /27; 48 TiB: /25 (Azure's network size table)
    const storageSubnetPrefix = capacityTiB === 48 ? 25 : 27;
    expect(make({ sku, capacityTiB }, { storageSubnetPrefix }).fs.capacityTiB).toBe(capacityTiB);
  });

  it.each([
    // [TiB, the smallest subnet the docs allow for it] at the upper edge of each row of Azure's table
    [16, 27],
    [40, 26],
    [92, 25],
    [196, 24],
    [400, 23],
    [404, 22],
  ])("accepts %i TiB in a /%i storage subnet", (capacityTiB, storageSubnetPrefix) => {
    expect(make({ sku: "AMLFS-Durable-Premium-500", capacityTiB, capacityAboveDefaultMaximum: true }, { storageSubnetPrefix }).fs.capacityTiB).toBe(capacityTiB);
  });

  it("defaults the zone to 1, where the network's location has zones", () => {
    expect(make({}, { location: "westus3" }).fs.zone).toBe("1");
    expect(make({ zone: "3" }).fs.zone).toBe("3");
  });

  describe("validation", () => {
    it.each<[Partial<AzureLustreStorageProps>, string]>([
      [{ capacityTiB: 20 }, "s/fs: capacityTiB 20 is not valid for AMLFS-Durable-Premium-250: use a multiple of 8"],
      [{ sku: "AMLFS-Durable-Premium-40", capacityTiB: 60 }, "s/fs: capacityTiB 60 is not valid for AMLFS-Durable-Premium-40: use a multiple of 48"],
      [{ sku: "AMLFS-Durable-Premium-125", capacityTiB: 8 }, "s/fs: capacityTiB 8 is not valid for AMLFS-Durable-Premium-125: use at least 16, in steps of 16"],
      [{ sku: "AMLFS-Durable-Premium-500", capacityTiB: 132 }, "s/fs: capacityTiB 132 is not valid for AMLFS-Durable-Premium-500: use at most 128 (more needs an Azure support request, then capacityAboveDefaultMaximum)"],
      [{ sku: "AMLFS-Durable-Premium-1000" as never }, 's/fs: sku "AMLFS-Durable-Premium-1000" is not valid: use one of "AMLFS-Durable-Premium-40", "AMLFS-Durable-Premium-125", "AMLFS-Durable-Premium-250", "AMLFS-Durable-Premium-500"'],
      [{ zone: "0" }, 's/fs: zone "0" is not valid: use one of "1", "2", "3"'],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "4392ab71-2ce2-4b0d-8770-b352745c73f5" } }, `s/fs: blob.hpcCacheResourceProviderPrincipalId "4392ab71-2ce2-4b0d-8770-b352745c73f5" is not valid: use the object ID of the HPC Cache Resource Provider's service principal in your tenant, not its application ID: ${SP_LOOKUP}`],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "4392AB71-2CE2-4B0D-8770-B352745C73F5" } }, `s/fs: blob.hpcCacheResourceProviderPrincipalId "4392AB71-2CE2-4B0D-8770-B352745C73F5" is not valid: use the object ID of the HPC Cache Resource Provider's service principal in your tenant, not its application ID: ${SP_LOOKUP}`],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "<object id>" } }, `s/fs: blob.hpcCacheResourceProviderPrincipalId "<object id>" is not valid: use the object ID (a GUID) of the HPC Cache Resource Provider's service principal in your tenant: ${SP_LOOKUP}`],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "11111111-2222-3333-4444-55555555555" } }, `s/fs: blob.hpcCacheResourceProviderPrincipalId "11111111-2222-3333-4444-55555555555" is not valid: use the object ID (a GUID) of the HPC Cache Resource Provider's service principal in your tenant: ${SP_LOOKUP}`],
      [{ encryptionKey: { ...key, keyUrl: "https://ml-keys.vault.azure.net/keys/amlfs" } }, 's/fs: encryptionKey.keyUrl "https://ml-keys.vault.azure.net/keys/amlfs" is not valid: use a versioned Key Vault key URL, https://<vault>.vault.azure.net/keys/<key>/<32-hex-digit version> (an azurerm_key_vault_key\'s id)'],
      [{ encryptionKey: { ...key, keyUrl: "https://ml-keys.vault.azure.net/secrets/amlfs/0123456789abcdef0123456789abcdef" } }, 's/fs: encryptionKey.keyUrl "https://ml-keys.vault.azure.net/secrets/amlfs/0123456789abcdef0123456789abcdef" is not valid: use a versioned Key Vault key URL, https://<vault>.vault.azure.net/keys/<key>/<32-hex-digit version> (an azurerm_key_vault_key\'s id)'],
      [{ encryptionKey: { ...key, keyVaultId: "ml-keys" } }, 's/fs: encryptionKey.keyVaultId "ml-keys" is not valid: use a key vault resource ID (/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name>)'],
      [{ encryptionKey: { ...key, keyVaultId: `${SUB}/Microsoft.KeyVault/vaults/other-keys` } }, 's/fs: encryptionKey.keyUrl "https://ml-keys.vault.azure.net/keys/amlfs/0123456789abcdef0123456789abcdef" is not valid: use a key of the vault keyVaultId names (other-keys): this key is in ml-keys'],
      [{ encryptionKey: { ...key, identityId: `${SUB}/Microsoft.KeyVault/vaults/ml-keys` } }, `s/fs: encryptionKey.identityId "${SUB}/Microsoft.KeyVault/vaults/ml-keys" is not valid: use a user-assigned identity resource ID (/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>) that can use the key`],
      [{ blob: { ...blob, loggingContainer: "imagenet" } }, 's/fs: blob.loggingContainer "imagenet" is not valid: use a container other than the data container: Managed Lustre keeps its import/export logs apart from the data'],
      [{ blob: { ...blob, container: "ImageNet" } }, 's/fs: blob.container "ImageNet" is not valid: use a container name: 3-63 lowercase letters, digits and single hyphens'],
      [{ blob: { ...blob, storageAccountId: "mldata" } }, 's/fs: blob.storageAccountId "mldata" is not valid: use a storage account resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>)'],
      [{ blob: { ...blob, importPrefix: "dataset" } }, 's/fs: blob.importPrefix "dataset" is not valid: use a prefix starting with /, e.g. /dataset'],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "" } }, `s/fs: blob.hpcCacheResourceProviderPrincipalId "" is not valid: use the object ID (a GUID) of the HPC Cache Resource Provider's service principal in your tenant: ${SP_LOOKUP}`],
      [{ mountPath: "/usr" }, 's/fs: mountPath "/usr" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
      [{ maintenanceWindow: { dayOfWeek: "Sun", timeOfDayUtc: "02:00" } }, 's/fs: maintenanceWindow.dayOfWeek "Sun" is not valid: use one of "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "2am" } }, 's/fs: maintenanceWindow.timeOfDayUtc "2am" is not valid: use HH:MM in UTC, e.g. 02:00'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "24:00" } }, 's/fs: maintenanceWindow.timeOfDayUtc "24:00" is not valid: use HH:MM in UTC, e.g. 02:00'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "23:60" } }, 's/fs: maintenanceWindow.timeOfDayUtc "23:60" is not valid: use HH:MM in UTC, e.g. 02:00'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "x02:00" } }, 's/fs: maintenanceWindow.timeOfDayUtc "x02:00" is not valid: use HH:MM in UTC, e.g. 02:00'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "02:000" } }, 's/fs: maintenanceWindow.timeOfDayUtc "02:000" is not valid: use HH:MM in UTC, e.g. 02:00'],
      [{ blob: { ...blob, importPrefix: "x/dataset" } }, 's/fs: blob.importPrefix "x/dataset" is not valid: use a prefix starting with /, e.g. /dataset'],
      [{ blob: { ...blob, importPrefix: "/data set" } }, 's/fs: blob.importPrefix "/data set" is not valid: use a prefix starting with /, e.g. /dataset'],
    ])("%j", (props, message) => {
      expect(validationErrorOf(() => make(props))).toBe(message);
    });

    it.each(["00:00", "09:59", "19:30", "20:00", "23:59"])("accepts a maintenance window at %s UTC, the edges of each hour and minute range", (timeOfDayUtc) => {
      const tf = synth(make({ maintenanceWindow: { dayOfWeek: "Monday", timeOfDayUtc } }).stack);
      expect(resources(tf, "azurerm_managed_lustre_file_system")[0].maintenance_window).toEqual({ day_of_week: "Monday", time_of_day_in_utc: timeOfDayUtc });
    });

    it.each([
      // one step (4 TiB) past the upper edge of each row of Azure's table, in the subnet that edge allows
      [20, 27, "10.20.128.0/27", 26],
      [44, 26, "10.20.128.0/26", 25],
      [96, 25, "10.20.128.0/25", 24],
      [200, 24, "10.20.128.0/24", 23],
      [404, 23, "10.20.128.0/23", 22],
    ])("rejects %i TiB in a /%i storage subnet", (capacityTiB, storageSubnetPrefix, cidr, needed) => {
      expect(validationErrorOf(() => make({ sku: "AMLFS-Durable-Premium-500", capacityTiB, capacityAboveDefaultMaximum: true }, { storageSubnetPrefix }))).toBe(
        `s/fs: network "${cidr}" is not valid as the storage subnet: use a storage subnet of /${needed} or larger for ${capacityTiB} TiB (set storageSubnetPrefix on the network)`,
      );
    });

    it("rejects a capacity that is a Terraform reference: its steps, subnet and throughput are computed at synth", () => {
      const { stack, network } = withNetwork();
      const tib = new TerraformVariable(stack, "tib", { type: "number" }).numberValue;
      const message = validationErrorOf(() => new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: tib }));
      expect(message).toMatch(/^s\/fs: capacityTiB "\$\{TfToken\[TOKEN\.\d+\]\}" is not valid: /);
      expect(message).toBe(
        `s/fs: capacityTiB "${String(Tokenization.reverseNumber(tib))}" is not valid: use a literal number of TiB, not a Terraform reference or variable: the SKU's steps, the storage subnet's size and the throughput are computed from it at synth`,
      );
    });

    it.each(["westus", "northcentralus"])("rejects a network in %s, a location without availability zones (the file system is zonal)", (location) => {
      expect(validationErrorOf(() => make({}, { location }))).toBe(
        `s/fs: network.location "${location}" is not valid: use a network in a location with availability zones: a Managed Lustre file system is zonal (azurerm's managed_lustre_file_system requires zones) and ${location} has none`,
      );
      // an explicit zone does not help: the location has none
      expect(validationErrorOf(() => make({ zone: "1" }, { location }))).toBe(
        `s/fs: network.location "${location}" is not valid: use a network in a location with availability zones: a Managed Lustre file system is zonal (azurerm's managed_lustre_file_system requires zones) and ${location} has none`,
      );
    });

    it("claims the storage subnet only when every check passed, so a corrected retry succeeds", () => {
      const { stack, network } = withNetwork();
      expect(validationErrorOf(() => new AzureLustreStorage(stack, "bad", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, mountPath: "/usr" }))).toBe(
        's/bad: mountPath "/usr" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)',
      );
      expect(validationErrorOf(() => new AzureLustreStorage(stack, "bad-blob", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, blob: { ...blob, importPrefix: "dataset" } }))).toBe(
        's/bad-blob: blob.importPrefix "dataset" is not valid: use a prefix starting with /, e.g. /dataset',
      );
      const fs = new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16 });
      expect(fs.network).toBe(network);
    });

    it("rejects a second file system in the same storage subnet", () => {
      const { stack, network } = make();
      expect(validationErrorOf(() => new AzureLustreStorage(stack, "fs2", { network, sku: "AMLFS-Durable-Premium-500", capacityTiB: 4 }))).toBe(
        's/fs2: network "s/net" is not valid: use another network: its storage subnet already holds s/fs, and each Managed Lustre file system needs a subnet of its own',
      );
    });
  });
});
