/**
 * Reading a training run's results from object storage: its final status object (JSON written by
 * node 0) and its log, streamed while it grows. Backends: Amazon S3 (`s3://`), Azure Blob Storage
 * (`https://<account>.blob.core.windows.net/...`, or Azurite on a loopback address) and local files
 * (`file://`). The cloud SDKs are loaded on first use, so importing this module stays cheap.
 */
import { open, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { TokenCredential } from "@azure/core-auth";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadOptional, type AzureTokenCredential } from "./optional-sdk";

// Not exported: their types would make the package's declarations need the optional SDKs.
const loadS3 = () => loadOptional(() => import("@aws-sdk/client-s3"), "@aws-sdk/client-s3", "reading a run's status and log from S3");
const loadBlob = () => loadOptional(() => import("@azure/storage-blob"), "@azure/storage-blob", "reading a run's status and log from Azure Blob Storage");
const loadAzureIdentity = () => loadOptional(() => import("@azure/identity"), "@azure/identity", "signing in to Azure Blob Storage (DefaultAzureCredential)");
// Type the ESM build: that is what the dynamic import() below loads.
import type { BlobClient, BlobServiceClient } from "@azure/storage-blob" with { "resolution-mode": "import" };

/** Final status a run's node 0 writes (JSON). */
export interface RunStatus {
  /** The run this status belongs to. */
  readonly runId: string;
  /** The training command's exit code (0 = success). */
  readonly exitCode: number;
  /** When the run started (an ISO 8601 timestamp). */
  readonly startedAt: string;
  /** When the run finished (an ISO 8601 timestamp). */
  readonly finishedAt: string;
  /** Any further fields the run wrote. */
  readonly [key: string]: unknown;
}

/** Reads objects by URI. */
export interface ObjectReader {
  /** The whole object as text, or undefined when it does not exist (yet). */
  read(uri: string): Promise<string | undefined>;
  /**
   * The object's text from byte `offset` on ("" when absent or nothing new): for streaming a
   * growing log. Only whole UTF-8 characters are returned (a character cut by the end of the
   * object comes with the next call), so the next offset is `offset + Buffer.byteLength(text)`.
   */
  readFrom(uri: string, offset: number): Promise<string>;
}

/** How {@link readerFor} reaches each store. Everything is optional. */
export interface ReaderOptions {
  /** Amazon S3 or an S3-compatible server. */
  readonly s3?: {
    /** Endpoint URL of an S3-compatible server (default: AWS's for the region). */
    readonly endpoint?: string;
    /** Region (default: `AWS_REGION`, else `us-east-1`). */
    readonly region?: string;
    /** Address buckets in the path rather than the host name (needed by most local servers). */
    readonly forcePathStyle?: boolean;
    /** Static keys (default: the AWS SDK's default credential chain). */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Azure Blob Storage or Azurite. */
  readonly blob?: {
    /** A storage connection string; its account endpoint must be the one in the URIs read. */
    readonly connectionString?: string;
    /** A token credential (default when no connection string: `DefaultAzureCredential`). */
    readonly credential?: AzureTokenCredential;
  };
}

/** The URI forms {@link readerFor} understands, for error messages. */
export const SUPPORTED_URIS =
  "s3://<bucket>/<key>, https://<account>.blob.core.windows.net/<container>/<blob>, " +
  "http://127.0.0.1:<port>/<account>/<container>/<blob> (Azurite) or file:///<path>";

/**
 * A reader for s3://bucket/key, https://<account>.blob.core.windows.net/<container>/<blob>
 * (also http://127.0.0.1:<port>/<account>/<container>/<blob> for Azurite) and file:///path URIs.
 * The reader serves every URI of the same kind as `uri`.
 * @throws Error naming the URI and the supported forms when `uri` is none of them.
 */
export function readerFor(uri: string, options: ReaderOptions = {}): ObjectReader {
  const kind = parseUri(uri).kind;
  switch (kind) {
    case "s3":
      return new S3Reader(options.s3 ?? {});
    case "blob":
      return new BlobReader(options.blob ?? {});
    case "file":
      return new FileReader();
  }
}

// ---------------------------------------------------------------------------------------------
// URIs

interface S3Location {
  readonly kind: "s3";
  readonly bucket: string;
  readonly key: string;
}
interface BlobLocation {
  readonly kind: "blob";
  /** The account's endpoint, without a trailing slash: `https://acc.blob.core.windows.net` or `http://127.0.0.1:10000/acc`. */
  readonly accountUrl: string;
  readonly account: string;
  readonly container: string;
  readonly blob: string;
}
interface FileLocation {
  readonly kind: "file";
  readonly path: string;
}
type Location = S3Location | BlobLocation | FileLocation;

const BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/;
const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

function unsupported(uri: string, why: string): Error {
  return new Error(`Unsupported object URI ${JSON.stringify(uri)} (${why}): expected ${SUPPORTED_URIS}`);
}

/** Parses an object URI into where the object lives; throws for anything unsupported. */
function parseUri(uri: string): Location {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "s3") return parseS3(uri);
  if (scheme === "file") return parseFile(uri);
  if (scheme === "https" || scheme === "http") return parseBlob(uri);
  return unsupportedThrow(uri, scheme ? `scheme ${scheme}: is not supported` : "no scheme");
}

