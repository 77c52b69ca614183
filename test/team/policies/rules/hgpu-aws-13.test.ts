import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { VpnConnection, type VpnConnectionConfig } from "@cdktf/provider-aws/lib/vpn-connection";
import { Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster } from "../../../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../../../lib/aws/network";
import { GpuTask } from "../../../../lib/task/gpu-task";
import { awsStack } from "../helpers";
import { expected, findings } from "./findings";
import { GITHUB } from "./secret-fixtures";

const ID = "HGPU-AWS-13";
const flagged = (...lines: [string, string][]) => expected("error", ID, "No secrets in plain text", ...lines);
const vpn = (stack: TerraformStack, id: string, props: Partial<VpnConnectionConfig> = {}) => new VpnConnection(stack, id, { customerGatewayId: "cgw-0123456789abcdef0", type: "ipsec.1", transitGatewayId: "tgw-0123456789abcdef0", ...props });
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("HGPU-AWS-13 No secrets in plain text", () => {
  it("Compliance: generated, sensitive-variable and secret-store pre-shared keys; clean user data and tags", () => {
    const stack = awsStack();
    const psk = new TerraformVariable(stack, "psk", { type: "string", sensitive: true });
    const stored = new DataAwsSecretsmanagerSecretVersion(stack, "stored", { secretId: "vpn/psk" });
    vpn(stack, "generated");
    vpn(stack, "by-reference", { tunnel1PresharedKey: psk.stringValue, tunnel2PresharedKey: stored.secretString });
    new LaunchTemplate(stack, "lt", { instanceType: "p5.48xlarge", userData: base64("#!/bin/bash\nexport NCCL_DEBUG=INFO\nexport HF_TOKEN=\"$(aws ssm get-parameter --name /hf --with-decryption --query Parameter.Value --output text)\"\n") });
    // boundary: IDs, digests and a secret-named variable with a boolean are not secrets
    new Instance(stack, "vm", {
      ami: "ami-0abcdef1234567890", instanceType: "g5.xlarge",
      userData: "#!/bin/bash\nRUN=550e8400-e29b-41d4-a716-446655440000\nIMAGE=nvcr.io/nvidia/pytorch@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nTOKENIZERS_PARALLELISM=false\n",
      tags: { Name: "gpu-0", run: "550e8400-e29b-41d4-a716-446655440000" },
    });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Compliance: a GpuTask (its env written into its boot script) and an AwsGpuCluster raise nothing", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new GpuTask(stack, "task", { name: "train", gpus: 16, clouds: ["aws"], command: ["train.py"], env: { WANDB_PROJECT: "imagenet", TOKENIZERS_PARALLELISM: "false" } });
    expect(findings(stack, ID)).toEqual([]);
  });

  it("Noncompliance: literal, non-sensitive, defaulted and computed pre-shared keys", () => {
    const stack = awsStack();
    const plain = new TerraformVariable(stack, "plain", { type: "string" });
    const defaulted = new TerraformVariable(stack, "defaulted", { type: "string", sensitive: true, default: "correct-horse-battery" });
    vpn(stack, "literal", { tunnel1PresharedKey: "abcdefgh12345678" });
    vpn(stack, "variables", { tunnel1PresharedKey: plain.stringValue, tunnel2PresharedKey: defaulted.stringValue });
    vpn(stack, "computed", { tunnel1PresharedKey: Fn.join("", ["abcd", plain.stringValue]) });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/literal", "tunnel1_preshared_key is a literal key in the code (abcd... (16 characters)): use a sensitive variable or a secret store's data source"],
      ["s/variables", "tunnel1_preshared_key is variable plain, which is not sensitive (plans and logs show it): mark it sensitive; tunnel2_preshared_key is variable defaulted, whose default is a literal key in the code: remove the default and mark the variable sensitive"],
      ["s/computed", `tunnel1_preshared_key is "\${join(\\"\\", [\\"abcd\\", var.plain])}", an expression that may hold a literal key, which the pack cannot verify: use a sensitive variable or a secret store's data source`],
    ));
  });

  it("Noncompliance: tokens in user data (plain, base64, a cluster's boot-script local) and in tags; user data read from a file", () => {
    const stack = awsStack();
    new Instance(stack, "vm", { ami: "ami-0abcdef1234567890", instanceType: "g5.xlarge", userData: "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n" });
    new LaunchTemplate(stack, "lt", { instanceType: "g5.xlarge", userData: base64(`#!/bin/bash\ngit clone https://github.com/org/repo --config http.extraheader="AUTHORIZATION: bearer ${GITHUB}"\n`) });
    new LaunchTemplate(stack, "from-file", { instanceType: "g5.xlarge", userData: Fn.filebase64("boot.sh") });
    new S3Bucket(stack, "bucket", { tags: { "hf-token": "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh", owner: "ml" } });
    const network = new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"] });
    new AwsGpuCluster(stack, "cluster", { network, instanceType: "g5.xlarge", nodes: 1, userData: ["export WANDB_API_KEY=0123456789abcdef0123456789abcdef01234567"] });
    expect(findings(stack, ID)).toEqual(flagged(
      ["s/vm", "user_data holds an AWS access key ID (AKIA... (20 characters))"],
      ["s/lt", "user_data holds a GitHub token (ghp_... (40 characters))"],
      ["s/from-file", 'user_data is "${filebase64(\\"boot.sh\\")}", which the pack cannot verify: use a literal value or suppress with a reason'],
      ["s/cluster/lt", "user_data holds a literal value of WANDB_API_KEY, whose name says it is a secret (0123... (40 characters))"],
      ["s/bucket", 'tags "hf-token" holds a Hugging Face token (hf_A... (37 characters))'],
    ));
  });
});
