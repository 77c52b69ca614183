/**
 * When a run with `recovery` is relaunched (pure: no I/O). A run whose status says `preempted` or
 * `node-failure` (written by the node's run script) is destroyed and started again elsewhere from
 * its last complete checkpoint while it has restarts left and time before its deadline; the
 * workload's own exit, whatever its code, is never retried.
 */
import { NODE_FAILURE_EXIT, PREEMPTED_EXIT } from "../task/preemption-script";
import { MIN_RECOVERY_RUNTIME_MINUTES, RECOVERY_TRIGGERS, type RecoveryTrigger } from "../task/recovery";
import type { RunStatus } from "./status-store";

/** A task's recovery as its stack states it (the `<task>_recovery` output). */
export interface StackRecovery {
  readonly maxRestarts: number;
  readonly on: readonly RecoveryTrigger[];
  readonly fallbackToOnDemand: boolean;
  /** The attempt runs on spot capacity. */
  readonly spot: boolean;
}

/** Preemptions of spot capacity in one run after which `fallbackToOnDemand` moves it to on-demand. */
export const PREEMPTIONS_BEFORE_ON_DEMAND = 2;

/** How long a placement that was preempted or lost a node is left out of the plan, by default. */
export const DEFAULT_COOLDOWN_MS = 30 * 60_000;

/**
 * The `<task>_recovery` output read strictly: undefined when the stack has none (no recovery).
 * @throws Error naming the output and the bad field when it is malformed
 */
export function stackRecoveryOf(value: unknown): StackRecovery | undefined {
  if (value === undefined) return undefined;
  const bad = (why: string) => new Error(`the stack's *_recovery output ${JSON.stringify(value)} is not a task's recovery: ${why}`);
  if (typeof value !== "object" || value === null) throw bad("not an object");
  const r = value as Record<string, unknown>;
  if (typeof r.maxRestarts !== "number" || !Number.isInteger(r.maxRestarts) || r.maxRestarts < 0) throw bad("maxRestarts is not a whole number");
  if (!Array.isArray(r.on) || r.on.some((t) => !(RECOVERY_TRIGGERS as readonly unknown[]).includes(t))) throw bad(`on is not a list of ${RECOVERY_TRIGGERS.join(", ")}`);
  return { maxRestarts: r.maxRestarts, on: r.on as RecoveryTrigger[], fallbackToOnDemand: r.fallbackToOnDemand === true, spot: r.spot === true };
}

/** What stopped a run that a restart can follow, from its status; undefined for anything else. */
export function stopTrigger(status: RunStatus): RecoveryTrigger | undefined {
  if (status.exitCode === PREEMPTED_EXIT && status.reason === "preempted") return "preemption";
  if (status.exitCode === NODE_FAILURE_EXIT && status.reason === "node-failure") return "node-failure";
  return undefined;
}

/** Whether to relaunch, and why (or why not) in words for the progress line. */
export type RestartDecision =
  | { readonly restart: true; readonly trigger: RecoveryTrigger; readonly why: string }
  | { readonly restart: false; readonly why: string };

/** What {@link restartDecision} weighs. */
export interface RestartContext {
  readonly recovery: StackRecovery | undefined;
  /** Restarts the run has had so far. */
  readonly restarts: number;
  /** The run's deadline (the first attempt's), ms since the epoch; NaN when the stack states none. */
  readonly runDeadlineMs: number;
  readonly nowMs: number;
}

/** Whether a run that ended with `status` is relaunched. */
export function restartDecision(status: RunStatus, c: RestartContext): RestartDecision {
  const trigger = stopTrigger(status);
  if (trigger === undefined) return { restart: false, why: "the workload's own exit is never retried" };
  const what = trigger === "preemption" ? "preempted" : "a node failed";
  if (c.recovery === undefined) return { restart: false, why: `${what}; the task has no recovery, so the run ends` };
  if (!c.recovery.on.includes(trigger)) return { restart: false, why: `${what}; the task's recovery.on (${c.recovery.on.join(", ")}) does not restart on ${trigger}` };
  if (c.restarts >= c.recovery.maxRestarts) {
    return { restart: false, why: `${what}; no restarts left (recovery.maxRestarts ${c.recovery.maxRestarts}, ${c.restarts} used)` };
  }
  const leftMinutes = Math.floor((c.runDeadlineMs - c.nowMs) / 60_000);
  if (Number.isFinite(c.runDeadlineMs) && leftMinutes < MIN_RECOVERY_RUNTIME_MINUTES) {
    return { restart: false, why: `${what}; the run's deadline leaves ${Math.max(0, leftMinutes)} minutes, less than the ${MIN_RECOVERY_RUNTIME_MINUTES} a restart needs` };
  }
  return { restart: true, trigger, why: `${what}: restart ${c.restarts + 1} of ${c.recovery.maxRestarts}` };
}

/**
 * Placements left out of the plan: for the rest of the run (capacity errors) or until a cool-down
 * ends (a preemption or a failed node: the capacity may come back).
 */
export class Exclusions {
  private readonly until = new Map<string, number>();

  /** Leaves `key` out for the rest of the run. */
  public forever(key: string): void {
    this.until.set(key, Infinity);
  }

  /** Leaves `key` out until `untilMs` (never shortening an exclusion already longer). */
  public coolDown(key: string, untilMs: number): void {
    this.until.set(key, Math.max(this.until.get(key) ?? -Infinity, untilMs));
  }

  /** The keys left out at `nowMs`, in the order they were first left out. */
  public active(nowMs: number): string[] {
    return [...this.until].filter(([, until]) => until > nowMs).map(([key]) => key);
  }

  /** When the first cool-down still running at `nowMs` ends; undefined when none runs. */
  public nextEnd(nowMs: number): number | undefined {
    const ends = [...this.until.values()].filter((until) => until > nowMs && until !== Infinity);
    return ends.length > 0 ? Math.min(...ends) : undefined;
  }
}
