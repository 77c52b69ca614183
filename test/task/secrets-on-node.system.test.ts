/**
 * The secret-by-reference path on a node, for real: the boot lines (launchLines) and the run script
 * run under bash in a temporary folder (/opt/hgpu and the log moved there), with the cloud commands
 * stubbed on the PATH: `aws` (AWS CLI v2, on the Deep Learning AMI) or `curl` (IMDS and Key Vault's
 * REST API; the Ubuntu-HPC image has no Azure CLI). The parent's umask is 022, as cloud-init's is.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { launchLines, type RunScriptSpec } from "../../lib/task/run-script";
import type { SecretReference } from "../../lib/task/secrets";

const SM_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/db-Ab12Cd";
/** What the stubbed stores hold: a value with quotes, $ and spaces, and a multi-line one. */
const VALUES = { HF_TOKEN: `hf_${"x".repeat(34)} it's "$HOME"`, DB_KEY: "-----BEGIN TEST KEY-----\nline two\n-----END TEST KEY-----" };
const awsSecrets: SecretReference[] = [
  { env: "HF_TOKEN", store: "ssm", parameter: "/team/hf-token" },
  { env: "DB_KEY", store: "secretsmanager", arn: SM_ARN, region: "us-west-2", account: "123456789012", partition: "aws" },
];
const awsSpec: RunScriptSpec = {
  cloud: { kind: "aws", bucket: "runs-bucket", prefix: "runs/r-1", groupName: "s-task-cluster-nodes" },
  taskName: "nn", runId: "r-1", nodes: 2, gpusPerNode: 8, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"],
  env: { WANDB_PROJECT: "imagenet" }, mounts: [], placementJson: '{"cloud":"aws"}', deadline: "2099-01-01T00:00:00Z", secrets: awsSecrets,
};

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/**
 * Boots one node: runs the boot lines with umask 022 in `dir`, `systemd-run` stubbed to run the
 * script at once; returns what the node left.
 */
function boot(dir: string, spec: RunScriptSpec, stub: (name: string, body: string) => void) {
  stub("docker", "exit 0");
  stub("seq", "echo 1; echo 2; echo 3");
  stub("sleep", "exit 0");
  // the workload: record what it was given
  stub("timeout", `case "$*" in *"bash -c"*) exit 0 ;; esac; printf '%s' "$HF_TOKEN" > ${dir}/seen-HF_TOKEN; printf '%s' "\${DB_KEY-}" > ${dir}/seen-DB_KEY; echo "$*" > ${dir}/workload-args; exit 0`);
  // a transient unit starts with systemd's default umask (022), not the boot script's
  stub("systemd-run", 'umask 022; exec bash "${@: -1}"');
  const lines = launchLines(spec).join("\n").replace(/\/opt\/hgpu/g, `${dir}/opt`).replace("/var/log/hgpu-task.log", `${dir}/task.log`);
  writeFileSync(`${dir}/boot.sh`, `umask 022\nset -euo pipefail\n${lines}\n`);
  const r = spawnSync("bash", [`${dir}/boot.sh`], { env: { PATH: `${dir}/bin:/usr/bin:/bin`, HOME: dir }, encoding: "utf8", timeout: 30000 });
  const read = (f: string) => (existsSync(`${dir}/${f}`) ? readFileSync(`${dir}/${f}`, "utf8") : "");
  return {
    code: r.status, stderr: r.stderr, script: lines, read,
    calls: read("calls").trim().split("\n").filter(Boolean),
    status: read("status") ? (JSON.parse(read("status")) as { exitCode: number; reason: string }) : undefined,
  };
}

/** Where a node's folder is removed: at the end of a test, or of a describe's cases that share the node. */
type Cleanup = Pick<TestContext, "onTestFinished">;

function tempNode(ctx: Cleanup) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-secrets-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(`${dir}/bin`);
  const stub = (name: string, body: string) => writeFileSync(`${dir}/bin/${name}`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return { dir, stub };
}

