/**
 * The object stores the launcher's transfer tests run against, each written and read with its own
 * SDK (or the file system) rather than the code under test: S3 on s3rver, Blob on Azurite, and
 * local files. Each server sits behind a proxy that records the requests it receives.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import type { StoreOptions } from "../../lib/launch/object-store";
import { AZURITE_ACCOUNT, azuriteConnectionString, S3RVER_CREDENTIALS, startAzurite, startRecordingProxy, startS3rver, type RecordingProxy } from "./servers";

/** One store under test. */
export interface StoreBackend {
  /** URI of object (or prefix) `name` under the store's root (a bucket, a container, a folder). */
  uri(name: string): string;
  /** Writes the object at `uri` with the store's own SDK (or the file system). */
  put(uri: string, body: Buffer | string): Promise<void>;
  /** Reads the object at `uri` the same way; undefined when there is none. */
  get(uri: string): Promise<Buffer | undefined>;
  /** How the code under test reaches the store. */
  readonly options: StoreOptions;
  /** The requests made to the server (undefined for files). */
  readonly proxy?: RecordingProxy;
  stop(): Promise<void>;
}

/** `uri`'s part after `root`. @throws Error when `uri` is not under it */
function under(root: string, uri: string): string {
  if (!uri.startsWith(root)) throw new Error(`${uri} is not in the test store ${root}`);
  return uri.slice(root.length);
}

export async function s3Backend(): Promise<StoreBackend> {
  const server = await startS3rver();
  const proxy = await startRecordingProxy(server.url);
  const s3 = { endpoint: proxy.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS };
  const client = new S3Client({ ...s3, requestChecksumCalculation: "WHEN_REQUIRED" });
  await client.send(new CreateBucketCommand({ Bucket: "store" }));
  const key = (uri: string) => under("s3://store/", uri);
  return {
    uri: (name) => `s3://store/${name}`,
    put: async (uri, body) => void (await client.send(new PutObjectCommand({ Bucket: "store", Key: key(uri), Body: body, ContentLength: Buffer.byteLength(body) }))),
    get: async (uri) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: "store", Key: key(uri) }));
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch (e) {
        if ((e as Error).name === "NoSuchKey") return undefined;
        throw e;
      }
    },
    options: { s3 },
    proxy,
    stop: async () => {
      client.destroy();
      await proxy.stop();
      await server.stop();
    },
  };
}

export async function blobBackend(): Promise<StoreBackend> {
  const server = await startAzurite();
  const proxy = await startRecordingProxy(server.url);
  const connectionString = azuriteConnectionString(proxy.url);
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("store");
  await container.create();
  const root = `${proxy.url}/${AZURITE_ACCOUNT}/store/`;
  return {
    uri: (name) => `${root}${name}`,
    put: async (uri, body) => void (await container.getBlockBlobClient(under(root, uri)).upload(body, Buffer.byteLength(body))),
    get: async (uri) => {
      const blob = container.getBlobClient(under(root, uri));
      return (await blob.exists()) ? await blob.downloadToBuffer() : undefined;
    },
    options: { blob: { connectionString } },
    proxy,
    stop: async () => {
      await proxy.stop();
      await server.stop();
    },
  };
}

export async function fileBackend(): Promise<StoreBackend> {
  const dir = mkdtempSync(join(tmpdir(), "object-store-"));
  const root = `${pathToFileURL(dir).href}/`;
  const path = (uri: string) => join(dir, decodeURIComponent(under(root, uri)));
  return {
    uri: (name) => `${root}${name}`,
    put: async (uri, body) => {
      mkdirSync(dirname(path(uri)), { recursive: true });
      writeFileSync(path(uri), body);
    },
    get: async (uri) => (existsSync(path(uri)) ? readFileSync(path(uri)) : undefined),
    options: {},
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every store, with its label, for `describe.each`. */
export const STORE_BACKENDS: [string, () => Promise<StoreBackend>][] = [
  ["S3 (s3rver)", s3Backend],
  ["Blob (Azurite)", blobBackend],
  ["local files", fileBackend],
];
