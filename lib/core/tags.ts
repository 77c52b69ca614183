import type { Cloud } from "./types";

/** The value of the `managed-by` tag the library puts on everything it creates. */
export const MANAGED_BY = "cdktf-hybrid-gpu";

/** A set of tags: key to value. */
export type Tags = Readonly<Record<string, string>>;

/** The organisational tags a team stack applies everywhere. */
export interface StandardTagValues {
  /** Team that owns the resources. @default - no `team` tag */
  readonly team?: string;
  /** Cost center charged for them. @default - no `cost-center` tag */
  readonly costCenter?: string;
  /** Environment, e.g. `dev` or `prod`. @default - no `environment` tag */
  readonly environment?: string;
}

/** The keys of the library's and the teams' standard tags. */
export const TAG_KEYS = { managedBy: "managed-by", team: "team", costCenter: "cost-center", environment: "environment" } as const;

/** The library's own default tags (lowest precedence). */
export function libraryTags(): Tags {
  return { [TAG_KEYS.managedBy]: MANAGED_BY };
}

/** Tags from a team's standard values: `team`, `cost-center`, `environment` (only those set). */
export function standardTags(values: StandardTagValues): Tags {
  const out: Record<string, string> = {};
  for (const field of ["team", "costCenter", "environment"] as const) {
    if (values[field] !== undefined) out[TAG_KEYS[field]] = values[field];
  }
  return out;
}

/**
 * Merges tag layers; a later layer wins over an earlier one. The library's order is
 * `mergeTags(libraryTags(), teamTags, resourceTags)`: resource tags win over team tags,
 * which win over the library's defaults.
 */
export function mergeTags(...layers: (Tags | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) out[k] = v;
  }
  return out;
}

const AWS_TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const AZURE_FORBIDDEN_KEY_CHARS = /[<>%&\\?/]/;

/** Most tags one resource may carry, on AWS and on Azure alike. */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Problems with a tag set under a cloud's tag rules, each as `<key>: <what is wrong>`;
 * empty when the tags are valid. AWS: key 1-128, value 0-256 characters, letters, digits,
 * spaces and `_ . : / = + - @`, no `aws:` prefix. Azure: key 1-512, value 0-256 characters,
 * no `< > % & \ ? /` in keys. Both: at most 50 tags.
 */
export function tagProblems(cloud: Cloud, tags: Tags): string[] {
  const problems: string[] = [];
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS_PER_RESOURCE) problems.push(`(all): ${entries.length} tags, at most ${MAX_TAGS_PER_RESOURCE} are allowed`);
  for (const [key, value] of entries) {
    if (cloud === "aws") {
      if (key.length < 1 || key.length > 128) problems.push(`${key}: an AWS tag key has 1 to 128 characters`);
      if (value.length > 256) problems.push(`${key}: an AWS tag value has at most 256 characters`);
      if (key.toLowerCase().startsWith("aws:")) problems.push(`${key}: the aws: prefix is reserved by AWS`);
      if (!AWS_TAG_CHARS.test(key) || !AWS_TAG_CHARS.test(value)) {
        problems.push(`${key}: AWS tags allow letters, digits, spaces and _ . : / = + - @`);
      }
    } else if (cloud === "azure") {
      if (key.length < 1 || key.length > 512) problems.push(`${key}: an Azure tag key has 1 to 512 characters`);
      if (value.length > 256) problems.push(`${key}: an Azure tag value has at most 256 characters`);
      if (AZURE_FORBIDDEN_KEY_CHARS.test(key)) problems.push(`${key}: Azure tag keys may not contain < > % & \\ ? /`);
    }
  }
  return problems;
}
