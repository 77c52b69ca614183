import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { launchLines, runScript, shellQuote, type RunScriptSpec } from "../../lib/task/run-script";

const aws: RunScriptSpec = {
  cloud: { kind: "aws", bucket: "runs-bucket", prefix: "runs/r-1", groupName: "s-task-cluster-nodes" },
  taskName: "nn", runId: "r-1", nodes: 4, gpusPerNode: 8,
  image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py", "--name", "it's here"],
  env: { FI_PROVIDER: "efa", DATA_PATH: "/dataset/imagenet" },
  mounts: [{ host: "/fsx", container: "/fsx" }, { host: "/fsx/dataset/imagenet", container: "/dataset/imagenet", readOnly: true }],
  placementJson: '{"cloud":"aws"}', maxRuntimeMinutes: 710,
};
const azure: RunScriptSpec = { ...aws, cloud: { kind: "azure", blobBaseUrl: "https://acct.blob.core.windows.net/runs/r-1" }, image: undefined as never };

function bashSyntax(script: string): string {
  const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  return r.status === 0 ? "ok" : r.stderr;
}

describe("runScript", () => {
  it.each([["aws", aws], ["azure", { ...azure, image: undefined }]])("is valid bash without Terraform template syntax (%s)", (_name, spec) => {
    const script = runScript(spec as RunScriptSpec);
    expect(bashSyntax(script)).toBe("ok");
    expect(script).not.toMatch(/\$\{|%\{/);
  });

  it("runs torchrun with c10d rendezvous on node 0 through the PET_* variables", () => {
    const script = runScript(aws);
    expect(script).toContain('export PET_NNODES=$NODES PET_NPROC_PER_NODE=$GPUS_PER_NODE PET_RDZV_BACKEND=c10d PET_RDZV_ENDPOINT="$HEAD_IP:29400" PET_RDZV_ID="$RUN_ID" PET_MAX_RESTARTS=0');
    expect(script).toContain("NODES=4\nGPUS_PER_NODE=8");
    expect(script).toContain("'nvcr.io/nvidia/pytorch:24.05-py3' torchrun 'train.py' '--name' 'it'\\''s here'");
    expect(script).toContain("--gpus all --network host --ipc host");
    expect(script).toContain("-v '/fsx/dataset/imagenet:/dataset/imagenet:ro'");
    expect(script).toContain("timeout --signal=TERM --kill-after=5m 710m docker run");
  });

  it("runs the command on the host without an image", () => {
    expect(runScript({ ...aws, image: undefined as never })).toContain("timeout --signal=TERM --kill-after=5m 710m torchrun 'train.py' '--name' 'it'\\''s here'");
  });

  it("on AWS: elects the lowest InService instance, writes logs and statuses to S3, and scales its own group to zero", () => {
    const script = runScript(aws);
    expect(script).toContain("--auto-scaling-group-names \"$GROUP\"");
    expect(script).toContain("BASE='s3://runs-bucket/runs/r-1'");
    expect(script).toContain("put_object /opt/hgpu/status.json status.json");
    expect(script).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name "$GROUP" --min-size 0 --max-size 0 --desired-capacity 0');
    expect(script.indexOf("put_object /opt/hgpu/status.json")).toBeLessThan(script.indexOf("  scale_to_zero"));
  });

  it("on Azure: finds peers through the scale set's NICs, writes blobs with the managed identity, and sets capacity 0", () => {
    const script = runScript({ ...azure, image: undefined as never });
    expect(script).toContain('"$ARM/networkInterfaces?api-version=2018-10-01"');
    expect(script).toContain('-H "x-ms-blob-type: BlockBlob"');
    expect(script).toContain(`-d '{"sku":{"capacity":0}}' "$ARM?api-version=2023-09-01"`);
  });
});

describe("launchLines", () => {
  it("writes the run script and the environment, then starts it as a transient service", () => {
    const lines = launchLines(aws);
    expect(lines).toContain("export DATA_PATH='/dataset/imagenet'");
    expect(lines).toContain("DATA_PATH=/dataset/imagenet");
    expect(lines[lines.length - 1]).toBe("systemd-run --unit hgpu-task --description 'hgpu task' /opt/hgpu/run.sh");
    expect(bashSyntax(lines.join("\n"))).toBe("ok");
  });
  it("quotes for bash", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
