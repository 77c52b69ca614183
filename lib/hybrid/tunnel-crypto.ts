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

/** One AWS VPN connection's tunnel options, for tunnel 1 or 2 (`tunnel1IkeVersions`, ...). */
export function awsTunnelOptions(tunnel: 1 | 2): Record<string, unknown> {
  const c = TUNNEL_CRYPTO.aws;
  const p = `tunnel${tunnel}`;
  return {
    [`${p}IkeVersions`]: [...c.ikeVersions],
    [`${p}Phase1EncryptionAlgorithms`]: [...c.phase1EncryptionAlgorithms],
    [`${p}Phase1IntegrityAlgorithms`]: [...c.phase1IntegrityAlgorithms],
    [`${p}Phase1DhGroupNumbers`]: [...c.phase1DhGroupNumbers],
    [`${p}Phase1LifetimeSeconds`]: c.phase1LifetimeSeconds,
    [`${p}Phase2EncryptionAlgorithms`]: [...c.phase2EncryptionAlgorithms],
    [`${p}Phase2IntegrityAlgorithms`]: [...c.phase2IntegrityAlgorithms],
    [`${p}Phase2DhGroupNumbers`]: [...c.phase2DhGroupNumbers],
    [`${p}Phase2LifetimeSeconds`]: c.phase2LifetimeSeconds,
    [`${p}DpdTimeoutAction`]: "restart",
  };
}

/** Bandwidth of one AWS site-to-site VPN tunnel, Gbit/s. */
export const AWS_TUNNEL_GBPS = 1.25;
