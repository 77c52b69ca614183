import { LogicAppActionCustom } from "@cdktf/provider-azurerm/lib/logic-app-action-custom";
import { LogicAppTriggerRecurrence } from "@cdktf/provider-azurerm/lib/logic-app-trigger-recurrence";
import { LogicAppWorkflow } from "@cdktf/provider-azurerm/lib/logic-app-workflow";
import type { ManagedLustreFileSystem } from "@cdktf/provider-azurerm/lib/managed-lustre-file-system";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { Fn, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { NAME_RULES, nameFromPath } from "../core/naming";

/**
 * A task's cloud-side deadline on Azure, independent of the launcher and the nodes: Logic Apps in
 * the task's compute group, each with an identity and a role of its own. From `maxRuntime` on,
 * hourly, one sets the scale set's capacity to 0 (its target is the scale set's ID built from its
 * name, so it exists before the scale set); from `maxRuntime + teardownGrace` on, another deletes
 * the Managed Lustre file system the task created. With `notify`, a failed run of either raises
 * an alert that e-mails it.
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
  /** An e-mail address told of failed runs. */
  readonly notify?: string;
}

/** What the deadline created. */
export interface AzureDeadline {
  /** Everything the scale set must wait for. */
  readonly before: readonly ITerraformDependable[];
  /** What the grace step deletes, in words. */
  readonly removes: readonly string[];
}

/** One Logic App: from `start` on, hourly, call ARM (`method` on `uri`) with its own identity and a role of `actions` at `scope`. */
function armStep(p: AzureDeadlineProps, id: string, roleId: string, grantId: string, triggerId: string, actionId: string, step: { start: string; method: string; uri: string; body?: unknown; scope: string; actions: string[]; description: string }) {
  const { task } = p;
  const role = new RoleDefinition(task, roleId, {
    name: `${nameFromPath(task.node.path, NAME_RULES.azureGeneric, id)}-${p.runSuffix}`,
    scope: step.scope,
    description: step.description,
    permissions: [{ actions: step.actions }],
    assignableScopes: [step.scope],
  });
  const workflow = new LogicAppWorkflow(task, id, {
    name: nameFromPath(task.node.path, NAME_RULES.azureGeneric, id),
    resourceGroupName: p.computeGroup.name,
    location: p.location,
    identity: { type: "SystemAssigned" },
  });
  const grant = new RoleAssignment(task, grantId, { scope: step.scope, principalId: workflow.identity.principalId, principalType: "ServicePrincipal", roleDefinitionId: role.roleDefinitionResourceId });
  const trigger = new LogicAppTriggerRecurrence(task, triggerId, { name: `at-${id}`, logicAppId: workflow.id, frequency: "Hour", interval: 1, startTime: Fn.formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", step.start) });
  const action = new LogicAppActionCustom(task, actionId, {
    name: id === "deadline" ? "scale-to-zero" : "delete",
    logicAppId: workflow.id,
    body: Fn.jsonencode({
      type: "Http",
      inputs: { method: step.method, uri: step.uri, ...(step.body ? { body: step.body } : {}), authentication: { type: "ManagedServiceIdentity", audience: "https://management.azure.com/" } },
      runAfter: {},
    }),
  });
  return { workflow, before: [grant, trigger, action] };
}

/** Builds the deadline's Logic Apps, roles and alert under `task`. */
export function azureDeadline(p: AzureDeadlineProps): AzureDeadline {
  const stop = armStep(p, "deadline", "deadline-role", "deadline-scale-to-zero", "deadline-trigger", "deadline-action", {
    start: p.deadline,
    method: "PATCH",
    uri: `https://management.azure.com${p.scaleSetId}?api-version=2023-09-01`,
    body: { sku: { capacity: 0 } },
    scope: p.computeGroup.id,
    actions: ["Microsoft.Compute/virtualMachineScaleSets/read", "Microsoft.Compute/virtualMachineScaleSets/write"],
    description: "Set a GPU scale set's capacity to 0 at a task's deadline (hgpu task teardown)",
  });
  const before: ITerraformDependable[] = [...stop.before];
  const workflows = [stop.workflow];
  const removes: string[] = [];
  if (p.fileSystem) {
    const grace = armStep(p, "grace", "grace-role", "grace-delete", "grace-trigger", "grace-action", {
      start: Fn.timeadd(p.deadline, `${p.graceMinutes}m`),
      method: "DELETE",
      uri: `https://management.azure.com${p.fileSystem.id}?api-version=2024-03-01`,
      scope: p.fileSystem.id,
      actions: ["Microsoft.StorageCache/amlFilesystems/read", "Microsoft.StorageCache/amlFilesystems/delete"],
      description: "Delete a task's Managed Lustre file system after its deadline (hgpu task teardown)",
    });
    before.push(...grace.before);
    workflows.push(grace.workflow);
    removes.push("the Managed Lustre file system");
  }
  if (p.notify) {
    const group = new MonitorActionGroup(p.task, "deadline-alerts", {
      name: nameFromPath(p.task.node.path, NAME_RULES.azureGeneric, "deadline-alerts"),
      resourceGroupName: p.computeGroup.name,
      shortName: "hgpu-dl",
      emailReceiver: [{ name: "notify", emailAddress: p.notify, useCommonAlertSchema: true }],
    });
    const alert = new MonitorMetricAlert(p.task, "deadline-alert", {
      name: nameFromPath(p.task.node.path, NAME_RULES.azureGeneric, "deadline-failed"),
      resourceGroupName: p.computeGroup.name,
      scopes: workflows.map((w) => w.id),
      description: `A deadline step of ${p.name} failed: its GPUs or storage may still be running`,
      severity: 1,
      frequency: "PT5M",
      windowSize: "PT1H",
      targetResourceType: "Microsoft.Logic/workflows",
      targetResourceLocation: p.location,
      criteria: [{ metricNamespace: "Microsoft.Logic/workflows", metricName: "RunsFailed", aggregation: "Total", operator: "GreaterThan", threshold: 0 }],
      action: [{ actionGroupId: group.id }],
    });
    before.push(alert);
  }
  return { before, removes };
}
