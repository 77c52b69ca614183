/**
 * Where HGPU-AWS-13 and HGPU-AZ-13 look for secrets, and what they must not mistake for one. The
 * shapes are lib/core/secret-shapes.ts's (tested there); these tests hold the policy layer to its
 * guards (public keys, certificates, integrity hashes, IDs), its decoding (nested base64, gzip) and
 * its reading of NAME=value lines.
 */
import fc from "fast-check";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeBase64Text, describeAll, isWholeExpression, secretsInText } from "../../../../lib/team/policies/rules/plain-secrets";
import { SSH_KEY } from "../helpers";
import { GITHUB } from "./secret-fixtures";

const kinds = (text: string) => secretsInText(text, "user_data").map((s) => s.kind);
const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });

/** An OpenSSH ed25519 public key line for 32 key bytes (the wire format: two length-prefixed strings). */
function sshEd25519(key: Uint8Array): string {
  const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([part(Buffer.from("ssh-ed25519")), part(Buffer.from(key))]).toString("base64")} ml@example`;
}

/** A PEM block of `label` around random base64, 64 characters a line. */
function pem(label: string, bytes = 300): string {
  return `-----BEGIN ${label}-----\n${randomBytes(bytes).toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----`;
}

describe("secretsInText", () => {
  it.each([
    ["a UUID", "RUN=550e8400-e29b-41d4-a716-446655440000"],
    ["an image digest", "docker pull nvcr.io/nvidia/pytorch@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["an AMI and a subnet", "aws ec2 run-instances --image-id ami-0abcdef1234567890 --subnet-id subnet-0a1b2c3d4e5f67890"],
    ["an ARN", "ROLE=arn:aws:iam::123456789012:role/MyTrainingRole-2024"],
    ["an Azure resource ID", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.Compute/virtualMachineScaleSets/s-task-cluster"],
    ["a Terraform reference", "RUN_ID='${terraform_data.task_started_6FD60E8D.id}'"],
    ["an SSH public key", `echo '${SSH_KEY}' >> ~/.ssh/authorized_keys`],
    ["a certificate", `cat > /etc/ssl/ca.pem <<EOF\n${pem("CERTIFICATE")}\nEOF`],
    ["a PEM public key", String(generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }))],
    ["a subresource-integrity hash", `integrity="sha512-${randomBytes(64).toString("base64")}"`],
    ["a secret-named variable holding a path or a shell expansion", "export GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp.json\nexport HF_TOKEN=\"$(cat /run/secrets/hf)\"\nTOKENIZERS_PARALLELISM=false"],
  ])("passes %s", (_what, text) => {
    expect(secretsInText(text, "user_data")).toEqual([]);
  });

  it.each([
    ["an AWS access key ID", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", ["an AWS access key ID"]],
    ["an AWS secret access key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ["a high-entropy string (a key or token)"]],
    ["a GitHub token", `git clone https://x-access-token:${GITHUB}@github.com/org/repo`, ["a GitHub token", "a password in a URL"]],
    ["a Hugging Face token in an env file line", "HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh", ["a Hugging Face token"]],
    ["a Slack token", "SLACK=xoxb-123456789012-abcdefghijkl", ["a Slack token"]],
    ["an Azure storage account key", "DefaultEndpointsProtocol=https;AccountName=mlruns;AccountKey=fGGhBwbP39SbxWM9WO6xox+MAVjCgxCSRRNlxWthajNMZ7+FNdYcPhsdZ5TEcD55xrY7IMbVgwENm6GDYVBwyg==", ["a high-entropy string (a key or token)"]],
  ])("flags %s", (_what, text, expectedKinds) => {
    expect(kinds(text)).toEqual(expectedKinds);
  });

  it("flags a private key once (by its header, not its body again), and the key but not its certificate", () => {
    const key = String(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(kinds(`${pem("CERTIFICATE")}\n${key}`)).toEqual(["a private key"]);
    expect(kinds(pem("RSA PRIVATE KEY"))).toEqual(["a private key"]);
  });

  it("reads base64-encoded text (cloud-init b64 content) decoded, and reports gzip-compressed data as unreadable", () => {
    const encoded = Buffer.from(`#!/bin/bash\nexport GH=${GITHUB}\n`).toString("base64");
    expect(secretsInText(`write_files:\n- encoding: b64\n  content: ${encoded}`, "user_data")).toEqual([
      { where: "user_data (base64-encoded text)", kind: "a GitHub token", redacted: "ghp_... (40 characters)" },
    ]);
    expect(kinds(`content: H4sIAAAAAAAAA${randomBytes(60).toString("base64")}`)).toEqual(["gzip-compressed base64 data, which the pack cannot read (write it uncompressed or suppress with a reason)"]);
  });

  it("flags a NAME=value line whose name says it holds a secret, even when the value has no shape (a hex W&B key)", () => {
    expect(secretsInText("export WANDB_API_KEY='0123456789abcdef0123456789abcdef01234567'\nDB_PASSWORD: hunter2hunter2", "custom_data")).toEqual([
      { where: "custom_data", kind: "a literal value of WANDB_API_KEY, whose name says it is a secret", redacted: "0123... (40 characters)" },
      { where: "custom_data", kind: "a literal value of DB_PASSWORD, whose name says it is a secret", redacted: "hunt... (14 characters)" },
    ]);
  });

  it("never shows more of a secret than its first 4 characters (property)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 36, maxLength: 36 }), (body) => {
      const token = `ghp_${body}`;
      const lines = describeAll(secretsInText(`#!/bin/bash\nexport GH_TOKEN=${token}\n`, "user_data"));
      return lines.length > 0 && lines.every((l) => !l.includes(token.slice(4)) && l.includes("ghp_..."));
    }));
  });

  it("passes any UUID, sha256 digest, AMI ID or SSH public key (property)", () => {
    fc.assert(fc.property(fc.uuid(), hex(64), hex(17), fc.uint8Array({ minLength: 32, maxLength: 32 }), (uuid, digest, ami, key) =>
      secretsInText(`RUN=${uuid}\nIMAGE=repo/img@sha256:${digest}\nAMI=ami-${ami}\n${sshEd25519(key)}`, "user_data").length === 0));
  });
});

describe("decodeBase64Text and isWholeExpression", () => {
  it("decodes base64 of printable text and refuses binary or non-base64 (property)", () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 200, unit: fc.constantFrom(..." \nabcdefXYZ0123456789=#!/-_.'\"") }), (text) =>
      decodeBase64Text(Buffer.from(text).toString("base64")) === text));
    expect(decodeBase64Text(Buffer.from([0, 1, 2, 3, 255, 254, 10, 200]).toString("base64"))).toBeUndefined();
    expect(decodeBase64Text("#!/bin/bash")).toBeUndefined();
  });

  it("tells one interpolation from text with interpolations in it", () => {
    expect(["${var.x}", '${templatefile("boot.sh", { a = "}" })}', "${base64encode(local.x)}"].map(isWholeExpression)).toEqual([true, true, true]);
    expect(["${var.a}-${var.b}", "echo ${var.x}", "plain"].map(isWholeExpression)).toEqual([false, false, false]);
  });
});
