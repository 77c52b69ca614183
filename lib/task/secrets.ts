import type { GpuCloud } from "../core/types";
import { redact } from "../core/secret-shapes";
import type { Validator } from "../core/validate";

/**
 * A task's secrets by reference (pure: no cdktf). The plan holds only where each secret is; the
 * nodes read it at boot with their own identity, so no value is ever in the plan, the user data or
 * the state. Grants are in `secret-grants.ts`, the nodes' fetch in {@link secretFetchLines}.
 */

/** One secret of a task: the variable it becomes and where it is read from. */
export type SecretReference =
  /** An SSM parameter (String or SecureString) in the task's region and account. */
  | { readonly env: string; readonly store: "ssm"; readonly parameter: string }
  /** A Secrets Manager secret's SecretString, by its full ARN (any region; another account's with a resource policy). */
  | { readonly env: string; readonly store: "secretsmanager"; readonly arn: string; readonly region: string; readonly account: string; readonly partition: string }
  /** An Azure Key Vault secret's current version (the vault uses Azure RBAC). */
  | { readonly env: string; readonly store: "keyvault"; readonly vault: string; readonly secret: string };

/** The cloud whose nodes can read each store. */
export const SECRET_STORE_CLOUD: Readonly<Record<SecretReference["store"], GpuCloud>> = { ssm: "aws", secretsmanager: "aws", keyvault: "azure" };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `/team/hf-token` or `hf-token`: letters, digits, `.`, `-`, `_`, and `/` between levels (15 at most). */
const SSM_NAME = /^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;
const SECRET_ARN = /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-gov)?-[a-z]+-\d+):(\d{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/;
const KEY_VAULT = /^keyvault:([A-Za-z](?:[A-Za-z0-9]|-(?!-)){1,22}[A-Za-z0-9])\/([A-Za-z0-9-]{1,127})$/;

/** What a reference must look like, for messages. */
export const SECRET_REFERENCE_RULE = "use ssm:/<parameter name>, secretsmanager:<secret ARN> or keyvault:<vault>/<secret>";

/**
 * Reads a task's `secrets` prop: each name a variable name not also in `env`, each reference of
 * one of the three shapes. Throws a ValidationError naming `secrets.<NAME>` otherwise.
 */
export function parseSecrets(v: Validator, secrets: Readonly<Record<string, string>>, env: Readonly<Record<string, string>>): SecretReference[] {
  return Object.entries(secrets).map(([name, ref]) => {
    v.matches("secrets", name, ENV_NAME, "use variable names of letters, digits and _ (not starting with a digit)");
    v.check(!(name in env), `secrets.${name}`, ref, `use a name that env does not set too (env.${name} is set): one variable, one source`);
    const field = `secrets.${name}`;
    v.check(typeof ref === "string", field, ref, SECRET_REFERENCE_RULE);
    if (ref.startsWith("ssm:")) {
      const parameter = ref.slice(4);
      const levels = parameter.split("/").filter(Boolean).length;
      v.check(SSM_NAME.test(parameter) && parameter.length <= 1011 && levels <= 15, field, ref, "use ssm:/<path> of letters, digits, '.', '-' and '_' with '/' between at most 15 levels (at most 1011 characters), e.g. ssm:/team/hf-token");
      return { env: name, store: "ssm", parameter };
    }
    if (ref.startsWith("secretsmanager:")) {
      const arn = ref.slice("secretsmanager:".length);
      const m = SECRET_ARN.exec(arn);
      if (!m) return v.fail(field, ref, "use secretsmanager:<the secret's full ARN>, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (aws secretsmanager describe-secret shows it; a name or partial ARN cannot be granted exactly)");
      return { env: name, store: "secretsmanager", arn, partition: m[1]!, region: m[2]!, account: m[3]! };
    }
    if (ref.startsWith("keyvault:")) {
      const m = KEY_VAULT.exec(ref);
      if (!m) return v.fail(field, ref, "use keyvault:<vault>/<secret>: a vault name of 3-24 letters, digits and hyphens (starting with a letter, ending with a letter or digit, no '--') and a secret name of 1-127 letters, digits and hyphens");
      return { env: name, store: "keyvault", vault: m[1]!, secret: m[2]! };
    }
    // a value passed where a reference belongs: say so without printing it
    const shown = ref.length > 12 ? redact(ref) : ref;
    return v.fail(field, shown, SECRET_REFERENCE_RULE);
  });
}

/** The one cloud a task's secrets can be read on, or undefined without secrets; throws for a mix. */
export function secretsCloud(v: Validator, refs: readonly SecretReference[]): GpuCloud | undefined {
  const clouds = [...new Set(refs.map((r) => SECRET_STORE_CLOUD[r.store]))];
  v.check(clouds.length <= 1, "secrets", Object.fromEntries(refs.map((r) => [r.env, r.store])), "use stores of one cloud: ssm and secretsmanager on AWS, keyvault on Azure (the nodes read them with their own identity)");
  return clouds[0];
}

/** The IAM ARN of an SSM parameter. */
export function ssmParameterArn(partition: string, region: string, account: string, parameter: string): string {
  return `arn:${partition}:ssm:${region}:${account}:parameter${parameter.startsWith("/") ? "" : "/"}${parameter}`;
}

/** Where the nodes keep the secrets they read: one file per variable, the folder 0700, the files 0600. */
export const SECRETS_DIR = "/opt/hgpu/secrets";

/**
 * Run-script lines that define `fetch_secrets`: in a subshell under `umask 077`, each secret is
 * read with the node's own identity (AWS CLI on AWS; on Azure an IMDS token and Key Vault's REST
 * API, since the HPC image has no Azure CLI) into `<SECRETS_DIR>/<NAME>` (written to a temporary
 * file first, mode 0600 from the start, then renamed), each read tried 4 times over 35 seconds (a
 * role still propagating; a secret that is not there should not hold the GPUs long). It prints
 * only which secret failed, never a value. `load_secrets` exports each as its variable for the
 * workload.
 */
export function secretFetchLines(refs: readonly SecretReference[]): string[] {
  if (refs.length === 0) return ["fetch_secrets() { return 0; }", "load_secrets() { return 0; }"];
  const read = (r: SecretReference): string => {
    switch (r.store) {
      case "ssm":
        return `aws ssm get-parameter --name '${r.parameter}' --with-decryption --query Parameter.Value --output text`;
      case "secretsmanager":
        return `aws secretsmanager get-secret-value --region ${r.region} --secret-id '${r.arn}' --query SecretString --output text`;
      case "keyvault":
        // the token goes to curl on stdin, not on its command line (which every user can read)
        return `printf 'Authorization: Bearer %s\\n' "$(token https://vault.azure.net)" | curl -sf -H @- 'https://${r.vault}.vault.azure.net/secrets/${r.secret}?api-version=7.4' | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["value"])'`;
    }
  };
  const where = (r: SecretReference): string => (r.store === "ssm" ? `ssm:${r.parameter}` : r.store === "secretsmanager" ? `secretsmanager:${r.arn}` : `keyvault:${r.vault}/${r.secret}`);
  return [
    "# the task's secrets, read with the node's own identity; files 0600 in a 0700 folder, never printed",
    ...refs.map((r) => `read_secret_${r.env}() { local value; value=$(${read(r)}) || return 1; printf '%s' "$value" > ${SECRETS_DIR}/.${r.env}.part && mv -f ${SECRETS_DIR}/.${r.env}.part ${SECRETS_DIR}/${r.env}; }`),
    "fetch_secrets() (",
    "  umask 077",
    `  mkdir -p ${SECRETS_DIR} && chmod 700 ${SECRETS_DIR} || exit 1`,
    // 4 tries over 35 s: enough for a role still propagating, short for a secret that is not there
    "  tries() { local wait=5; for i in 1 2 3 4; do \"$@\" && return 0; [ $i -lt 4 ] && sleep $wait; wait=$((wait * 2)); done; return 1; }",
    ...refs.map((r) => `  tries read_secret_${r.env} || { echo "hgpu: cannot read secret ${r.env} (${where(r)}) with the node's identity"; exit 1; }`),
    `  chmod 600 ${SECRETS_DIR}/*`,
    ")",
    `load_secrets() { ${refs.map((r) => `export ${r.env}="$(cat ${SECRETS_DIR}/${r.env})"`).join("; ")}; }`,
  ];
}
