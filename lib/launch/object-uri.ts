/** Object URIs the launcher reads runs from: S3, Azure Blob Storage (or Azurite on a loopback address) and local files (pure). */
import { fileURLToPath } from "node:url";

/** The URI forms {@link readerFor} understands, for error messages. */
export const SUPPORTED_URIS =
  "s3://<bucket>/<key>, https://<account>.blob.core.windows.net/<container>/<blob>, " +
  "http://127.0.0.1:<port>/<account>/<container>/<blob> (Azurite) or file:///<path>";

// ---------------------------------------------------------------------------------------------
// URIs

export interface S3Location {
  readonly kind: "s3";
  readonly bucket: string;
  readonly key: string;
}
export interface BlobLocation {
  readonly kind: "blob";
  /** The account's endpoint, without a trailing slash: `https://acc.blob.core.windows.net` or `http://127.0.0.1:10000/acc`. */
  readonly accountUrl: string;
  readonly account: string;
  readonly container: string;
  readonly blob: string;
}
export interface FileLocation {
  readonly kind: "file";
  readonly path: string;
}
export type Location = S3Location | BlobLocation | FileLocation;

const BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/;
const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

export function unsupported(uri: string, why: string): Error {
  return new Error(`Unsupported object URI ${JSON.stringify(uri)} (${why}): expected ${SUPPORTED_URIS}`);
}

/** Parses an object URI into where the object lives; throws for anything unsupported. */
export function parseUri(uri: string): Location {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "s3") return parseS3(uri);
  if (scheme === "file") return parseFile(uri);
  if (scheme === "https" || scheme === "http") return parseBlob(uri);
  return unsupportedThrow(uri, scheme ? `scheme ${scheme}: is not supported` : "no scheme");
}

export function unsupportedThrow(uri: string, why: string): never {
  throw unsupported(uri, why);
}

/** `s3://bucket/key`; the key is taken as written (S3 URIs are not percent-encoded). */
function parseS3(uri: string): S3Location {
  const m = /^s3:\/\/([^/?#]+)\/(.+)$/i.exec(uri);
  if (!m) return unsupportedThrow(uri, "an s3 URI needs a bucket and a key");
  return { kind: "s3", bucket: m[1]!, key: m[2]! };
}

function parseFile(uri: string): FileLocation {
  try {
    return { kind: "file", path: fileURLToPath(uri) };
  } catch (e) {
    return unsupportedThrow(uri, `not a local file URL: ${(e as Error).message}`);
  }
}

/** Azure's host-style blob URLs, or Azurite's path-style ones on a loopback address. */
function parseBlob(uri: string): BlobLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return unsupportedThrow(uri, "not a valid URL");
  }
  const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
  const hostAccount = BLOB_HOST.exec(url.hostname)?.[1];
  if (hostAccount && url.protocol === "https:") {
    return blobLocation(uri, `${url.origin}`, hostAccount, segments);
  }
  if (LOOPBACK_HOST.test(url.hostname)) {
    const [account, ...rest] = segments;
    if (!account) return unsupportedThrow(uri, "an Azurite URI needs an account, a container and a blob");
    return blobLocation(uri, `${url.origin}/${account}`, account, rest);
  }
  return unsupportedThrow(uri, `${url.host} is not an Azure Blob Storage host`);
}

function blobLocation(uri: string, accountUrl: string, account: string, segments: string[]): BlobLocation {
  const [container, ...blobParts] = segments;
  const blob = blobParts.join("/");
  if (!container || !blob) return unsupportedThrow(uri, "a blob URI needs a container and a blob name");
  return { kind: "blob", accountUrl, account, container, blob };
}

export function expectKind<K extends Location["kind"]>(uri: string, kind: K): Extract<Location, { kind: K }> {
  const loc = parseUri(uri);
  if (loc.kind !== kind) throw new Error(`This reader reads ${kind} URIs, not ${JSON.stringify(uri)}: make another with readerFor()`);
  return loc as Extract<Location, { kind: K }>;
}

