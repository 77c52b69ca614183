import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { blobSource } from "../../lib/task/task-text";
import { validationErrorOf, synth } from "../helpers";

const base: GpuTaskProps = { name: "nn", gpus: 8, image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py"] };
function make(props: Partial<GpuTaskProps>) {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { ...base, ...props });
  return { stack, task };
}
/** Secret-shaped fixtures, built at run time so that this file holds none. */
const hf = `hf_${"Q".repeat(4)}${"aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1".slice(0, 30)}`;
const akid = `AKIA${"IOSFODNN7EXAMPL2"}`;
const random40 = "9e7wQ2JxkL0pRzT4vB8nYc3M6aHdFg1sUq5WbN2+".replace("+", "Z");
const BY_REF = (name: string) => `pass it by reference, secrets: { ${name}: "ssm:/<path>" } (or secretsmanager:<ARN>, keyvault:<vault>/<secret>), read by the nodes at boot`;
const TEXT_RULE = "use text without line breaks, and without ${ or %{ (Terraform reads ${ and %{ as template syntax; escape them as $${ and %%{)";

describe("GpuTask env: a literal secret is refused, pointing to secrets", () => {
  it.each<[Record<string, string>, string]>([
    [{ HUGGING_FACE_HUB: hf }, `s/task: env.HUGGING_FACE_HUB "hf_Q... (37 characters)" is not valid: a literal that looks like a Hugging Face token lands in the plan, the user data and the state: ${BY_REF("HUGGING_FACE_HUB")}`],
    [{ AWS_ID: akid }, `s/task: env.AWS_ID "AKIA... (20 characters)" is not valid: a literal that looks like an AWS access key ID lands in the plan, the user data and the state: ${BY_REF("AWS_ID")}`],
    [{ MODEL_KEY_B64: random40 }, `s/task: env.MODEL_KEY_B64 "9e7w... (40 characters)" is not valid: a literal that looks like a high-entropy string (a key or token) lands in the plan, the user data and the state: ${BY_REF("MODEL_KEY_B64")}`],
    [{ GIT_REMOTE: "https://oauth2:plain-words@gitlab.example.com/ml/repo.git" }, `s/task: env.GIT_REMOTE "http... (57 characters)" is not valid: a literal that looks like a password in a URL lands in the plan, the user data and the state: ${BY_REF("GIT_REMOTE")}`],
    [{ WANDB_API_KEY: "3f786850e387550fdab836ed7e6dc881de23001b" }, `s/task: env.WANDB_API_KEY "3f78... (40 characters)" is not valid: its name says it holds a secret, and a literal lands in the plan, the user data and the state: ${BY_REF("WANDB_API_KEY")}`],
    [{ DB_PASSWORD: "hunter2" }, `s/task: env.DB_PASSWORD "hunt... (7 characters)" is not valid: its name says it holds a secret, and a literal lands in the plan, the user data and the state: ${BY_REF("DB_PASSWORD")}`],
  ])("%j", (env, message) => {
    expect(validationErrorOf(() => make({ env }))).toBe(message);
  });

  it("refuses a Terraform reference under a secret's name: its value is resolved into the user data", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const token = new TerraformVariable(stack, "hf", { type: "string", sensitive: true });
    expect(validationErrorOf(() => new GpuTask(stack, "task", { ...base, env: { HF_TOKEN: token.stringValue } }))).toBe(
      `s/task: env.HF_TOKEN "<reference>" is not valid: its name says it holds a secret, and a Terraform reference's value is written into the user data and the state: ${BY_REF("HF_TOKEN")}`);
  });

  it("accepts what looks random but is no secret, and secret-like names holding paths, flags and numbers", () => {
    const env = {
      RUN_ID: "550e8400-e29b-41d4-a716-446655440000",
      DATASET_SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      BASE_AMI: "ami-0abcdef1234567890",
      GIT_COMMIT: "3f786850e387550fdab836ed7e6dc881de23001b",
      MODEL: "meta-llama/Llama-3.1-8B-Instruct",
      TOKENIZERS_PARALLELISM: "false",
      MAX_TOKENS: "4096",
      GOOGLE_APPLICATION_CREDENTIALS: "/etc/gcp/key.json",
      HF_TOKEN_PATH: "/run/secrets/hf",
      PYTORCH_CUDA_ALLOC_CONF: "expandable_segments:True",
    };
    const boot = Object.values(synth(make({ env }).stack).locals as Record<string, string>)[0]!;
    expect(boot).toContain("export MODEL='meta-llama/Llama-3.1-8B-Instruct'");
    expect(boot).toContain("DATASET_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("GpuTask command: a literal secret is refused", () => {
  it("in an argument", () => {
    expect(validationErrorOf(() => make({ command: ["train.py", `--hub-token=${hf}`] }))).toBe(
      `s/task: command[1] "--hu... (49 characters)" is not valid: a literal that looks like a Hugging Face token lands in the plan, the user data and the state: ${BY_REF("NAME")}, and have the workload read it from its environment`);
  });
  it("accepts ordinary arguments", () => {
    expect(() => make({ command: ["train.py", "--model", "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4", "--seed", "1234", "--run", "550e8400-e29b-41d4-a716-446655440000"] })).not.toThrow();
  });
});

describe("Terraform expression injection: every string of a task that reaches Terraform refuses ${ and %{", () => {
  const EVIL = '${file("/etc/passwd")}';
  const blob = "https://mldata.blob.core.windows.net/datasets/imagenet";
  it.each<[Partial<GpuTaskProps>, string]>([
    [{ image: `nvcr.io/nvidia/${EVIL}` }, `s/task: image "nvcr.io/nvidia/\${file(\\"/etc/passwd\\")}" is not valid: ${TEXT_RULE}`],
    [{ command: ["train.py", "%{ if true }x%{ endif }"] }, `s/task: command[1] "%{ if true }x%{ endif }" is not valid: ${TEXT_RULE}`],
    [{ env: { X: EVIL } }, `s/task: env.X "\${file(\\"/etc/passwd\\")}" is not valid: ${TEXT_RULE}`],
    [{ env: { X: "a\nb" } }, `s/task: env.X "a\\nb" is not valid: ${TEXT_RULE}`],
    [{ dataPath: "/data", dataSource: `s3://ml-datasets/${EVIL}/` }, `s/task: dataSource "s3://ml-datasets/\${file(\\"/etc/passwd\\")}/" is not valid: use a URI without \${ or %{ (Terraform reads \${ and %{ as template syntax)`],
    [{ dataPath: "/data", dataSource: `${blob}?sv=2022-11-02&sig=abc` }, `s/task: dataSource "${blob}?..." is not valid: use a URI without a query or fragment: the file system reads the data with its own role, never a signed URL (a SAS token in it would sit in the plan and the state)`],
    [{ notify: `${EVIL}@example.com` }, `s/task: notify "\${file(\\"/etc/passwd\\")}@example.com" is not valid: use an e-mail address or an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`],
    [{ clouds: ["azure"], dataPath: "/data", dataSource: blob, azure: { dataStorageAccountId: EVIL } }, `s/task: azure.dataStorageAccountId "\${file(\\"/etc/passwd\\")}" is not valid: use the storage account's resource ID or a Terraform reference made in code, not \${ or %{ written as text (Terraform reads \${ and %{ as template syntax)`],
    [{ clouds: ["azure"], azure: { hpcCacheResourceProviderPrincipalId: EVIL } }, `s/task: azure.hpcCacheResourceProviderPrincipalId "\${file(\\"/etc/passwd\\")}" is not valid: use the object ID (a GUID) or a Terraform reference made in code, not \${ or %{ written as text (Terraform reads \${ and %{ as template syntax)`],
  ])("%j", (props, message) => {
    expect(validationErrorOf(() => make(props))).toBe(message);
  });

  it("no string prop carries an expression into the synthesized JSON: each is refused or never reaches it", () => {
    const injected: Partial<GpuTaskProps>[] = [
      { name: EVIL }, { image: EVIL }, { command: [EVIL] }, { env: { X: EVIL } }, { dataPath: EVIL, dataSource: "s3://b-1/x/" },
      { dataPath: "/data", dataSource: `s3://ml-datasets/${EVIL}` }, { notify: EVIL }, { regions: [EVIL] }, { accelerator: EVIL },
      { secrets: { X: `ssm:/${EVIL}` } }, { clouds: ["azure"], azure: { sshPublicKey: EVIL } },
      { clouds: ["azure"], azure: { dataStorageAccountId: EVIL }, dataPath: "/data", dataSource: "https://mldata.blob.core.windows.net/datasets/x" },
    ];
    for (const props of injected) {
      let json = "";
      try {
        json = Testing.synth(make(props).stack, true);
      } catch {
        continue;
      }
      expect(json, JSON.stringify(props)).not.toContain("file(");
    }
  });

  it("accepts Terraform's escapes, which render as text", () => {
    const boot = Object.values(synth(make({ command: ["train.py", "--pattern=$${HOME}", "100%"], env: { FMT: "%%{x}" } }).stack).locals as Record<string, string>)[0]!;
    expect(boot).toContain("'--pattern=$${HOME}' '100%'");
    expect(boot).toContain("export FMT='%%{x}'");
  });
});

describe("blobSource: a Blob dataSource's account, container and prefix", () => {
  it.each<[string, { account: string; container: string; prefix: string } | undefined]>([
    ["https://mldata.blob.core.windows.net/imagenet/train/", { account: "mldata", container: "imagenet", prefix: "/train" }],
    ["https://mldata.blob.core.windows.net/imagenet/a/b//", { account: "mldata", container: "imagenet", prefix: "/a/b" }],
    ["https://mldata.blob.core.windows.net/imagenet/", { account: "mldata", container: "imagenet", prefix: "/" }],
    ["https://mldata.blob.core.windows.net/imagenet", { account: "mldata", container: "imagenet", prefix: "/" }],
    [`https://${"a".repeat(24)}.blob.core.windows.net/${"c".repeat(63)}/x`, { account: "a".repeat(24), container: "c".repeat(63), prefix: "/x" }],
    [`https://${"a".repeat(25)}.blob.core.windows.net/imagenet/`, undefined],
    ["https://ml.blob.core.windows.net/imagenet/", undefined],
    ["https://ml-data.blob.core.windows.net/imagenet/", undefined],
    ["https://mldata.blob.core.windows.net/image--net/", undefined],
    ["https://mldata.blob.core.windows.net/Imagenet/", undefined],
    ["https://mldata.blob.core.windows.net/", undefined],
    ["https://mldata.dfs.core.windows.net/imagenet/", undefined],
    ["http://mldata.blob.core.windows.net/imagenet/", undefined],
    ["s3://mldata/imagenet/", undefined],
  ])("%s", (uri, parts) => {
    expect(blobSource(uri)).toEqual(parts);
  });

  it("a Blob dataSource loads the container's prefix into Managed Lustre (the HSM import prefix)", () => {
    const { stack } = make({ dataSource: "https://mldata.blob.core.windows.net/imagenet/train/", dataPath: "/data", clouds: ["azure"] });
    const amlfs = Object.values(synth(stack).resource.azurerm_managed_lustre_file_system) as { hsm_setting: { container_id: string; import_prefix: string } }[];
    expect(amlfs).toHaveLength(1);
    expect(amlfs[0]!.hsm_setting.import_prefix).toBe("/train");
    expect(amlfs[0]!.hsm_setting.container_id).toMatch(/\/blobServices\/default\/containers\/imagenet$/);
  });

  it("a dataSource that is neither S3 nor a valid Blob URI is refused", () => {
    expect(validationErrorOf(() => make({ dataSource: "https://ml-data.blob.core.windows.net/imagenet/", dataPath: "/data" }))).toBe(
      's/task: dataSource "https://ml-data.blob.core.windows.net/imagenet/" is not valid: use s3://bucket/prefix/ or https://<account>.blob.core.windows.net/<container>/<prefix>',
    );
  });
});
