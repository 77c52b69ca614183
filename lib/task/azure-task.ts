import { AzurermProvider, DataAzurermClientConfig, ResourceGroup, RoleAssignment, RoleDefinition, StorageAccount, StorageContainer } from "../engine/azurerm";
import { dependable, Fn, TerraformStack, TerraformVariable } from "../engine/core";
import type { Construct } from "constructs";
import { AzureGpuCluster, azureNcclEnv } from "../azure/gpu-cluster";
import { HPC_CACHE_SP_LOOKUP } from "../azure/amlfs-rules";
import { AzureLustreStorage } from "../azure/lustre-storage";
import { AzureNetwork } from "../azure/network";
import { PRIVATE_STORAGE_ACCOUNT } from "../azure/private-storage";
import { AZURERM_FEATURES, isAzurermProvider } from "../azure/provider";
import type { ISharedStorage } from "../core/contracts";
import { NAME_RULES, nameFromPath } from "../core/naming";
import type { TaskTeardown } from "./gpu-task-props";
import { azureDeadline, SCALE_SET_WRITE } from "./azure-deadline";
import { launchLines } from "./run-script";
import { grantAzureSecrets } from "./secret-grants";
import { dataMounts, type TaskBackend, type TaskBackendInput } from "./task-backend";
import { blobSource } from "./task-text";

/**
 * GpuTask's Azure backend: the network (unless given), Azure Managed Lustre loaded from
 * `dataSource`, a private run storage account, the scale set of GPU nodes running the run script,
 * and the teardown: the nodes may set their scale set's capacity to zero, and a Logic App with a
 * managed identity does so from the deadline on.
 */
