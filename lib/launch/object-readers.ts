/**
 * Readers of objects by URI, for a run's status and log: Amazon S3, Azure Blob Storage (or Azurite)
 * and local files. The cloud SDKs are loaded on first use, so importing this module stays cheap.
 */
import { open, readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadOptional, type AzureTokenCredential } from "./optional-sdk";

// Not exported: their types would make the package's declarations need the optional SDKs.
const loadS3 = () => loadOptional(() => import("@aws-sdk/client-s3"), "@aws-sdk/client-s3", "reading a run's status and log from S3");
const loadBlob = () => loadOptional(() => import("@azure/storage-blob"), "@azure/storage-blob", "reading a run's status and log from Azure Blob Storage");
const loadAzureIdentity = () => loadOptional(() => import("@azure/identity"), "@azure/identity", "signing in to Azure Blob Storage (DefaultAzureCredential)");
// Type the ESM build: that is what the dynamic import() below loads.
import type { BlobClient, BlobServiceClient } from "@azure/storage-blob" with { "resolution-mode": "import" };
import { expectKind, parseUri, type BlobLocation } from "./object-uri";

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

