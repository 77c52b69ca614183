/**
 * What a task node talks to, for running the run script under bash in tests, over real HTTP:
 *
 * - one local server stands in for the instance metadata service (AWS IMDSv2 with its tokens, and
 *   Azure IMDS with Scheduled Events and managed-identity tokens), for Azure Resource Manager (the
 *   scale set's NICs, its capacity) and for the Blob endpoint: it checks the node's bearer token and
 *   forwards to Azurite with a SAS, as Azure checks the identity's role;
 * - `aws` on the PATH does the S3 calls the script makes (cp, ls, list-objects-v2) as signed REST
 *   requests (curl's SigV4) to s3rver; its Auto Scaling calls answer from a file the test controls;
 * - `curl` on the PATH sends https://management.azure.com to the local server (as DNS would), then
 *   is the real curl; `torchrun` runs its argv (one process stands for the node's ranks).
 *
 * The script's /opt/hgpu and log move into the node's folder; the notices' timing comes from the
 * test-only environment the script reads (HGPU_TEST_METADATA_URL, HGPU_TEST_POLL_SECONDS).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AccountSASPermissions, AccountSASResourceTypes, AccountSASServices, BlobServiceClient, generateAccountSASQueryParameters, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import { AZURITE_ACCOUNT, azuriteConnectionString, S3RVER_CREDENTIALS, startAzurite, startS3rver, type LocalServer } from "../launch/servers";

/** A run store the test reads and seeds directly, and the node reaches through its own client. */
export interface RunStore {
  /** The cloud's URI prefix of the run, as the script's BASE (s3://runs/runs/r-1, or the Blob URL through the stand-in). */
  readonly kind: "aws" | "azure";
  put(key: string, body: string | Buffer): Promise<void>;
  /** The object's bytes, or undefined. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under `prefix` (keys relative to the container or bucket). */
  list(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The S3 run store: a bucket `runs` on s3rver. */
export async function s3Store(): Promise<RunStore & { url: string }> {
  const server = await startS3rver();
  const client = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS, requestChecksumCalculation: "WHEN_REQUIRED" });
  await client.send(new CreateBucketCommand({ Bucket: "runs" }));
  return {
    kind: "aws",
    url: server.url,
    put: async (key, body) => void (await client.send(new PutObjectCommand({ Bucket: "runs", Key: key, Body: body, ContentLength: Buffer.byteLength(body) }))),
    get: async (key) => {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: "runs", Key: key }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch {
        return undefined;
      }
    },
    list: async (prefix) => ((await client.send(new ListObjectsV2Command({ Bucket: "runs", Prefix: prefix }))).Contents ?? []).map((o) => o.Key!),
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** The Blob run store: a container `runs` on Azurite, and a SAS the stand-in forwards with. */
export async function blobStore(): Promise<RunStore & { url: string; sas: string }> {
  const server: LocalServer = await startAzurite();
  const connectionString = azuriteConnectionString(server.url);
  const container: ContainerClient = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("runs");
  await container.create();
  const key = /AccountKey=([^;]+)/.exec(connectionString)![1]!;
  const sas = generateAccountSASQueryParameters(
    { expiresOn: new Date(Date.now() + 3600_000), permissions: AccountSASPermissions.parse("rwlc"), services: AccountSASServices.parse("b").toString(), resourceTypes: AccountSASResourceTypes.parse("sco").toString() },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, key),
  ).toString();
  return {
    kind: "azure",
    url: server.url,
    sas,
    put: async (name, body) => void (await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body))),
    get: async (name) => {
      try {
        return await container.getBlobClient(name).downloadToBuffer();
      } catch {
        return undefined;
      }
    },
    list: async (prefix) => {
      const names: string[] = [];
      for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
      return names;
    },
    stop: () => server.stop(),
  };
}

/** A notice the cloud gives the node: AWS's instance-action, or an Azure scheduled event. */
export type Notice = { aws: { action: string; time: string } } | { azure: { EventId: string; EventType: string; NotBefore: string; Resources: string[] } };

/** What the stand-in saw. */
export interface StandInLog {
  /** In order: "PUT <key>" for each object the node wrote through the Blob stand-in, "ack <body>" for each Scheduled Events POST, "scale-to-zero". */
  readonly events: string[];
  /** IMDSv2 tokens handed out. */
  tokens: number;
}

