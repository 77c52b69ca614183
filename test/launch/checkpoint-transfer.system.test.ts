/**
 * checkpoint-transfer against real local servers (s3rver, Azurite) and local files, with real bytes
 * published the way the nodes publish them (files under `<name>/upload-<seq>/`, then the manifest):
 * the latest complete checkpoint is saved (half-written and short ones skipped, unsafe manifests
 * refused), seeded into another store (AWS to Azure and back), and SEEDED is always written.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { egressUsd } from "../../lib/core/egress";
import { egressSourceOf, parseManifest, saveLatestCheckpoint, seedCheckpoint } from "../../lib/launch/checkpoint-transfer";
import type { StoreOptions } from "../../lib/launch/object-store";
import { blobBackend, fileBackend, s3Backend, STORE_BACKENDS, type StoreBackend } from "./store-backends";

const PART = 64 * 1024; // the tests' multipart threshold
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface PublishOptions {
  /** Write the manifest (false: a half-written checkpoint). @default true */
  manifest?: boolean;
  /** Bytes the manifest states for a path, instead of the real size. */
  stated?: Record<string, number>;
  /** Files the manifest lists but that are not uploaded. */
  missing?: string[];
}

/** Publishes a checkpoint as a node does: its files, then its manifest. */
async function publish(b: StoreBackend, ckpt: string, name: string, sequence: number, files: Record<string, Buffer>, o: PublishOptions = {}): Promise<void> {
  for (const [path, data] of Object.entries(files)) await b.put(`${ckpt}${name}/upload-${sequence}/${path}`, data);
  if (o.manifest === false) return;
  const listed = [
    ...Object.entries(files).map(([path, data]) => ({ path, bytes: o.stated?.[path] ?? data.length })),
    ...(o.missing ?? []).map((path) => ({ path, bytes: 10 })),
  ];
  const manifest = { name, sequence, upload: `upload-${sequence}`, files: listed, restartCount: 0, node: "node-0", publishedAt: "2026-11-30T00:00:00Z" };
  await b.put(`${ckpt}${name}/manifest.json`, JSON.stringify(manifest));
}


