import { LogicAppActionCustom, LogicAppTriggerRecurrence, LogicAppWorkflow, type ManagedLustreFileSystem, MonitorActionGroup, MonitorMetricAlert, type ResourceGroup, RoleAssignment, RoleDefinition } from "../engine/azurerm";
import { Fn, type ITerraformDependable } from "../engine/core";
import type { Construct } from "constructs";
import { NAME_RULES, nameFromPath } from "../core/naming";

/**
 * A task's cloud-side deadline on Azure, independent of the launcher and the nodes: Logic Apps in
 * the task's compute group, each with an identity and a role of its own. From `maxRuntime` on,
 * hourly, one sets the scale set's capacity to 0 (its target is the scale set's ID built from its
 * name, so it exists before the scale set); from `maxRuntime + teardownGrace` on, another deletes
 * what else the task created that bills: the scale set and then its own network's resource group
 * (NAT gateway, public IP, Managed Lustre...) when the task created the network, else the Managed
 * Lustre file system it created. With `notify`, a failed run of either raises an alert that
 * e-mails it.
 */

/** What the deadline needs to know. */
export interface AzureDeadlineProps {
  readonly task: Construct;
  readonly name: string;
  /** The task's own compute group (the scale set's, the Logic Apps'). */
  readonly computeGroup: ResourceGroup;
  /** The scale set's resource ID, built from the group's ID and its name. */
  readonly scaleSetId: string;
  /** Suffix that makes the tenant-wide role names unique (from the run ID). */
  readonly runSuffix: string;
  readonly location: string;
  readonly deadline: string;
  readonly graceMinutes: number;
  /** The file system, when the task created it (it goes at grace). */
  readonly fileSystem?: ManagedLustreFileSystem;
  /** The file system's resource group ID (where its role is defined). Required with `fileSystem`. */
  readonly fileSystemGroupId?: string;
  /** The network's resource group, when the task created the network (the whole group goes at grace). */
  readonly networkGroupId?: string;
  /** An e-mail address told of failed runs. */
  readonly notify?: string;
}

/**
 * What writing a scale set takes: the write itself, and the linked permissions Azure re-checks on
 * every write of its model (its NSG and its user-assigned identity, in the same compute group; the
 * subnet is granted separately, at its own scope).
 */
export const SCALE_SET_WRITE = [
  "Microsoft.Compute/virtualMachineScaleSets/read",
  "Microsoft.Compute/virtualMachineScaleSets/write",
  "Microsoft.Network/networkSecurityGroups/join/action",
  "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
] as const;

/** What the deadline created. */
export interface AzureDeadline {
  /** The deadline Logic App's identity (it also needs to join the scale set's subnet). */
  readonly principalId: string;
  /** Everything the scale set must wait for. */
  readonly before: readonly ITerraformDependable[];
  /** What the grace step deletes, in words. */
  readonly removes: readonly string[];
}

/** One ARM call of a Logic App, run after the previous one whatever its outcome. */
interface ArmCall {
  readonly actionId: string;
  readonly name: string;
  readonly method: string;
  readonly uri: string;
  readonly body?: unknown;
}

/** A role the Logic App's identity gets: `actions` at `scope`. */
interface ArmGrant {
  readonly roleId: string;
  readonly grantId: string;
  readonly scope: string;
  /** Where the role is defined and assignable: a resource group (a custom role cannot be assignable at a single resource). @default - scope */
  readonly definitionScope?: string;
  readonly actions: string[];
  readonly description: string;
}

