/**
 * The FSx client's boot downloads, for real: the EFA setup lines and the pinned repository key
 * run under bash against a local HTTP server that serves fixture files (AWS's zip is replaced by
 * one whose setup.sh leaves a marker). `compgen` (EFA device detection) and `systemctl` are stubbed.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FSX_EFA_SETUP_URL, FSX_UBUNTU_KEY_URL, fsxEfaSetup, fsxMountScript } from "../../lib/aws/fsx-client";
import { AwsLustreStorage, type AwsLustreStorageProps } from "../../lib/aws/lustre-storage";
import { pinnedDownload } from "../../lib/core/boot-script";
import { synth, withNetwork } from "./helpers";
import { validationErrorOf } from "../helpers";

const run = promisify(execFile);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let dir: string;
let server: Server;
let base: string;
const files = new Map<string, Buffer>();
let requests: string[] = [];

/** A zip like AWS's: a configure-efa-fsx-lustre-client folder whose setup.sh writes `text` into $MARKER. */
function setupZip(name: string, text: string): Buffer {
  const src = join(dir, name);
  mkdirSync(join(src, "configure-efa-fsx-lustre-client"), { recursive: true });
  writeFileSync(join(src, "configure-efa-fsx-lustre-client", "setup.sh"), `#!/bin/bash\necho ${text} > "$MARKER"\n`, { mode: 0o755 });
  execFileSync("zip", ["-q", "-r", join(dir, `${name}.zip`), "configure-efa-fsx-lustre-client"], { cwd: src });
  return readFileSync(join(dir, `${name}.zip`));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hgpu-fsx-client-"));
  files.set("/good/configure-efa-fsx-lustre-client.zip", setupZip("good", "aws-setup-ran"));
  files.set("/tampered/configure-efa-fsx-lustre-client.zip", setupZip("tampered", "tampered-setup-ran"));
  files.set("/key/fsx-ubuntu-public-key.asc", Buffer.from("-----BEGIN PGP PUBLIC KEY BLOCK-----\nfixture\n-----END PGP PUBLIC KEY BLOCK-----\n"));
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = files.get(req.url ?? "");
    res.writeHead(body ? 200 : 404).end(body ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
});

const GOOD = () => sha256(files.get("/good/configure-efa-fsx-lustre-client.zip")!);
const TAMPERED = () => sha256(files.get("/tampered/configure-efa-fsx-lustre-client.zip")!);