describe.each(STORE_BACKENDS)("checkpoint transfer on %s", (_label, make) => {
  let b: StoreBackend;
  let work: string;
  let options: StoreOptions;
  const local = (name: string) => join(work, name);
  beforeAll(async () => {
    b = await make();
    options = { ...b.options, partBytes: PART, pageSize: 2 };
    work = mkdtempSync(join(tmpdir(), "ckpt-local-"));
  }, 120_000); // the local servers start slowly on a loaded machine
  afterAll(async () => {
    await b?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  // step-2's files: one over the part threshold, two in a sub-folder
  const step2 = { "model.pt": randomBytes(3 * PART + 17), "shard/opt-0.pt": randomBytes(5000), "shard/opt-1.pt": randomBytes(1) };

  it("saves the latest complete checkpoint, not a newer half-written one, byte for byte, 0600/0700", async () => {
    const ckpt = b.uri("r1/checkpoints/");
    await publish(b, ckpt, "step-1", 1, { "model.pt": randomBytes(100) });
    await publish(b, ckpt, "step-2", 2, step2);
    await publish(b, ckpt, "step-3", 3, { "model.pt": randomBytes(300) }, { manifest: false });
    const dir = local("r1");
    const total = 3 * PART + 17 + 5000 + 1;
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toEqual({ name: "step-2", sequence: 2, bytes: total });
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "step-2"]);
    for (const [path, data] of Object.entries(step2)) {
      expect(sha(readFileSync(join(dir, "step-2", path)))).toBe(sha(data));
      expect(statSync(join(dir, "step-2", path)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "step-2", "shard")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "manifest.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"))).toMatchObject({ name: "step-2", sequence: 2, upload: "upload-2", node: "node-0" });
    // the same checkpoint again: nothing is downloaded
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toEqual({ name: "step-2", sequence: 2, bytes: 0 });
  });

  it("falls back to the older checkpoint when a newer one's file is short or missing", async () => {
    const ckpt = b.uri("r2/checkpoints/");
    const old = randomBytes(700);
    await publish(b, ckpt, "step-1", 1, { "model.pt": old });
    // the manifest states 1000 bytes, 999 were uploaded
    await publish(b, ckpt, "step-2", 2, { "model.pt": randomBytes(999) }, { stated: { "model.pt": 1000 } });
    const dir = local("r2");
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toEqual({ name: "step-1", sequence: 1, bytes: 700 });
    expect(sha(readFileSync(join(dir, "step-1", "model.pt")))).toBe(sha(old));
    // and one whose manifest lists a file never uploaded
    await publish(b, ckpt, "step-3", 3, { "model.pt": randomBytes(10) }, { missing: ["optimizer.pt"] });
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toMatchObject({ name: "step-1", sequence: 1 });
    // once it is whole, it is the one (the stated size, exactly)
    await b.put(`${ckpt}step-3/upload-3/optimizer.pt`, randomBytes(10));
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toEqual({ name: "step-3", sequence: 3, bytes: 20 });
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "step-3"]);
  });

  it("saves nothing when no checkpoint is complete, and keeps what was saved", async () => {
    const dir = local("r1");
    const before = readFileSync(join(dir, "manifest.json"), "utf8");
    const ckpt = b.uri("r3/checkpoints/");
    await publish(b, ckpt, "step-9", 9, { "model.pt": randomBytes(10) }, { manifest: false });
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir, options })).toBeUndefined();
    expect(await saveLatestCheckpoint({ checkpointsUri: b.uri("never-ran/checkpoints/"), localDir: dir, options })).toBeUndefined();
    expect(readFileSync(join(dir, "manifest.json"), "utf8")).toBe(before);
  });

  it("reads every page of a listing longer than one", async () => {
    // 2 keys a page; step-2's files are on pages after step-1's: a first page alone would pick step-1
    const ckpt = b.uri("r4/checkpoints/");
    await publish(b, ckpt, "step-1", 1, { a: randomBytes(3) });
    await publish(b, ckpt, "step-2", 2, { f0: randomBytes(1), f1: randomBytes(2), f2: randomBytes(3), f3: randomBytes(4), f4: randomBytes(5) });
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: local("r4"), options })).toEqual({ name: "step-2", sequence: 2, bytes: 15 });
  });

  it("seeds a store with the saved checkpoint (files, manifest, then SEEDED)", async () => {
    const target = b.uri("r1-next/checkpoints/");
    expect(await seedCheckpoint({ localDir: local("r1"), checkpointsUri: target, options })).toBe(3 * PART + 17 + 5000 + 1);
    const manifest = JSON.parse((await b.get(`${target}step-2/manifest.json`))!.toString());
    expect(manifest).toMatchObject({ name: "step-2", sequence: 2, upload: "upload-2", node: "node-0" });
    expect(manifest.files).toEqual(Object.entries(step2).map(([path, data]) => ({ path, bytes: data.length })));
    for (const [path, data] of Object.entries(step2)) expect(sha((await b.get(`${target}step-2/upload-2/${path}`))!)).toBe(sha(data));
    expect((await b.get(`${target}SEEDED`))?.length).toBe(0);
  });

  it("writes SEEDED even with nothing to seed", async () => {
    const target = b.uri("fresh/checkpoints/");
    expect(await seedCheckpoint({ localDir: local("nothing-saved"), checkpointsUri: target, options })).toBe(0);
    expect((await b.get(`${target}SEEDED`))?.length).toBe(0);
    expect(await saveLatestCheckpoint({ checkpointsUri: target, localDir: local("fresh"), options })).toBeUndefined();
  });
});

