/**
 * Local object-storage servers for tests: s3rver (S3) and Azurite (Blob), each started from
 * node_modules on 127.0.0.1 with a port the OS picks, and stopped by `stop()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

/** A running local server. */
export interface LocalServer {
  /** Its base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Stops it and removes its data folder. */
  stop(): Promise<void>;
}

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The connection string for Azurite's development account at `url`. */
export function azuriteConnectionString(url: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${url}/${AZURITE_ACCOUNT};`;
}

/** s3rver's fixed credentials (it checks signatures against them). */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Starts s3rver with a temporary data folder. */
export function startS3rver(): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), "s3rver-"));
  const bin = join(root, "node_modules", "s3rver", "bin", "s3rver.js");
  // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider:
  // without it, a listing longer than one page fails with InternalError.
  return start("s3rver", bin, ["-d", dir, "-a", "127.0.0.1", "-p", "0", "--no-vhost-buckets"], /listening on 127\.0\.0\.1:(\d+)/, dir, ["--openssl-legacy-provider"]);
}

/** Starts Azurite's Blob service in memory, without telemetry. */
export function startAzurite(): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), "azurite-"));
  const bin = join(root, "node_modules", "azurite", "dist", "src", "blob", "main.js");
  const args = ["--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--extentMemoryLimit", "64"];
  args.push("--loose", "--skipApiVersionCheck", "--disableTelemetry", "--silent"); // the cwd is `dir`
  return start("azurite", bin, args, /listens on http:\/\/127\.0\.0\.1:(\d+)/, dir);
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Spawns `node [nodeArgs] bin args` in `dir` and resolves once its output matches `ready` (port in group 1). */
function start(name: string, bin: string, args: string[], ready: RegExp, dir: string, nodeArgs: string[] = []): Promise<LocalServer> {
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise<LocalServer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true }));
      reject(new Error(`${name} did not start: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = ready.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      resolve({
        url: `http://127.0.0.1:${port}`,
        stop: () => stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true })),
      });
    };
    const onExit = (code: number | null) => fail(`exited with code ${code}`);
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
    });
    child.once("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A proxy in front of a local server that records each request's method and path (with its query). */
export interface RecordingProxy extends LocalServer {
  /** `"<METHOD> <path?query>"` of every request forwarded so far, in order. */
  readonly requests: string[];
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that forwards every request to `target` unchanged (the Host
 * header too, so signed requests still verify) and records it: tests see which requests a client made.
 */
export function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (back) => {
      res.writeHead(back.statusCode ?? 502, back.headers);
      back.pipe(res);
    });
    out.on("error", (e) => res.destroy(e));
    req.pipe(out);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