/**
 * One node booted for every case of a describe that only reads what it left (the first case to
 * ask boots it; its folder goes when the describe's cases end): a boot runs dozens of processes.
 */
function sharedNode<T>(boot: (cleanup: Cleanup) => T): () => T {
  let node: T | undefined;
  const removals: (() => void)[] = [];
  afterAll(() => removals.forEach((remove) => remove()));
  return () => (node ??= boot({ onTestFinished: (remove) => void removals.push(remove as () => void) }));
}

/** AWS: node 0 of 2 (IMDS answers "token" for its ID); `ssmFails` makes every GetParameter fail as IAM would. */
function awsNode(ctx: Cleanup, opts: { ssmFails?: boolean } = {}) {
  const { dir, stub } = tempNode(ctx);
  writeFileSync(`${dir}/hf`, VALUES.HF_TOKEN);
  writeFileSync(`${dir}/db`, VALUES.DB_KEY);
  stub("curl", "echo token");
  stub("aws", [
    'case "$1 $2" in',
    "  \"autoscaling describe-auto-scaling-groups\") printf 'token\\tz-2\\n' ;;",
    // reading node 0's published address (to stdout), else an upload
    `  "s3 cp") if [ "$5" = - ]; then echo 10.0.0.5; exit 0; fi; echo "upload $5" >> ${dir}/calls; { echo upload; env | grep -E '^(HF_TOKEN|DB_KEY)='; } >> ${dir}/aws-env; cat "$4" >> ${dir}/uploaded; case "$5" in *status.json) cp "$4" ${dir}/status ;; esac ;;`,
    '  "s3 ls") echo a; echo b ;;',
    `  "autoscaling update-auto-scaling-group") echo scale-to-zero >> ${dir}/calls ;;`,
    // the CLI's text output ends with a newline
    `  "ssm get-parameter") echo "aws $*" >> ${dir}/calls; ${opts.ssmFails ? 'echo "An error occurred (AccessDeniedException) when calling the GetParameter operation: not authorized" >&2; exit 254' : `cat ${dir}/hf; echo`} ;;`,
    // the first secret's file, as written (before any chmod): the umask alone made it 0600
    `  "secretsmanager get-secret-value") echo "aws $*" >> ${dir}/calls; stat -c %a ${dir}/opt/secrets/HF_TOKEN > ${dir}/mode-as-written; cat ${dir}/db; echo ;;`,
    "esac",
  ].join("\n"));
  return { dir, ...boot(dir, awsSpec, stub) };
}

