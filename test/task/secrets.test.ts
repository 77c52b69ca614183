import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { validationErrorOf, resources, synth } from "../helpers";

const base: GpuTaskProps = { name: "nn", gpus: 8, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"] };
const SM_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/db-Ab12Cd";
/** Built at run time, so that no secret-shaped literal sits in this file. */
const hfToken = `hf_${"aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3x".slice(0, 34)}`;

function make(props: Partial<GpuTaskProps>) {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { ...base, ...props });
  return { stack, task };
}
const bootOf = (tf: { locals: Record<string, string> }) => Object.values(tf.locals)[0]!;

describe("GpuTask secrets on AWS: by reference, granted exactly, read at boot", () => {
  const secrets = { HF_TOKEN: "ssm:/team/hf-token", DB_PASSWORD: `secretsmanager:${SM_ARN}` };
  const { stack } = make({ env: { WANDB_PROJECT: "imagenet" }, secrets });
  const json = Testing.synth(stack, true);
  const tf = JSON.parse(json);
  const boot = bootOf(tf);

  it("grants the nodes' role ssm:GetParameter and secretsmanager:GetSecretValue on those secrets alone, and kms:Decrypt only through the services for them", () => {
    const policy = resources(tf, "aws_iam_role_policy").find((p) => p.name === "read-task-secrets");
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.task_cluster_role_[0-9A-F]+\.id\}$/);
    const param = expect.stringMatching(/^arn:\$\{data\.aws_partition\.task_cluster_partition_[0-9A-F]+\.partition\}:ssm:us-east-1:\$\{data\.aws_caller_identity\.task_account_[0-9A-F]+\.account_id\}:parameter\/team\/hf-token$/);
    expect(JSON.parse(policy.policy).Statement).toEqual([
      { Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: [param] },
      {
        Sid: "DecryptParameters", Effect: "Allow", Action: "kms:Decrypt", Resource: expect.stringMatching(/:kms:us-east-1:\$\{data\.aws_caller_identity\.task_account_[0-9A-F]+\.account_id\}:key\/\*$/),
        Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": [param] } },
      },
      { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SM_ARN] },
      {
        Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: ["arn:aws:kms:us-west-2:123456789012:key/*"],
        Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.us-west-2.amazonaws.com"], "kms:EncryptionContext:SecretARN": [SM_ARN] } },
      },
    ]);
  });

  it("creates the nodes only once they may read their secrets", () => {
    expect(resources(tf, "aws_autoscaling_group")[0].depends_on).toContainEqual(expect.stringMatching(/^aws_iam_role_policy\.task_read-secrets_[0-9A-F]+$/));
  });

  it("reads each secret on the node with its own identity, into 0600 files, and hands the workload the names only", () => {
    expect(boot).toContain("aws ssm get-parameter --name '/team/hf-token' --with-decryption --query Parameter.Value --output text");
    expect(boot).toContain(`aws secretsmanager get-secret-value --region us-west-2 --secret-id '${SM_ARN}' --query SecretString --output text`);
    expect(boot).toContain("  umask 077\n  mkdir -p /opt/hgpu/secrets && chmod 700 /opt/hgpu/secrets || exit 1");
    expect(boot).toContain("--env-file /opt/hgpu/env.list -e HF_TOKEN -e DB_PASSWORD ");
    expect(boot).toContain("umask 077\nmkdir -p /opt/hgpu\n");
    expect(boot).toContain("chmod 600 /opt/hgpu/env.sh /opt/hgpu/env.list");
    // the non-secret env stays in the env files; the secrets are not there
    expect(boot).toContain("export WANDB_PROJECT='imagenet'");
    expect(boot).not.toMatch(/^(export )?(HF_TOKEN|DB_PASSWORD)=/m);
  });

  it("reads no secret into the plan or the state: no data source names a secret, and only the grant and the script name them", () => {
    const data = JSON.stringify(tf.data);
    for (const where of ["/team/hf-token", SM_ARN]) expect(data).not.toContain(where);
    expect(Object.keys(tf.data)).not.toContain("aws_secretsmanager_secret_version");
    const mentions = Object.entries(tf.resource as Record<string, Record<string, unknown>>).flatMap(([type, all]) =>
      Object.keys(all).filter((id) => JSON.stringify(all[id]).includes("hf-token")).map((id) => `${type}.${id.replace(/_[0-9A-F]{8}$/, "")}`));
    expect(mentions.sort()).toEqual(["aws_iam_role_policy.task_read-secrets"]);
    expect(Object.keys(tf.locals)).toHaveLength(1);
  });

  it("holds nothing for a task without secrets (its synthesized script is as before)", () => {
    const plain = bootOf(synth(make({}).stack));
    expect(plain).not.toContain("fetch_secrets");
    expect(plain).not.toContain("load_secrets");
    expect(plain).toContain("--env-file /opt/hgpu/env.list -v ");
  });

  it("keeps the task on AWS", () => {
    expect(make({ secrets: { HF_TOKEN: "ssm:/team/hf-token" } }).task.chosen.cloud).toBe("aws");
    const { placements } = make({ clouds: ["aws", "azure"], secrets: { HF_TOKEN: "ssm:/team/hf-token" } }).task;
    expect(placements.length).toBeGreaterThan(1);
    expect(placements.filter((p) => p.cloud !== "aws")).toEqual([]);
  });
});

