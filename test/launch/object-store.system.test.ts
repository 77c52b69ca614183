/**
 * object-store against real local servers (s3rver for S3, Azurite for Blob, each behind a proxy
 * that records the requests made) and local files: paged listing, streamed download and upload
 * (in parts above the threshold), small objects, missing objects, option checks.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readerFor } from "../../lib/launch/object-readers";
import { listAll, parsePrefix, partSize, storeFor, type ObjectStore } from "../../lib/launch/object-store";
import { STORE_BACKENDS, type StoreBackend } from "./store-backends";

const PART = 64 * 1024; // the test's multipart threshold and part size
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe.each(STORE_BACKENDS)("object store on %s", (_label, make) => {
  let b: StoreBackend;
  let store: ObjectStore;
  let work: string;
  beforeAll(async () => {
    b = await make();
    store = storeFor(b.uri("x"), { ...b.options, pageSize: 3, partBytes: PART, concurrency: 2 });
    work = mkdtempSync(join(tmpdir(), "object-store-work-"));
  }, 120_000); // the local servers start slowly on a loaded machine
  afterAll(async () => {
    await b?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("lists every object under a prefix, relative to it, with its size, page by page", async () => {
    const names = ["list/a", "list/b/c", "list/b/d.pt", "list/e", "list/f", "list/g", "list/h"];
    for (const [i, n] of names.entries()) await b.put(b.uri(n), "x".repeat(i));
    await b.put(b.uri("listing-not-under"), "no");
    await b.put(b.uri("other/a"), "no");
    const before = b.proxy?.requests.length ?? 0;
    const listed = await listAll(store, b.uri("list/"));
    expect(listed.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: "a", bytes: 0 },
      { key: "b/c", bytes: 1 },
      { key: "b/d.pt", bytes: 2 },
      { key: "e", bytes: 3 },
      { key: "f", bytes: 4 },
      { key: "g", bytes: 5 },
      { key: "h", bytes: 6 },
    ]);
    // 7 objects at 3 a page: 3 list requests (files have no pages)
    if (b.proxy) expect(b.proxy.requests.slice(before).filter((r) => /list-type=2|comp=list/.test(r))).toHaveLength(3);
    expect(await listAll(store, b.uri("nothing-here/"))).toEqual([]);
  });

  it("uploads a file over the threshold in parts and downloads it back byte for byte", async () => {
    const data = randomBytes(3 * PART + 1234);
    const src = join(work, "big.bin");
    writeFileSync(src, data);
    const before = b.proxy?.requests.length ?? 0;
    expect(await store.upload(src, b.uri("up/big.bin"))).toBe(data.length);
    if (b.proxy) {
      const made = b.proxy.requests.slice(before);
      // 4 parts: S3 UploadPart (partNumber=) / Blob Put Block (comp=block), then one commit
      expect(made.filter((r) => /^PUT .*(partNumber=\d+|comp=block(&|$))/.test(r))).toHaveLength(4);
      expect(made.filter((r) => /^POST .*uploadId=|^PUT .*comp=blocklist/.test(r))).toHaveLength(1);
    }
    const dest = join(work, "big.back");
    expect(await store.download(b.uri("up/big.bin"), dest)).toBe(data.length);
    expect(sha(readFileSync(dest))).toBe(sha(data));
    expect(statSync(dest).mode & 0o777).toBe(0o600);
  });

  it("uploads a file at the threshold in one request", async () => {
    const data = randomBytes(PART);
    const src = join(work, "exact.bin");
    writeFileSync(src, data);
    const before = b.proxy?.requests.length ?? 0;
    expect(await store.upload(src, b.uri("up/exact.bin"))).toBe(PART);
    if (b.proxy) expect(b.proxy.requests.slice(before).filter((r) => r.startsWith("PUT ") || r.startsWith("POST "))).toHaveLength(1);
    const dest = join(work, "exact.back");
    await store.download(b.uri("up/exact.bin"), dest);
    expect(sha(readFileSync(dest))).toBe(sha(data));
  });

  it("puts a small object, and an empty one", async () => {
    await store.put(b.uri("small/manifest.json"), '{"a":1}');
    await store.put(b.uri("small/SEEDED"), "");
    const reader = readerFor(b.uri("x"), b.options);
    expect(await reader.read(b.uri("small/manifest.json"))).toBe('{"a":1}');
    expect(await reader.read(b.uri("small/SEEDED"))).toBe("");
  });

  it("refuses to download an object that does not exist", async () => {
    const uri = b.uri("no/such/object");
    await expect(store.download(uri, join(work, "nothing"))).rejects.toThrow(`Cannot download ${uri}: it does not exist`);
  });

  it("lists nothing when the store is asked for another kind of URI", async () => {
    const other = b.uri("x").startsWith("s3:") ? "file:///tmp/x/" : "s3://bucket/x/";
    await expect(listAll(store, other)).rejects.toThrow(/This store holds (s3|blob|file) URIs, not/);
  });
});

describe("store options", () => {
  it.each([
    [{ pageSize: 0 }, 'object store: pageSize 0 is not valid: a whole number of objects from 1 to 1000'],
    [{ pageSize: 1001 }, 'object store: pageSize 1001 is not valid: a whole number of objects from 1 to 1000'],
    [{ pageSize: 2.5 }, 'object store: pageSize 2.5 is not valid: a whole number of objects from 1 to 1000'],
    [{ partBytes: 0 }, 'object store: partBytes 0 is not valid: a whole number of bytes from 1 to 4194304000'],
    [{ partBytes: 4194304001 }, 'object store: partBytes 4194304001 is not valid: a whole number of bytes from 1 to 4194304000'],
    [{ concurrency: 0 }, 'object store: concurrency 0 is not valid: a whole number of parts from 1 to 64'],
    [{ concurrency: 65 }, 'object store: concurrency 65 is not valid: a whole number of parts from 1 to 64'],
  ])("%j is refused", (options, message) => {
    expect(() => storeFor("s3://bucket/key", options)).toThrow(message);
  });

  it("takes the bounds", () => {
    expect(() => storeFor("s3://bucket/key", { pageSize: 1, partBytes: 1, concurrency: 1 })).not.toThrow();
    expect(() => storeFor("s3://bucket/key", { pageSize: 1000, partBytes: 4194304000, concurrency: 64 })).not.toThrow();
  });

  it("refuses a URI of no supported form", () => {
    expect(() => storeFor("gs://bucket/key")).toThrow('Unsupported object URI "gs://bucket/key" (scheme gs: is not supported)');
  });
});

describe("prefixes and parts", () => {
  it("parses a prefix with an empty key", () => {
    expect(parsePrefix("s3://bucket/")).toEqual({ kind: "s3", bucket: "bucket", key: "" });
    expect(parsePrefix("s3://bucket/runs/r1/")).toEqual({ kind: "s3", bucket: "bucket", key: "runs/r1/" });
    expect(parsePrefix("https://acct.blob.core.windows.net/runs/")).toMatchObject({ kind: "blob", account: "acct", container: "runs", blob: "" });
    expect(parsePrefix("file:///tmp/ck/")).toEqual({ kind: "file", path: "/tmp/ck/" });
  });

  it("grows the part size when the store's part count would be exceeded", () => {
    // 10,000 parts of 64 MiB cover 625 GiB; a 1 TiB file needs parts of ceil(2^40 / 10000) bytes
    expect(partSize(100 * 2 ** 20, 64 * 2 ** 20, 10_000)).toBe(64 * 2 ** 20);
    expect(partSize(2 ** 40, 64 * 2 ** 20, 10_000)).toBe(109951163);
    expect(partSize(640_000, 64, 10_000)).toBe(64);
    expect(partSize(640_001, 64, 10_000)).toBe(65);
  });
});
