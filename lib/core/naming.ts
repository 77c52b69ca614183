import { createHash } from "node:crypto";

/**
 * A cloud's naming rule for one kind of resource. Names the library derives are always made to
 * fit, so `terraform apply` never fails on a name.
 */
export interface NameRule {
  /** What the rule is for, used in error messages, e.g. "S3 bucket". */
  readonly label: string;
  /** Shortest valid name. */
  readonly minLength: number;
  /** Longest valid name. */
  readonly maxLength: number;
  /** Matches one character that may appear in the name. */
  readonly char: RegExp;
  /** Joins the parts of a derived name; "" for names that allow no punctuation. */
  readonly separator: string;
  /** The name must be lowercase. */
  readonly lowercase?: boolean;
  /** The name must start and end with a letter or digit. */
  readonly alnumEnds?: boolean;
  /** The name is globally unique (bucket, storage account): always append a hash of its full source. */
  readonly globallyUnique?: boolean;
}

/** Naming rules, from each cloud's documentation of the resource's name constraints. */
export const NAME_RULES = {
  awsIamRole: { label: "IAM role", minLength: 1, maxLength: 64, char: /[A-Za-z0-9+=,.@_-]/, separator: "-" },
  awsLaunchTemplate: { label: "launch template", minLength: 3, maxLength: 128, char: /[A-Za-z0-9()./_-]/, separator: "-" },
  awsSecurityGroup: { label: "security group", minLength: 1, maxLength: 255, char: /[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]/, separator: "-" },
  awsPlacementGroup: { label: "placement group", minLength: 1, maxLength: 255, char: /[A-Za-z0-9._-]/, separator: "-" },
  awsAutoScalingGroup: { label: "Auto Scaling group", minLength: 1, maxLength: 255, char: /[A-Za-z0-9._-]/, separator: "-" },
  awsSchedule: { label: "EventBridge schedule", minLength: 1, maxLength: 64, char: /[A-Za-z0-9._-]/, separator: "-" },
  awsS3Bucket: {
    label: "S3 bucket", minLength: 3, maxLength: 63, char: /[a-z0-9-]/, separator: "-",
    lowercase: true, alnumEnds: true, globallyUnique: true,
  },
  azureResourceGroup: { label: "resource group", minLength: 1, maxLength: 90, char: /[A-Za-z0-9._()-]/, separator: "-", alnumEnds: true },
  azureVirtualNetwork: { label: "virtual network", minLength: 2, maxLength: 64, char: /[A-Za-z0-9._-]/, separator: "-", alnumEnds: true },
  azureSubnet: { label: "subnet", minLength: 1, maxLength: 80, char: /[A-Za-z0-9._-]/, separator: "-", alnumEnds: true },
  azureNetworkSecurityGroup: { label: "network security group", minLength: 1, maxLength: 80, char: /[A-Za-z0-9._-]/, separator: "-", alnumEnds: true },
  azureScaleSet: { label: "Linux scale set", minLength: 1, maxLength: 64, char: /[A-Za-z0-9-]/, separator: "-", alnumEnds: true },
  azureComputerNamePrefix: { label: "computer name prefix", minLength: 1, maxLength: 15, char: /[a-z0-9-]/, separator: "-", lowercase: true, alnumEnds: true },
  azureManagedLustre: { label: "managed Lustre file system", minLength: 2, maxLength: 80, char: /[A-Za-z0-9_-]/, separator: "-", alnumEnds: true },
  azureGeneric: { label: "Azure resource", minLength: 1, maxLength: 80, char: /[A-Za-z0-9._-]/, separator: "-", alnumEnds: true },
  azureStorageAccount: {
    label: "storage account", minLength: 3, maxLength: 24, char: /[a-z0-9]/, separator: "",
    lowercase: true, alnumEnds: true, globallyUnique: true,
  },
  azureKeyVault: { label: "key vault", minLength: 3, maxLength: 24, char: /[A-Za-z0-9-]/, separator: "-", alnumEnds: true, globallyUnique: true },
} as const satisfies Record<string, NameRule>;

/** A short, stable hash of a text: the same input always gives the same 8 hex digits. */
export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Derives a valid name for `rule` from parts such as a construct path's ids.
 * Disallowed characters become the separator, runs of separators collapse, and a name that is too
 * long is cut and suffixed with a hash of the whole input, so two long paths never collide.
 * Deterministic: the same parts always give the same name.
 */
export function deriveName(parts: readonly string[], rule: NameRule): string {
  const source = parts.join("/");
  const sep = rule.separator;
  let text = parts.filter((p) => p.length > 0 && p !== "Default").join(sep || " ");
  if (rule.lowercase) text = text.toLowerCase();
  let name = "";
  for (const ch of text) name += rule.char.test(ch) ? ch : sep;
  // Collapses runs of separators (and drops them at the ends); a no-op when the separator is "".
  name = name.split(sep).filter((s) => s.length > 0).join(sep);
  if (rule.alnumEnds) name = trimNonAlnum(name);
  const hash = shortHash(source);
  const needsHash = rule.globallyUnique || name.length > rule.maxLength || name.length < rule.minLength;
  if (needsHash) {
    const room = rule.maxLength - hash.length - sep.length;
    name = name.slice(0, Math.max(0, room));
    name = trimEnd(name, sep);
    name = name.length > 0 ? `${name}${sep}${hash}` : hash;
  }
  return name;
}

/** Splits a construct path into its ids, adds an optional suffix, and derives a name from them. */
export function nameFromPath(path: string, rule: NameRule, suffix?: string): string {
  return deriveName([...path.split("/"), ...(suffix ? [suffix] : [])], rule);
}

/** Why a given name breaks `rule`, or undefined when it is valid. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  const what = `${rule.label} names`;
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `${what} have ${rule.minLength} to ${rule.maxLength} characters`;
  }
  const bad = [...name].find((ch) => !rule.char.test(ch));
  if (bad !== undefined) return `${what} may not contain ${JSON.stringify(bad)} (allowed: ${describeChars(rule.char)})`;
  if (rule.lowercase && name !== name.toLowerCase()) return `${what} are lowercase`;
  if (rule.alnumEnds && !/^[A-Za-z0-9].*[A-Za-z0-9]$|^[A-Za-z0-9]$/.test(name)) {
    return `${what} start and end with a letter or digit`;
  }
  return undefined;
}

/** Drops the separators a cut left at the end (the start is never one: runs of separators were collapsed). */
function trimEnd(name: string, sep: string): string {
  if (!sep) return name;
  while (name.endsWith(sep)) name = name.slice(0, -sep.length);
  return name;
}

function trimNonAlnum(name: string): string {
  return name.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

function describeChars(char: RegExp): string {
  return char.source.replace(/^\[|\]$/g, "");
}
