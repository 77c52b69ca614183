/**
 * What moving data out of a cloud to the internet costs (pure): the list price per GB of internet
 * egress out of Amazon S3 and out of Azure Blob Storage, with their sources, and {@link egressUsd}.
 *
 * A checkpoint carried from one attempt to the next goes through the launcher's machine: it leaves
 * the old attempt's cloud over the internet (billed at these rates) and enters the new one for free
 * (both clouds charge nothing for data in). A copy that stays on the launcher's disk (`file://`) or
 * leaves an owned site costs nothing.
 */
import { ValidationError } from "./errors";

/** Where bytes leave from: a cloud, an owned site, or the launcher's own disk. */
export type EgressSource = "aws" | "azure" | "onprem" | "local";

/** One egress price and where it was read. */
export interface EgressRate {
  /** USD per GB (1 GB = 2^30 bytes, as both clouds meter it). */
  readonly usdPerGb: number;
  /** The price tier the figure is for. */
  readonly tier: string;
  /** Where the figure was read, and what it is taken to be. */
  readonly source: string;
  /** The day the sources were read. */
  readonly seen: string;
}

/** Bytes in one billed GB. */
export const BYTES_PER_GB = 2 ** 30;

/**
 * Internet egress list prices, for the first tier of a month (the one a run's checkpoints fall in
 * unless the account moves more than 10 TB a month). Both clouds give the first 100 GB a month free,
 * across all of an account's services: ignored here, so the figure is an upper bound.
 */
export const EGRESS_RATES: Readonly<Record<EgressSource, EgressRate>> = {
  aws: {
    usdPerGb: 0.09,
    tier: "data transfer out of Amazon S3 (and EC2) to the internet, up to 10 TB a month after the first 100 GB, us-east-1",
    source:
      "https://aws.amazon.com/s3/pricing/ (Data Transfer tab; the first 100 GB a month out to the internet free), " +
      "quoted at $0.09/GB up to 10 TB/month by https://wring.co/blog/aws-data-transfer-pricing-guide and https://www.egresscost.com/aws",
    seen: "2026-11-30",
  },
  azure: {
    usdPerGb: 0.087,
    tier: "internet egress routed over the Microsoft premium global network (the default), from North America or Europe, first 10 TB a month after the first 100 GB",
    source:
      "https://azure.microsoft.com/pricing/details/bandwidth/ (Data Transfer Out, Internet Egress), " +
      "quoted at ~$0.087/GB for the first 10 TB/month by https://c3x.dev/blog/azure-egress-bandwidth-cost/",
    seen: "2026-11-30",
  },
  onprem: { usdPerGb: 0, tier: "an owned site's own link", source: "not billed per GB by a cloud", seen: "2026-11-30" },
  local: { usdPerGb: 0, tier: "a copy on the launcher's own disk", source: "no network transfer", seen: "2026-11-30" },
};

/**
 * The cost, in USD, of moving `bytes` out of `fromCloud` to the internet, at the first-tier list
 * price of {@link EGRESS_RATES} (0 for `onprem` and `local`).
 * @throws ValidationError when `bytes` is not a whole number >= 0, or `fromCloud` is none of the sources
 */
export function egressUsd(bytes: number, fromCloud: EgressSource | string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ValidationError("egress", "bytes", bytes, "a whole number of bytes >= 0");
  }
  if (!Object.hasOwn(EGRESS_RATES, fromCloud)) {
    throw new ValidationError("egress", "fromCloud", fromCloud, `one of ${Object.keys(EGRESS_RATES).join(", ")}`);
  }
  return (bytes / BYTES_PER_GB) * EGRESS_RATES[fromCloud as EgressSource].usdPerGb;
}
