import { describe, expect, it } from "vitest";
import { findSecretShape, findSecretShapes, looksRandom, namesASecret, redact, shannonEntropy } from "../../lib/core/secret-shapes";

/**
 * Fixtures are built at run time (a seeded generator, or a prefix and filler), so that this file
 * holds nothing a secret scanner would take for a real key.
 */
function seeded(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ALNUM = B64.slice(0, 62);
function random(length: number, alphabet = B64, seed = length): string {
  const next = seeded(seed * 7919 + alphabet.length);
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
}
const fill = (n: number, seed = n) => random(n, ALNUM, seed);

describe("findSecretShape: known token shapes", () => {
  it.each<[string, string]>([
    ["an AWS access key ID", `AKIA${"ABCDEFGHIJKLMNOP"}`],
    ["an AWS access key ID", `ASIA${"QRSTUVWXYZ234567"}`],
    ["a GitHub token", `ghp_${fill(36)}`],
    ["a GitHub token", `gho_${fill(36, 2)}`],
    ["a GitHub token", `github_pat_${fill(22)}_${fill(59)}`],
    ["a GitLab token", `glpat-${fill(20)}`],
    ["a Hugging Face token", `hf_${fill(34)}`],
    ["a Slack token", `xoxb-1234567890-${fill(24)}`],
    ["an Anthropic API key", `sk-ant-api03-${fill(40)}`],
    ["an OpenAI API key", `sk-proj-${fill(48)}`],
    ["an OpenAI API key", `sk-${fill(48, 3)}`],
    ["a Stripe key", `sk_live_${fill(24)}`],
    ["an npm token", `npm_${fill(36, 4)}`],
    ["a Google API key", `AIza${fill(35)}`],
    ["a JSON Web Token", `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${fill(43)}`],
    ["a private key", "-----BEGIN OPENSSH PRIVATE KEY-----"],
    ["a private key", "-----BEGIN RSA PRIVATE KEY-----"],
    ["a private key", "-----BEGIN PRIVATE KEY-----"],
    ["a private key", "-----BEGIN ENCRYPTED PRIVATE KEY-----"],
    ["a private key", "-----BEGIN PGP PRIVATE KEY BLOCK-----"],
    ["an Azure SAS signature", `https://acct.blob.core.windows.net/c/x?sv=2022-11-02&se=2030-01-01&sig=${encodeURIComponent(random(44))}`],
    ["a password in a URL", "postgres://trainer:hunter2-but-longer@db.internal:5432/runs"],
    ["a password in a URL", "https://oauth2:token-value@gitlab.example.com/ml/repo.git"],
  ])("%s: %s", (kind, text) => {
    expect(findSecretShape(text)?.kind).toBe(kind);
    // inside a longer text too (a boot script line, a tag value, an argument)
    expect(findSecretShape(`export X='${text}' # set by hand`)?.kind).toBe(kind);
  });
});

describe("findSecretShape: high-entropy strings", () => {
  it.each<[string, string]>([
    ["an AWS secret access key's shape (40 base64)", random(40, B64, 11)],
    ["an Azure storage account key's shape (88 base64)", `${random(86, B64, 12)}==`],
    ["a 32-character random alphanumeric API key", random(32, ALNUM, 13)],
    ["a 64-character base64url token", random(64, `${ALNUM}-_`, 14)],
    ["a 24-character random password", random(24, ALNUM, 15)],
  ])("%s", (_what, text) => {
    expect(findSecretShape(text)).toEqual({ kind: "a high-entropy string (a key or token)", match: text });
    expect(findSecretShape(`--key=${text}`)?.match).toBe(text);
  });

  it("finds every secret in a text, each once", () => {
    const key = random(40, B64, 21);
    const found = findSecretShapes(`aws configure set aws_access_key_id AKIA${"ABCDEFGHIJKLMNOP"}; aws configure set aws_secret_access_key ${key}`);
    expect(found.map((f) => f.kind)).toEqual(["an AWS access key ID", "a high-entropy string (a key or token)"]);
    expect(found[1]!.match).toBe(key);
  });

  it("reads Terraform interpolations too: references pass, a literal hidden in an expression does not", () => {
    expect(findSecretShapes("${aws_s3_bucket.task_runs_1A2B3C4D.bucket}/runs/${terraform_data.task_started_9F8E7D6C.id}")).toEqual([]);
    expect(findSecretShapes("${azurerm_user_assigned_identity.task_cluster_identity_0A1B2C3D.principal_id}")).toEqual([]);
    const key = random(40, B64, 31);
    expect(findSecretShapes(`\${base64decode("${Buffer.from(key).toString("base64")}")}`).map((f) => f.kind)).toEqual(["a high-entropy string (a key or token)"]);
    expect(findSecretShape(`\${"hf_${fill(34)}"}`)?.kind).toBe("a Hugging Face token");
  });
});

describe("findSecretShape: what looks random but is no secret passes", () => {
  it.each([
    ["a UUID", "550e8400-e29b-41d4-a716-446655440000"],
    ["a sha256 digest", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["an upper-case sha256 digest", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"],
    ["an image pinned by digest", "nvcr.io/nvidia/pytorch@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["a git commit", "3f786850e387550fdab836ed7e6dc881de23001b"],
    ["an AMI ID", "ami-0abcdef1234567890"],
    ["an SSM path to an AMI", "resolve:ssm:/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id"],
    ["an instance ID", "i-0123456789abcdef0"],
    ["a KMS key ID", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["an ECR image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0"],
    ["an NGC image", "nvcr.io/nvidia/pytorch:24.05-py3"],
    ["a model name", "meta-llama/Llama-3.1-8B-Instruct"],
    ["a model name", "mistralai/Mixtral-8x7B-Instruct-v0.1"],
    ["a model name", "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4"],
    ["a model name", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"],
    ["a model name", "NousResearch/Hermes-2-Pro-Llama-3-8B"],
    ["a model name", "sentence-transformers/all-MiniLM-L6-v2"],
    ["a data set", "HuggingFaceH4/ultrachat_200k"],
    ["an Azure resource ID", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/mldata"],
    ["an IAM role ARN", "arn:aws:iam::123456789012:role/MyTrainingRole-2024"],
    ["a Secrets Manager ARN (a reference, not a value)", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/hf-token-Ab12Cd"],
    ["a checkpoint path", "/fsx/checkpoints/run-2024-05-01T12:00:00Z/step_000120000"],
    ["an S3 URI", "s3://ml-datasets/imagenet/train-00001-of-01024"],
    ["a Blob URI", "https://mldata.blob.core.windows.net/datasets/imagenet"],
    ["an allocator setting", "expandable_segments:True,max_split_size_mb:512"],
    ["a file name", "ILSVRC2012_img_val_00000001.JPEG"],
    ["a run name", "train_2024Q3_v2_final_B16"],
    ["sk-learn words", "sk-learn-classifier-baseline-v2"],
    ["a git remote without a password", "git@github.com:org/repo.git"],
    ["a URL with a user and no password", "https://user@example.com/x"],
    ["the empty string", ""],
  ])("%s: %s", (_what, text) => {
    expect(findSecretShapes(text)).toEqual([]);
  });

  it("looksRandom needs 20 characters, all three classes, case flips and entropy", () => {
    const key = random(40, B64, 11);
    expect(looksRandom(key)).toBe(true);
    expect(looksRandom(key.slice(0, 19))).toBe(false);
    expect(looksRandom(key.toLowerCase())).toBe(false);
    expect(looksRandom(key.replace(/[0-9]/g, "x"))).toBe(false);
    expect(looksRandom("Ab1".repeat(10))).toBe(false); // 3 symbols: 1.6 bits a character
  });

  it.each<[string, string, boolean]>([
    ["20 characters, each once", "aB1cD2eF3gH4iJ5kL6mN", true],
    ["19 characters and base64 padding", "aB1cD2eF3gH4iJ5kL6m==", false],
    ["20 characters and base64 padding", "aB1cD2eF3gH4iJ5kL6mN==", true],
    ["no digit", "aBcDeFgHiJkLmNoPqRsTuVwXyZ+/", false],
    ["no two letters side by side", "a1B2c3D4e5F6g7H8i9J0k1L2", false],
    ["no case flip", "ABCDEFGHIJ0123456789klmnop", false],
    ["case flips at exactly a quarter of the letter pairs", "Abcde0123456789+/-_F", true],
    ["two-letter pairs are no words", "Ab0Cd1Ef2Gh3Ij4Kl5Mn6Op7", true],
    ["lower-case letters in runs of two are no words", "abCd1efGh2ijKl3mnOp4qrSt5", true],
    ["words covering exactly 60%", "AbcDefGhiJkl01234567", false],
    ["words covering 45%", "AbcDefGhiJk012345678", true],
    ["entropy at exactly 80% of the most (16 symbols twice in 32: 4 of 5 bits)", "aB1cD2eF3gH4iJ5kaB1cD2eF3gH4iJ5k", true],
  ])("looksRandom: %s (%s) is %s", (_what, word, expected) => {
    expect(looksRandom(word)).toBe(expected);
  });

  it("a random run inside a known shape is reported once, as the known shape", () => {
    const password = random(24, ALNUM, 41);
    expect(looksRandom(password)).toBe(true);
    expect(findSecretShapes(`https://trainer:${password}@db.internal/runs`)).toEqual([{ kind: "a password in a URL", match: `https://trainer:${password}@` }]);
  });

  it("shannonEntropy: bits per character", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

describe("namesASecret", () => {
  it.each([
    ["HF_TOKEN", "x"], ["WANDB_API_KEY", "3f786850e387550fdab836ed7e6dc881de23001b"], ["DB_PASSWORD", "hunter2"],
    ["AWS_SECRET_ACCESS_KEY", "abc"], ["GITHUB_PAT", "abc"], ["MLFLOW_TRACKING_PASSWORD", "abc"], ["AZURE_CLIENT_SECRET", "abc"],
    ["STORAGE_ACCOUNT_KEY", "abc"], ["SECRET", "abc"], ["api_key", "abc"], ["OPENAI_API_KEY_2", "abc"], ["HUGGING_FACE_HUB_TOKEN", "abc"],
    ["API_KEY_PROD", "abc"], ["DB_PASSWORD", "hunter2/with-a-slash"], ["HF_TOKEN_SECRET_X", "abc"],
  ])("%s=%s is a secret by its name", (name, value) => {
    expect(namesASecret(name, value)).toBe(true);
  });
  it.each([
    ["TOKENIZERS_PARALLELISM", "false"], ["MAX_TOKENS", "4096"], ["HF_TOKEN", ""], ["NUM_TOKEN", "5"], ["HF_HUB_DISABLE_TOKEN", "1"],
    ["GOOGLE_APPLICATION_CREDENTIALS", "/etc/gcp/key.json"], ["HF_TOKEN_PATH", "/run/hf"], ["SSH_PRIVATE_KEY_FILE", "./id_ed25519"],
    ["SECRET_DIR", "/opt/secrets"], ["HF_TOKEN_FILE", "token.txt"], ["HF_TOKEN_PATH", "run/hf"], ["SECRET_DIR", "secrets"],
    ["HF_TOKEN_URL", "https://vault.internal/hf"], ["HF_TOKEN", "4096"], ["DB_PASSWORD", " true "], ["DB_PASSWORD", "   "], ["", "abc"], ["KEY", "value"], ["PRIMARY_KEY_COLUMN", "id"], ["NCCL_SOCKET_IFNAME", "eth0"], ["DATA_PATH", "/dataset/imagenet"],
  ])("%s=%s is not", (name, value) => {
    expect(namesASecret(name, value)).toBe(false);
  });
});

describe("redact", () => {
  it("keeps the first 4 characters and the length", () => {
    expect(redact(`hf_${"a".repeat(34)}`)).toBe("hf_a... (37 characters)");
  });
});
