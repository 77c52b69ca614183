import { checkNoTemplateSyntax, TEMPLATE_SYNTAX_REASON } from "./template-syntax";
import type { Validator } from "./validate";

/**
 * The boot script GPU nodes run on both clouds (AWS user data, Azure custom data): strict bash,
 * a log file, the storage mount, then the user's hook lines. Pure; Terraform references inside
 * (e.g. a file system's DNS name) stay as they are.
 */
export function bootScript(mountCommand: string | undefined, hooks: readonly string[]): string {
  return ["#!/bin/bash", "set -euo pipefail", "exec >>/var/log/hgpu-boot.log 2>&1", ...(mountCommand ? [mountCommand] : []), ...hooks, ""].join("\n");
}

/**
 * Checks boot hook lines: Terraform reads `${` and `%{` in any string as template syntax, so a
 * hook must write `$VAR` (or escape as `$${` / `%%{`).
 */
export function checkBootHooks(v: Validator, field: string, hooks: readonly string[]): readonly string[] {
  for (const line of hooks) {
    checkNoTemplateSyntax(v, field, line, `write $VAR instead of \${VAR} (${TEMPLATE_SYNTAX_REASON}), or escape them as $\${ and %%{`);
  }
  return hooks;
}

/** What differs between Lustre mounts: how to get the client, the source, the options. */
export interface LustreMountSpec {
  /** Comment line naming the file system. */
  readonly title: string;
  /** Shell lines that install the client; run only when `mount.lustre` is missing. */
  readonly installClient: readonly string[];
  /** Lines run after the client is there and before mounting (e.g. EFA setup). @default - none */
  readonly beforeMount?: readonly string[];
  /** `<server>@tcp:/<name>`. */
  readonly source: string;
  /** Mount point. */
  readonly mountPath: string;
  /** Mount options besides the ones every Lustre mount here gets. */
  readonly options: readonly string[];
}

/**
 * An idempotent Lustre mount script: installs the client only if missing, adds the fstab entry
 * once (mounted when the network is online, automounted after a reboot) and mounts only if not
 * mounted. It holds no `${` or `%{` of its own, which Terraform would read as template syntax.
 */
export function lustreMountScript(spec: LustreMountSpec): string {
  const options = [...spec.options, "_netdev", "x-systemd.automount", "x-systemd.after=network-online.target", "x-systemd.wants=network-online.target"].join(",");
  return [
    `# ${spec.title} at ${spec.mountPath}`,
    "if ! command -v mount.lustre >/dev/null 2>&1; then",
    ...spec.installClient.map((line) => `  ${line}`),
    "fi",
    ...(spec.beforeMount ?? []),
    `mkdir -p ${spec.mountPath}`,
    `grep -q " ${spec.mountPath} lustre " /etc/fstab || echo "${spec.source} ${spec.mountPath} lustre ${options} 0 0" >> /etc/fstab`,
    `mountpoint -q ${spec.mountPath} || mount ${spec.mountPath}`,
  ].join("\n");
}

/** apt-get with a wait for the dpkg lock, which unattended upgrades hold at first boot. */
export const APT_GET = "apt-get -o DPkg::Lock::Timeout=600";

/** A SHA-256 digest as `sha256sum` prints it: 64 hexadecimal digits. */
export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** What a SHA-256 prop must be, for error messages. */
export const SHA256_RULE = "use the file's SHA-256 as sha256sum prints it: 64 hexadecimal digits";

/**
 * One shell command that downloads `url` into `file` (in the current directory, or a path) and
 * keeps it only if its SHA-256 is `sha256`. A failed download or another digest prints why on
 * stderr (`hgpu: ...`), deletes the file and fails, so the caller decides what follows (fall back
 * or stop). Redirects may not leave HTTPS. No `${` or `%{` (Terraform template syntax).
 */
export function pinnedDownload(url: string, sha256: string, file: string): string {
  const want = sha256.toLowerCase();
  return [
    `{ curl -fsSL --retry 3 --proto-redir =https -o ${file} '${url}' || { echo "hgpu: could not download ${url}" >&2; false; }; }`,
    `{ echo "${want}  ${file}" | sha256sum -c --status || { echo "hgpu: ${file} from ${url} has SHA-256 $(sha256sum ${file} | cut -d' ' -f1), not the pinned ${want}: not using it" >&2; rm -f ${file}; false; }; }`,
  ].join(" && ");
}
