import { IamRolePolicy } from "../engine/aws";
import { DataAzurermResources, RoleAssignment } from "../engine/azurerm";
import type { Construct } from "constructs";
import { taskAccountId } from "./aws-deadline";
import { ssmParameterArn, type SecretReference } from "./secrets";

/**
 * The nodes' grants for a task's secrets, least privilege: exactly the named parameters, secrets
 * and Key Vault secrets, never a store, a path prefix or a vault. Nothing here reads a value: no
 * data source of a secret's value is ever used (it would put the value in the state).
 */

/** The DNS suffix of AWS service endpoints in a region, as `kms:ViaService` names them. */
function awsDnsSuffix(region: string): string {
  return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/**
 * AWS: one inline policy on the nodes' role. `ssm:GetParameter` on each parameter's ARN (in the
 * task's region and account) and `secretsmanager:GetSecretValue` on each secret's full ARN; and
 * `kms:Decrypt` for SecureStrings and secrets under customer managed keys, only through the service
 * (`kms:ViaService`) and only for those parameters and secrets (the encryption context SSM and
 * Secrets Manager put on every call: `PARAMETER_ARN`, `SecretARN`). Returns undefined without AWS
 * secrets.
 */
export function grantAwsSecrets(
  task: Construct,
  role: { readonly id: string },
  partition: string,
  region: string,
  refs: readonly SecretReference[],
): IamRolePolicy | undefined {
  const ssm = refs.flatMap((r) => (r.store === "ssm" ? [r] : []));
  const sm = refs.flatMap((r) => (r.store === "secretsmanager" ? [r] : []));
  if (ssm.length === 0 && sm.length === 0) return undefined;
  const statements: object[] = [];
  if (ssm.length > 0) {
    const account = taskAccountId(task);
    const parameters = ssm.map((r) => ssmParameterArn(partition, region, account, r.parameter));
    statements.push(
      { Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameters },
      {
        Sid: "DecryptParameters", Effect: "Allow", Action: "kms:Decrypt", Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
        Condition: { StringEquals: { "kms:ViaService": `ssm.${region}.${awsDnsSuffix(region)}`, "kms:EncryptionContext:PARAMETER_ARN": parameters } },
      },
    );
  }
  if (sm.length > 0) {
    const arns = sm.map((r) => r.arn);
    const unique = (xs: string[]) => [...new Set(xs)];
    statements.push(
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arns },
      {
        Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt",
        Resource: unique(sm.map((r) => `arn:${r.partition}:kms:${r.region}:${r.account}:key/*`)),
        Condition: { StringEquals: { "kms:ViaService": unique(sm.map((r) => `secretsmanager.${r.region}.${awsDnsSuffix(r.region)}`)), "kms:EncryptionContext:SecretARN": arns } },
      },
    );
  }
  return new IamRolePolicy(task, "read-secrets", { role: role.id, name: "read-task-secrets", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
}

/**
 * Azure: "Key Vault Secrets User" for the nodes' identity on each secret's own scope
 * (`<vault ID>/secrets/<name>`), not on the vault. The vault is found by name in the subscription
 * (plan fails with a clear message when it is not there); it must use the Azure RBAC permission
 * model (access policies ignore role assignments).
 */
export function grantAzureSecrets(task: Construct, principalId: string, taskName: string, refs: readonly SecretReference[]): RoleAssignment[] {
  const vaults = new Map<string, string>();
  const vaultId = (vault: string): string => {
    const known = vaults.get(vault);
    if (known) return known;
    const found = new DataAzurermResources(task, `key-vault-${vault}`, {
      type: "Microsoft.KeyVault/vaults",
      name: vault,
      lifecycle: { postcondition: [{ condition: "${length(self.resources) == 1}", errorMessage: `Key Vault ${vault} (secrets of task ${taskName}) is not in this subscription: create it, or fix the name in secrets` }] },
    });
    const id = found.resources.get(0).id;
    vaults.set(vault, id);
    return id;
  };
  return refs.flatMap((r) => r.store !== "keyvault" ? [] : [
    new RoleAssignment(task, `read-secret-${r.env}`, {
      scope: `${vaultId(r.vault)}/secrets/${r.secret}`,
      principalId,
      principalType: "ServicePrincipal",
      roleDefinitionName: "Key Vault Secrets User",
      description: `${taskName} nodes read ${r.env} (keyvault:${r.vault}/${r.secret})`,
    }),
  ]);
}
