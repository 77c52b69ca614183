import { describe, expect, it } from "vitest";
import { Validator } from "../../lib/core/validate";
import { checkSlurmScheduler, isHostName } from "../../lib/onprem/slurm";
import { validationErrorOf } from "../helpers";

const v = () => new Validator("dc/pool");
/** A host name of `length` characters: labels of 63 joined by dots. */
const longHost = (length: number) => {
  const labels: string[] = [];
  for (let left = length; left > 0; left -= 64) labels.push("a".repeat(Math.min(63, left)));
  return labels.join(".");
};
const NAME_RULE = "1-64 letters, digits, _, . and -, starting with a letter, digit or _ (no spaces, commas, = or #: slurm.conf and sbatch split on them)";

describe("Slurm settings", () => {
  it("keeps the fields Slurm reads", () => {
    expect(checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu", account: "ml-team", qos: "high", submitHost: "login1.dc.example.com" })).toEqual({
      kind: "slurm", partition: "gpu", account: "ml-team", qos: "high", submitHost: "login1.dc.example.com",
    });
    expect(checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu" })).toEqual({ kind: "slurm", partition: "gpu" });
  });

  it.each(["gpu", "GPU_a100.long-1", "_hidden", "a", "p".repeat(64)])("accepts partition %s", (partition) => {
    expect(checkSlurmScheduler(v(), { kind: "slurm", partition }).partition).toBe(partition);
  });

  it.each(["gpu batch", "gpu,cpu", "a=b", "#gpu", "-gpu", ".gpu", "", "p".repeat(65), "gpü"])("refuses partition %j", (partition) => {
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "slurm", partition }))).toBe(`dc/pool: scheduler.partition ${JSON.stringify(partition)} is not valid: use a Slurm partition name: ${NAME_RULE}`);
  });

  it.each(["DEFAULT", "default"])("refuses %s, slurm.conf's record of defaults", (partition) => {
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "slurm", partition }))).toBe(`dc/pool: scheduler.partition "${partition}" is not valid: use the name of a real partition: PartitionName=DEFAULT is slurm.conf's record of default values`);
  });

  it("refuses account and QOS names Slurm would split", () => {
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu", account: "a b" }))).toBe(`dc/pool: scheduler.account "a b" is not valid: use a Slurm account name: ${NAME_RULE}`);
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu", qos: "high,low" }))).toBe(`dc/pool: scheduler.qos "high,low" is not valid: use a Slurm QOS name: ${NAME_RULE}`);
  });

  it("refuses another scheduler", () => {
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "pbs" as never, partition: "gpu" }))).toBe('dc/pool: scheduler.kind "pbs" is not valid: use one of "slurm"');
  });
});

describe("submitHost", () => {
  it("the long names are 253 and 254 characters", () => expect([longHost(253).length, longHost(254).length]).toEqual([253, 254]));
  it.each(["login1.dc.example.com", "login", "10.1.2.3", "a".repeat(63) + ".example", longHost(253)])("accepts %s", (host) => {
    expect(isHostName(host)).toBe(true);
    expect(checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu", submitHost: host }).submitHost).toBe(host);
  });
  it.each(["user@login1", "login1:22", "-oProxyCommand=x", "login_1", "a..b", "login.", "a".repeat(64), "login 1", longHost(254)])("refuses %j", (host) => {
    expect(isHostName(host)).toBe(false);
    expect(validationErrorOf(() => checkSlurmScheduler(v(), { kind: "slurm", partition: "gpu", submitHost: host }))).toBe(
      `dc/pool: scheduler.submitHost ${JSON.stringify(host)} is not valid: use a host name such as login1.cluster.example.com or an IPv4 address (letters, digits, hyphens and dots; no user@, port, spaces or leading -): the launcher reaches it with ssh`,
    );
  });
});
