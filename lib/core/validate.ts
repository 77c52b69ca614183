import { asnProblem, GATEWAY_ASN_KNOWN_RULE, type AsnRoles } from "./asn";
import { cidrProblem } from "./cidr";
import { ValidationError } from "./errors";
import { awsRegion as awsRegionFacts, azureLocation as azureLocationFacts } from "./regions";

/** AWS region names: `us-east-1`, `us-gov-west-1`, `ap-southeast-4`. */
export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d+$/;
/** Azure location names: `eastus`, `westeurope`, `southcentralus2`. */
export const AZURE_LOCATION = /^[a-z][a-z0-9]+$/;
/** Folders a mount may not replace (a path below them is fine). /mnt is Azure's temporary disk. */
const SYSTEM_FOLDERS = ["/", "/home", "/root", "/tmp", "/opt", "/mnt", "/srv", "/media"];
/** Folders nothing may be mounted in or below: the OS, the images' own software, the run script's. */
const SYSTEM_TREES = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/snap", "/sys", "/usr", "/var", "/opt/dlami", "/opt/aws", "/opt/amazon", "/opt/nvidia", "/opt/microsoft", "/opt/hgpu"];

/**
 * An S3 general purpose bucket name, as AWS's naming rules have it: 3-63 lowercase letters, digits,
 * dots and hyphens, starting and ending with a letter or digit, no two adjacent dots, not shaped
 * like an IP address, none of AWS's reserved prefixes or suffixes.
 */
export function isS3BucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

/** An S3 key prefix a grant or a log target takes: ending in `/`, no leading `/`, no `*`, `?` or `$`. */
export function isS3KeyPrefix(prefix: string): boolean {
  return /^[^*?$]*\/$/.test(prefix) && !prefix.startsWith("/");
}

/** What an S3 key prefix must be, for error messages. */
export const S3_KEY_PREFIX_RULE = "use a key prefix ending in / (without a leading /, *, ? or $)";

/** What an S3 bucket name must be, for error messages. */
export const S3_BUCKET_RULE = "3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias";

/** A KMS key as most AWS APIs take it: key ID, multi-Region key ID, key ARN, alias name or alias ARN. */
export const KMS_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]+))$/;
/** A KMS key ARN: what CloudWatch Logs and EBS volumes of a launch template take. */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** An Azure blob container name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit. */
export const AZURE_CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** What an Azure blob container name must be, for error messages. */
export const AZURE_CONTAINER_RULE = "use a container name: 3-63 lowercase letters, digits and single hyphens";

