import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { launchLines, runScript, shellQuote, type RunScriptSpec } from "../../lib/task/run-script";

const aws: RunScriptSpec = {
  cloud: { kind: "aws", bucket: "runs-bucket", prefix: "runs/r-1", groupName: "s-task-cluster-nodes" },
  taskName: "nn", runId: "r-1", nodes: 4, gpusPerNode: 8,
  image: "nvcr.io/nvidia/pytorch:24.05-py3", command: ["train.py", "--name", "it's here"],
  env: { FI_PROVIDER: "efa", DATA_PATH: "/dataset/imagenet" },
  mounts: [{ host: "/fsx", container: "/fsx" }, { host: "/fsx/dataset/imagenet", container: "/dataset/imagenet", readOnly: true }],
  placementJson: '{"cloud":"aws"}', deadline: "2026-11-29T06:00:00Z",
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
    expect(script).toContain('timeout --signal=TERM --kill-after=5m "$REMAIN"s docker run');
    expect(script).toContain(`REMAIN=$(( $(date -d "$DEADLINE" +%s) - $(date +%s) - 600 ))`);
  });

  it("runs the command on the host without an image", () => {
    expect(runScript({ ...aws, image: undefined as never })).toContain(`timeout --signal=TERM --kill-after=5m "$REMAIN"s torchrun 'train.py' '--name' 'it'\\''s here'`);
  });

  it("on AWS: elects the lowest InService instance, writes logs and statuses to S3, and scales its own group to zero", () => {
    const script = runScript(aws);
    expect(script).toContain("--auto-scaling-group-names \"$GROUP\"");
    expect(script).toContain("BASE='s3://runs-bucket/runs/r-1'");
    expect(script).toContain("retry put_object /opt/hgpu/status.json status.json");
    expect(script).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name "$GROUP" --min-size 0 --max-size 0 --desired-capacity 0');
    expect(script.lastIndexOf("report \"$CODE\"")).toBeLessThan(script.lastIndexOf("retry scale_to_zero"));
  });

  it("on Azure: finds peers through the scale set's NICs, writes blobs with the managed identity, and sets capacity 0", () => {
    const script = runScript({ ...azure, image: undefined as never });
    expect(script).toContain('"$ARM/networkInterfaces?api-version=2018-10-01"');
    expect(script).toContain('-H "x-ms-blob-type: BlockBlob"');
    expect(script).toContain(`-d '{"sku":{"capacity":0}}' "$ARM?api-version=2023-09-01"`);
  });
});

describe("runScript behaviour, run in bash with stubbed cloud commands", () => {
  // The AWS script with aws, curl, docker, date... stubbed: prints what it uploads and whether it scales to zero.
  function run(spec: RunScriptSpec, stubs: Record<string, string>, head: boolean) {
    const dir = require("node:fs").mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "hgpu-run-"));
    const fs = require("node:fs");
    const bin = `${dir}/bin`;
    fs.mkdirSync(bin);
    const stub = (name: string, body: string) => fs.writeFileSync(`${bin}/${name}`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    stub("curl", "echo token");
    stub("aws", [
      'case "$1 $2" in',
      // the stubbed IMDS answers "token" for this node's ID: list it first (node 0) or after "a-0"
      `  "autoscaling describe-auto-scaling-groups") ${head ? "printf 'token\\tz-2\\n'" : "printf 'a-0\\ttoken\\n'"} ;;`,
      '  "ec2 describe-instances") echo 10.0.0.5 ;;',
      `  "s3 cp") echo "upload $5" >> ${dir}/calls; [ "$5" != "\${5%status.json}" ] && touch ${dir}/status-written ;;`,
      `  "s3 ls") case "$3" in *status.json) [ -e ${dir}/status-written ] && echo status.json ;; *) echo n1.json; echo n2.json ;; esac ;;`,
      `  "autoscaling update-auto-scaling-group") echo "scale-to-zero" >> ${dir}/calls ;;`,
      "esac",
    ].join("\n"));
    stub("timeout", stubs.workload ?? "exit 0");
    stub("docker", "exit 0");
    stub("sleep", "exit 0");
    stub("systemd-run", "exit 0");
    const script = runScript(spec).replace(/\/opt\/hgpu/g, `${dir}/opt`).replace("/var/log/hgpu-task.log", `${dir}/task.log`).replace(/put_object \/opt/g, "put_object /opt");
    fs.mkdirSync(`${dir}/opt`);
    fs.writeFileSync(`${dir}/opt/env.sh`, "");
    fs.writeFileSync(`${dir}/opt/env.list`, "");
    fs.writeFileSync(`${dir}/run.sh`, script);
    const r = spawnSync("bash", [`${dir}/run.sh`], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir }, encoding: "utf8", timeout: 20000 });
    const calls = fs.existsSync(`${dir}/calls`) ? fs.readFileSync(`${dir}/calls`, "utf8") : "";
    return { code: r.status, calls, stderr: r.stderr };
  }
  const spec: RunScriptSpec = { ...aws, nodes: 2, image: undefined as never, deadline: "2099-01-01T00:00:00Z" };

  it("node 0: runs, reports status, and stops the group", () => {
    const r = run(spec, {}, true);
    expect(r.code).toBe(0);
    expect(r.calls).toContain("upload s3://runs-bucket/runs/r-1/status.json");
    expect(r.calls.trim().split("\n").pop()).toBe("scale-to-zero");
  });
  it("another node whose workload fails: reports if node 0 did not, and stops the group too", () => {
    const r = run(spec, { workload: "exit 3" }, false);
    expect(r.code).toBe(3);
    expect(r.calls).toContain("upload s3://runs-bucket/runs/r-1/nodes/");
    expect(r.calls).toContain("status.json");
    expect(r.calls).toContain("scale-to-zero");
  });
  it("a group that never fills up: reports exit 97 and stops the group instead of idling", () => {
    const r = run({ ...spec, nodes: 4 }, {}, true);
    expect(r.code).toBe(97);
    expect(r.calls).toContain("status.json");
    expect(r.calls).toContain("scale-to-zero");
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

describe("EFA inside the container", () => {
  it("mounts the host's EFA libraries read-only and puts them first on the library path", () => {
    const script = runScript({ ...aws, efaHostLibraries: true });
    expect(script).toContain("-v '/opt/amazon:/opt/amazon:ro'");
    expect(script).toContain(`bash -c 'export LD_LIBRARY_PATH=/opt/amazon/ofi-nccl/lib/x86_64-linux-gnu:/opt/amazon/ofi-nccl/lib:/opt/amazon/efa/lib:$LD_LIBRARY_PATH; exec "$@"' -- torchrun 'train.py'`);
    expect(bashSyntax(script)).toBe("ok");
    expect(runScript(aws)).not.toContain("/opt/amazon");
  });
});
