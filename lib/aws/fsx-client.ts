/**
 * The FSx for Lustre client at boot: the mount script a node runs (the Lustre client from AWS's
 * repository, AWS's EFA setup on EFA nodes, the fstab entry and the mount), with every download
 * pinned by SHA-256 when a digest is given.
 */
import { Annotations } from "../engine/core";
import type { Construct } from "constructs";
import { APT_GET, lustreMountScript, pinnedDownload, SHA256_HEX, SHA256_RULE } from "../core/boot-script";
import type { Validator } from "../core/validate";

/** AWS's FSx Ubuntu repository key (FSx guide, "Installing the Lustre client"). */
export const FSX_UBUNTU_KEY_URL = "https://fsx-lustre-client-repo-public-keys.s3.amazonaws.com/fsx-ubuntu-public-key.asc";
/** AWS's EFA client setup for FSx for Lustre (FSx guide, "Configuring EFA clients"). */
export const FSX_EFA_SETUP_URL = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/samples/configure-efa-fsx-lustre-client.zip";

/** The SHA-256 digests that pin what the mount script downloads. */
export interface FsxClientPins {
  /** Of {@link FSX_EFA_SETUP_URL}. @default - not pinned: the EFA setup is not downloaded */
  readonly efaSetupSha256?: string;
  /** Of {@link FSX_UBUNTU_KEY_URL}. @default - not pinned: the key is read over HTTPS */
  readonly repoKeySha256?: string;
}

/** The pin fields of a file system's props, as its users set them. */
export interface FsxClientPinProps {
  /** SHA-256 of AWS's EFA client setup. @default - not pinned */
  readonly efaClientSetupSha256?: string;
  /** SHA-256 of AWS's FSx Ubuntu repository key. @default - not pinned */
  readonly lustreRepoKeySha256?: string;
}

/**
 * Checks a file system's pins (fields `efaClientSetupSha256`, `lustreRepoKeySha256`); warns at
 * synth when EFA is on and its setup unpinned.
 */
export function checkClientPins(v: Validator, fs: Construct, efa: boolean, props: FsxClientPinProps): FsxClientPins {
  if (props.efaClientSetupSha256 !== undefined) {
    v.check(efa, "efaClientSetupSha256", props.efaClientSetupSha256, "leave it out unless efa is true (only EFA clients download AWS's setup)");
    v.matches("efaClientSetupSha256", props.efaClientSetupSha256, SHA256_HEX, SHA256_RULE);
  } else if (efa) {
    Annotations.of(fs).addWarning(`${fs.node.path}: efa is on but efaClientSetupSha256 is not set: EFA clients will not download AWS's configure-efa-fsx-lustre-client.zip (it has no published signature) and will mount over TCP; set it to the zip's SHA-256 to use EFA`);
  }
  if (props.lustreRepoKeySha256 !== undefined) v.matches("lustreRepoKeySha256", props.lustreRepoKeySha256, SHA256_HEX, SHA256_RULE);
  return {
    ...(props.efaClientSetupSha256 ? { efaSetupSha256: props.efaClientSetupSha256 } : {}),
    ...(props.lustreRepoKeySha256 ? { repoKeySha256: props.lustreRepoKeySha256 } : {}),
  };
}

/**
 * The EFA lines of the FSx mount script, run on nodes with EFA devices that have not set it up
 * yet: AWS's `configure-efa-fsx-lustre-client` setup (which also installs a unit for reboots),
 * downloaded into a fresh directory and run only when its SHA-256 is the pinned one; without a
 * pin, or when the download or its setup fails, the node mounts over TCP and logs why.
 */
export function fsxEfaSetup(efaSetupSha256: string | undefined, url = FSX_EFA_SETUP_URL): string[] {
  const detect = "compgen -G '/sys/class/infiniband/rdmap*' >/dev/null";
  if (efaSetupSha256 === undefined) {
    return [
      "# EFA for Lustre: AWS's client setup is not pinned by a SHA-256, so it is not run: nodes mount over TCP",
      `if ${detect}; then`,
      '  echo "hgpu: EFA for Lustre not set up: no SHA-256 pins configure-efa-fsx-lustre-client.zip (AwsLustreStorage efaClientSetupSha256); mounting over TCP" >&2',
      "fi",
    ];
  }
  return [
    "# EFA for Lustre: only on nodes with EFA devices, with AWS's setup pinned by its SHA-256; others mount over TCP",
    `if ${detect} && ! systemctl is-enabled --quiet configure-efa-fsx-lustre-client 2>/dev/null; then`,
    `  if ! (cd "$(mktemp -d)" && ${pinnedDownload(url, efaSetupSha256, "configure-efa-fsx-lustre-client.zip")} && unzip -o -q configure-efa-fsx-lustre-client.zip && cd configure-efa-fsx-lustre-client && ./setup.sh); then`,
    '    echo "hgpu: EFA setup for Lustre failed; mounting over TCP" >&2',
    "  fi",
    "fi",
  ];
}

/**
 * The FSx mount script: installs the Lustre client if missing (Ubuntu: AWS's FSx apt repository,
 * its key pinned by `pins.repoKeySha256` when given; Amazon Linux 2023: dnf), on an EFA node of an
 * EFA-enabled file system runs AWS's pinned EFA setup ({@link fsxEfaSetup}), then mounts.
 */
export function fsxMountScript(source: string, mountPath: string, efa = false, pins: FsxClientPins = {}): string {
  const key = "/usr/share/keyrings/fsx-ubuntu-public-key.gpg";
  return lustreMountScript({
    title: "mount FSx for Lustre",
    installClient: [
      ". /etc/os-release",
      'if [ "$ID" = ubuntu ]; then',
      ...(pins.repoKeySha256
        ? [
            `  if ! { ${pinnedDownload(FSX_UBUNTU_KEY_URL, pins.repoKeySha256, "/tmp/fsx-ubuntu-public-key.asc")}; }; then echo "hgpu: the FSx client repository key is not the pinned one: cannot install the Lustre client" >&2; exit 1; fi`,
            `  gpg --dearmor --yes -o ${key} /tmp/fsx-ubuntu-public-key.asc`,
          ]
        : [`  wget -qO - ${FSX_UBUNTU_KEY_URL} | gpg --dearmor --yes -o ${key}`]),
      '  echo "deb [signed-by=/usr/share/keyrings/fsx-ubuntu-public-key.gpg] https://fsx-lustre-client-repo.s3.amazonaws.com/ubuntu $VERSION_CODENAME main" > /etc/apt/sources.list.d/fsxlustreclientrepo.list',
      `  ${APT_GET} update -q && ${APT_GET} install -y -q "lustre-client-modules-$(uname -r)"`,
      "else",
      "  dnf install -y lustre-client",
      "fi",
    ],
    beforeMount: efa ? fsxEfaSetup(pins.efaSetupSha256) : [],
    source,
    mountPath,
    options: ["defaults", "relatime", "flock"],
  });
}
