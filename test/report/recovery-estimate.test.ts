/**
 * The restart overhead of a spot task with `recovery`, in its estimate and its summary: each
 * restart costs 15 minutes of the placement's price, times the expected restarts (nodes x hours x
 * 0.2 interruptions per node-month / 730 hours, at most maxRestarts). Figures are computed by hand.
 */
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { estimateStack, restartOverhead, vpnEcmp } from "../../lib/report/estimate";
import { formatSummaries, summarizeStack } from "../../lib/report/summary";
import { GpuTask, type GpuTaskProps } from "../../lib/task/gpu-task";
import { synthWithMetadata } from "../onprem/helpers";

describe("restartOverhead", () => {
  it("4 nodes for 12 h at $100/h with 3 restarts allowed: 0.0132 expected restarts, $0.33, at most $75", () => {
    // 4 x 12 x 0.2 / 730 = 9.6 / 730 = 0.013150...; x 0.25 h x $100/h = $0.3288; 3 x 0.25 x 100 = 75
    expect(restartOverhead(3, 4, 12, 100, 730)).toEqual({
      maxRestarts: 3, expectedRestarts: 0.0132, usdPerHour: 100, usd: 0.33, maxUsd: 75,
      basis: "each restart 15 minutes of $100/h (new nodes, image pull, checkpoint restore) x 0.0132 expected restarts (4 nodes x 12 h x 0.2 spot interruptions per node-month / 730 h, at most 3)",
    });
  });

  it("is bounded by maxRestarts: 100 nodes for 14 days expect 9.2 restarts, 1 is allowed", () => {
    // 100 x 336 x 0.2 / 730 = 9.205...: capped at 1; 1 x 0.25 x $10/h = $2.50
    expect(restartOverhead(1, 100, 336, 10, 730)).toMatchObject({ expectedRestarts: 1, usd: 2.5, maxUsd: 2.5 });
    // just under the cap: 10 nodes x 365 h x 0.2 / 730 = 1 exactly, with 2 allowed
    expect(restartOverhead(2, 10, 365, 8, 730)).toMatchObject({ expectedRestarts: 1, usd: 2, maxUsd: 4 });
  });
});

const seed: GpuTaskProps = {
  name: "nn", gpus: 16, command: ["train.py"], notify: "ml-oncall@example.com", clouds: ["aws"], maxRuntime: "12h", spot: true, recovery: {},
};

function synthTask(props: Partial<GpuTaskProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "s");
  const task = new GpuTask(stack, "task", { ...seed, ...props });
  return { task, tf: synthWithMetadata(stack) };
}

describe("a spot task with recovery, synthesized", () => {
  const { task, tf } = synthTask();
  const [estimate] = estimateStack(tf).tasks;

  it("carries the expected restart overhead in its estimate, at the placement's price", () => {
    const { nodes, usdPerHour } = task.chosen;
    expect(task.chosen.spot).toBe(true);
    const expected = (nodes * 12 * 0.2) / 730;
    expect(estimate!.restartOverhead).toMatchObject({ maxRestarts: 3, usdPerHour });
    expect(estimate!.restartOverhead!.expectedRestarts).toBeCloseTo(expected, 4);
    expect(estimate!.restartOverhead!.usd).toBeCloseTo(expected * 0.25 * usdPerHour, 2);
    expect(estimate!.restartOverhead!.maxUsd).toBeCloseTo(3 * 0.25 * usdPerHour, 2);
    // the estimate over maxRuntime stays what it was: maxRuntime counts the whole run
    expect(estimate!.usd).toBeCloseTo(estimate!.usdPerHour * 12, 2);
  });

  it("shows it in the summary with its formula", () => {
    const summary = summarizeStack("s", "f", tf);
    const o = estimate!.restartOverhead!;
    expect(summary.tasks[0]!.recovery).toEqual({ maxRestarts: 3, spot: true, overhead: o });
    const text = formatSummaries([summary]);
    expect(text).toContain(`\n    recovery: up to 3 restarts on spot; expected restart overhead $${o.usd.toFixed(2)} (at most $${o.maxUsd.toFixed(2)}):`);
    // the formula, word-wrapped under the line
    expect(text.replace(/\n\s+/g, " ")).toContain(`(at most $${o.maxUsd.toFixed(2)}): each restart 15 minutes of $${task.chosen.usdPerHour}/h (new nodes, image pull, checkpoint restore) x ${o.expectedRestarts} expected restarts (${task.chosen.nodes} nodes x 12 h x 0.2 spot interruptions per node-month / 730 h, at most 3)`);
  });
});

describe("no restart overhead", () => {
  it("on on-demand capacity: the restarts are listed, no overhead expected", () => {
    const { tf } = synthTask({ spot: undefined, recovery: { maxRestarts: 2 } });
    expect(estimateStack(tf).tasks[0]!.restartOverhead).toBeUndefined();
    expect(formatSummaries([summarizeStack("s", "f", tf)])).toContain("    recovery: up to 2 restarts on on-demand capacity; no restart overhead expected\n");
  });

  it("with maxRestarts 0 on spot: no relaunch, no overhead", () => {
    const { tf } = synthTask({ recovery: { maxRestarts: 0 } });
    expect(estimateStack(tf).tasks[0]!.restartOverhead).toBeUndefined();
    expect(formatSummaries([summarizeStack("s", "f", tf)])).toContain("    recovery: no relaunch (maxRestarts 0) on spot capacity: checkpoints synced, the stop explained\n");
  });

  it("without recovery: no recovery line", () => {
    const { tf } = synthTask({ recovery: undefined });
    expect(estimateStack(tf).tasks[0]!.restartOverhead).toBeUndefined();
    expect(formatSummaries([summarizeStack("s", "f", tf)])).not.toContain("recovery");
  });
});

describe("the estimate reads Terraform booleans as Terraform does", () => {
  const tf = (staticRoutesOnly: unknown) => ({
    resource: {
      aws_ec2_transit_gateway: { tgw: {} },
      aws_vpn_connection: { vpn: { transit_gateway_id: "${aws_ec2_transit_gateway.tgw.id}", static_routes_only: staticRoutesOnly } },
    },
  });
  it.each([[true], ["true"], ["1"]])("static_routes_only %j: no ECMP", (value) => {
    expect(vpnEcmp(tf(value), { type: "aws_vpn_connection", name: "vpn", args: tf(value).resource.aws_vpn_connection.vpn })).toBe(false);
  });
  it.each([[false], ["false"], ["0"]])("static_routes_only %j: ECMP", (value) => {
    expect(vpnEcmp(tf(value), { type: "aws_vpn_connection", name: "vpn", args: tf(value).resource.aws_vpn_connection.vpn })).toBe(true);
  });
});
