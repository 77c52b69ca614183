import { describe, expect, it } from "vitest";
import { AzureGpuCluster } from "../../lib/azure/gpu-cluster";
import { AMLFS_SKUS, AzureLustreStorage, amlfsMountScript, type AzureLustreStorageProps } from "../../lib/azure/lustre-storage";
import { ACCOUNT_ID, SSH_KEY, errorOf, resources, synth, withNetwork } from "./helpers";

const blob = { storageAccountId: ACCOUNT_ID, container: "imagenet", importPrefix: "/dataset", hpcCacheResourceProviderPrincipalId: "11111111-2222-3333-4444-555555555555" };

function make(props: Partial<AzureLustreStorageProps> = {}, networkProps = {}) {
  const { stack, network } = withNetwork(networkProps);
  const fs = new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1", ...props });
  return { stack, network, fs };
}

describe("AzureLustreStorage", () => {
  it("creates a zonal file system in the storage subnet with a default maintenance window", () => {
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
    expect(roles.every((r) => r.scope === ACCOUNT_ID && r.principal_id === blob.hpcCacheResourceProviderPrincipalId)).toBe(true);
    expect(amlfs.depends_on).toHaveLength(2);
  });

  it("uses an existing logging container when named", () => {
    const tf = synth(make({ blob: { ...blob, loggingContainer: "amlfs-logs" } }).stack);
    expect(resources(tf, "azurerm_managed_lustre_file_system")[0].hsm_setting.logging_container_id).toBe(`${ACCOUNT_ID}/blobServices/default/containers/amlfs-logs`);
    expect(resources(tf, "azurerm_storage_container")).toEqual([]);
  });

  it("is mounted by a cluster in its zone", () => {
    const { stack, network, fs } = make({ blob });
    const cluster = new AzureGpuCluster(stack, "train", { network, vmSize: "Standard_ND96isr_H100_v5", nodes: 2, zone: "1", storage: fs, sshPublicKey: SSH_KEY });
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
  });

  it("knows each SKU's throughput and steps", () => {
    expect(AMLFS_SKUS["AMLFS-Durable-Premium-40"]).toEqual({ mbpsPerTiB: 40, minTiB: 48, maxTiB: 768, stepTiB: 48 });
    expect(make({ sku: "AMLFS-Durable-Premium-40", capacityTiB: 96 }).fs.throughputMBps).toBe(3840);
    expect(make({ sku: "AMLFS-Durable-Premium-500", capacityTiB: 4 }).fs.throughputMBps).toBe(2000);
    expect(make({ capacityTiB: 256, capacityAboveDefaultMaximum: true }, { storageSubnetPrefix: 23 }).fs.capacityTiB).toBe(256);
  });

  describe("validation", () => {
    it.each<[Partial<AzureLustreStorageProps>, string]>([
      [{ capacityTiB: 20 }, "s/fs: capacityTiB 20 is not valid for AMLFS-Durable-Premium-250: use a multiple of 8"],
      [{ sku: "AMLFS-Durable-Premium-40", capacityTiB: 60 }, "s/fs: capacityTiB 60 is not valid for AMLFS-Durable-Premium-40: use a multiple of 48"],
      [{ sku: "AMLFS-Durable-Premium-125", capacityTiB: 8 }, "s/fs: capacityTiB 8 is not valid for AMLFS-Durable-Premium-125: use at least 16, in steps of 16"],
      [{ sku: "AMLFS-Durable-Premium-500", capacityTiB: 132 }, "s/fs: capacityTiB 132 is not valid for AMLFS-Durable-Premium-500: use at most 128 (more needs an Azure support request, then capacityAboveDefaultMaximum)"],
      [{ sku: "AMLFS-Durable-Premium-1000" as never }, 's/fs: sku "AMLFS-Durable-Premium-1000" is not valid: use one of "AMLFS-Durable-Premium-40", "AMLFS-Durable-Premium-125", "AMLFS-Durable-Premium-250", "AMLFS-Durable-Premium-500"'],
      [{ zone: "0" }, 's/fs: zone "0" is not valid: use one of "1", "2", "3"'],
      [{ blob: { ...blob, loggingContainer: "imagenet" } }, 's/fs: blob.loggingContainer "imagenet" is not valid: use a container other than the data container: Managed Lustre keeps its import/export logs apart from the data'],
      [{ blob: { ...blob, container: "ImageNet" } }, 's/fs: blob.container "ImageNet" is not valid: use a container name: 3-63 lowercase letters, digits and single hyphens'],
      [{ blob: { ...blob, storageAccountId: "mldata" } }, 's/fs: blob.storageAccountId "mldata" is not valid: use a storage account resource ID (/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>)'],
      [{ blob: { ...blob, importPrefix: "dataset" } }, 's/fs: blob.importPrefix "dataset" is not valid: use a prefix starting with /, e.g. /dataset'],
      [{ blob: { ...blob, hpcCacheResourceProviderPrincipalId: "" } }, 's/fs: blob.hpcCacheResourceProviderPrincipalId "" is not valid: use a non-empty string'],
      [{ mountPath: "/usr" }, 's/fs: mountPath "/usr" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
      [{ maintenanceWindow: { dayOfWeek: "Sun", timeOfDayUtc: "02:00" } }, 's/fs: maintenanceWindow.dayOfWeek "Sun" is not valid: use one of "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"'],
      [{ maintenanceWindow: { dayOfWeek: "Sunday", timeOfDayUtc: "2am" } }, 's/fs: maintenanceWindow.timeOfDayUtc "2am" is not valid: use HH:MM in UTC, e.g. 02:00'],
    ])("%j", (props, message) => {
      expect(errorOf(() => make(props))).toBe(message);
    });

    it("rejects a storage subnet too small for the capacity", () => {
      expect(errorOf(() => make({ capacityTiB: 256, capacityAboveDefaultMaximum: true }))).toBe(
        's/fs: network "10.20.128.0/24" is not valid as the storage subnet: use a storage subnet of /23 or larger for 256 TiB (set storageSubnetPrefix on the network)',
      );
    });

    it("claims the storage subnet only when every check passed, so a corrected retry succeeds", () => {
      const { stack, network } = withNetwork();
      expect(errorOf(() => new AzureLustreStorage(stack, "bad", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1", mountPath: "/usr" }))).toBe(
        's/bad: mountPath "/usr" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)',
      );
      expect(errorOf(() => new AzureLustreStorage(stack, "bad-blob", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1", blob: { ...blob, importPrefix: "dataset" } }))).toBe(
        's/bad-blob: blob.importPrefix "dataset" is not valid: use a prefix starting with /, e.g. /dataset',
      );
      const fs = new AzureLustreStorage(stack, "fs", { network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: "1" });
      expect(fs.network).toBe(network);
    });

    it("rejects a second file system in the same storage subnet", () => {
      const { stack, network } = make();
      expect(errorOf(() => new AzureLustreStorage(stack, "fs2", { network, sku: "AMLFS-Durable-Premium-500", capacityTiB: 4, zone: "1" }))).toBe(
        's/fs2: network "s/net" is not valid: use another network: its storage subnet already holds s/fs, and each Managed Lustre file system needs a subnet of its own',
      );
    });
  });
});