/** The metadata, ARM and Blob stand-in. `notice()` says what the cloud says now; an IMDSv2 token serves `tokenUses` requests. */
export async function startStandIn(opts: {
  notice: () => Notice | undefined;
  blob?: { url: string; sas: string };
  azureNics?: () => number;
  tokenUses?: number;
}): Promise<{ url: string; log: StandInLog; stop(): Promise<void> }> {
  const log: StandInLog = { events: [], tokens: 0 };
  const issued = new Set<string>();
  // IMDSv2 tokens expire (their TTL): here after `tokenUses` requests each
  const uses = new Map<string, number>();
  const body = (req: IncomingMessage) => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
  const send = (res: ServerResponse, status: number, text: string, type = "text/plain") => {
    res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, "http://stand-in");
    const path = url.pathname;
    const notice = opts.notice();
    // AWS IMDSv2
    if (path === "/latest/api/token" && req.method === "PUT") {
      const token = `imds-token-${++log.tokens}`;
      issued.add(token);
      return send(res, 200, token);
    }
    if (path.startsWith("/latest/meta-data/")) {
      const token = String(req.headers["x-aws-ec2-metadata-token"]);
      uses.set(token, (uses.get(token) ?? 0) + 1);
      if (!issued.has(token) || uses.get(token)! > (opts.tokenUses ?? Infinity)) return send(res, 401, "");
      const item = path.slice("/latest/meta-data/".length);
      const values: Record<string, string> = { "placement/region": "us-east-1", "instance-id": "i-0aaa", "local-ipv4": "10.0.0.5" };
      if (item === "spot/instance-action") return notice && "aws" in notice ? send(res, 200, JSON.stringify(notice.aws), "application/json") : send(res, 404, "");
      return item in values ? send(res, 200, values[item]!) : send(res, 404, "");
    }
    // Azure IMDS
    if (path.startsWith("/metadata/")) {
      if (req.headers.metadata !== "true") return send(res, 400, '{"error":"Bad request. Required metadata header not specified"}');
      if (path === "/metadata/instance/compute") return send(res, 200, JSON.stringify({ subscriptionId: "sub", resourceGroupName: "rg", vmScaleSetName: "vmss", name: "vmss_0" }), "application/json");
      if (path.endsWith("/privateIpAddress")) return send(res, 200, "10.0.0.5");
      if (path === "/metadata/identity/oauth2/token") {
        const token = `token-for-${url.searchParams.get("resource")}`;
        issued.add(token);
        return send(res, 200, JSON.stringify({ access_token: token }), "application/json");
      }
      if (path === "/metadata/scheduledevents" && url.searchParams.get("api-version") === "2020-07-01") {
        if (req.method === "POST") {
          log.events.push(`ack ${(await body(req)).toString()}`);
          return send(res, 200, "");
        }
        const events = notice && "azure" in notice ? [{ ...notice.azure, ResourceType: "VirtualMachine", EventStatus: "Scheduled", Description: "", EventSource: "Platform", DurationInSeconds: -1 }] : [];
        return send(res, 200, JSON.stringify({ DocumentIncarnation: events.length, Events: events }), "application/json");
      }
      return send(res, 404, "");
    }
    // Azure Resource Manager (the script's https://management.azure.com, through the curl shim)
    if (path.startsWith("/subscriptions/")) {
      if (req.headers.authorization !== "Bearer token-for-https://management.azure.com/") return send(res, 401, "");
      if (path.endsWith("/networkInterfaces")) {
        const nics = Array.from({ length: opts.azureNics?.() ?? 1 }, (_, i) => ({ id: `/x/virtualMachines/${i}/networkInterfaces/nic`, properties: { ipConfigurations: [{ properties: { privateIPAddress: `10.0.0.${5 + i}` } }] } }));
        return send(res, 200, JSON.stringify({ value: nics }), "application/json");
      }
      if (req.method === "PATCH") {
        log.events.push("scale-to-zero");
        return send(res, 200, "{}", "application/json");
      }
      return send(res, 404, "");
    }
    // Blob: the node's identity is checked, then the request goes to Azurite with a SAS
    if (opts.blob) {
      if (req.headers.authorization !== "Bearer token-for-https://storage.azure.com/") return send(res, 403, "<Error><Code>AuthenticationFailed</Code></Error>");
      const payload = await body(req);
      if (req.method === "PUT" && !url.searchParams.has("comp")) log.events.push(`PUT ${path.slice(1)}`);
      const target = new URL(`${opts.blob.url}/${AZURITE_ACCOUNT}${path}${url.search ? `${url.search}&` : "?"}${opts.blob.sas}`);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "authorization" && k !== "host"));
      const upstream = request(target, { method: req.method, headers: { ...headers, "content-length": String(payload.length) } }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers);
        r.pipe(res);
      });
      upstream.on("error", (e) => send(res, 502, e.message));
      upstream.end(payload);
      return;
    }
    send(res, 404, "");
  };
  const server: Server = createServer((req, res) => void handle(req, res).catch((e: Error) => send(res, 500, e.message)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, log, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A node's folder: bin/ (the shims), opt/ (/opt/hgpu), ckpt/ (the checkpoint folder), task.log. */
export interface NodeDir {
  readonly dir: string;
  readonly checkpoints: string;
  read(file: string): string;
  remove(): void;
}

/** Makes a node's folder with the shims; `group` is the Auto Scaling group's in-service IDs (a file the test may change). */
export function nodeDir(opts: { s3Url?: string; standInUrl: string; group?: string[] }): NodeDir {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-node-"));
  for (const d of ["bin", "opt", "ckpt"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "opt/env.sh"), "");
  writeFileSync(join(dir, "opt/env.list"), "");
  writeFileSync(join(dir, "group"), `${(opts.group ?? ["i-0aaa"]).join("\t")}\n`);
  const shim = (name: string, text: string) => writeFileSync(join(dir, "bin", name), `#!/bin/bash\n${text}\n`, { mode: 0o755 });
  shim("torchrun", 'exec "$@"');
  shim("curl", [
    'args=(); for a in "$@"; do args+=("${a/#https:\\/\\/management.azure.com/' + opts.standInUrl + '}"); done',
    'exec /usr/bin/curl "${args[@]}"',
  ].join("\n"));
  shim("aws", [
    `S3=${opts.s3Url ?? "http://127.0.0.1:9"}`,
    "s3() { /usr/bin/curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \"$@\"; }",
    'url() { echo "$S3/${1#s3://}"; }',
    // the keys of a listing: bucket $1, prefix $2, delimiter $3
    'keys() { s3 "$S3/$1?list-type=2&prefix=$2${3:+&delimiter=$3}" | grep -o "<Key>[^<]*</Key>\\|<Prefix>[^<]*/</Prefix>" | sed -e "s#<[^>]*>##g"; }',
    'case "$1 $2" in',
    '  "s3 cp") files=(); for a in "${@:3}"; do [[ $a == --* ]] || files+=("$a"); done; src=${files[0]}; dst=${files[1]}',
    '    if [[ $src == s3://* ]]; then if [ "$dst" = - ]; then s3 "$(url "$src")"; else s3 -o "$dst" "$(url "$src")"; fi',
    '    else s3 -X PUT --upload-file "$src" "$(url "$dst")" >/dev/null; fi ;;',
    '  "s3 ls") rest=${3#s3://}; bucket=${rest%%/*}; prefix=${rest#*/}; out=$(keys "$bucket" "$prefix" /) || exit 1; [ -n "$out" ] || exit 1; echo "$out" | sed "s#^#2030-01-01 00:00:00 1 #" ;;',
    '  "s3api list-objects-v2") while [ $# -gt 0 ]; do case "$1" in --bucket) bucket=$2; shift ;; --prefix) prefix=$2; shift ;; esac; shift; done',
    '    out=$(keys "$bucket" "$prefix") || exit 255; if [ -n "$out" ]; then echo "$out" | paste -sd "\\t"; else echo None; fi ;;',
    `  "autoscaling describe-auto-scaling-groups") case "$*" in *InstanceId==*) echo InService ;; *) cat ${dir}/group ;; esac ;;`,
    `  "autoscaling update-auto-scaling-group") echo scale-to-zero >> ${dir}/calls ;;`,
    '  *) echo "aws stand-in: $* is not supported" >&2; exit 2 ;;',
    "esac",
  ].join("\n"));
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8") : "");
  return { dir, checkpoints: join(dir, "ckpt"), read, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a rendered run script in the node's folder (asynchronously: the stand-ins answer meanwhile); resolves with its exit code. */
export function runNode(node: NodeDir, script: string, standInUrl: string, timeoutMs = 50_000): Promise<{ code: number | null; stderr: string }> {
  const text = script.replace(/\/opt\/hgpu/g, `${node.dir}/opt`).replace("/var/log/hgpu-task.log", `${node.dir}/task.log`);
  writeFileSync(join(node.dir, "run.sh"), text);
  return new Promise((resolve) => {
    const child = spawn("bash", [join(node.dir, "run.sh")], {
      env: { PATH: `${node.dir}/bin:/usr/bin:/bin`, HOME: node.dir, HGPU_TEST_METADATA_URL: standInUrl, HGPU_TEST_POLL_SECONDS: "0.5" },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    // the workload leads a process group of its own (timeout's): it goes too
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      try {
        const pid = Number(readFileSync(join(node.dir, "workload.pid"), "utf8"));
        const pgid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[2]);
        if (pgid > 1) process.kill(-pgid, "SIGKILL");
      } catch {
        // no workload, or it has ended
      }
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** How {@link trainingWorkload} behaves (see its description). */
export interface TrainingWorkloadOptions {
  ignoresTerm?: boolean;
  stepSeconds?: number;
  every?: number;
  maxSteps?: number;
  triggerAt?: number;
  exitCode?: number;
  lastWords?: string;
  atEnd?: string;
}

/**
 * A training loop in bash that honours the checkpoint contract: it resumes from
 * `HGPU_RESUMED_FROM` (step-NNNN), writes `step-NNNN/model.pt` (3000 random bytes) and
 * `step-NNNN/shards/optim-0.pt` every `every` steps and then `COMPLETE`, saves once more and exits 0
 * on SIGTERM (unless it `ignoresTerm`), and records in the node's folder (`workload.pid`, its process) what it saw (`workload.env`, `workload.found`) and
 * saved (`workload.saved`). At `triggerAt` it touches `notice-now`, where the stand-in's notice looks.
 */
export function trainingWorkload(node: NodeDir, opts: TrainingWorkloadOptions = {}): string[] {
  const out = `${node.dir}/workload`;
  const script = [
    "set -u",
    `echo "resumed=[$HGPU_RESUMED_FROM] restarts=$HGPU_RESTART_COUNT dir=$HGPU_CHECKPOINT_DIR" > ${out}.env`,
    `ls -A "$HGPU_CHECKPOINT_DIR" > ${out}.found`,
    `echo $$ > ${out}.pid`,
    opts.ignoresTerm ? "stop=0; trap '' TERM" : "stop=0; trap 'stop=1' TERM",
    'step=0; case "$HGPU_RESUMED_FROM" in step-*) step=$((10#${HGPU_RESUMED_FROM#step-})) ;; esac',
    // COMPLETE only once every write succeeded: the stop signal reaches the whole process group, head and mkdir too
    `save() { local d; printf -v d '%s/step-%04d' "$HGPU_CHECKPOINT_DIR" "$step"; [ -e "$d/COMPLETE" ] && return 0; mkdir -p "$d/shards" && head -c 3000 /dev/urandom > "$d/model.pt" && printf 'optimizer at %s' "$step" > "$d/shards/optim-0.pt" && : > "$d/COMPLETE" && echo "\${d##*/}" >> ${out}.saved; }`,
    `while [ "$step" -lt ${opts.maxSteps ?? 100000} ]; do`,
    `  step=$((step + 1)); sleep ${opts.stepSeconds ?? 0.02}`,
    `  [ $((step % ${opts.every ?? 10})) = 0 ] && save`,
    ...(opts.triggerAt !== undefined ? [`  [ "$step" = ${opts.triggerAt} ] && touch ${node.dir}/notice-now`] : []),
    '  if [ "$stop" = 1 ]; then save || save || save; echo "stopped at step $step"; exit 0; fi',
    "done",
    ...(opts.atEnd ? [opts.atEnd] : []),
    ...(opts.lastWords ? [`echo ${JSON.stringify(opts.lastWords)}`] : []),
    `exit ${opts.exitCode ?? 0}`,
  ].join("\n");
  return ["bash", "-c", script];
}
