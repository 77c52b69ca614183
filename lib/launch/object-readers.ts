/**
 * Readers of objects by URI, for a run's status and log: Amazon S3, Azure Blob Storage (or Azurite)
 * and local files. The cloud SDKs are loaded on first use, so importing this module stays cheap.
 */
import { open, readFile } from "node:fs/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { BlobContainers, errorInfo, loadS3, newS3Client, type ReaderOptions } from "./object-clients";
import { expectKind, parseUri } from "./object-uri";

export type { ReaderOptions } from "./object-clients";

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
    this.client ??= newS3Client(this.options);
    return this.client;
  }
}

// ---------------------------------------------------------------------------------------------
// Azure Blob Storage

/** Reads blob URIs with a connection string or a token credential, loaded on first use. */
class BlobReader implements ObjectReader {
  private readonly containers: BlobContainers;

  constructor(options: NonNullable<ReaderOptions["blob"]>) {
    this.containers = new BlobContainers(options);
  }

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
    const client = (await this.containers.container(uri, loc, "read")).getBlobClient(loc.blob);
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