function unsupportedThrow(uri: string, why: string): never {
  throw unsupported(uri, why);
}

/** `s3://bucket/key`; the key is taken as written (S3 URIs are not percent-encoded). */
function parseS3(uri: string): S3Location {
  const m = /^s3:\/\/([^/?#]+)\/(.+)$/i.exec(uri);
  if (!m) return unsupportedThrow(uri, "an s3 URI needs a bucket and a key");
  return { kind: "s3", bucket: m[1]!, key: m[2]! };
}

function parseFile(uri: string): FileLocation {
  try {
    return { kind: "file", path: fileURLToPath(uri) };
  } catch (e) {
    return unsupportedThrow(uri, `not a local file URL: ${(e as Error).message}`);
  }
}

/** Azure's host-style blob URLs, or Azurite's path-style ones on a loopback address. */
function parseBlob(uri: string): BlobLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return unsupportedThrow(uri, "not a valid URL");
  }
  const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
  const hostAccount = BLOB_HOST.exec(url.hostname)?.[1];
  if (hostAccount && url.protocol === "https:") {
    return blobLocation(uri, `${url.origin}`, hostAccount, segments);
  }
  if (LOOPBACK_HOST.test(url.hostname)) {
    const [account, ...rest] = segments;
    if (!account) return unsupportedThrow(uri, "an Azurite URI needs an account, a container and a blob");
    return blobLocation(uri, `${url.origin}/${account}`, account, rest);
  }
  return unsupportedThrow(uri, `${url.host} is not an Azure Blob Storage host`);
}

function blobLocation(uri: string, accountUrl: string, account: string, segments: string[]): BlobLocation {
  const [container, ...blobParts] = segments;
  const blob = blobParts.join("/");
  if (!container || !blob) return unsupportedThrow(uri, "a blob URI needs a container and a blob name");
  return { kind: "blob", accountUrl, account, container, blob };
}

function expectKind<K extends Location["kind"]>(uri: string, kind: K): Extract<Location, { kind: K }> {
  const loc = parseUri(uri);
  if (loc.kind !== kind) throw new Error(`This reader reads ${kind} URIs, not ${JSON.stringify(uri)}: make another with readerFor()`);
  return loc as Extract<Location, { kind: K }>;
}

// ---------------------------------------------------------------------------------------------
// Text

/** Bytes to text, leaving out a UTF-8 character cut off at the end (see {@link ObjectReader.readFrom}). */
export function wholeUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, completeLength(bytes)).toString("utf8");
}