describe("secrets on an AWS node: read with the node's role, kept in 0600 files, handed to the workload", () => {
  const booted = sharedNode((cleanup) => awsNode(cleanup));
  it("reads each secret with the AWS CLI (SSM with decryption, Secrets Manager in the secret's region)", () => {
    const r = booted();
    expect(r.code).toBe(0);
    expect(r.status).toMatchObject({ exitCode: 0, reason: "completed" });
    expect(r.calls.filter((c) => c.startsWith("aws "))).toEqual([
      "aws ssm get-parameter --name /team/hf-token --with-decryption --query Parameter.Value --output text",
      `aws secretsmanager get-secret-value --region us-west-2 --secret-id ${SM_ARN} --query SecretString --output text`,
    ]);
  });

  it("keeps them in files of mode 0600 in a folder of mode 0700, each holding the value exactly, and no partial file", () => {
    const r = booted();
    expect(mode(`${r.dir}/opt/secrets`)).toBe("700");
    expect(readdirSync(`${r.dir}/opt/secrets`).sort()).toEqual(["DB_KEY", "HF_TOKEN"]);
    for (const [name, value] of Object.entries(VALUES)) {
      expect(mode(`${r.dir}/opt/secrets/${name}`)).toBe("600");
      expect(readFileSync(`${r.dir}/opt/secrets/${name}`, "utf8")).toBe(value);
    }
    expect(r.read("mode-as-written").trim()).toBe("600");
  });

  it("writes the environment files 0600 in a 0700 folder, even over files that were world-readable", (ctx) => {
    const r = booted();
    for (const f of ["env.sh", "env.list"]) expect(mode(`${r.dir}/opt/${f}`)).toBe("600");
    expect(mode(`${r.dir}/opt`)).toBe("700");
    expect(mode(`${r.dir}/opt/run.sh`)).toBe("700");
    // a second boot over 0644 files (an image that had them) leaves them 0600
    const { dir, stub } = tempNode(ctx);
    mkdirSync(`${dir}/opt`, { mode: 0o755 });
    writeFileSync(`${dir}/opt/env.list`, "OLD=1\n", { mode: 0o644 });
    writeFileSync(`${dir}/opt/env.sh`, "", { mode: 0o644 });
    stub("curl", "echo token");
    stub("aws", 'case "$1 $2" in "autoscaling describe-auto-scaling-groups") printf \'token\\tz-2\\n\' ;; "ssm get-parameter"|"secretsmanager get-secret-value") echo v ;; "s3 ls") echo a; echo b ;; esac');
    boot(dir, awsSpec, stub);
    expect([mode(`${dir}/opt/env.list`), mode(`${dir}/opt/env.sh`)]).toEqual(["600", "600"]);
  });

  it("hands the workload each secret as its variable (docker -e NAME, from the environment, not a file on the command line)", () => {
    const r = booted();
    expect(r.read("seen-HF_TOKEN")).toBe(VALUES.HF_TOKEN);
    expect(r.read("seen-DB_KEY")).toBe(VALUES.DB_KEY);
    expect(r.read("workload-args")).toContain("--env-file " + `${r.dir}/opt/env.list -e HF_TOKEN -e DB_KEY `);
    expect(r.read("workload-args")).not.toContain("x".repeat(34));
    expect(r.read("opt/env.list")).not.toContain("HF_TOKEN");
  });

  it("exports the secrets in the workload's shell alone: the script's own cloud calls never see them (an AWS_* secret cannot change its credentials)", () => {
    const r = booted();
    expect(r.read("aws-env")).not.toContain("HF_TOKEN=");
    expect(r.read("aws-env")).toContain("upload");
  });

  it("never writes a value into the script, the log, the uploads or the status", () => {
    const r = booted();
    const seen = [r.script, r.read("task.log"), r.read("uploaded"), r.read("status"), r.stderr, r.read("calls")].join("\n");
    expect(seen).not.toContain("x".repeat(34));
    expect(seen).not.toContain("line two");
  });

  it("a secret the role cannot read: 4 tries, then node 0 reports secrets-unavailable (96), stops the group, and never runs the workload", (ctx) => {
    const r = awsNode(ctx, { ssmFails: true });
    expect(r.status).toMatchObject({ exitCode: 96, reason: "secrets-unavailable" });
    expect(r.calls.filter((c) => c.includes("ssm get-parameter"))).toHaveLength(4);
    expect(r.calls.at(-1)).toBe("scale-to-zero");
    expect(r.read("task.log")).toContain("hgpu: cannot read secret HF_TOKEN (ssm:/team/hf-token) with the node's identity");
    expect(r.read("task.log")).toContain("AccessDeniedException");
    expect(existsSync(`${r.dir}/seen-HF_TOKEN`)).toBe(false);
    expect(readdirSync(`${r.dir}/opt/secrets`)).toEqual([]);
  });
});

