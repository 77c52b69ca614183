/**
 * status-store against real local servers (s3rver for S3, Azurite for Blob, both on 127.0.0.1)
 * and local files: reads, streaming reads of a growing log, waiting for a status that appears
 * later, abort and timeout, malformed statuses and unsupported URIs.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStatus, readerFor, waitForStatus, type ObjectReader, type RunStatus } from "../../lib/launch/status-store";
import { AZURITE_ACCOUNT, azuriteConnectionString, S3RVER_CREDENTIALS, startAzurite, startS3rver, type LocalServer } from "./servers";

const STATUS: RunStatus = { runId: "run-42", exitCode: 0, startedAt: "2025-01-01T00:00:00Z", finishedAt: "2025-01-01T01:00:00Z", gpus: 8 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One store under test: how to name, write and read its objects. */
interface Backend {
  /** URI of object `name`. */
  uri(name: string): string;
  /** Writes (or overwrites) object `name`. */
  put(name: string, text: string | Buffer): Promise<void>;
  reader: ObjectReader;
  /**
   * A URI in a bucket, container or folder that does not exist, and the error reading it gives
   * (undefined: it reads as absent, as a file in a missing folder does).
   */
  missingParent: { uri: string; error?: string };
  stop(): Promise<void>;
}

async function s3Backend(): Promise<Backend> {
  const server = await startS3rver();
  const bucket = "runs";
  const config = { endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS };
  const client = new S3Client({ ...config, requestChecksumCalculation: "WHEN_REQUIRED" });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    uri: (name) => `s3://${bucket}/${name}`,
    put: async (name, text) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: text, ContentLength: Buffer.byteLength(text) }));
    },
    reader: readerFor("s3://x/y", { s3: config }),
    missingParent: { uri: "s3://no-such-bucket/status.json", error: "Cannot read s3://no-such-bucket/status.json: bucket no-such-bucket does not exist" },
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

async function blobBackend(): Promise<Backend> {
  const server: LocalServer = await startAzurite();
  const connectionString = azuriteConnectionString(server.url);
  const container: ContainerClient = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("runs");
  await container.create();
  const base = `${server.url}/${AZURITE_ACCOUNT}`;
  return {
    uri: (name) => `${base}/runs/${name}`,
    put: async (name, text) => void (await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text))),
    reader: readerFor(`${base}/runs/x`, { blob: { connectionString } }),
    missingParent: { uri: `${base}/nope/status.json`, error: `Cannot read ${base}/nope/status.json: container nope does not exist` },
    stop: () => server.stop(),
  };
}

async function fileBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "status-store-"));
  return {
    uri: (name) => pathToFileURL(join(dir, name)).href,
    put: async (name, text) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    },
    reader: readerFor("file:///x"),
    missingParent: { uri: pathToFileURL(join(dir, "no-such-folder", "status.json")).href },
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const backends: [string, () => Promise<Backend>][] = [
  ["S3 (s3rver)", s3Backend],
  ["Blob (Azurite)", blobBackend],
  ["file://", fileBackend],
];