/** How many leading bytes hold only whole UTF-8 characters (drops at most 3 trailing bytes). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// S3

interface ErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly details?: { readonly errorCode?: string };
}

function errorInfo(e: unknown): { code: string; status: number | undefined } {
  const err = (typeof e === "object" && e !== null ? e : {}) as ErrorLike;
  const code = err.details?.errorCode ?? err.code ?? err.name ?? "";
  return { code, status: err.$metadata?.httpStatusCode ?? err.statusCode };
}

/** Reads s3:// URIs with one client, made on first use. */
class S3Reader implements ObjectReader {
  private client?: Promise<S3Client>;

  constructor(private readonly options: NonNullable<ReaderOptions["s3"]>) {}

  async read(uri: string): Promise<string | undefined> {
    const bytes = await this.get(uri);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString("utf8");
  }

  async readFrom(uri: string, offset: number): Promise<string> {
    checkOffset(uri, offset);
    const bytes = await this.get(uri, offset);
    return bytes === undefined ? "" : wholeUtf8(bytes);
  }

  /** The object's bytes (from `offset` on), or undefined when it or that range does not exist. */
  private async get(uri: string, offset?: number): Promise<Uint8Array | undefined> {
    const { bucket, key } = expectKind(uri, "s3");
    const { GetObjectCommand } = await loadS3();
    const client = await this.getClient();
    const range = offset === undefined ? undefined : `bytes=${offset}-`;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (e) {
      const { code, status } = errorInfo(e);
      if (code === "NoSuchKey" || (status === 404 && code !== "NoSuchBucket")) return undefined;
      if (code === "InvalidRange" || status === 416) return undefined;
      if (code === "NoSuchBucket") throw new Error(`Cannot read ${uri}: bucket ${bucket} does not exist`, { cause: e });
      throw new Error(`Cannot read ${uri}: ${code || "error"}: ${(e as Error).message}`, { cause: e });
    }
  }

  private getClient(): Promise<S3Client> {
    this.client ??= (async () => {
      const { S3Client } = await loadS3();
      const o = this.options;
      return new S3Client({
        region: o.region ?? process.env.AWS_REGION ?? "us-east-1",
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...(o.forcePathStyle !== undefined ? { forcePathStyle: o.forcePathStyle } : {}),
        ...(o.credentials ? { credentials: { ...o.credentials } } : {}),
      });
    })();
    return this.client;
  }
}

// ---------------------------------------------------------------------------------------------
// Azure Blob Storage

/** Reads blob URIs with a connection string or a token credential, loaded on first use. */
class BlobReader implements ObjectReader {
  private service?: Promise<BlobServiceClient>;
  private credential?: Promise<TokenCredential>;

  constructor(private readonly options: NonNullable<ReaderOptions["blob"]>) {}

  async read(uri: string): Promise<string | undefined> {
    const bytes = await this.download(uri, 0);
    return bytes === undefined ? undefined : bytes.toString("utf8");
  }

  async readFrom(uri: string, offset: number): Promise<string> {
    checkOffset(uri, offset);
    const bytes = await this.download(uri, offset);
    return bytes === undefined ? "" : wholeUtf8(bytes);
  }

  /** The blob's bytes from `offset` on, or undefined when it or that range does not exist. */
  private async download(uri: string, offset: number): Promise<Buffer | undefined> {
    const loc = expectKind(uri, "blob");
    const client = await this.blobClient(uri, loc);
    try {
      const res = await client.download(offset);
      return res.readableStreamBody ? await collect(res.readableStreamBody) : Buffer.alloc(0);
    } catch (e) {
      const { code, status } = errorInfo(e);
      if (code === "BlobNotFound") return undefined;
      if (code === "InvalidRange" || status === 416) return undefined;
      if (code === "ContainerNotFound") throw new Error(`Cannot read ${uri}: container ${loc.container} does not exist`, { cause: e });
      if (status === 404) return undefined;
      throw new Error(`Cannot read ${uri}: ${code || "error"}: ${(e as Error).message}`, { cause: e });
    }
  }

