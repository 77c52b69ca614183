import type { VpnConnectionConfig } from "../engine/aws";

/**
 * The IPsec parameters both clouds are configured with, so every tunnel negotiates the same
 * strong suite: IKEv2, AES-256, SHA-256, DH group 14 (2048-bit MODP) with PFS, AWS's default
 * lifetimes (IKE SA 8 h, IPsec SA 1 h).
 */
export const TUNNEL_CRYPTO = {
  aws: {
    ikeVersions: ["ikev2"],
    phase1EncryptionAlgorithms: ["AES256"],
    phase1IntegrityAlgorithms: ["SHA2-256"],
    phase1DhGroupNumbers: [14],
    phase1LifetimeSeconds: 28800,
    phase2EncryptionAlgorithms: ["AES256"],
    phase2IntegrityAlgorithms: ["SHA2-256"],
    phase2DhGroupNumbers: [14],
    phase2LifetimeSeconds: 3600,
  },
  azure: {
    dhGroup: "DHGroup14",
    ikeEncryption: "AES256",
    ikeIntegrity: "SHA256",
    ipsecEncryption: "AES256",
    ipsecIntegrity: "SHA256",
    pfsGroup: "PFS2048",
    saLifetime: 3600,
    saDatasize: 102400000,
  },
} as const;

/** The tunnel option fields {@link awsTunnelOptions} sets, after `tunnel1` or `tunnel2`. */
const AWS_TUNNEL_FIELDS = [
  "IkeVersions", "Phase1EncryptionAlgorithms", "Phase1IntegrityAlgorithms", "Phase1DhGroupNumbers", "Phase1LifetimeSeconds",
  "Phase2EncryptionAlgorithms", "Phase2IntegrityAlgorithms", "Phase2DhGroupNumbers", "Phase2LifetimeSeconds", "DpdTimeoutAction",
] as const;
type AwsTunnelField = (typeof AWS_TUNNEL_FIELDS)[number];

/** One AWS VPN connection's options for tunnel 1 or 2, as the provider's `VpnConnectionConfig` types them. */
export type AwsTunnelOptions<N extends 1 | 2> = Required<Pick<VpnConnectionConfig, `tunnel${N}${AwsTunnelField}`>>;

/** One AWS VPN connection's tunnel options, for tunnel 1 or 2 (`tunnel1IkeVersions`, ...). */
export function awsTunnelOptions<N extends 1 | 2>(tunnel: N): AwsTunnelOptions<N> {
  const c = TUNNEL_CRYPTO.aws;
  // Typed as tunnel 1's fields: tunnel 2's have the same types.
  const values: AwsTunnelOptions<1> = {
    tunnel1IkeVersions: [...c.ikeVersions],
    tunnel1Phase1EncryptionAlgorithms: [...c.phase1EncryptionAlgorithms],
    tunnel1Phase1IntegrityAlgorithms: [...c.phase1IntegrityAlgorithms],
    tunnel1Phase1DhGroupNumbers: [...c.phase1DhGroupNumbers],
    tunnel1Phase1LifetimeSeconds: c.phase1LifetimeSeconds,
    tunnel1Phase2EncryptionAlgorithms: [...c.phase2EncryptionAlgorithms],
    tunnel1Phase2IntegrityAlgorithms: [...c.phase2IntegrityAlgorithms],
    tunnel1Phase2DhGroupNumbers: [...c.phase2DhGroupNumbers],
    tunnel1Phase2LifetimeSeconds: c.phase2LifetimeSeconds,
    tunnel1DpdTimeoutAction: "restart",
  };
  return Object.fromEntries(AWS_TUNNEL_FIELDS.map((f) => [`tunnel${tunnel}${f}`, values[`tunnel1${f}`]])) as AwsTunnelOptions<N>;
}

/** Bandwidth of one AWS site-to-site VPN tunnel, Gbit/s. */
export const AWS_TUNNEL_GBPS = 1.25;
