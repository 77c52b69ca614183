/**
 * OpenSSH public keys, read as far as clouds judge them (pure): the key type and, for RSA, the
 * modulus size, decoded from the key's own blob.
 */

/** What a public key line holds. */
export interface SshKeyInfo {
  readonly type: string;
  /** RSA modulus size in bits. @default - not RSA */
  readonly rsaBits?: number;
}

/** Reads an OpenSSH public key line (`<type> <base64> [comment]`); undefined when it is not one. */
export function readSshKey(line: string): SshKeyInfo | undefined {
  const m = /^([a-z0-9-]+(?:@[a-z0-9.-]+)?) ([A-Za-z0-9+/]+={0,2})( .*)?$/.exec(line.trim());
  if (!m) return undefined;
  const blob = Buffer.from(m[2]!, "base64");
  const fields: Buffer[] = [];
  for (let at = 0; at + 4 <= blob.length; ) {
    const n = blob.readUInt32BE(at);
    if (at + 4 + n > blob.length) return undefined;
    fields.push(blob.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  // the blob names its own type, which must be the line's
  if (fields[0]?.toString("latin1") !== m[1]) return undefined;
  if (m[1] !== "ssh-rsa") return { type: m[1]! };
  const modulus = fields[2];
  if (!modulus) return undefined;
  let bytes = modulus.length;
  let i = 0;
  while (i < modulus.length && modulus[i] === 0) {
    i++;
    bytes--;
  }
  const top = modulus[i] ?? 0;
  return { type: "ssh-rsa", rsaBits: bytes > 0 ? (bytes - 1) * 8 + (32 - Math.clz32(top)) : 0 };
}