  private async blobClient(uri: string, loc: BlobLocation): Promise<BlobClient> {
    if (this.options.connectionString !== undefined) {
      const service = await this.serviceClient();
      const endpoint = service.url.replace(/\/+$/, "");
      if (endpoint !== loc.accountUrl) {
        throw new Error(`Cannot read ${uri}: the connection string is for ${endpoint}, not ${loc.accountUrl}`);
      }
      return service.getContainerClient(loc.container).getBlobClient(loc.blob);
    }
    const { BlobClient } = await loadBlob();
    return new BlobClient(uri, await this.tokenCredential());
  }

  private serviceClient(): Promise<BlobServiceClient> {
    this.service ??= (async () => {
      const { BlobServiceClient } = await loadBlob();
      return BlobServiceClient.fromConnectionString(this.options.connectionString!);
    })();
    return this.service;
  }

  private tokenCredential(): Promise<TokenCredential> {
    this.credential ??= this.options.credential
      ? Promise.resolve(this.options.credential as TokenCredential)
      : loadAzureIdentity().then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
    return this.credential;
  }
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Local files

/** Reads file:// URIs. */
class FileReader implements ObjectReader {
  async read(uri: string): Promise<string | undefined> {
    const { path } = expectKind(uri, "file");
    try {
      return await readFile(path, "utf8");
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw new Error(`Cannot read ${uri}: ${(e as Error).message}`, { cause: e });
    }
  }

