/**
 * Copying objects between a store and the launcher's disk, for checkpoints carried from one attempt
 * to the next: list the objects under a prefix (page by page), download an object to a file and
 * upload a file (both streamed: a checkpoint is gigabytes; large files go in parts), and put a small
 * object. Amazon S3, Azure Blob Storage (or Azurite) and local files, by the same URIs and options
 * as the readers (`object-readers.ts`), with the same clients (`object-clients.ts`).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, open, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { ValidationError } from "../core/errors";
import { BlobContainers, errorInfo, loadS3, newS3Client, type ReaderOptions } from "./object-clients";
import { expectKind, parseUri, type Location } from "./object-uri";

/** One object under a listed prefix. */
export interface StoredObject {
  /** Its key (or path) relative to the prefix listed. */
  readonly key: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** How {@link storeFor} reaches each store and moves data. */
export interface StoreOptions extends ReaderOptions {
  /** Objects asked for per list request (S3 returns at most 1000). @default 1000 */
  readonly pageSize?: number;
  /**
   * Files larger than this are uploaded in parts of this size (S3 multipart upload; Blob Put Block
   * and Put Block List); smaller ones in one request. S3 refuses parts under 5 MiB but the last.
   * @default 16777216 (16 MiB)
   */
  readonly partBytes?: number;
  /** Parts uploaded at once (each one is held in memory while it is sent to S3). @default 4 */
  readonly concurrency?: number;
  /** Stops a transfer in flight: the call rejects. */
  readonly signal?: AbortSignal;
}

/** Lists, downloads and uploads objects of one kind of store. */
export interface ObjectStore {
  /** The objects whose URI starts with `prefixUri`, page by page. */
  list(prefixUri: string): AsyncIterable<StoredObject>;
  /** Streams object `uri` into `file` (created 0600, replaced if there); resolves to the bytes written. @throws Error when it does not exist */
  download(uri: string, file: string): Promise<number>;
  /** Streams `file` to object `uri`, in parts when larger than `partBytes`; resolves to the bytes sent. */
  upload(file: string, uri: string): Promise<number>;
  /** Writes a small object (a manifest, a marker) in one request. */
  put(uri: string, body: string | Uint8Array): Promise<void>;
}

/** Default of {@link StoreOptions.partBytes}. */
export const DEFAULT_PART_BYTES = 16 * 1024 * 1024;
const S3_MAX_PARTS = 10_000;
const BLOB_MAX_BLOCKS = 50_000;
/** The largest single-shot upload the Blob SDK's uploadFile takes. */
const BLOB_MAX_SINGLE_SHOT = 256 * 1024 * 1024;
const MAX_PART_BYTES = 4000 * 1024 * 1024; // Blob's largest block (S3's largest part is 5 GiB)

/**
 * A store for URIs of the same kind as `uri`: s3://bucket/key, Blob URLs (Azurite's too), file:///path.
 * @throws ValidationError when an option is out of range; Error when `uri` is of no supported form
 */
export function storeFor(uri: string, options: StoreOptions = {}): ObjectStore {
  const settings = checkOptions(options);
  switch (parsePrefix(uri).kind) {
    case "s3":
      return new S3Store(options.s3 ?? {}, settings);
    case "blob":
      return new BlobStore(options.blob ?? {}, settings);
    case "file":
      return new FileStore();
  }
}

/** Every object under `prefixUri`. */
export async function listAll(store: ObjectStore, prefixUri: string): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const o of store.list(prefixUri)) out.push(o);
  return out;
}

/** Where a prefix URI points; unlike an object URI its key may be empty (`s3://bucket/`). */
export function parsePrefix(uri: string): Location {
  if (!/\/$/.test(uri)) return parseUri(uri);
  const loc = parseUri(`${uri}_`); // a one-character key, taken off again
  if (loc.kind === "s3") return { ...loc, key: loc.key.slice(0, -1) };
  if (loc.kind === "blob") return { ...loc, blob: loc.blob.slice(0, -1) };
  return { ...loc, path: loc.path.slice(0, -1) };
}

