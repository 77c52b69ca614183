import { describe, expect, it } from "vitest";
import { Validator } from "../../lib/core/validate";
import { resolveRecovery, type RecoveryContext, type RecoveryOptions } from "../../lib/task/recovery";
import { validationErrorOf } from "../helpers";

const SPOT: RecoveryContext = { spot: true, maxRuntimeMinutes: 720 };
const ON_DEMAND: RecoveryContext = { spot: false, maxRuntimeMinutes: 720 };
const resolve = (props: RecoveryOptions | undefined, context: RecoveryContext = SPOT) => resolveRecovery(new Validator("s/train"), props, context);
const error = (props: RecoveryOptions, context: RecoveryContext = SPOT) => validationErrorOf(() => resolve(props, context));

const SYSTEM = "use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)";
const SHELL_WORD = "use names of letters, digits, '.', '_' and '-' joined by single '/' (no spaces, quotes, '$', '.' or '..' parts, or trailing '/'): the node's run script uses the path as a shell word";

describe("resolveRecovery: defaults", () => {
  it("no recovery is no recovery", () => {
    expect(resolve(undefined)).toBeUndefined();
  });

  it("with spot: 3 restarts, /checkpoints, both triggers, no fallback", () => {
    expect(resolve({})).toEqual({ maxRestarts: 3, checkpointPath: "/checkpoints", on: ["preemption", "node-failure"], fallbackToOnDemand: false });
  });

  it("on demand: 0 restarts (checkpoints are still synced and the stop explained)", () => {
    expect(resolve({}, ON_DEMAND)).toEqual({ maxRestarts: 0, checkpointPath: "/checkpoints", on: ["preemption", "node-failure"], fallbackToOnDemand: false });
  });

  it("keeps what is given, once per trigger", () => {
    expect(resolve({ maxRestarts: 7, checkpointPath: "/fsx/checkpoints", on: ["node-failure", "node-failure"], fallbackToOnDemand: true })).toEqual({
      maxRestarts: 7, checkpointPath: "/fsx/checkpoints", on: ["node-failure"], fallbackToOnDemand: true,
    });
  });
});

describe("resolveRecovery: rules, each with its exact message", () => {
  it.each([
    [-1, 's/train: recovery.maxRestarts -1 is not valid: use a whole number from 0 to 100'],
    [101, 's/train: recovery.maxRestarts 101 is not valid: use a whole number from 0 to 100'],
    [1.5, 's/train: recovery.maxRestarts 1.5 is not valid: use a whole number from 0 to 100'],
    [Number.NaN, 's/train: recovery.maxRestarts NaN is not valid: use a whole number from 0 to 100'],
  ])("maxRestarts %s", (maxRestarts, message) => {
    expect(error({ maxRestarts })).toBe(message);
  });

  it.each([0, 100])("accepts maxRestarts %s (the bounds)", (maxRestarts) => {
    expect(resolve({ maxRestarts })?.maxRestarts).toBe(maxRestarts);
  });

  it.each([
    ["checkpoints", "use an absolute path on the node, such as /checkpoints"],
    ["./checkpoints", "use an absolute path on the node, such as /checkpoints"],
    ["/check points", SHELL_WORD],
    ["/ckpt;rm -rf /", SHELL_WORD],
    ["/ckpt/$RUN", SHELL_WORD],
    ["/ckpt/'x'", SHELL_WORD],
    ["/ckpt/", SHELL_WORD],
    ["/ckpt//a", SHELL_WORD],
    ["/fsx/../etc", SHELL_WORD],
    ["/.", SHELL_WORD],
    ["/", SYSTEM],
    ["/etc", SYSTEM],
    ["/etc/ckpt", SYSTEM],
    ["/usr/local/ckpt", SYSTEM],
    ["/bin", SYSTEM],
    ["/sbin/x", SYSTEM],
    ["/lib/ckpt", SYSTEM],
    ["/proc/1", SYSTEM],
    ["/sys/ckpt", SYSTEM],
    ["/dev/shm", SYSTEM],
    ["/boot/ckpt", SYSTEM],
    ["/var/lib/ckpt", SYSTEM],
    ["/root", SYSTEM],
    ["/opt/hgpu", SYSTEM],
    ["/opt/hgpu/checkpoints", SYSTEM],
  ])("checkpointPath %j", (checkpointPath, allowed) => {
    expect(error({ checkpointPath })).toBe(`s/train: recovery.checkpointPath ${JSON.stringify(checkpointPath)} is not valid: ${allowed}`);
  });

  it.each(["/checkpoints", "/fsx/run-1/ckpt", "/mnt/nvme/checkpoints.v2", "/home/ml/ckpt_a"])("accepts checkpointPath %s", (checkpointPath) => {
    expect(resolve({ checkpointPath })?.checkpointPath).toBe(checkpointPath);
  });

  it("recovery on a task whose maxRuntime is under 30 minutes", () => {
    expect(error({ maxRestarts: 2 }, { spot: true, maxRuntimeMinutes: 29 })).toBe(
      's/train: recovery {"maxRestarts":2} is not valid with maxRuntime 29 minutes: set maxRuntime to at least 30 minutes, or leave recovery out: a restart (new nodes, image pull, checkpoint restore) takes minutes of the run\'s time',
    );
  });

  it("accepts maxRuntime of exactly 30 minutes", () => {
    expect(resolve({}, { spot: true, maxRuntimeMinutes: 30 })?.maxRestarts).toBe(3);
  });

  it("unknown or no triggers", () => {
    expect(error({ on: ["preemption", "oom" as never] })).toBe('s/train: recovery.on[1] "oom" is not valid: use one of "preemption", "node-failure"');
    expect(error({ on: [] })).toBe('s/train: recovery.on [] is not valid: use a list of one or both of "preemption", "node-failure"');
  });

  it("fallbackToOnDemand on a task that is not on spot", () => {
    expect(error({ fallbackToOnDemand: true }, ON_DEMAND)).toBe(
      "s/train: recovery.fallbackToOnDemand true is not valid: set spot: true too, or leave fallbackToOnDemand out: it moves a spot task to on-demand capacity",
    );
    expect(resolve({ fallbackToOnDemand: false }, ON_DEMAND)?.fallbackToOnDemand).toBe(false);
  });
});