  async readFrom(uri: string, offset: number): Promise<string> {
    checkOffset(uri, offset);
    const { path } = expectKind(uri, "file");
    let handle;
    try {
      handle = await open(path, "r");
    } catch (e) {
      if (isNotFound(e)) return "";
      throw new Error(`Cannot read ${uri}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const { size } = await handle.stat();
      if (size <= offset) return "";
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      return wholeUtf8(buf.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

function checkOffset(uri: string, offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new Error(`Cannot read ${uri} from offset ${offset}: the offset must be a whole number of bytes >= 0`);
  }
}

// ---------------------------------------------------------------------------------------------
// Status

/**
 * Parses and checks a status object.
 * @param text the object's text
 * @param uri where it was read from (for error messages)
 * @throws Error naming the URI and what is wrong when malformed (every problem, separated by "; ").
 */
export function parseStatus(text: string, uri: string): RunStatus {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`Run status at ${uri} is not valid JSON: ${snippet(text)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Run status at ${uri} is not a JSON object: ${snippet(text)}`);
  }
  const record = value as Record<string, unknown>;
  const problems = statusProblems(record);
  if (problems.length > 0) throw new Error(`Run status at ${uri} is malformed: ${problems.join("; ")}`);
  return record as RunStatus;
}

/** What is wrong with a parsed status object's required fields. */
function statusProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (field: string, ok: (v: unknown) => boolean, expected: string): void => {
    const v = s[field];
    if (v === undefined) problems.push(`${field} is missing (expected ${expected})`);
    else if (!ok(v)) problems.push(`${field} must be ${expected}, got ${JSON.stringify(v)}`);
  };
  const isTimestamp = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));
  check("runId", (v) => typeof v === "string" && v.length > 0, "a non-empty string");
  check("exitCode", (v) => Number.isSafeInteger(v), "an integer");
  check("startedAt", isTimestamp, "an ISO 8601 timestamp");
  check("finishedAt", isTimestamp, "an ISO 8601 timestamp");
  return problems;
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Options of {@link waitForStatus}. */
export interface WaitForStatusOptions {
  /** Where the run's status object will appear. */
  readonly statusUri: string;
  /** The run's log, streamed to `onLog` while waiting (optional). */
  readonly logsUri?: string;
  /** Reads `statusUri` (and `logsUri`, unless `logsReader` is given). */
  readonly reader: ObjectReader;
  /** Reads `logsUri` when it is in another store than the status. */
  readonly logsReader?: ObjectReader;
  /** Time between polls (default 5000 ms). */
  readonly pollMs?: number;
  /** Stops the wait: the promise rejects with an Error named "AbortError". */
  readonly signal?: AbortSignal;
  /** Receives each new piece of the log, in order. */
  readonly onLog?: (text: string) => void;
  /** Gives up after this long: the promise rejects with an Error named "TimeoutError". */
  readonly timeoutMs?: number;
}

/** Default time between polls of {@link waitForStatus}. */
export const DEFAULT_POLL_MS = 5000;

/**
 * Polls `statusUri` every `pollMs` until it exists and is not empty, streaming new text of `logsUri` to `onLog`
 * meanwhile (and once more after the status appears, so the log's tail is not lost).
 * Rejects with an Error named "AbortError" when `signal` aborts, one named "TimeoutError" after
 * `timeoutMs`, the reader's error when a read fails, and {@link parseStatus}'s when the status is malformed.
 */
export async function waitForStatus(opts: WaitForStatusOptions): Promise<RunStatus> {
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  if (!(pollMs >= 0)) throw new Error(`waitForStatus: pollMs must be >= 0, got ${pollMs}`);
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs >= 0)) {
    throw new Error(`waitForStatus: timeoutMs must be >= 0, got ${opts.timeoutMs}`);
  }
  const stop = stopper(opts);
  try {
    const log = opts.logsUri ? logStreamer(opts.logsUri, opts.logsReader ?? opts.reader, opts.onLog) : undefined;
    for (;;) {
      const text = await stop.race(opts.reader.read(opts.statusUri));
      if (log) await stop.race(log());
      // An empty object is one still being written (or a writer that failed and will retry): not yet.
      if (text !== undefined && text.trim() !== "") return parseStatus(text, opts.statusUri);
      await stop.race(stop.sleep(pollMs));
    }
  } finally {
    stop.dispose();
  }
}

/** Returns a function that passes the log's new text, if any, to `onLog`. */
function logStreamer(uri: string, reader: ObjectReader, onLog?: (text: string) => void): () => Promise<void> {
  let offset = 0;
  return async () => {
    const text = await reader.readFrom(uri, offset);
    if (text === "") return;
    offset += Buffer.byteLength(text, "utf8");
    onLog?.(text);
  };
}

interface Stopper {
  /** `p`, unless the wait is stopped first. */
  race<T>(p: Promise<T>): Promise<T>;
  /** Resolves after `ms`; its timer is cleared by dispose(). */
  sleep(ms: number): Promise<void>;
  /** Clears the timers and the abort listener. */
  dispose(): void;
}

/** Turns the abort signal and the timeout into one rejection that every step races against. */
function stopper(opts: WaitForStatusOptions): Stopper {
  const { signal, timeoutMs, statusUri } = opts;
  let reject!: (e: Error) => void;
  const stopped = new Promise<never>((_, rej) => (reject = rej));
  stopped.catch(() => undefined); // observed through race()
  const onAbort = () => reject(abortError(statusUri, signal?.reason));
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => reject(namedError("TimeoutError", `Timed out after ${timeoutMs} ms waiting for the run status at ${statusUri}`)), timeoutMs);
  const sleeps = new Set<NodeJS.Timeout>();
  return {
    race: (p) => Promise.race([p, stopped]),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          sleeps.delete(t);
          resolve();
        }, ms);
        sleeps.add(t);
      }),
    dispose: () => {
      clearTimeout(timer);
      for (const t of sleeps) clearTimeout(t);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

function abortError(uri: string, reason: unknown): Error {
  const why = reason instanceof Error ? reason.message : reason === undefined ? "aborted" : String(reason);
  return namedError("AbortError", `Stopped waiting for the run status at ${uri}: ${why}`, reason);
}

function namedError(name: string, message: string, cause?: unknown): Error {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = name;
  return e;
}