/** Runs `lines` under strict bash as a node with (or without) EFA devices would; returns what it left. */
async function boot(lines: readonly string[], efaDevices = true) {
  const node = mkdtempSync(join(dir, "node-"));
  const marker = join(node, "marker");
  const script = ["set -euo pipefail", `compgen() { return ${efaDevices ? 0 : 1}; }`, "systemctl() { return 1; }", ...lines, "echo mounted"].join("\n");
  writeFileSync(join(node, "boot.sh"), `${script}\n`);
  const r = await run("bash", ["--norc", "--noprofile", join(node, "boot.sh")], { env: { PATH: "/usr/bin:/bin", HOME: node, MARKER: marker, TMPDIR: node }, cwd: node }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  return { code: "code" in r && typeof r.code === "number" ? r.code : 0, stdout: r.stdout, stderr: r.stderr, marker: existsSync(marker) ? readFileSync(marker, "utf8").trim() : undefined };
}

describe("AWS's EFA setup for Lustre, pinned by its SHA-256", () => {
  it("runs the setup when the download has the pinned digest, then mounts", async () => {
    const r = await boot(fsxEfaSetup(GOOD(), `${base}/good/configure-efa-fsx-lustre-client.zip`));
    expect(r).toMatchObject({ code: 0, marker: "aws-setup-ran", stderr: "" });
    expect(r.stdout).toBe("mounted\n");
    expect(requests).toEqual(["/good/configure-efa-fsx-lustre-client.zip"]);
  });

  it("does not run a download with another digest: it says so and mounts over TCP", async () => {
    const url = `${base}/tampered/configure-efa-fsx-lustre-client.zip`;
    const r = await boot(fsxEfaSetup(GOOD(), url));
    expect(r.marker).toBeUndefined();
    expect(r.stderr).toBe(
      `hgpu: configure-efa-fsx-lustre-client.zip from ${url} has SHA-256 ${TAMPERED()}, not the pinned ${GOOD()}: not using it\n` +
        "hgpu: EFA setup for Lustre failed; mounting over TCP\n",
    );
    expect([r.code, r.stdout]).toEqual([0, "mounted\n"]);
  });

  it("takes the digest in upper case too, and reports it as sha256sum prints it", async () => {
    expect((await boot(fsxEfaSetup(GOOD().toUpperCase(), `${base}/good/configure-efa-fsx-lustre-client.zip`))).marker).toBe("aws-setup-ran");
    const r = await boot(fsxEfaSetup(GOOD().toUpperCase(), `${base}/tampered/configure-efa-fsx-lustre-client.zip`));
    expect(r.stderr).toContain(`not the pinned ${GOOD()}: not using it`);
  });

  it("mounts over TCP when the download fails", async () => {
    const url = `${base}/gone/configure-efa-fsx-lustre-client.zip`;
    const r = await boot(fsxEfaSetup(GOOD(), url));
    expect(r.marker).toBeUndefined();
    expect(r.stderr).toBe(`curl: (22) The requested URL returned error: 404\nhgpu: could not download ${url}\nhgpu: EFA setup for Lustre failed; mounting over TCP\n`);
    expect(r.stdout).toBe("mounted\n");
  });

  it("downloads nothing on a node without EFA devices", async () => {
    const r = await boot(fsxEfaSetup(GOOD(), `${base}/good/configure-efa-fsx-lustre-client.zip`), false);
    expect(r).toMatchObject({ code: 0, marker: undefined, stderr: "", stdout: "mounted\n" });
    expect(requests).toEqual([]);
  });

  it("without a pin, downloads nothing and says why an EFA node mounts over TCP", async () => {
    const r = await boot(fsxEfaSetup(undefined));
    expect(r.stderr).toBe("hgpu: EFA for Lustre not set up: no SHA-256 pins configure-efa-fsx-lustre-client.zip (AwsLustreStorage efaClientSetupSha256); mounting over TCP\n");
    expect([r.code, r.marker, r.stdout]).toEqual([0, undefined, "mounted\n"]);
    expect(fsxEfaSetup(undefined).join("\n")).not.toContain("curl");
    expect((await boot(fsxEfaSetup(undefined), false)).stderr).toBe("");
  });

  it("reads AWS's documented URL, in a fresh directory, with no Terraform template syntax", () => {
    expect(FSX_EFA_SETUP_URL).toBe("https://docs.aws.amazon.com/fsx/latest/LustreGuide/samples/configure-efa-fsx-lustre-client.zip");
    const lines = fsxEfaSetup("ab".repeat(32)).join("\n");
    expect(lines).toContain(`'${FSX_EFA_SETUP_URL}'`);
    expect(lines).toContain('cd "$(mktemp -d)"');
    expect(lines).not.toContain("cd /tmp");
    expect(lines).not.toMatch(/\$\{|%\{/);
    const script = fsxMountScript("fs.example@tcp:/abcd", "/fsx", true, { efaSetupSha256: "ab".repeat(32) });
    expect(script.indexOf("configure-efa-fsx-lustre-client.zip")).toBeLessThan(script.indexOf("mount /fsx"));
    expect(script).not.toMatch(/\$\{|%\{/);
  });
});

describe("AWS's FSx repository key, pinned when a digest is given", () => {
  const keyLines = (sha: string) => {
    const install = fsxMountScript("fs.example@tcp:/abcd", "/fsx", false, { repoKeySha256: sha }).split("\n");
    const at = install.findIndex((l) => l.includes("fsx-ubuntu-public-key.asc"));
    return install.slice(at, at + 2).map((l) => l.trim().replaceAll(FSX_UBUNTU_KEY_URL, `${base}/key/fsx-ubuntu-public-key.asc`).replaceAll("/tmp/", "./").replace("-o /usr/share/keyrings/", "-o ./"));
  };
  const KEY = () => sha256(files.get("/key/fsx-ubuntu-public-key.asc")!);

  it("keeps the key with the pinned digest for apt (dearmored)", async () => {
    const r = await boot(keyLines(KEY()).slice(0, 1));
    expect([r.code, r.stderr, r.stdout]).toEqual([0, "", "mounted\n"]);
  });

  it("stops the boot on a key with another digest, saying why", async () => {
    const other = "0".repeat(64);
    const r = await boot(keyLines(other).slice(0, 1));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `hgpu: ./fsx-ubuntu-public-key.asc from ${base}/key/fsx-ubuntu-public-key.asc has SHA-256 ${KEY()}, not the pinned ${other}: not using it\n` +
        "hgpu: the FSx client repository key is not the pinned one: cannot install the Lustre client\n",
    );
    expect(r.stdout).toBe("");
  });

  it("is read over HTTPS, unpinned, when no digest is given (AWS publishes none)", () => {
    const script = fsxMountScript("fs.example@tcp:/abcd", "/fsx");
    expect(script).toContain(`wget -qO - ${FSX_UBUNTU_KEY_URL} | gpg --dearmor --yes -o /usr/share/keyrings/fsx-ubuntu-public-key.gpg`);
    expect(fsxMountScript("fs.example@tcp:/abcd", "/fsx", false, { repoKeySha256: KEY() })).not.toContain("wget");
  });
});

describe("pinnedDownload", () => {
  it("keeps a file with the pinned digest and removes one with another", async () => {
    const url = `${base}/key/fsx-ubuntu-public-key.asc`;
    const ok = await boot([pinnedDownload(url, sha256(files.get("/key/fsx-ubuntu-public-key.asc")!), "key.asc"), 'test -s key.asc && echo "kept"']);
    expect(ok.stdout).toBe("kept\nmounted\n");
    const bad = await boot([`if ! { ${pinnedDownload(url, "1".repeat(64), "key.asc")}; }; then test -e key.asc && echo left || echo removed; fi`]);
    expect(bad.stdout).toBe("removed\nmounted\n");
  });
});

describe("AwsLustreStorage: the pins", () => {
  function make(props: Partial<AwsLustreStorageProps>) {
    const { stack, network } = withNetwork();
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 4800, throughputPerTiB: 1000, ...props });
    return { stack, fs, warnings: fs.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data) };
  }
  const DIGEST = "0123456789abcdef".repeat(4);

  it("puts the EFA pin in the mount command, and warns when EFA is on without one", () => {
    const pinned = make({ efa: true, efaClientSetupSha256: DIGEST });
    expect(pinned.fs.mountCommand).toContain(`echo "${DIGEST}  configure-efa-fsx-lustre-client.zip" | sha256sum -c --status`);
    expect(pinned.warnings).toEqual([]);
    const unpinned = make({ efa: true });
    expect(unpinned.fs.mountCommand).toContain("hgpu: EFA for Lustre not set up");
    expect(unpinned.warnings).toEqual([
      "s/fs: efa is on but efaClientSetupSha256 is not set: EFA clients will not download AWS's configure-efa-fsx-lustre-client.zip (it has no published signature) and will mount over TCP; set it to the zip's SHA-256 to use EFA",
    ]);
    expect(make({}).warnings).toEqual([]);
    synth(pinned.stack);
  });

  it("puts the key pin in the mount command", () => {
    expect(make({ lustreRepoKeySha256: DIGEST }).fs.mountCommand).toContain(`echo "${DIGEST}  /tmp/fsx-ubuntu-public-key.asc" | sha256sum -c --status`);
  });

  it("refuses a digest that is not 64 hex digits, and an EFA pin without EFA", () => {
    expect(validationErrorOf(() => make({ efa: true, efaClientSetupSha256: DIGEST.slice(1) }))).toBe(
      `s/fs: efaClientSetupSha256 "${DIGEST.slice(1)}" is not valid: use the file's SHA-256 as sha256sum prints it: 64 hexadecimal digits`,
    );
    expect(validationErrorOf(() => make({ lustreRepoKeySha256: `${DIGEST.slice(1)}g` }))).toBe(
      `s/fs: lustreRepoKeySha256 "${DIGEST.slice(1)}g" is not valid: use the file's SHA-256 as sha256sum prints it: 64 hexadecimal digits`,
    );
    expect(validationErrorOf(() => make({ efaClientSetupSha256: DIGEST }))).toBe(
      `s/fs: efaClientSetupSha256 "${DIGEST}" is not valid: leave it out unless efa is true (only EFA clients download AWS's setup)`,
    );
  });
});