describe("AWS to Azure and back", () => {
  let aws: StoreBackend;
  let azure: StoreBackend;
  let work: string;
  beforeAll(async () => {
    [aws, azure] = await Promise.all([s3Backend(), blobBackend()]);
    work = mkdtempSync(join(tmpdir(), "ckpt-cross-"));
  }, 120_000); // the local servers start slowly on a loaded machine
  afterAll(async () => {
    await Promise.all([aws?.stop(), azure?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it("carries a checkpoint saved from S3 into Blob, and from Blob back into S3", async () => {
    const files = { "model.pt": randomBytes(2 * PART + 5), "rng/state-0.bin": randomBytes(64) };
    const bytes = 2 * PART + 5 + 64;
    await publish(aws, aws.uri("run/checkpoints/"), "step-7", 7, files);
    const dir = join(work, "carried");
    const saved = await saveLatestCheckpoint({ checkpointsUri: aws.uri("run/checkpoints/"), localDir: dir, options: { ...aws.options, partBytes: PART } });
    expect(saved).toEqual({ name: "step-7", sequence: 7, bytes });
    expect(egressSourceOf(aws.uri("run/checkpoints/"))).toBe("aws");
    expect(egressUsd(saved!.bytes, egressSourceOf(aws.uri("run/checkpoints/")))).toBeCloseTo((bytes / 2 ** 30) * 0.09, 12);

    expect(await seedCheckpoint({ localDir: dir, checkpointsUri: azure.uri("run/checkpoints/"), options: { ...azure.options, partBytes: PART } })).toBe(bytes);
    const manifest = JSON.parse((await azure.get(`${azure.uri("run/checkpoints/")}step-7/manifest.json`))!.toString());
    expect(manifest).toMatchObject({ name: "step-7", sequence: 7, upload: "upload-7", files: [{ path: "model.pt", bytes: 2 * PART + 5 }, { path: "rng/state-0.bin", bytes: 64 }] });
    for (const [path, data] of Object.entries(files)) expect(sha((await azure.get(`${azure.uri("run/checkpoints/")}step-7/upload-7/${path}`))!)).toBe(sha(data));
    expect((await azure.get(`${azure.uri("run/checkpoints/")}SEEDED`))?.length).toBe(0);

    // back: the Azure attempt publishes step-8 after the seeded step-7; the next save takes step-8
    await publish(azure, azure.uri("run/checkpoints/"), "step-8", 8, { "model.pt": randomBytes(10) });
    expect(await saveLatestCheckpoint({ checkpointsUri: azure.uri("run/checkpoints/"), localDir: dir, options: azure.options })).toEqual({ name: "step-8", sequence: 8, bytes: 10 });
    expect(egressSourceOf(azure.uri("run/checkpoints/"))).toBe("azure");
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "step-8"]);
    expect(await seedCheckpoint({ localDir: dir, checkpointsUri: aws.uri("run-3/checkpoints/"), options: aws.options })).toBe(10);
    expect(JSON.parse((await aws.get(`${aws.uri("run-3/checkpoints/")}step-8/manifest.json`))!.toString())).toMatchObject({ name: "step-8", sequence: 8 });
  });
});

describe("unsafe manifests", () => {
  let files: StoreBackend;
  let work: string;
  beforeAll(async () => {
    files = await fileBackend();
    work = mkdtempSync(join(tmpdir(), "ckpt-unsafe-"));
  }, 120_000); // the local servers start slowly on a loaded machine
  afterAll(async () => {
    await files.stop();
    rmSync(work, { recursive: true, force: true });
  });
  const RULE = 'a relative path of letters, digits, ".", "_", "-" and "/", without "..", empty or "." parts';

  it.each(["../evil", "../../etc/cron.d/x", "/etc/passwd", "a/../../b", "a..b", "a b", "a//b", "./a", "a/.", "a/", "a\\b", "é"])(
    "refuses the path %j and writes nothing",
    async (path) => {
      const ckpt = files.uri(`unsafe-${Buffer.from(path).toString("hex")}/checkpoints/`);
      await publish(files, ckpt, "step-1", 1, { "ok.pt": randomBytes(4) });
      // step-2 claims a file at an unsafe path (its bytes are there: only the path is wrong)
      await files.put(`${ckpt}step-2/upload-2/ok.pt`, randomBytes(4));
      await files.put(`${ckpt}step-2/manifest.json`, JSON.stringify({ name: "step-2", sequence: 2, upload: "upload-2", files: [{ path: "ok.pt", bytes: 4 }, { path, bytes: 4 }] }));
      const dir = join(work, "saved");
      await expect(saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: dir })).rejects.toThrow(
        `checkpoint manifest ${ckpt}step-2/manifest.json: files[1].path ${JSON.stringify(path)} is not valid: ${RULE}`,
      );
      expect(existsSync(dir)).toBe(false);
      expect(existsSync(join(work, "evil"))).toBe(false);
    },
  );

  it("takes a path at the edge of the rule", async () => {
    const ckpt = files.uri("edge/checkpoints/");
    await publish(files, ckpt, "step.v2_final-1", 1, { "shard-0/opt_1.v2.pt": randomBytes(4), "-x/.hidden": randomBytes(2) });
    expect(await saveLatestCheckpoint({ checkpointsUri: ckpt, localDir: join(work, "edge") })).toEqual({ name: "step.v2_final-1", sequence: 1, bytes: 6 });
    expect(readFileSync(join(work, "edge", "step.v2_final-1", "-x", ".hidden")).length).toBe(2);
  });

  it.each([
    ["not json", "x", 'checkpoint manifest M: text "not json" is not valid: JSON'],
    ["a list", "x", 'checkpoint manifest M: text "[1]" is not valid: a JSON object'],
    [{ name: "other", sequence: 1, upload: "upload-1", files: [] }, "x", 'checkpoint manifest M: name "other" is not valid: the name of the folder it is in, "x"'],
    [{ name: "..", sequence: 1, upload: "upload-1", files: [] }, undefined, 'checkpoint manifest M: name ".." is not valid: letters, digits, ., _ and -'],
    [{ name: "x", sequence: 0, upload: "upload-1", files: [] }, "x", "checkpoint manifest M: sequence 0 is not valid: a whole number >= 1"],
    [{ name: "x", sequence: 1.5, upload: "upload-1", files: [] }, "x", "checkpoint manifest M: sequence 1.5 is not valid: a whole number >= 1"],
    [{ name: "x", sequence: 1, upload: "../up", files: [] }, "x", 'checkpoint manifest M: upload "../up" is not valid: letters, digits, ., _ and -'],
    [{ name: "x", sequence: 1, upload: "upload-1" }, "x", "checkpoint manifest M: files (missing) is not valid: a list of { path, bytes }"],
    [{ name: "x", sequence: 1, upload: "upload-1", files: [{ path: "a", bytes: 1 }, { path: "a", bytes: 1 }] }, "x", 'checkpoint manifest M: files[1].path "a" is not valid: each path once'],
    [{ name: "x", sequence: 1, upload: "upload-1", files: [{ path: "a", bytes: -1 }] }, "x", "checkpoint manifest M: files[0].bytes -1 is not valid: a whole number of bytes >= 0"],
  ])("refuses the manifest %j", (manifest, folder, message) => {
    const text = manifest === "not json" ? "not json" : manifest === "a list" ? "[1]" : JSON.stringify(manifest);
    expect(() => parseManifest(text, "M", folder)).toThrow(message);
  });

  it("takes the smallest valid manifest", () => {
    expect(parseManifest('{"name":"x","sequence":1,"upload":"u","files":[{"path":"a","bytes":0}]}', "M", "x")).toMatchObject({ name: "x", sequence: 1 });
  });

  it("refuses to seed a damaged saved copy", async () => {
    const dir = join(work, "damaged");
    mkdirSync(join(dir, "step-1"), { recursive: true });
    writeFileSync(join(dir, "step-1", "model.pt"), randomBytes(9));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ name: "step-1", sequence: 1, upload: "upload-1", files: [{ path: "model.pt", bytes: 10 }] }));
    const target = files.uri("damaged-target/checkpoints/");
    await expect(seedCheckpoint({ localDir: dir, checkpointsUri: target })).rejects.toThrow(`The saved checkpoint step-1 in ${dir}: model.pt is 9 bytes, not 10 bytes`);
    expect(await files.get(`${target}SEEDED`)).toBeUndefined();
  });
});