interface Settings {
  readonly pageSize: number;
  readonly partBytes: number;
  readonly concurrency: number;
  readonly signal?: AbortSignal;
}

function checkOptions(o: StoreOptions): Settings {
  const whole = (field: string, v: number, min: number, max: number, unit: string): number => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new ValidationError("object store", field, v, `a whole number of ${unit} from ${min} to ${max}`);
    return v;
  };
  return {
    pageSize: whole("pageSize", o.pageSize ?? 1000, 1, 1000, "objects"),
    partBytes: whole("partBytes", o.partBytes ?? DEFAULT_PART_BYTES, 1, MAX_PART_BYTES, "bytes"),
    concurrency: whole("concurrency", o.concurrency ?? 4, 1, 64, "parts"),
    ...(o.signal ? { signal: o.signal } : {}),
  };
}

/** The size of each part of a `size`-byte file: `partBytes`, or larger when the store's part count would be exceeded. */
export function partSize(size: number, partBytes: number, maxParts: number): number {
  return Math.max(partBytes, Math.ceil(size / maxParts));
}

// ---------------------------------------------------------------------------------------------
// S3

class S3Store implements ObjectStore {
  private client?: Promise<S3Client>;

  constructor(
    private readonly options: NonNullable<ReaderOptions["s3"]>,
    private readonly settings: Settings,
  ) {}

