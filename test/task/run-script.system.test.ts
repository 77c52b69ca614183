import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
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
    expect(script).toContain('export PET_NNODES=$NODES PET_NPROC_PER_NODE=$GPUS_PER_NODE PET_RDZV_BACKEND=c10d PET_RDZV_ENDPOINT="$HEAD_IP:29400" PET_RDZV_ID="$RUN_ID" PET_RDZV_CONF="$RDZV_CONF" PET_MAX_RESTARTS=0');
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

/**
 * Runs a run script in bash inside `dir`, its /opt/hgpu and log moved there and the stubs of
 * `dir/bin` first on the PATH; returns its exit code and what it left: the stubs' calls, the run's
 * status, the log and the workload's environment file.
 */
function runStubbed(dir: string, script: string) {
  mkdirSync(`${dir}/opt`);
  writeFileSync(`${dir}/opt/env.sh`, "");
  writeFileSync(`${dir}/opt/env.list`, "");
  writeFileSync(`${dir}/run.sh`, script.replace(/\/opt\/hgpu/g, `${dir}/opt`).replace("/var/log/hgpu-task.log", `${dir}/task.log`));
  const r = spawnSync("bash", [`${dir}/run.sh`], { env: { PATH: `${dir}/bin:/usr/bin:/bin`, HOME: dir }, encoding: "utf8", timeout: 30000 });
  const read = (f: string) => (existsSync(`${dir}/${f}`) ? readFileSync(`${dir}/${f}`, "utf8") : "");
  const status = read("status") ? (JSON.parse(read("status")) as { exitCode: number; reason: string }) : undefined;
  return { code: r.status, calls: read("calls").trim().split("\n").filter(Boolean), status, log: read("task.log"), env: read("opt/env.list"), stderr: r.stderr };
}

/** How many times the watchdog looks at a quiet worker's log before its job ends: past node 0's limit of 5 + 13 minutes in that case. */
const QUIET_TICKS = 25;