const STORAGE_ACCOUNT_NAME = "[a-z0-9]{3,24}";
/** An Azure storage account name: 3-24 lowercase letters and digits. */
export const AZURE_STORAGE_ACCOUNT = new RegExp(`^${STORAGE_ACCOUNT_NAME}$`);
/** What an Azure storage account name must be, for error messages. */
export const AZURE_STORAGE_ACCOUNT_RULE = "use a storage account name: 3-24 lowercase letters and digits";
/** An Azure storage account's resource ID (ARM IDs compare case-insensitively). */
export const AZURE_STORAGE_ACCOUNT_RESOURCE_ID = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Storage/storageAccounts/${STORAGE_ACCOUNT_NAME}$`, "i");
/** What an Azure storage account resource ID must be, for error messages. */
export const AZURE_STORAGE_ACCOUNT_RESOURCE_ID_RULE = "use a storage account resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>)";

/**
 * A short name (a team, an environment, an on-premises site or pool): 2-32 lowercase letters,
 * digits and hyphens, starting with a letter, not ending with a hyphen.
 */
export const SHORT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** What a short name must be, for error messages. */
export const SHORT_NAME_RULE = "use 2-32 lowercase letters, digits and hyphens, starting with a letter";

/** An e-mail address, as alerts and budgets take it. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Options of a {@link Validator}. */
export interface ValidatorOptions {
  /**
   * Returns true for values that are not known until apply (cdktf tokens). Such values are
   * skipped by every rule, since they cannot be checked at synth.
   * Constructs pass cdktf's `Token.isUnresolved`; this module stays free of cdktf.
   * @default - no value is treated as unresolved
   */
  readonly isUnresolved?: (value: unknown) => boolean;
}

/**
 * Validation rules that read the same way everywhere. Each method throws a
 * {@link ValidationError} `<path>: <field> <value> is not valid: <allowed>` when its rule fails,
 * and returns the value otherwise, so checks can be written inline:
 *
 * ```ts
 * const v = new Validator(this.node.path, { isUnresolved: Token.isUnresolved });
 * const nodes = v.integer("nodes", props.nodes, { min: 1, max: 100 });
 * ```
 */
export class Validator {
  private readonly isUnresolved: (value: unknown) => boolean;

  constructor(public readonly path: string, options: ValidatorOptions = {}) {
    this.isUnresolved = options.isUnresolved ?? (() => false);
  }

  /** Throws unless `ok`; `allowed` says what would be valid. */
  check(ok: boolean, field: string, value: unknown, allowed: string, context?: string): void {
    if (!ok && !this.isUnresolved(value)) throw new ValidationError(this.path, field, value, allowed, context);
  }

  /** Throws unconditionally (for rules whose condition is computed elsewhere). */
  fail(field: string, value: unknown, allowed: string, context?: string): never {
    throw new ValidationError(this.path, field, value, allowed, context);
  }

  /** A whole number in [min, max]. */
  integer(field: string, value: number, range: { min?: number; max?: number } = {}): number {
    const { min, max } = range;
    const ok = Number.isInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
    this.check(ok, field, value, `use a whole number${describeRange(min, max)}`);
    return value;
  }

  /** A finite number in [min, max]. */
  number(field: string, value: number, range: { min?: number; max?: number } = {}): number {
    const { min, max } = range;
    const ok = Number.isFinite(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
    this.check(ok, field, value, `use a number${describeRange(min, max)}`);
    return value;
  }

  /** One of a fixed set of values. */
  oneOf<T>(field: string, value: T, allowed: readonly T[], context?: string): T {
    this.check(allowed.includes(value), field, value, `use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, context);
    return value;
  }

  /** A string matching `pattern`; `description` says in words what matches. */
  matches(field: string, value: string, pattern: RegExp, description: string): string {
    this.check(typeof value === "string" && pattern.test(value), field, value, description);
    return value;
  }

  /** An AWS region that exists (in {@link AWS_REGIONS}), e.g. `us-east-1`; `description` may say more about which one. */
  awsRegion(field: string, value: string, description = "use an AWS region such as us-east-1"): string {
    this.matches(field, value, AWS_REGION, description);
    this.check(awsRegionFacts(value) !== undefined, field, value, `${description} (${value} is not an AWS region this library knows; a region newer than the library is an issue to report)`);
    return value;
  }

  /** An Azure location that exists (in {@link AZURE_LOCATIONS}), e.g. `eastus`. */
  azureLocation(field: string, value: string): string {
    this.matches(field, value, AZURE_LOCATION, "use an Azure location name such as eastus");
    this.check(azureLocationFacts(value) !== undefined, field, value, "use an Azure location name such as eastus (`az account list-locations -o table` lists them; a location newer than the library is an issue to report)");
    return value;
  }

  /**
   * A BGP ASN that meets the rules of every role it plays ({@link asnProblem}). A Terraform
   * expression is taken as it is, except as a VPN gateway's own ASN, which must be a number
   * ({@link GATEWAY_ASN_KNOWN_RULE}).
   */
  asn(field: string, value: number, roles: AsnRoles): number {
    if (this.isUnresolved(value)) {
      if (roles.awsGateway || roles.azureGateway) this.fail(field, "(an expression)", GATEWAY_ASN_KNOWN_RULE);
      return value;
    }
    const problem = asnProblem(value, roles);
    if (problem !== undefined) this.fail(field, value, problem);
    return value;
  }

  /** A non-empty string. */
  nonEmpty(field: string, value: string): string {
    this.check(typeof value === "string" && value.trim().length > 0, field, value, "use a non-empty string");
    return value;
  }

  /** A non-empty array. */
  nonEmptyList<T>(field: string, value: readonly T[]): readonly T[] {
    this.check(Array.isArray(value) && value.length > 0, field, value, "use a list with at least one entry");
    return value;
  }

  /** A Linux mount point: absolute, no spaces or `..`, not a system folder. */
  mountPath(field: string, value: string): string {
    const ok =
      typeof value === "string" &&
      /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(value) &&
      !value.split("/").includes("..") &&
      !value.includes("//") &&
      !SYSTEM_FOLDERS.includes(value) &&
      !SYSTEM_TREES.some((t) => value === t || value.startsWith(`${t}/`));
    this.check(ok, field, value, "use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)");
    return value;
  }

  /** A canonical IPv4 CIDR, optionally with a prefix length in [minPrefix, maxPrefix]. */
  cidr(field: string, value: string, prefix: { min?: number; max?: number } = {}): string {
    if (this.isUnresolved(value)) return value;
    const problem = typeof value === "string" ? cidrProblem(value) : "expected an IPv4 CIDR such as 10.0.0.0/16";
    if (problem) this.fail(field, value, problem);
    const p = Number(value.split("/")[1]);
    const { min, max } = prefix;
    if (p < (min ?? 0) || p > (max ?? 32)) {
      this.fail(field, value, `use a prefix length${describeRange(min, max)}`);
    }
    return value;
  }
}

function describeRange(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return "";
}