describe("GpuTask secrets on Azure: Key Vault Secrets User on each secret", () => {
  const { stack, task } = make({ secrets: { HF_TOKEN: "keyvault:ml-vault/hf-token", WANDB_API_KEY: "keyvault:ml-vault/wandb" } });
  const tf = synth(stack);
  const boot = bootOf(tf);

  it("runs on Azure and finds the vault by name, once, failing the plan clearly when it is not there", () => {
    expect(task.chosen.cloud).toBe("azure");
    expect(Object.values(tf.data.azurerm_resources)).toEqual([{
      name: "ml-vault", type: "Microsoft.KeyVault/vaults",
      lifecycle: { postcondition: [{ condition: "${length(self.resources) == 1}", error_message: "Key Vault ml-vault (secrets of task nn) is not in this subscription: create it, or fix the name in secrets" }] },
    }]);
  });

  it("grants the nodes' identity Key Vault Secrets User on each secret's scope, not the vault's, before the scale set", () => {
    const grants = resources(tf, "azurerm_role_assignment").filter((a) => a.role_definition_name === "Key Vault Secrets User");
    expect(grants.map((g) => [g.scope, g.principal_id, g.principal_type])).toEqual([
      [expect.stringMatching(/^\$\{data\.azurerm_resources\.task_key-vault-ml-vault_[0-9A-F]+\.resources\[0\]\.id\}\/secrets\/hf-token$/), expect.stringMatching(/user_assigned_identity\.task_cluster_identity_[0-9A-F]+\.principal_id/), "ServicePrincipal"],
      [expect.stringMatching(/\.resources\[0\]\.id\}\/secrets\/wandb$/), expect.stringMatching(/user_assigned_identity\.task_cluster_identity_/), "ServicePrincipal"],
    ]);
    const deps = resources(tf, "azurerm_linux_virtual_machine_scale_set")[0].depends_on as string[];
    expect(deps.filter((d) => /read-secret-/.test(d))).toHaveLength(2);
  });

  it("reads each with an IMDS token for Key Vault, passed to curl on stdin", () => {
    expect(boot).toContain(`printf 'Authorization: Bearer %s\\n' "$(token https://vault.azure.net)" | curl -sf -H @- 'https://ml-vault.vault.azure.net/secrets/hf-token?api-version=7.4'`);
    expect(boot).toContain("export HF_TOKEN=\"$(cat /opt/hgpu/secrets/HF_TOKEN)\"");
  });
});