describe("runScript behaviour, run in bash with stubbed cloud commands and IMDS", () => {
  /**
   * One node of a 2-node AWS group runs the script with aws, curl, docker, timeout, seq and sleep
   * stubbed (time is stubbed: every sleep returns at once). `calls` lists, in order, what it
   * uploaded and its scale-to-zero requests; `status` is the run's status it wrote, if any.
   */
  interface NodeRun {
    /** This node is node 0 (the lowest instance). */
    head: boolean;
    /** Nodes the group has. @default 2 */
    inService?: number;
    /**
     * The workload: an exit code; "hang" (prints nothing, never ends); "speaks-then-hangs"; "quiet"
     * (prints nothing until the watchdog has looked at its log {@link QUIET_TICKS} times, then ends
     * with 0). @default 0
     */
    workload?: number | "hang" | "speaks-then-hangs" | "quiet";
    /** The registry login or pull fails (times out). */
    pullFails?: boolean;
    /** The first N scale-to-zero requests fail. */
    scaleFails?: number;
    /** (a worker) node 0 writes the run's status after this many of the worker's sleeps. */
    node0ReportsAfter?: number;
    /** (a worker) node 0's instance is gone. */
    node0Gone?: boolean;
    /** (a worker) EC2 does not answer about node 0 (throttling). */
    ec2Throttled?: boolean;
  }
  function run(spec: RunScriptSpec, node: NodeRun, ctx: TestContext) {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-run-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bin = `${dir}/bin`;
    mkdirSync(bin);
    const stub = (name: string, body: string) => writeFileSync(`${bin}/${name}`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    const ids = node.head ? ["token", "z-2", "z-3"] : ["a-0", "token", "z-3"];
    stub("curl", "echo token");
    stub("aws", [
      'case "$1 $2" in',
      // the stubbed IMDS answers "token" for this node's ID
      // node 0's lifecycle state (head_alive), else the group's in-service instance IDs (discover)
      `  "autoscaling describe-auto-scaling-groups") case "$*" in *InstanceId==*) ${node.ec2Throttled ? 'echo "An error occurred (Throttling): Rate exceeded" >&2; exit 254' : `[ -e ${dir}/node0-gone ] && echo Terminating:Wait || echo InService`} ;; *) printf '${ids.slice(0, node.inService ?? 2).join("\\t")}\\n' ;; esac ;;`,
      // reading node 0's published address (to stdout), else an upload
      `  "s3 cp") if [ "$5" = - ]; then case "$4" in */addresses/${ids[0]}) echo 10.0.0.5 ;; *) exit 1 ;; esac; else echo "upload $5" >> ${dir}/calls; case "$5" in *status.json) cp "$4" ${dir}/status; touch ${dir}/status-written ;; esac; fi ;;`,
      `  "s3 ls") case "$3" in *status.json) [ -e ${dir}/status-written ] && echo status.json ;; *) echo n1.json; echo n2.json ;; esac ;;`,
      `  "autoscaling update-auto-scaling-group") n=$(cat ${dir}/scale-tries 2>/dev/null || echo 0); echo $((n+1)) > ${dir}/scale-tries; if [ $n -lt ${node.scaleFails ?? 0} ]; then echo "scale-to-zero failed" >> ${dir}/calls; exit 1; fi; echo scale-to-zero >> ${dir}/calls ;;`,
      "esac",
    ].join("\n"));
    // quiet: blocks on a FIFO that the watchdog's QUIET_TICKS-th `sleep 60` writes to (no polling, no clock)
    const workload = { hang: "exec /bin/sleep 30", "speaks-then-hangs": "echo 'epoch 1'; exec /bin/sleep 30", quiet: `read -r _ < ${dir}/quiet; exit 0` }[node.workload as string] ?? `exit ${node.workload ?? 0}`;
    if (node.workload === "quiet") spawnSync("mkfifo", [`${dir}/quiet`]);
    // timeout runs the pull steps (bash -c ...) and the workload
    stub("timeout", `case "$*" in *"bash -c"*) ${node.pullFails ? "exit 124" : "exit 0"} ;; *) ${workload} ;; esac`);
    stub("docker", "exit 0");
    stub("seq", "echo 1; echo 2; echo 3");
    // Shell builtins only (a process costs more than the rest of the stub): counts every sleep, and
    // the watchdog's (`sleep 60`, once per look at the log) apart.
    stub("sleep", [
      `n=0; [ -e ${dir}/sleeps ] && read -r n < ${dir}/sleeps; n=$((n+1)); echo $n > ${dir}/sleeps`,
      node.node0ReportsAfter ? `[ $n -ge ${node.node0ReportsAfter} ] && : > ${dir}/status-written` : "",
      `if [ "$1" = 60 ]; then t=0; [ -e ${dir}/ticks ] && read -r t < ${dir}/ticks; t=$((t+1)); echo $t > ${dir}/ticks; fi`,
      node.workload === "quiet" ? `[ "$1" = 60 ] && [ $t = ${QUIET_TICKS} ] && echo go > ${dir}/quiet` : "",
      "exit 0",
    ].join("\n"));
    if (node.node0Gone) writeFileSync(`${dir}/node0-gone`, "");
    return { ...runStubbed(dir, runScript(spec)), ticks: existsSync(`${dir}/ticks`) ? Number(readFileSync(`${dir}/ticks`, "utf8")) : 0 };
  }
  const spec: RunScriptSpec = { ...aws, nodes: 2, deadline: "2099-01-01T00:00:00Z" };
  const uploads = (calls: string[], what: string) => calls.filter((c) => c.endsWith(what)).length;

  it("node 0: pulls, runs, reports status 'completed', and stops the group", (ctx) => {
    const r = run(spec, { head: true }, ctx);
    expect(r.code).toBe(0);
    expect(r.status).toMatchObject({ exitCode: 0, reason: "completed" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
    // the rendezvous waits for the slowest node's pull (3 tries of 20 minutes, plus 10)
    expect(r.env).toContain("PET_RDZV_CONF=join_timeout=4200,read_timeout=600");
  });

  it("finds node 0's address where node 0 published it in the run's prefix, and publishes its own first", (ctx) => {
    const worker = run(spec, { head: false, node0ReportsAfter: 1 }, ctx);
    expect(worker.calls.filter((c) => c.includes("/addresses/"))).toEqual(["upload s3://runs-bucket/runs/r-1/addresses/token"]);
    expect(worker.env).toContain("PET_RDZV_ENDPOINT=10.0.0.5:29400");
  });

  it("node 0's result is the run's: a failed workload reports its code", (ctx) => {
    const r = run(spec, { head: true, workload: 3 }, ctx);
    expect(r.code).toBe(3);
    expect(r.status).toMatchObject({ exitCode: 3, reason: "workload-failed" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });

  it("a pull that times out (3 tries): node 0 reports pull-timeout (98) and stops the group", (ctx) => {
    const r = run(spec, { head: true, pullFails: true }, ctx);
    expect(r.code).toBe(98);
    expect(r.status).toMatchObject({ exitCode: 98, reason: "pull-timeout" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });

  it("a pull that times out on a worker: it says so for itself and leaves the decision to node 0", (ctx) => {
    const r = run(spec, { head: false, pullFails: true }, ctx);
    expect(r.code).toBe(98);
    expect(r.status).toBeUndefined();
    expect(uploads(r.calls, "nodes/token.json")).toBe(1);
    expect(r.calls).not.toContain("scale-to-zero");
  });

  it("on node 0, a job that printed and then nothing for idleTimeout is stopped as hung (124) and the group stopped", (ctx) => {
    const r = run({ ...spec, idleTimeoutMinutes: 5 }, { head: true, workload: "speaks-then-hangs" }, ctx);
    expect(r.code).toBe(124);
    expect(r.status).toMatchObject({ exitCode: 124, reason: "hung" });
    expect(r.log).toContain("hgpu: no output for 5 minutes: stopping the job as hung");
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });

  it("before its first output, a job also gets the rendezvous' join timeout (3 pulls + 10 min)", (ctx) => {
    const r = run({ ...spec, idleTimeoutMinutes: 2, pullTimeoutMinutes: 3 }, { head: true, workload: "hang" }, ctx);
    expect(r.status).toMatchObject({ exitCode: 124, reason: "hung" });
    // 2 + (3 x 3 + 10) minutes, the rendezvous' own join timeout
    expect(r.log).toContain("hgpu: no output for 21 minutes: stopping the job as hung");
    expect(r.env).toContain("PET_RDZV_CONF=join_timeout=1140,read_timeout=600");
  });

  it("a quiet worker is never stopped as hung (other ranks often print nothing)", (ctx) => {
    // node 0 would stop a job this quiet after 5 + 13 minutes
    const r = run({ ...spec, idleTimeoutMinutes: 5, pullTimeoutMinutes: 1 }, { head: false, workload: "quiet", node0ReportsAfter: QUIET_TICKS + 1 }, ctx);
    expect(r.code).toBe(0);
    expect(r.ticks).toBeGreaterThanOrEqual(QUIET_TICKS);
    expect(r.log).not.toContain("stopping the job as hung");
  });

  it("a worker done while node 0 still runs never stops the group, and does not report for the run", (ctx) => {
    const r = run(spec, { head: false, node0ReportsAfter: 5 }, ctx);
    expect(r.code).toBe(0);
    expect(r.status).toBeUndefined();
    expect(r.calls).not.toContain("scale-to-zero");
    expect(uploads(r.calls, "nodes/token.json")).toBe(1);
  });

  it("a worker whose node 0 is gone without a status reports node0-lost (99: the run's result is unknown) and stops the group", (ctx) => {
    const r = run(spec, { head: false, node0Gone: true, workload: 0 }, ctx);
    expect(r.status).toMatchObject({ exitCode: 99, reason: "node0-lost" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });

  it("a worker that gets no answer about node 0 keeps waiting: no answer is not 'gone'", (ctx) => {
    // node 0 is "gone" after 3 such answers in a row: its status comes after 8
    const r = run(spec, { head: false, ec2Throttled: true, node0ReportsAfter: 8 }, ctx);
    expect(r.status).toBeUndefined();
    expect(r.calls).not.toContain("scale-to-zero");
  });

  it("scale-to-zero failing 3 times is retried until it succeeds", (ctx) => {
    const r = run(spec, { head: true, scaleFails: 3 }, ctx);
    expect(r.calls.slice(-4)).toEqual(["scale-to-zero failed", "scale-to-zero failed", "scale-to-zero failed", "scale-to-zero"]);
  });

  it("a group that never fills up: reports group-incomplete (97) and stops the group, retrying", (ctx) => {
    const r = run({ ...spec, nodes: 4 }, { head: true, scaleFails: 2 }, ctx);
    expect(r.code).toBe(97);
    expect(r.status).toMatchObject({ exitCode: 97, reason: "group-incomplete" });
    expect(r.calls.slice(-3)).toEqual(["scale-to-zero failed", "scale-to-zero failed", "scale-to-zero"]);
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

describe("runScript behaviour on Azure, in bash with curl (IMDS, ARM, Blob) stubbed", () => {
  /** A 2-VM scale set: VM 0 at 10.0.0.5, VM 1 at 10.0.0.6; this node is `self`. */
  function runAzure(self: "10.0.0.5" | "10.0.0.6", opts: { node0Gone?: boolean; workload?: number }, ctx: TestContext) {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-run-az-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bin = `${dir}/bin`;
    mkdirSync(bin);
    const stub = (name: string, body: string) => writeFileSync(`${bin}/${name}`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    const nic = (n: number, ip: string) => `{"id":"/x/virtualMachines/${n}/networkInterfaces/nic","properties":{"ipConfigurations":[{"properties":{"privateIPAddress":"${ip}"}}]}}`;
    stub("curl", [
      'url="${@: -1}"; data=""; method=GET',
      'for ((i=1; i<=$#; i++)); do a="${!i}"; case "$a" in --data-binary) j=$((i+1)); data="${!j#@}" ;; -X) j=$((i+1)); method="${!j}" ;; esac; done',
      'case "$url" in',
      '  *metadata/instance/compute*) echo \'{"subscriptionId":"sub","resourceGroupName":"rg","vmScaleSetName":"vmss","name":"vm"}\' ;;',
      `  *privateIpAddress*) echo ${self} ;;`,
      '  *identity/oauth2/token*) echo \'{"access_token":"t"}\' ;;',
      `  *networkInterfaces*) if [ -e ${dir}/node0-gone ]; then echo '{"value":[${nic(1, "10.0.0.6")}]}'; else echo '{"value":[${nic(0, "10.0.0.5")},${nic(1, "10.0.0.6")}]}'; fi ;;`,
      `  *comp=list*) case "$url" in *status.json) [ -e ${dir}/status ] && echo "<Name>status.json</Name>" ;; *) echo "<Name>a</Name><Name>b</Name>" ;; esac ;;`,
      `  *virtualMachineScaleSets/vmss\\?api-version*) [ "$method" = PATCH ] && echo scale-to-zero >> ${dir}/calls ;;`,
      `  *) [ "$method" = PUT ] && echo "upload $url" >> ${dir}/calls; case "$url" in *status.json) [ -n "$data" ] && cp "$data" ${dir}/status ;; esac ;;`,
      "esac",
    ].join("\n"));
    stub("timeout", `exit ${opts.workload ?? 0}`);
    stub("docker", "exit 0");
    stub("seq", "echo 1; echo 2; echo 3");
    stub("sleep", "exit 0");
    if (opts.node0Gone) writeFileSync(`${dir}/node0-gone-later`, "");
    // node 0 disappears once this node's workload has ended (the script then checks on it)
    const script = runScript({ ...azure, nodes: 2, image: undefined as never, deadline: "2099-01-01T00:00:00Z" })
      .replace('node_report "$CODE" "$REASON"', `node_report "$CODE" "$REASON"; [ -e ${dir}/node0-gone-later ] && touch ${dir}/node0-gone`);
    return runStubbed(dir, script);
  }

  it("node 0 (the lowest VM) reports the run and sets the scale set's capacity to 0", (ctx) => {
    const r = runAzure("10.0.0.5", {}, ctx);
    expect(r.code).toBe(0);
    expect(r.status).toMatchObject({ exitCode: 0, reason: "completed" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });

  it("a worker whose node 0 disappeared without a status reports node0-lost and sets the capacity to 0", (ctx) => {
    const r = runAzure("10.0.0.6", { node0Gone: true, workload: 2 }, ctx);
    expect(r.status).toMatchObject({ exitCode: 99, reason: "node0-lost" });
    expect(r.calls.at(-1)).toBe("scale-to-zero");
  });
});