describe.each(backends)("%s", (_name, make) => {
  let b: Backend;
  beforeAll(async () => {
    b = await make();
  }, 20_000);
  afterAll(async () => {
    await b?.stop();
  }, 10_000);

  it("reads a missing object as undefined, and from an offset as empty", async () => {
    expect(await b.reader.read(b.uri("missing.json"))).toBeUndefined();
    expect(await b.reader.readFrom(b.uri("missing.log"), 0)).toBe("");
    expect(await b.reader.readFrom(b.uri("missing.log"), 10)).toBe("");
  });

  it("reads an existing object whole", async () => {
    await b.put("existing.json", JSON.stringify(STATUS));
    expect(parseStatus((await b.reader.read(b.uri("existing.json")))!, "x")).toEqual(STATUS);
    await b.put("empty.txt", "");
    expect(await b.reader.read(b.uri("empty.txt"))).toBe("");
  });

  it("reads from byte offsets while the object grows, and past its end as empty", async () => {
    const uri = b.uri("grow.log");
    await b.put("grow.log", "épоch 1\n"); // 2-byte é, Cyrillic о
    expect(await b.reader.readFrom(uri, 0)).toBe("épоch 1\n");
    const first = Buffer.byteLength("épоch 1\n");
    expect(await b.reader.readFrom(uri, first)).toBe("");
    expect(await b.reader.readFrom(uri, first + 100)).toBe("");
    await b.put("grow.log", "épоch 1\nepoch 2\n");
    expect(await b.reader.readFrom(uri, first)).toBe("epoch 2\n");
    expect(await b.reader.readFrom(uri, 3)).toBe("оch 1\nepoch 2\n");
  });

  it("returns only whole UTF-8 characters (a cut character comes with the next read)", async () => {
    const uri = b.uri("cut.log");
    const full = Buffer.from("a€b"); // € is 3 bytes
    await b.put("cut.log", full.subarray(0, 3)); // "a" and 2 of €'s bytes
    expect(await b.reader.readFrom(uri, 0)).toBe("a");
    await b.put("cut.log", full);
    expect(await b.reader.readFrom(uri, 1)).toBe("€b");
  });

  it("rejects a negative or fractional offset", async () => {
    await expect(b.reader.readFrom(b.uri("x.log"), -1)).rejects.toThrow(`Cannot read ${b.uri("x.log")} from offset -1: the offset must be a whole number of bytes >= 0`);
    await expect(b.reader.readFrom(b.uri("x.log"), 1.5)).rejects.toThrow("from offset 1.5");
  });

  it("says when the bucket or container does not exist; a file in a missing folder reads as absent", async () => {
    const { uri, error } = b.missingParent;
    if (error === undefined) {
      expect(await b.reader.read(uri)).toBeUndefined();
      expect(await b.reader.readFrom(uri, 0)).toBe("");
    } else {
      await expect(b.reader.read(uri)).rejects.toThrow(new Error(error));
    }
  });

  it("waitForStatus resolves when the status appears, having streamed the log", async () => {
    const [statusUri, logsUri] = [b.uri("w1/status.json"), b.uri("w1/train.log")];
    const logs: string[] = [];
    const writer = (async () => {
      await b.put("w1/train.log", "step 1\n");
      await sleep(150);
      await b.put("w1/train.log", "step 1\nstep 2\n");
      await sleep(150);
      await b.put("w1/train.log", "step 1\nstep 2\ndone\n");
      await b.put("w1/status.json", JSON.stringify(STATUS));
    })();
    const started = Date.now();
    const status = await waitForStatus({ statusUri, logsUri, reader: b.reader, pollMs: 50, onLog: (t) => logs.push(t), timeoutMs: 10_000 });
    await writer;
    expect(status).toEqual(STATUS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(logs.join("")).toBe("step 1\nstep 2\ndone\n");
    expect(logs.length).toBeGreaterThan(1);
  });

  it("waitForStatus rejects with an AbortError when the signal aborts", async () => {
    const statusUri = b.uri("w2/status.json");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const err = await waitForStatus({ statusUri, reader: b.reader, pollMs: 50, signal: ac.signal }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("AbortError");
    expect((err as Error).message).toBe(`Stopped waiting for the run status at ${statusUri}: This operation was aborted`);
  });

  it("waitForStatus rejects with a TimeoutError after timeoutMs", async () => {
    const statusUri = b.uri("w3/status.json");
    const started = Date.now();
    const err = await waitForStatus({ statusUri, reader: b.reader, pollMs: 50, timeoutMs: 300 }).catch((e: Error) => e);
    expect((err as Error).name).toBe("TimeoutError");
    expect((err as Error).message).toBe(`Timed out after 300 ms waiting for the run status at ${statusUri}`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("waitForStatus rejects a malformed status", async () => {
    await b.put("w4/status.json", '{"runId":"r","exitCode":"0","startedAt":"2025-01-01T00:00:00Z","finishedAt":"2025-01-01T01:00:00Z"}');
    const statusUri = b.uri("w4/status.json");
    await expect(waitForStatus({ statusUri, reader: b.reader, pollMs: 50, timeoutMs: 5_000 })).rejects.toThrow(
      `Run status at ${statusUri} is malformed: exitCode must be an integer, got "0"`,
    );
  });
});

describe("waitForStatus", () => {
  const never: ObjectReader = { read: async () => undefined, readFrom: async () => "" };

  it("rejects at once when the signal is already aborted, with its reason", async () => {
    const err = await waitForStatus({ statusUri: "s3://b/k", reader: never, signal: AbortSignal.abort(new Error("launcher stopped")) }).catch((e: Error) => e);
    expect((err as Error).name).toBe("AbortError");
    expect((err as Error).message).toBe("Stopped waiting for the run status at s3://b/k: launcher stopped");
  });

  it("stops a read that hangs when it times out", async () => {
    const hanging: ObjectReader = { read: () => new Promise(() => undefined), readFrom: async () => "" };
    await expect(waitForStatus({ statusUri: "s3://b/k", reader: hanging, timeoutMs: 100 })).rejects.toThrow("Timed out after 100 ms waiting for the run status at s3://b/k");
  });

  it("reads the log with logsReader when given, and passes read errors on", async () => {
    const logs: string[] = [];
    const status = JSON.stringify(STATUS);
    const statusReader: ObjectReader = { read: async () => status, readFrom: async () => "wrong reader" };
    const logsReader: ObjectReader = { read: async () => undefined, readFrom: async (_u, offset) => (offset === 0 ? "all of it" : "") };
    expect(await waitForStatus({ statusUri: "s3://b/s", logsUri: "file:///l", reader: statusReader, logsReader, onLog: (t) => logs.push(t) })).toEqual(STATUS);
    expect(logs).toEqual(["all of it"]);
    const broken: ObjectReader = { read: async () => Promise.reject(new Error("Cannot read s3://b/s: AccessDenied")), readFrom: async () => "" };
    await expect(waitForStatus({ statusUri: "s3://b/s", reader: broken })).rejects.toThrow("Cannot read s3://b/s: AccessDenied");
  });

  it("rejects bad pollMs and timeoutMs", async () => {
    await expect(waitForStatus({ statusUri: "s3://b/s", reader: never, pollMs: -1 })).rejects.toThrow("waitForStatus: pollMs must be >= 0, got -1");
    await expect(waitForStatus({ statusUri: "s3://b/s", reader: never, timeoutMs: Number.NaN })).rejects.toThrow("waitForStatus: timeoutMs must be >= 0, got NaN");
  });
});

describe("parseStatus", () => {
  const uri = "s3://runs/r1/status.json";
  const valid = { runId: "r1", exitCode: 3, startedAt: "2025-01-01T00:00:00Z", finishedAt: "2025-01-01T00:10:00.5Z" };
  const bad = (fields: Record<string, unknown>) => () => parseStatus(JSON.stringify({ ...valid, ...fields }), uri);

  it("returns a valid status with its extra fields", () => {
    expect(parseStatus(JSON.stringify({ ...valid, node: 0 }), uri)).toEqual({ ...valid, node: 0 });
  });
  it("rejects text that is not JSON", () => {
    expect(() => parseStatus("exit 0", uri)).toThrow(new Error('Run status at s3://runs/r1/status.json is not valid JSON: "exit 0"'));
    expect(() => parseStatus("", uri)).toThrow(new Error('Run status at s3://runs/r1/status.json is not valid JSON: ""'));
  });
  it("rejects JSON that is not an object", () => {
    expect(() => parseStatus("[1]", uri)).toThrow(new Error('Run status at s3://runs/r1/status.json is not a JSON object: "[1]"'));
    expect(() => parseStatus("null", uri)).toThrow(new Error('Run status at s3://runs/r1/status.json is not a JSON object: "null"'));
  });
  it("names a missing runId", () => {
    expect(bad({ runId: undefined })).toThrow(new Error("Run status at s3://runs/r1/status.json is malformed: runId is missing (expected a non-empty string)"));
    expect(bad({ runId: "" })).toThrow(new Error('Run status at s3://runs/r1/status.json is malformed: runId must be a non-empty string, got ""'));
  });
  it("names an exitCode that is not an integer", () => {
    expect(bad({ exitCode: 1.5 })).toThrow(new Error("Run status at s3://runs/r1/status.json is malformed: exitCode must be an integer, got 1.5"));
    expect(bad({ exitCode: "0" })).toThrow(new Error('Run status at s3://runs/r1/status.json is malformed: exitCode must be an integer, got "0"'));
  });
  it("names bad timestamps, and every problem at once", () => {
    expect(bad({ runId: 7, startedAt: "yesterday", finishedAt: undefined })).toThrow(
      new Error(
        "Run status at s3://runs/r1/status.json is malformed: runId must be a non-empty string, got 7; " +
          'startedAt must be an ISO 8601 timestamp, got "yesterday"; finishedAt is missing (expected an ISO 8601 timestamp)',
      ),
    );
  });
  it("cuts a long non-JSON text short", () => {
    expect(() => parseStatus("x".repeat(100), uri)).toThrow(`is not valid JSON: "${"x".repeat(60)}..."`);
  });
});

describe("readerFor", () => {
  const expected =
    "expected s3://<bucket>/<key>, https://<account>.blob.core.windows.net/<container>/<blob>, " +
    "http://127.0.0.1:<port>/<account>/<container>/<blob> (Azurite) or file:///<path>";

  it("rejects an unsupported scheme, naming the URI and the supported forms", () => {
    expect(() => readerFor("gs://bucket/status.json")).toThrow(new Error(`Unsupported object URI "gs://bucket/status.json" (scheme gs: is not supported): ${expected}`));
    expect(() => readerFor("runs/status.json")).toThrow(new Error(`Unsupported object URI "runs/status.json" (no scheme): ${expected}`));
  });
  it("rejects incomplete or foreign URIs of a supported scheme", () => {
    expect(() => readerFor("s3://bucket")).toThrow('Unsupported object URI "s3://bucket" (an s3 URI needs a bucket and a key)');
    expect(() => readerFor("https://example.com/a/b")).toThrow('Unsupported object URI "https://example.com/a/b" (example.com is not an Azure Blob Storage host)');
    expect(() => readerFor("https://acct.blob.core.windows.net/container")).toThrow("(a blob URI needs a container and a blob name)");
    expect(() => readerFor("http://127.0.0.1:10000/devstoreaccount1")).toThrow("(a blob URI needs a container and a blob name)");
    expect(() => readerFor("file://server/share/x")).toThrow('Unsupported object URI "file://server/share/x" (not a local file URL');
  });
  it("accepts each supported form, with a reader of its kind", async () => {
    const forms: [string, string][] = [
      ["s3://b/k/status.json", "s3"],
      ["https://acct.blob.core.windows.net/c/a/b.json", "blob"],
      ["http://localhost:10000/devstoreaccount1/c/b", "blob"],
      ["file:///tmp/x", "file"],
    ];
    // each reader names the one kind it reads when handed a URI of another kind (before any SDK loads)
    for (const [uri, kind] of forms) {
      const other = kind === "file" ? "s3://b/k" : "file:///tmp/x";
      await expect(readerFor(uri).read(other), uri).rejects.toThrow(new Error(`This reader reads ${kind} URIs, not "${other}": make another with readerFor()`));
    }
  });
  it("a reader refuses another kind of URI", async () => {
    await expect(readerFor("file:///x").read("s3://b/k")).rejects.toThrow('This reader reads file URIs, not "s3://b/k": make another with readerFor()');
  });
  it("a blob reader refuses a URI of another account than its connection string's", async () => {
    const reader = readerFor("http://127.0.0.1:1/devstoreaccount1/c/b", { blob: { connectionString: azuriteConnectionString("http://127.0.0.1:1") } });
    await expect(reader.read("http://127.0.0.1:2/devstoreaccount1/c/b")).rejects.toThrow(
      "Cannot read http://127.0.0.1:2/devstoreaccount1/c/b: the connection string is for http://127.0.0.1:1/devstoreaccount1, not http://127.0.0.1:2/devstoreaccount1",
    );
  });
  it("loading the module loads no cloud SDK", () => {
    const script = 'require("./lib/launch/status-store.ts"); console.log(Object.keys(require.cache).filter((k) => /@aws-sdk|@azure/.test(k)).length)';
    const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: join(__dirname, "..", ".."), encoding: "utf8", timeout: 15_000 });
    expect(out.trim()).toBe("0");
  });
});

describe("waitForStatus and an empty status object", () => {
  it("takes an empty object for 'not yet' and waits for the real one", async () => {
    let reads = 0;
    const reader = { read: async () => (++reads < 3 ? "" : JSON.stringify({ runId: "r", exitCode: 0, startedAt: "2026-11-30T10:00:00Z", finishedAt: "2026-11-30T11:00:00Z" })), readFrom: async () => "" };
    const status = await waitForStatus({ statusUri: "s3://b/status.json", reader, pollMs: 1, timeoutMs: 5000 });
    expect(status.exitCode).toBe(0);
    expect(reads).toBe(3);
  });
});