describe("GpuTask secrets: bad references", () => {
  const noData = { dataPath: undefined, dataSource: undefined };
  const rule = "use ssm:/<parameter name>, secretsmanager:<secret ARN> or keyvault:<vault>/<secret>";
  const ssmRule = "use ssm:/<path> of letters, digits, '.', '-' and '_' with '/' between at most 15 levels (at most 1011 characters), e.g. ssm:/team/hf-token";
  const smRule = "use secretsmanager:<the secret's full ARN>, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (aws secretsmanager describe-secret shows it; a name or partial ARN cannot be granted exactly)";
  const kvRule = "use keyvault:<vault>/<secret>: a vault name of 3-24 letters, digits and hyphens (starting with a letter, ending with a letter or digit, no '--') and a secret name of 1-127 letters, digits and hyphens";
  it.each<[Partial<GpuTaskProps>, string]>([
    [{ secrets: { HF_TOKEN: "vault:/x" } }, `s/task: secrets.HF_TOKEN "vault:/x" is not valid: ${rule}`],
    [{ secrets: { HF_TOKEN: hfToken } }, `s/task: secrets.HF_TOKEN "hf_a... (37 characters)" is not valid: ${rule}`],
    [{ secrets: { X: "ssm:/team/hf token" } }, `s/task: secrets.X "ssm:/team/hf token" is not valid: ${ssmRule}`],
    [{ secrets: { X: "ssm:team/hf" } }, `s/task: secrets.X "ssm:team/hf" is not valid: ${ssmRule}`],
    [{ secrets: { X: "ssm:/team//hf" } }, `s/task: secrets.X "ssm:/team//hf" is not valid: ${ssmRule}`],
    [{ secrets: { X: "ssm:/team/${var.x}" } }, `s/task: secrets.X "ssm:/team/\${var.x}" is not valid: ${ssmRule}`],
    [{ secrets: { X: `ssm:${"/a".repeat(16)}` } }, `s/task: secrets.X "ssm:${"/a".repeat(16)}" is not valid: ${ssmRule}`],
    [{ secrets: { X: `ssm:/${"a".repeat(1011)}` } }, `s/task: secrets.X "ssm:/${"a".repeat(1011)}" is not valid: ${ssmRule}`],
    [{ secrets: { X: "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db" } }, `s/task: secrets.X "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db" is not valid: ${smRule}`],
    [{ secrets: { X: "secretsmanager:prod/db-Ab12Cd" } }, `s/task: secrets.X "secretsmanager:prod/db-Ab12Cd" is not valid: ${smRule}`],
    [{ ...noData, secrets: { X: "keyvault:ml--vault/x" } }, `s/task: secrets.X "keyvault:ml--vault/x" is not valid: ${kvRule}`],
    [{ ...noData, secrets: { X: "keyvault:ab/x" } }, `s/task: secrets.X "keyvault:ab/x" is not valid: ${kvRule}`],
    [{ ...noData, secrets: { X: `keyvault:${"v".repeat(25)}/x` } }, `s/task: secrets.X "keyvault:${"v".repeat(25)}/x" is not valid: ${kvRule}`],
    [{ ...noData, secrets: { X: "keyvault:ml-vault/hf_token" } }, `s/task: secrets.X "keyvault:ml-vault/hf_token" is not valid: ${kvRule}`],
    [{ secrets: { "BAD-NAME": "ssm:/x" } }, 's/task: secrets "BAD-NAME" is not valid: use variable names of letters, digits and _ (not starting with a digit)'],
    [{ env: { HF_TOKEN: "" }, secrets: { HF_TOKEN: "ssm:/x" } }, 's/task: secrets.HF_TOKEN "ssm:/x" is not valid: use a name that env does not set too (env.HF_TOKEN is set): one variable, one source'],
    [{ ...noData, secrets: { A: "ssm:/x", B: "keyvault:ml-vault/b" } }, 's/task: secrets {"A":"ssm","B":"keyvault"} is not valid: use stores of one cloud: ssm and secretsmanager on AWS, keyvault on Azure (the nodes read them with their own identity)'],
    [{ ...noData, clouds: ["azure"], secrets: { A: "ssm:/x" } }, 's/task: clouds ["azure"] is not valid: include aws, where the secret (ssm) is'],
    [{ clouds: ["azure"], dataSource: "https://mldata.blob.core.windows.net/datasets/imagenet", dataPath: "/data", secrets: { A: "ssm:/x", B: "ssm:/y" } }, 's/task: secrets.A "ssm:/x" is not valid: use a store on azure, where dataSource https://mldata.blob.core.windows.net/datasets/imagenet is (keyvault)'],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => make(props))).toBe(message);
  });

  it("refuses a Terraform reference: the grant must name each secret at synth", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const name = new TerraformVariable(stack, "name", { type: "string" });
    expect(validationErrorOf(() => new GpuTask(stack, "task", { ...base, secrets: { X: `ssm:${name.stringValue}` } }))).toBe(
      's/task: secrets.X "ssm:<reference>" is not valid: use a literal reference known at synth, e.g. ssm:/team/hf-token, not a Terraform reference: the nodes\' grant names each secret exactly');
  });

  it("accepts the boundaries: 15 levels and 1011 characters of SSM name, a plain name, 24-character vaults and 127-character secret names", () => {
    expect(() => make({ secrets: { X: `ssm:${"/a".repeat(15)}`, Y: `ssm:/${"a".repeat(1010)}`, Z: "ssm:hf-token" } })).not.toThrow();
    expect(() => make({ dataPath: undefined, dataSource: undefined, secrets: { X: `keyvault:${"v".repeat(24)}/${"s".repeat(127)}`, Y: "keyvault:abc/x" } })).not.toThrow();
    expect(() => make({ secrets: { X: "secretsmanager:arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a/b_c+d=e.f@g-AbC123" } })).not.toThrow();
  });
});
