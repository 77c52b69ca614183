/**
 * What the restarts of a recovered run are expected to cost (pure), for the report's estimate of a
 * spot task with `recovery`: the time each restart takes, charged at the placement's price, times
 * the restarts the run can expect.
 */
import { roundTo } from "../core/numbers";

/** The hours one restart costs: new nodes, the image pull and the checkpoint restore (a stated assumption). */
export const RESTART_HOURS = 0.25;
/**
 * Spot interruptions per node and month assumed for the expected restarts: 20 %, the edge of the
 * AWS Spot Instance Advisor's highest bucket (">20%" of a type's capacity reclaimed in the trailing
 * month), where large GPU types usually sit; Azure publishes eviction rates in the same buckets.
 * The rate of a type in that bucket can be higher: the `maxUsd` bound covers every allowed restart.
 */
export const SPOT_INTERRUPTIONS_PER_NODE_MONTH = 0.2;

/** The expected cost of a task's restarts, beside its estimate over maxRuntime. */
export interface RestartOverhead {
  /** Restarts the task may have (`recovery.maxRestarts`). */
  readonly maxRestarts: number;
  /** Expected restarts over maxRuntime: nodes x hours x {@link SPOT_INTERRUPTIONS_PER_NODE_MONTH} / hours per month (730), at most maxRestarts. */
  readonly expectedRestarts: number;
  /** USD/hour the restart time is charged at: the task's clusters (the placement's nodes). */
  readonly usdPerHour: number;
  /** Expected USD: expectedRestarts x {@link RESTART_HOURS} x usdPerHour. */
  readonly usd: number;
  /** USD if every allowed restart happens: maxRestarts x {@link RESTART_HOURS} x usdPerHour. */
  readonly maxUsd: number;
  /** The formula in words, for the report. */
  readonly basis: string;
}

/**
 * The restart overhead of a spot task with `recovery`: each restart costs {@link RESTART_HOURS} (15
 * minutes: new nodes, the image pull, the checkpoint restore) of the placement's price, and the run
 * expects `min(maxRestarts, nodes x maxRuntime hours x 0.2 / 730)` restarts (an interruption of any
 * node stops the whole run; {@link SPOT_INTERRUPTIONS_PER_NODE_MONTH} per node a month of
 * `hoursPerMonth`, 730 in the price tables). Not counted: the training lost since the last
 * checkpoint (it depends on the workload's checkpoint cadence), and node failures on on-demand
 * capacity (rare next to spot interruptions).
 * The estimate's own `usd` is unchanged: maxRuntime counts the whole run, restarts included.
 */
export function restartOverhead(maxRestarts: number, nodes: number, hours: number, usdPerHour: number, hoursPerMonth: number): RestartOverhead {
  const expected = Math.min(maxRestarts, (nodes * hours * SPOT_INTERRUPTIONS_PER_NODE_MONTH) / hoursPerMonth);
  const per = RESTART_HOURS * usdPerHour;
  return {
    maxRestarts, expectedRestarts: roundTo(expected, 4), usdPerHour, usd: roundTo(expected * per, 2), maxUsd: roundTo(maxRestarts * per, 2),
    basis: `each restart ${RESTART_HOURS * 60} minutes of $${usdPerHour}/h (new nodes, image pull, checkpoint restore) x ${roundTo(expected, 4)} expected restarts`
      + ` (${nodes} nodes x ${roundTo(hours)} h x ${SPOT_INTERRUPTIONS_PER_NODE_MONTH} spot interruptions per node-month / ${hoursPerMonth} h, at most ${maxRestarts})`,
  };
}