  async *list(prefixUri: string): AsyncIterable<StoredObject> {
    const loc = parsePrefix(prefixUri) as Extract<Location, { kind: "s3" }>;
    if (loc.kind !== "s3") throw wrongKind(prefixUri, "s3");
    const { ListObjectsV2Command } = await loadS3();
    const client = await this.getClient();
    let token: string | undefined;
    do {
      const page = await this.send(prefixUri, "list", loc.bucket, () =>
        client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.key, MaxKeys: this.settings.pageSize, ContinuationToken: token }), this.abort()),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key.slice(loc.key.length), bytes: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async download(uri: string, file: string): Promise<number> {
    const { bucket, key } = expectKind(uri, "s3");
    const { GetObjectCommand } = await loadS3();
    const client = await this.getClient();
    const out = await this.send(uri, "download", bucket, () => client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), this.abort()));
    await pipeline(out.Body as Readable, createWriteStream(file, { mode: 0o600 }), this.settings.signal ? { signal: this.settings.signal } : {});
    return (await stat(file)).size;
  }

  async upload(file: string, uri: string): Promise<number> {
    const { bucket, key } = expectKind(uri, "s3");
    const size = (await stat(file)).size;
    if (size <= this.settings.partBytes) {
      // One request; the body is a buffer so the SDK sends its checksum in a header (every S3-compatible server takes that)
      const handle = await open(file, "r");
      try {
        await this.putBytes(uri, bucket, key, await handle.readFile());
      } finally {
        await handle.close();
      }
      return size;
    }
    await this.multipart(file, uri, bucket, key, size);
    return size;
  }

  async put(uri: string, body: string | Uint8Array): Promise<void> {
    const { bucket, key } = expectKind(uri, "s3");
    await this.putBytes(uri, bucket, key, typeof body === "string" ? Buffer.from(body) : body);
  }

  private async putBytes(uri: string, bucket: string, key: string, bytes: Uint8Array): Promise<void> {
    const { PutObjectCommand } = await loadS3();
    const client = await this.getClient();
    await this.send(uri, "write", bucket, () =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength, ChecksumAlgorithm: "CRC32" }), this.abort()),
    );
  }

  /** A multipart upload: parts read from the file at their offsets, `concurrency` at a time; aborted on failure. */
  private async multipart(file: string, uri: string, bucket: string, key: string, size: number): Promise<void> {
    const { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } = await loadS3();
    const client = await this.getClient();
    const created = await this.send(uri, "write", bucket, () =>
      client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: "CRC32" }), this.abort()),
    );
    const uploadId = created.UploadId!;
    const part = partSize(size, this.settings.partBytes, S3_MAX_PARTS);
    const count = Math.ceil(size / part);
    const done: { PartNumber: number; ETag?: string; ChecksumCRC32?: string }[] = [];
    const handle = await open(file, "r");
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const index = next++;
          const length = Math.min(part, size - index * part);
          const buf = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buf, 0, length, index * part);
          if (bytesRead !== length) throw new Error(`Cannot upload ${file} to ${uri}: it changed while being read (part ${index + 1} has ${bytesRead} bytes, not ${length})`);
          const out = await this.send(uri, "write", bucket, () =>
            client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: buf, ContentLength: length, ChecksumAlgorithm: "CRC32" }), this.abort()),
          );
          done.push({ PartNumber: index + 1, ETag: out.ETag, ...(out.ChecksumCRC32 ? { ChecksumCRC32: out.ChecksumCRC32 } : {}) });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, count) }, worker));
      done.sort((a, b) => a.PartNumber - b.PartNumber);
      await this.send(uri, "write", bucket, () =>
        client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done } }), this.abort()),
      );
    } catch (e) {
      // The parts uploaded so far are billed until the upload is aborted
      const aborted = await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).then(
        () => "aborted",
        (err: unknown) => `could not be aborted (${(err as Error).message}): abort upload ${uploadId} by hand`,
      );
      throw new Error(`${(e as Error).message} (the multipart upload ${aborted})`, { cause: e });
    } finally {
      await handle.close();
    }
  }

  /** The SDK's per-request options: the abort signal. */
  private abort(): { abortSignal?: AbortSignal } {
    return this.settings.signal ? { abortSignal: this.settings.signal } : {};
  }

  /** `call`, with its errors said in terms of `uri`. */
  private async send<T>(uri: string, action: string, bucket: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      const { code, status } = errorInfo(e);
      if (code === "NoSuchBucket") throw new Error(`Cannot ${action} ${uri}: bucket ${bucket} does not exist`, { cause: e });
      if (code === "NoSuchKey" || status === 404) throw new Error(`Cannot ${action} ${uri}: it does not exist`, { cause: e });
      throw new Error(`Cannot ${action} ${uri}: ${code || "error"}: ${(e as Error).message}`, { cause: e });
    }
  }

  private getClient(): Promise<S3Client> {
    this.client ??= newS3Client(this.options);
    return this.client;
  }
}

// ---------------------------------------------------------------------------------------------
// Azure Blob Storage

class BlobStore implements ObjectStore {
  private readonly containers: BlobContainers;

  constructor(
    options: NonNullable<ReaderOptions["blob"]>,
    private readonly settings: Settings,
  ) {
    this.containers = new BlobContainers(options);
  }

  async *list(prefixUri: string): AsyncIterable<StoredObject> {
    const loc = parsePrefix(prefixUri);
    if (loc.kind !== "blob") throw wrongKind(prefixUri, "blob");
    const container = await this.containers.container(prefixUri, loc, "list");
    const pages = container.listBlobsFlat({ prefix: loc.blob, abortSignal: this.settings.signal }).byPage({ maxPageSize: this.settings.pageSize });
    try {
      for await (const page of pages) {
        for (const b of page.segment.blobItems) yield { key: b.name.slice(loc.blob.length), bytes: b.properties.contentLength ?? 0 };
      }
    } catch (e) {
      throw blobError(e, prefixUri, "list", loc.container);
    }
  }

  async download(uri: string, file: string): Promise<number> {
    const loc = expectKind(uri, "blob");
    const blob = (await this.containers.container(uri, loc, "download")).getBlobClient(loc.blob);
    try {
      const res = await blob.download(0, undefined, { abortSignal: this.settings.signal });
      const output = createWriteStream(file, { mode: 0o600 });
      await pipeline(res.readableStreamBody as Readable, output, this.settings.signal ? { signal: this.settings.signal } : {});
    } catch (e) {
      throw blobError(e, uri, "download", loc.container);
    }
    return (await stat(file)).size;
  }

