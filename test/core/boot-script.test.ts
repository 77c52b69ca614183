import { describe, expect, it } from "vitest";
import { fsxMountScript } from "../../lib/aws/fsx-client";
import { amlfsMountScript } from "../../lib/azure/lustre-storage";
import { bootScript, checkBootHooks, lustreMountScript, pinnedDownload, SHA256_HEX } from "../../lib/core/boot-script";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf } from "../helpers";

describe("bootScript", () => {
  it("runs strict bash, logs, mounts, then the hooks", () => {
    expect(bootScript("mount-it", ["echo one", "echo two"])).toBe("#!/bin/bash\nset -euo pipefail\nexec >>/var/log/hgpu-boot.log 2>&1\nmount-it\necho one\necho two\n");
    expect(bootScript(undefined, [])).toBe("#!/bin/bash\nset -euo pipefail\nexec >>/var/log/hgpu-boot.log 2>&1\n");
  });
});

describe("checkBootHooks", () => {
  const v = new Validator("s/c");
  it("accepts plain shell and escaped template syntax", () => {
    expect(checkBootHooks(v, "userData", ["echo $HOME", "echo $${HOME}", "printf '%%{x}'"])).toHaveLength(3);
  });
  it.each(["echo ${HOME}", "%{ if x }"])("rejects %j", (line) => {
    expect(validationErrorOf(() => checkBootHooks(v, "userData", [line]))).toBe(
      `s/c: userData ${JSON.stringify(line)} is not valid: write $VAR instead of \${VAR} (Terraform reads \${ and %{ as template syntax), or escape them as $\${ and %%{`,
    );
  });
});

describe("lustreMountScript", () => {
  // built inside each test (not at collection), so that the test runs the code it checks
  const spec = { title: "mount X", installClient: ["install-a", "install-b"], source: "10.0.0.4@tcp:/lustrefs", mountPath: "/data", options: ["noatime"] };
  it("installs only when the client is missing, then prepares, records and mounts once", () => {
    const script = lustreMountScript({ ...spec, beforeMount: ["prep"] });
    expect(script).toBe([
      "# mount X at /data",
      "if ! command -v mount.lustre >/dev/null 2>&1; then",
      "  install-a",
      "  install-b",
      "fi",
      "prep",
      "mkdir -p /data",
      'grep -q " /data lustre " /etc/fstab || echo "10.0.0.4@tcp:/lustrefs /data lustre noatime,_netdev,x-systemd.automount,x-systemd.after=network-online.target,x-systemd.wants=network-online.target 0 0" >> /etc/fstab',
      "mountpoint -q /data || mount /data",
    ].join("\n"));
  });
  it("without lines before the mount, mounts right after the client check", () => {
    expect(lustreMountScript(spec).split("\n").slice(4, 6)).toEqual(["fi", "mkdir -p /data"]);
  });
  it("every apt-get of the mount scripts waits up to 10 minutes for the dpkg lock (unattended upgrades hold it at first boot)", () => {
    const scripts = [amlfsMountScript("10.0.0.4", "/lustre"), fsxMountScript("fs.example@tcp:/abc", "/fsx"), fsxMountScript("fs.example@tcp:/abc", "/fsx", true)];
    const calls = scripts.flatMap((script) => script.match(/\bapt-get\b[^&|;\n"]*/g) ?? []);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((c) => !c.startsWith("apt-get -o DPkg::Lock::Timeout=600 "))).toEqual([]);
  });
});

describe("pinnedDownload", () => {
  // Run under bash against a local server in test/aws/fsx-client.system.test.ts.
  it("is one command, HTTPS redirects only, without Terraform template syntax", () => {
    const line = pinnedDownload("https://example.com/a.zip", "AB".repeat(32), "a.zip");
    expect(line).not.toContain("\n");
    expect(line).toContain("curl -fsSL --retry 3 --proto-redir =https -o a.zip 'https://example.com/a.zip'");
    expect(line).toContain(`echo "${"ab".repeat(32)}  a.zip" | sha256sum -c --status`);
    expect(line).not.toMatch(/\$\{|%\{/);
    expect(line).toBe(
      `{ curl -fsSL --retry 3 --proto-redir =https -o a.zip 'https://example.com/a.zip' || { echo "hgpu: could not download https://example.com/a.zip" >&2; false; }; }` +
        ` && { echo "${"ab".repeat(32)}  a.zip" | sha256sum -c --status || { echo "hgpu: a.zip from https://example.com/a.zip has SHA-256 $(sha256sum a.zip | cut -d' ' -f1), not the pinned ${"ab".repeat(32)}: not using it" >&2; rm -f a.zip; false; }; }`,
    );
  });
  it("SHA256_HEX takes 64 hex digits, nothing else", () => {
    const digests = ["a".repeat(64), "F".repeat(64), "a".repeat(63), "a".repeat(65), `${"a".repeat(63)}g`, ""];
    expect(digests.map((d) => SHA256_HEX.test(d))).toEqual([true, true, false, false, false, false]);
  });
});