describe("secrets on an Azure node: an IMDS token for Key Vault, on curl's stdin", () => {
  function azureNode(ctx: Cleanup, opts: { denied?: boolean } = {}) {
    const { dir, stub } = tempNode(ctx);
    writeFileSync(`${dir}/kv.json`, JSON.stringify({ value: VALUES.HF_TOKEN, id: "https://ml-vault.vault.azure.net/secrets/hf-token/1" }));
    const nic = (n: number, ip: string) => `{"id":"/x/virtualMachines/${n}/networkInterfaces/nic","properties":{"ipConfigurations":[{"properties":{"privateIPAddress":"${ip}"}}]}}`;
    stub("curl", [
      `echo "curl $*" >> ${dir}/argv`,
      'url="${@: -1}"; data=""; method=GET; stdin_headers=0',
      'for ((i=1; i<=$#; i++)); do a="${!i}"; j=$((i+1)); case "$a" in --data-binary) data="${!j#@}" ;; -X) method="${!j}" ;; -H) [ "${!j}" = "@-" ] && stdin_headers=1 ;; esac; done',
      'case "$url" in',
      '  *metadata/instance/compute*) echo \'{"subscriptionId":"sub","resourceGroupName":"rg","vmScaleSetName":"vmss","name":"vm"}\' ;;',
      "  *privateIpAddress*) echo 10.0.0.5 ;;",
      '  *identity/oauth2/token*resource=https://vault.azure.net*) echo \'{"access_token":"kv-token"}\' ;;',
      '  *identity/oauth2/token*) echo \'{"access_token":"t"}\' ;;',
      `  https://ml-vault.vault.azure.net/secrets/hf-token\\?api-version=7.4) [ $stdin_headers = 1 ] && cat > ${dir}/kv-headers; ${opts.denied ? "exit 22" : `grep -q "^Authorization: Bearer kv-token$" ${dir}/kv-headers && cat ${dir}/kv.json`} ;;`,
      `  *networkInterfaces*) echo '{"value":[${nic(0, "10.0.0.5")},${nic(1, "10.0.0.6")}]}' ;;`,
      '  *comp=list*) echo "<Name>a</Name><Name>b</Name>" ;;',
      `  *virtualMachineScaleSets/vmss\\?api-version*) [ "$method" = PATCH ] && echo scale-to-zero >> ${dir}/calls ;;`,
      `  *) [ "$method" = PUT ] && { echo "upload $url" >> ${dir}/calls; cat "$data" >> ${dir}/uploaded; case "$url" in *status.json) cp "$data" ${dir}/status ;; esac; } ;;`,
      "esac",
    ].join("\n"));
    const spec: RunScriptSpec = { ...awsSpec, cloud: { kind: "azure", blobBaseUrl: "https://acct.blob.core.windows.net/runs/r-1" }, image: undefined as never, secrets: [{ env: "HF_TOKEN", store: "keyvault", vault: "ml-vault", secret: "hf-token" }] };
    return { dir, ...boot(dir, spec, stub) };
  }
  const booted = sharedNode((cleanup) => azureNode(cleanup));

  it("reads the secret's value with the node's identity into a 0600 file, and the workload on the host gets it", () => {
    const r = booted();
    expect(r.status).toMatchObject({ exitCode: 0, reason: "completed" });
    expect(r.read("kv-headers")).toBe("Authorization: Bearer kv-token\n");
    expect(mode(`${r.dir}/opt/secrets/HF_TOKEN`)).toBe("600");
    expect(readFileSync(`${r.dir}/opt/secrets/HF_TOKEN`, "utf8")).toBe(VALUES.HF_TOKEN);
    expect(r.read("seen-HF_TOKEN")).toBe(VALUES.HF_TOKEN);
  });

  it("keeps the Key Vault token off every command line and the value out of the log and uploads", () => {
    const r = booted();
    expect(r.read("argv")).toContain("https://ml-vault.vault.azure.net/secrets/hf-token?api-version=7.4");
    expect(r.read("argv")).not.toContain("kv-token");
    expect([r.read("task.log"), r.read("uploaded"), r.read("status")].join("\n")).not.toContain("x".repeat(34));
  });

  it("a secret the identity may not read: secrets-unavailable (96) and the scale set's capacity to 0", (ctx) => {
    const r = azureNode(ctx, { denied: true });
    expect(r.status).toMatchObject({ exitCode: 96, reason: "secrets-unavailable" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
    expect(r.read("task.log")).toContain("hgpu: cannot read secret HF_TOKEN (keyvault:ml-vault/hf-token) with the node's identity");
  });
});