  async upload(file: string, uri: string): Promise<number> {
    const loc = expectKind(uri, "blob");
    const blob = (await this.containers.container(uri, loc, "write")).getBlockBlobClient(loc.blob);
    const size = (await stat(file)).size;
    try {
      // Up to partBytes in one Put Blob; larger files in blocks of partBytes (Put Block, then Put Block List)
      await blob.uploadFile(file, {
        maxSingleShotSize: Math.min(this.settings.partBytes, BLOB_MAX_SINGLE_SHOT),
        blockSize: partSize(size, this.settings.partBytes, BLOB_MAX_BLOCKS),
        concurrency: this.settings.concurrency,
        abortSignal: this.settings.signal,
      });
    } catch (e) {
      throw blobError(e, uri, "write", loc.container);
    }
    return size;
  }

  async put(uri: string, body: string | Uint8Array): Promise<void> {
    const loc = expectKind(uri, "blob");
    const blob = (await this.containers.container(uri, loc, "write")).getBlockBlobClient(loc.blob);
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    try {
      await blob.upload(bytes, bytes.byteLength, { abortSignal: this.settings.signal });
    } catch (e) {
      throw blobError(e, uri, "write", loc.container);
    }
  }
}

function blobError(e: unknown, uri: string, action: string, container: string): Error {
  const { code, status } = errorInfo(e);
  if (code === "ContainerNotFound") return new Error(`Cannot ${action} ${uri}: container ${container} does not exist`, { cause: e });
  if (code === "BlobNotFound" || status === 404) return new Error(`Cannot ${action} ${uri}: it does not exist`, { cause: e });
  return new Error(`Cannot ${action} ${uri}: ${code || "error"}: ${(e as Error).message}`, { cause: e });
}

// ---------------------------------------------------------------------------------------------
// Local files

class FileStore implements ObjectStore {
  async *list(prefixUri: string): AsyncIterable<StoredObject> {
    const loc = parsePrefix(prefixUri);
    if (loc.kind !== "file") throw wrongKind(prefixUri, "file");
    const prefix = loc.path;
    const root = prefix.endsWith(sep) ? prefix.slice(0, -1) || sep : dirname(prefix);
    for await (const path of walk(root)) {
      if (!path.startsWith(prefix)) continue;
      yield { key: path.slice(prefix.length), bytes: (await stat(path)).size };
    }
  }

  async download(uri: string, file: string): Promise<number> {
    const { path } = expectKind(uri, "file");
    try {
      await pipeline(createReadStream(path), createWriteStream(file, { mode: 0o600 }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" && (e as NodeJS.ErrnoException).path === path) throw new Error(`Cannot download ${uri}: it does not exist`, { cause: e });
      throw new Error(`Cannot download ${uri}: ${(e as Error).message}`, { cause: e });
    }
    return (await stat(file)).size;
  }

  async upload(file: string, uri: string): Promise<number> {
    const { path } = expectKind(uri, "file");
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await pipeline(createReadStream(file), createWriteStream(path, { mode: 0o600 }));
    return (await stat(path)).size;
  }

  async put(uri: string, body: string | Uint8Array): Promise<void> {
    const { path } = expectKind(uri, "file");
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, body, { mode: 0o600 });
  }
}

/** Every regular file under `dir` (none when it does not exist), symbolic links not followed. */
async function* walk(dir: string): AsyncIterable<string> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isDirectory()) yield* walk(path);
    else if (st.isFile()) yield path;
  }
}

function wrongKind(uri: string, kind: string): Error {
  return new Error(`This store holds ${kind} URIs, not ${JSON.stringify(uri)}: make another with storeFor()`);
}
