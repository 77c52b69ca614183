/**
 * The cloud clients the launcher reaches object storage with, shared by the readers of a run's
 * status and log (`object-readers.ts`) and the checkpoint copier (`object-store.ts`): how each SDK
 * is loaded (on first use: importing this module stays cheap), how an S3 client and a Blob
 * container client are made from {@link ReaderOptions}, and how their errors are told apart.
 *
 * Not re-exported from the package: its return types need the optional SDKs.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { S3Client } from "@aws-sdk/client-s3";
// Type the ESM build: that is what the dynamic import() below loads.
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob" with { "resolution-mode": "import" };
import type { BlobLocation } from "./object-uri";
import { loadOptional, type AzureTokenCredential } from "./optional-sdk";

export const loadS3 = () => loadOptional(() => import("@aws-sdk/client-s3"), "@aws-sdk/client-s3", "reading and writing a run's objects in S3");
export const loadBlob = () => loadOptional(() => import("@azure/storage-blob"), "@azure/storage-blob", "reading and writing a run's objects in Azure Blob Storage");
const loadAzureIdentity = () => loadOptional(() => import("@azure/identity"), "@azure/identity", "signing in to Azure Blob Storage (DefaultAzureCredential)");

/** How the launcher reaches each store. Everything is optional. */
export interface ReaderOptions {
  /** Amazon S3 or an S3-compatible server. */
  readonly s3?: {
    /** Endpoint URL of an S3-compatible server (default: AWS's for the region). */
    readonly endpoint?: string;
    /** Region (default: `AWS_REGION`, else `us-east-1`). */
    readonly region?: string;
    /** Address buckets in the path rather than the host name (needed by most local servers). */
    readonly forcePathStyle?: boolean;
    /** Static keys (default: the AWS SDK's default credential chain). */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Azure Blob Storage or Azurite. */
  readonly blob?: {
    /** A storage connection string; its account endpoint must be the one in the URIs read. */
    readonly connectionString?: string;
    /** A token credential (default when no connection string: `DefaultAzureCredential`). */
    readonly credential?: AzureTokenCredential;
  };
}

export type S3Options = NonNullable<ReaderOptions["s3"]>;
export type BlobOptions = NonNullable<ReaderOptions["blob"]>;

/** An S3 client for `options` (made on each call: callers keep one). */
export async function newS3Client(options: S3Options): Promise<S3Client> {
  const { S3Client } = await loadS3();
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  });
}

/** Container clients for blob URIs, with a connection string or a token credential (each made once). */
export class BlobContainers {
  private service?: Promise<BlobServiceClient>;
  private credential?: Promise<TokenCredential>;

  constructor(private readonly options: BlobOptions) {}

  /**
   * The client of the container `loc` is in.
   * @param action what the caller does with `uri`, for the error message ("read", "list", "write")
   * @throws Error when the connection string is for another account than `uri`'s
   */
  async container(uri: string, loc: BlobLocation, action: string): Promise<ContainerClient> {
    if (this.options.connectionString !== undefined) {
      const service = await this.serviceClient();
      const endpoint = service.url.replace(/\/+$/, "");
      if (endpoint !== loc.accountUrl) {
        throw new Error(`Cannot ${action} ${uri}: the connection string is for ${endpoint}, not ${loc.accountUrl}`);
      }
      return service.getContainerClient(loc.container);
    }
    const { ContainerClient } = await loadBlob();
    return new ContainerClient(`${loc.accountUrl}/${encodeURIComponent(loc.container)}`, await this.tokenCredential());
  }

  private serviceClient(): Promise<BlobServiceClient> {
    this.service ??= (async () => {
      const { BlobServiceClient } = await loadBlob();
      return BlobServiceClient.fromConnectionString(this.options.connectionString!);
    })();
    return this.service;
  }

  private tokenCredential(): Promise<TokenCredential> {
    this.credential ??= this.options.credential
      ? Promise.resolve(this.options.credential as TokenCredential)
      : loadAzureIdentity().then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
    return this.credential;
  }
}

interface ErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly details?: { readonly errorCode?: string };
}

/** The service's error code (S3's `NoSuchKey`, Blob's `BlobNotFound`…) and HTTP status of an SDK error. */
export function errorInfo(e: unknown): { code: string; status: number | undefined } {
  const err = (typeof e === "object" && e !== null ? e : {}) as ErrorLike;
  const code = err.details?.errorCode ?? err.code ?? err.name ?? "";
  return { code, status: err.$metadata?.httpStatusCode ?? err.statusCode };
}