/** One Logic App: from `start` on, hourly, make `calls` with its own identity and roles. */
function armStep(p: AzureDeadlineProps, id: string, triggerId: string, start: string, grants: readonly ArmGrant[], calls: readonly ArmCall[]) {
  const { task } = p;
  const workflow = new LogicAppWorkflow(task, id, {
    name: nameFromPath(task.node.path, NAME_RULES.azureGeneric, id),
    resourceGroupName: p.computeGroup.name,
    location: p.location,
    identity: { type: "SystemAssigned" },
  });
  const before: ITerraformDependable[] = grants.map((g) => {
    const role = new RoleDefinition(task, g.roleId, {
      name: `${nameFromPath(task.node.path, NAME_RULES.azureGeneric, g.roleId.replace(/-role$/, ""))}-${p.runSuffix}`,
      scope: g.definitionScope ?? g.scope,
      description: g.description,
      permissions: [{ actions: g.actions }],
      assignableScopes: [g.definitionScope ?? g.scope],
    });
    return new RoleAssignment(task, g.grantId, { scope: g.scope, principalId: workflow.identity.principalId, principalType: "ServicePrincipal", roleDefinitionId: role.roleDefinitionResourceId });
  });
  before.push(new LogicAppTriggerRecurrence(task, triggerId, { name: `at-${id}`, logicAppId: workflow.id, frequency: "Hour", interval: 1, startTime: Fn.formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", start) }));
  // A call answered 404 finds its target already gone (a later hourly run, or after the grace step):
  // that is success. Any other failure fails the run, which is what the alert watches.
  const last = calls.at(-1)!;
  before.push(
    new LogicAppActionCustom(task, `${id}-check`, {
      name: "fail-unless-gone",
      logicAppId: workflow.id,
      body: Fn.jsonencode({
        type: "If",
        expression: { and: [{ not: { equals: [`@outputs('${last.name}')?['statusCode']`, 404] } }] },
        actions: { "report-failure": { type: "Terminate", inputs: { runStatus: "Failed", runError: { code: "DeadlineStepFailed", message: `${last.name} failed: the task's resources may still be running` } }, runAfter: {} } },
        else: { actions: {} },
        runAfter: { [last.name]: ["Failed", "TimedOut"] },
      }),
    }),
  );
  calls.forEach((c, i) => {
    before.push(
      new LogicAppActionCustom(task, c.actionId, {
        name: c.name,
        logicAppId: workflow.id,
        body: Fn.jsonencode({
          type: "Http",
          inputs: { method: c.method, uri: c.uri, ...(c.body ? { body: c.body } : {}), authentication: { type: "ManagedServiceIdentity", audience: "https://management.azure.com/" } },
          runAfter: i === 0 ? {} : { [calls[i - 1]!.name]: ["Succeeded", "Failed", "TimedOut"] },
        }),
      }),
    );
  });
  return { workflow, before };
}

/** Builds the deadline's Logic Apps, roles and alert under `task`. */
export function azureDeadline(p: AzureDeadlineProps): AzureDeadline {
  const stop = armStep(p, "deadline", "deadline-trigger", p.deadline,
    [{ roleId: "deadline-role", grantId: "deadline-scale-to-zero", scope: p.computeGroup.id, actions: [...SCALE_SET_WRITE], description: "Set a GPU scale set's capacity to 0 at a task's deadline (hgpu task teardown)" }],
    [{ actionId: "deadline-action", name: "scale-to-zero", method: "PATCH", uri: `https://management.azure.com${p.scaleSetId}?api-version=2023-09-01`, body: { sku: { capacity: 0 } } }],
  );
  const before: ITerraformDependable[] = [...stop.before];
  const workflows = [stop.workflow];
  const graceStart = Fn.timeadd(p.deadline, `${p.graceMinutes}m`);
  let removes: string[] = [];
  if (p.networkGroupId) {
    // The task's own network group holds everything else that bills (NAT gateway, public IP,
    // Managed Lustre, the run account): the scale set goes first (its model holds the subnet), then the group.
    const grace = armStep(p, "grace", "grace-trigger", graceStart,
      [
        { roleId: "grace-role", grantId: "grace-delete", scope: p.computeGroup.id, actions: ["Microsoft.Compute/virtualMachineScaleSets/read", "Microsoft.Compute/virtualMachineScaleSets/delete"], description: "Delete a task's GPU scale set after its deadline (hgpu task teardown)" },
        { roleId: "grace-network-role", grantId: "grace-network-delete", scope: p.networkGroupId, actions: ["*/read", "*/delete"], description: "Delete a task's own network resource group after its deadline (hgpu task teardown)" },
      ],
      [
        { actionId: "grace-action", name: "delete-scale-set", method: "DELETE", uri: `https://management.azure.com${p.scaleSetId}?api-version=2023-09-01` },
        { actionId: "grace-network-action", name: "delete-network-group", method: "DELETE", uri: `https://management.azure.com${p.networkGroupId}?api-version=2021-04-01` },
      ],
    );
    before.push(...grace.before);
    workflows.push(grace.workflow);
    removes = ["the scale set", "the network's resource group (NAT gateway, public IP, VNet, Managed Lustre, run account)"];
  } else if (p.fileSystem) {
    const grace = armStep(p, "grace", "grace-trigger", graceStart,
      [{ roleId: "grace-role", grantId: "grace-delete", scope: p.fileSystem.id, definitionScope: p.fileSystemGroupId, actions: ["Microsoft.StorageCache/amlFilesystems/read", "Microsoft.StorageCache/amlFilesystems/delete"], description: "Delete a task's Managed Lustre file system after its deadline (hgpu task teardown)" }],
      [{ actionId: "grace-action", name: "delete", method: "DELETE", uri: `https://management.azure.com${p.fileSystem.id}?api-version=2024-03-01` }],
    );
    before.push(...grace.before);
    workflows.push(grace.workflow);
    removes = ["the Managed Lustre file system"];
  }
  if (p.notify) {
    const group = new MonitorActionGroup(p.task, "deadline-alerts", {
      name: nameFromPath(p.task.node.path, NAME_RULES.azureGeneric, "deadline-alerts"),
      resourceGroupName: p.computeGroup.name,
      shortName: "hgpu-dl",
      emailReceiver: [{ name: "notify", emailAddress: p.notify, useCommonAlertSchema: true }],
    });
    // One alert per Logic App (multi-resource metric alerts are not offered for every resource type).
    for (const workflow of workflows) {
      const step = workflow.node.id;
      before.push(
        new MonitorMetricAlert(p.task, `${step}-alert`, {
          name: nameFromPath(p.task.node.path, NAME_RULES.azureGeneric, `${step}-failed`),
          resourceGroupName: p.computeGroup.name,
          scopes: [workflow.id],
          description: `The ${step} step of ${p.name} failed: its GPUs or storage may still be running`,
          severity: 1,
          frequency: "PT5M",
          windowSize: "PT1H",
          criteria: [{ metricNamespace: "Microsoft.Logic/workflows", metricName: "RunsFailed", aggregation: "Total", operator: "GreaterThan", threshold: 0 }],
          action: [{ actionGroupId: group.id }],
        }),
      );
    }
  }
  return { before, removes, principalId: stop.workflow.identity.principalId };
}
