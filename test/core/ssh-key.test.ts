import { describe, expect, it } from "vitest";
import { readSshKey } from "../../lib/core/ssh-key";

// Real keys, made with ssh-keygen for these tests.
const KEYS = {
  ed25519: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ml@example",
  rsa2048: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCjY1mIZKB0DLJeiFUQP0+jpwF9I3G5xX+p8zTh/Y2S1+arNKJ3tHbvckJfzfNXAgyg+cPBse9aQo1z2DskEGTljzQXpKagyTz7sh5SHfuLdd26FrXrHU2sFYCaBVdcrJdUQzl7UTuQqJyV+wyXRh9q0owEbI0lPmi66GrlHFYH0SoQUV37J9W0bcCxrtqRLsrXfGlC24N2GFroLyU7qvhP8qP7uSppti48byXnB6hqr5zs60rVnVIP1/489A7pFXjczx5AjE/3O8yqds0iUNSQOlF7+/5kKevQ7hqqD8niF0ufp5GSwxcMlTdkHqDYfYJwJjhOIwZ8N5Sru5HAOvCF ml@example",
  rsa1024: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDOb3RPdnTI3QjWkgpLXYOmkfBBxtGbr2PYBQOQQmUxecvnfMssiGahSbcwoBXh+73+jic3FpJymtWyi8cRQJdUiGo9Tur/2DTVRTPOfhWjyy9GuqwOR2pVPCslO6jPnLGo98QzOhtEHmd+D1Fb7ZJtQa9VhmQv9ruVq6YTJl5lcQ== ml@example",
  ecdsa: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDeGBiTMJ6V1Ic0PpdqtNZFttGFlP/6xWvScj4rJnI3Copbr1E3F2NJURR7CT2MOAZwXa1sl9V3uZXa2SZnHQxg= ml@example",
};

/** One length-prefixed field of a key blob (RFC 4253 section 6.6). */
function field(data: string | number[], length?: number): Buffer {
  const body = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(length ?? body.length);
  return Buffer.concat([size, body]);
}
const line = (type: string, ...fields: Buffer[]) => `${type} ${Buffer.concat(fields).toString("base64")}`;
const KEY32 = Array.from({ length: 32 }, (_, i) => i + 1);

describe("readSshKey", () => {
  it("reads the type from the key's own blob, and an RSA key's modulus size", () => {
    expect(readSshKey(KEYS.ed25519)).toEqual({ type: "ssh-ed25519" });
    expect(readSshKey(KEYS.rsa2048)).toEqual({ type: "ssh-rsa", rsaBits: 2048 });
    expect(readSshKey(KEYS.rsa1024)).toEqual({ type: "ssh-rsa", rsaBits: 1024 });
    expect(readSshKey(KEYS.ecdsa)).toEqual({ type: "ecdsa-sha2-nistp256" });
    expect(readSshKey(`  ${KEYS.ed25519}\n`)).toEqual({ type: "ssh-ed25519" });
  });
  it("is undefined for what is not a key: no blob, a blob of another type, a cut blob", () => {
    expect(readSshKey("hunter2")).toBeUndefined();
    expect(readSshKey(KEYS.ed25519.replace("ssh-ed25519", "ssh-rsa"))).toBeUndefined();
    expect(readSshKey(KEYS.rsa2048.slice(0, 60))).toBeUndefined();
  });
  it("reads only a whole line: no options before the type, nothing glued after the blob; the comment is optional", () => {
    expect(readSshKey(`restrict ${KEYS.ed25519}`)).toBeUndefined();
    expect(readSshKey(`${KEYS.ed25519.replace(" ml@example", "")}!`)).toBeUndefined();
    expect(readSshKey(KEYS.ed25519.replace(" ml@example", ""))).toEqual({ type: "ssh-ed25519" });
  });
  it("reads a type with a domain (security-key types)", () => {
    const type = "sk-ssh-ed25519@openssh.com";
    expect(readSshKey(line(type, field(type), field(KEY32), field("ssh:")))).toEqual({ type });
  });
  it("is undefined for a blob with no whole field, a field longer than the blob, or a type that is not the line's", () => {
    expect(readSshKey("ssh-ed25519 AAAA")).toBeUndefined();
    expect(readSshKey(line("ssh-ed25519", field("ssh-ed25519"), field(KEY32, 33)))).toBeUndefined();
    expect(readSshKey(line("ssh-ed25519", field("ssh-ed25519"), field(KEY32)))).toEqual({ type: "ssh-ed25519" });
    expect(readSshKey(KEYS.rsa2048.replace("ssh-rsa", "ssh-ed25519"))).toBeUndefined();
  });
  it("RSA: undefined without a modulus; the size counts from the modulus' first non-zero byte and its top bit", () => {
    const e = field([1, 0, 1]);
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e))).toBeUndefined();
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e, field([])))).toEqual({ type: "ssh-rsa", rsaBits: 0 });
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e, field([0, 0])))).toEqual({ type: "ssh-rsa", rsaBits: 0 });
    // the scan for the first non-zero byte ends with the modulus, not in the field after it
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e, field([0, 0]), field([0xff, 0xff])))).toEqual({ type: "ssh-rsa", rsaBits: 0 });
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e, field([0, 0, 1, 0xff])))).toEqual({ type: "ssh-rsa", rsaBits: 9 });
    expect(readSshKey(line("ssh-rsa", field("ssh-rsa"), e, field([0x80, 0])))).toEqual({ type: "ssh-rsa", rsaBits: 16 });
  });
});
