/**
 * The Slurm settings of an owned pool and the names Slurm accepts (pure). Partition, account and
 * QOS names are single tokens in `slurm.conf` and on the command line: whitespace ends them, `#`
 * starts a comment in slurm.conf, `=` separates a key from its value, and `sbatch --partition`,
 * `--account` lists and `--qos` split on commas (slurm.conf(5), sbatch(1)). `PartitionName=DEFAULT`
 * is slurm.conf's record of default values, not a partition.
 */
import type { Validator } from "../core/validate";

/** How jobs reach an owned pool: its Slurm partition, and where Slurm's commands run. */
export interface SlurmScheduler {
  /** The scheduler: Slurm, the one that runs most owned GPU clusters. */
  readonly kind: "slurm";
  /** The partition jobs are submitted to (`sbatch --partition`), e.g. `gpu`. */
  readonly partition: string;
  /** The account jobs are charged to (`sbatch --account`). @default - the submitting user's default account */
  readonly account?: string;
  /** The quality of service jobs ask for (`sbatch --qos`). @default - the partition's or the association's default QOS */
  readonly qos?: string;
  /**
   * The login node that runs `sbatch`, `squeue` and `scancel` for the launcher, reached over `ssh`
   * (the user's ssh configuration decides the user and the key): a host name or an IPv4 address.
   * @default - Slurm's commands on the machine that runs `hgpu launch`
   */
  readonly submitHost?: string;
}

/** A Slurm partition, account or QOS name: 1-64 letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`. */
export const SLURM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** What a Slurm name may be, for messages. */
const SLURM_NAME_RULE =
  "1-64 letters, digits, _, . and -, starting with a letter, digit or _ (no spaces, commas, = or #: slurm.conf and sbatch split on them)";

/**
 * A host name as RFC 1123 has it (labels of 1-63 letters, digits and hyphens, not starting or
 * ending with a hyphen, joined by dots, at most 253 characters in all), which also admits an IPv4
 * address. A leading `-` would read as an ssh option.
 */
export function isHostName(value: string): boolean {
  return typeof value === "string" && value.length <= 253 && value.split(".").every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Checks a pool's Slurm settings through `v`; returns a copy holding only the fields Slurm reads. */
export function checkSlurmScheduler(v: Validator, s: SlurmScheduler): SlurmScheduler {
  v.check(typeof s === "object" && s !== null, "scheduler", s, 'use { kind: "slurm", partition: "<name>" }');
  v.oneOf("scheduler.kind", s.kind, ["slurm"] as const);
  v.check(typeof s.partition === "string" && SLURM_NAME.test(s.partition), "scheduler.partition", s.partition, `use a Slurm partition name: ${SLURM_NAME_RULE}`);
  v.check(s.partition.toUpperCase() !== "DEFAULT", "scheduler.partition", s.partition, "use the name of a real partition: PartitionName=DEFAULT is slurm.conf's record of default values");
  if (s.account !== undefined) v.check(typeof s.account === "string" && SLURM_NAME.test(s.account), "scheduler.account", s.account, `use a Slurm account name: ${SLURM_NAME_RULE}`);
  if (s.qos !== undefined) v.check(typeof s.qos === "string" && SLURM_NAME.test(s.qos), "scheduler.qos", s.qos, `use a Slurm QOS name: ${SLURM_NAME_RULE}`);
  if (s.submitHost !== undefined) {
    v.check(isHostName(s.submitHost), "scheduler.submitHost", s.submitHost, "use a host name such as login1.cluster.example.com or an IPv4 address (letters, digits, hyphens and dots; no user@, port, spaces or leading -): the launcher reaches it with ssh");
  }
  return {
    kind: "slurm",
    partition: s.partition,
    ...(s.account !== undefined ? { account: s.account } : {}),
    ...(s.qos !== undefined ? { qos: s.qos } : {}),
    ...(s.submitHost !== undefined ? { submitHost: s.submitHost } : {}),
  };
}