export function buildAzureTask(input: TaskBackendInput): TaskBackend {
  const { task, props, v, name, chosen, runId, deadline, placementJson, mountPath, env, watchdogs, secrets } = input;
  let storage: ISharedStorage | undefined;
  ensureAzureProvider(task);
  const azure = props.azure ?? {};
  const network = (props.network instanceof AzureNetwork ? props.network : new AzureNetwork(task, "network", { location: chosen.region }));
  // Managed Lustre is zonal and its clients must share its zone; without it the scale set stays regional.
  const zone = props.dataPath !== undefined && !props.storage ? "1" : props.storage instanceof AzureLustreStorage ? props.storage.zone : undefined;
  if (props.storage) {
    storage = props.storage;
  } else if (props.dataPath !== undefined) {
    // GpuTask kept the task on the cloud of dataSource (sourceCloud), so it is a Blob URI blobSource reads.
    const { container, prefix } = blobSource(props.dataSource!)!;
    storage = new AzureLustreStorage(task, "data", {
      network, sku: "AMLFS-Durable-Premium-250", capacityTiB: 16, zone: zone!, mountPath,
      blob: {
        storageAccountId: azure.dataStorageAccountId ?? variable(task, `${name}_data_storage_account_id`, "Resource ID of the storage account that holds the task's dataSource"),
        container,
        importPrefix: prefix,
        hpcCacheResourceProviderPrincipalId: azure.hpcCacheResourceProviderPrincipalId ?? variable(task, `${name}_hpc_cache_rp_object_id`, `Object ID of the HPC Cache Resource Provider: ${HPC_CACHE_SP_LOOKUP}`),
      },
    });
  }
  // Account and custom role names are global (tenant-wide): the run ID makes them unique.
  const runSuffix = Fn.substr(Fn.replace(runId, "-", ""), 0, 8);
  const account = new StorageAccount(task, "runs", {
    name: `${nameFromPath(task.node.path, { ...NAME_RULES.azureStorageAccount, maxLength: 16 }, "runs")}${runSuffix}`,
    resourceGroupName: network.resourceGroupName,
    location: network.location,
    // Entra ID only: no account keys to leak; the nodes, the launcher and the portal use OAuth.
    ...PRIVATE_STORAGE_ACCOUNT,
    // A deleted status, log or container can be recovered for a week.
    blobProperties: { deleteRetentionPolicy: { days: 7 }, containerDeleteRetentionPolicy: { days: 7 } },
  });
  const container = new StorageContainer(task, "runs-container", { name: "runs", storageAccountId: account.id, containerAccessType: "private" });
  // Whoever deploys (the launcher's identity) may read the run's status and logs.
  const deployer = new DataAzurermClientConfig(task, "deployer");
  new RoleAssignment(task, "deployer-reads-runs", { scope: container.resourceManagerId, principalId: deployer.objectId, roleDefinitionName: "Storage Blob Data Reader", description: `Read ${name}'s status and logs` });
  const base = `${account.primaryBlobEndpoint}runs/${runId}`;
  const statusUri = `${base}/status.json`;
  const logsUri = `${base}/logs/`;
  const checkpointsUri = `${base}/checkpoints/`;
  // The task's compute (scale set, its identity, the deadline) lives in a resource group of its own,
  // created before the GPUs: roles scoped to it reach this task's scale set and nothing else, and
  // they can be granted before the scale set exists.
  const computeGroup = new ResourceGroup(task, "compute", {
    name: `${nameFromPath(task.node.path, { ...NAME_RULES.azureResourceGroup, maxLength: 80 }, "compute")}-${runSuffix}`,
    location: network.location,
  });
  const scaleSetName = AzureGpuCluster.scaleSetName(`${task.node.path}/cluster`);
  const scaleSetId = `${computeGroup.id}/providers/Microsoft.Compute/virtualMachineScaleSets/${scaleSetName}`;

  if (input.teardownGrace.notify?.startsWith("arn:")) v.fail("notify", input.teardownGrace.notify, "use an e-mail address on Azure (an SNS topic ARN is for tasks on AWS)");
  // Layer 2, the deadline (the scale set to zero), then, after the grace, the storage the task created.
  const ownNetworkNote = props.network instanceof AzureNetwork
    ? "the compute resource group, roles, the Logic Apps and the run storage account (free, or cents a month)"
    : "the compute resource group, its node identity, roles and the Logic Apps (free, or cents a month)";
  const late = azureDeadline({
    task, name, computeGroup, scaleSetId, runSuffix, location: network.location, deadline,
    graceMinutes: input.teardownGrace.graceMinutes, ...(input.teardownGrace.notify ? { notify: input.teardownGrace.notify } : {}),
    ...(storage instanceof AzureLustreStorage && !props.storage ? { fileSystem: storage.fileSystem, fileSystemGroupId: network.resourceGroupId } : {}),
    ...(props.network instanceof AzureNetwork ? {} : { networkGroupId: network.resourceGroupId }),
  });

  const cluster = new AzureGpuCluster(task, "cluster", {
    network, vmSize: chosen.instanceType, nodes: chosen.nodes, ...(zone ? { zone } : {}), spot: chosen.spot,
    resourceGroupName: computeGroup.name,
    ...(storage ? { storage: storage } : {}),
    sshPublicKey: azure.sshPublicKey ?? variable(task, `${name}_ssh_public_key`, "OpenSSH public key of the task nodes' admin user"),
    storageAccess: [{ scope: container.resourceManagerId, write: true }],
    customData: launchLines({
      cloud: { kind: "azure", blobBaseUrl: base },
      taskName: name, runId: runId, nodes: chosen.nodes, gpusPerNode: chosen.gpusPerNode,
      ...(props.image ? { image: props.image } : {}), ...(props.command ? { command: props.command } : {}),
      env: { ...azureNcclEnv(chosen.instanceType, chosen.fabric.kind === "infiniband"), ...env },
      mounts: storage ? dataMounts(storage.mountPath, props.dataPath) : [],
      placementJson, deadline, ...watchdogs, secrets, ...(input.recovery ? { recovery: input.recovery } : {}),
    }),
  });
  // the task's secrets, each on its own scope: the nodes read them at boot
  const readSecrets = grantAzureSecrets(task, cluster.identity, name, secrets);
  // Layer 1, the nodes: read their scale set and its NICs (rendezvous), and set its capacity.
  const nodesRole = new RoleDefinition(task, "scale-to-zero-role", {
    name: `${nameFromPath(task.node.path, NAME_RULES.azureGeneric, "scale-to-zero")}-${runSuffix}`,
    scope: computeGroup.id,
    description: "Read a GPU scale set and its NICs, and set its capacity (hgpu task nodes)",
    permissions: [{ actions: [...SCALE_SET_WRITE, "Microsoft.Compute/virtualMachineScaleSets/networkInterfaces/read", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read"] }],
    assignableScopes: [computeGroup.id],
  });
  const nodesGrant = new RoleAssignment(task, "nodes-scale-to-zero", { scope: computeGroup.id, principalId: cluster.identity, principalType: "ServicePrincipal", roleDefinitionId: nodesRole.roleDefinitionResourceId });
  // Writing the scale set (capacity 0) also re-checks that the writer may join its subnet: granted on that subnet alone.
  const joinRole = new RoleDefinition(task, "subnet-join-role", {
    name: `${nameFromPath(task.node.path, NAME_RULES.azureGeneric, "subnet-join")}-${runSuffix}`,
    scope: network.resourceGroupId,
    description: "Join a GPU scale set's subnet when its capacity is set (hgpu task teardown)",
    permissions: [{ actions: ["Microsoft.Network/virtualNetworks/subnets/read", "Microsoft.Network/virtualNetworks/subnets/join/action"] }],
    assignableScopes: [network.resourceGroupId],
  });
  const joins = [["nodes-subnet-join", cluster.identity], ["deadline-subnet-join", late.principalId]].map(([id, principalId]) =>
    new RoleAssignment(task, id!, { scope: network.computeSubnet.id, principalId: principalId!, principalType: "ServicePrincipal", roleDefinitionId: joinRole.roleDefinitionResourceId }));
  // Teardown before capacity: the scale set (every GPU) is created only once its deadline and the
  // nodes' permission to stop it exist.
  const scaleSet = cluster.scaleSet;
  scaleSet.dependsOn = [...(scaleSet.dependsOn ?? []), ...[...late.before, nodesGrant, ...joins, ...readSecrets].map((r) => dependable(r))];
  const teardown: TaskTeardown = {
    selfScaleToZero: "node 0 sets the scale set's capacity to 0",
    deadline,
    deadlineMechanism: "Logic App (own managed identity and role) setting the scale set's capacity to 0, hourly from the deadline",
    afterGrace: late.removes,
    remains: ownNetworkNote,
  };
  return { network, ...(storage ? { storage } : {}), cluster, statusUri, logsUri, checkpointsUri, teardown };
}

function variable(scope: Construct, name: string, description: string): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(`var-${name}`) as TerraformVariable | undefined;
  const v = existing ?? new TerraformVariable(stack, `var-${name}`, { type: "string", description });
  if (!existing) v.overrideLogicalId(name);
  return v.stringValue;
}

function ensureAzureProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (stack.node.findAll().some(isAzurermProvider)) return;
  // Entra ID for storage data calls: the run account takes no shared keys.
  new AzurermProvider(stack, "azurerm", { features: AZURERM_FEATURES, storageUseAzuread: true });
}
