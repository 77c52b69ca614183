#!/usr/bin/env node
/**
 * hgpu: the library's command line.
 *
 *   hgpu synth [--app <cmd>] [--out <dir>]     synthesize the app (default: cdktf.json's "app"), summarize it with
 *                                              cost/energy estimates and write <out>/topology.svg and topology.md
 *   hgpu summary [--out <dir>] [--json]        summarize an already synthesized app (with estimates; --json: everything)
 *   hgpu place --gpus N [options]              rank placements from the catalog (see `hgpu place --help`)
 *   hgpu launch --stack <name> [options]       provision, run, wait, always destroy (see `hgpu launch --help`)
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { catalogDate } from "../lib/catalog/catalog";
import { ValidationError } from "../lib/core/errors";
import type { GpuCloud } from "../lib/core/types";
import { describeRejection, planPlacements } from "../lib/planner/planner";
import type { Interconnect, Requirements } from "../lib/planner/types";
import { appFromCdktfJson, launch } from "../lib/launch/launcher";
import { formatReport, readOutdir, reportOutdir, reportStacks } from "../lib/report/report";
import { writeTopologyFiles } from "../lib/report/topology";

const USAGE = `usage:
  hgpu synth [--app <cmd>] [--out <dir>]   synthesize (default app: cdktf.json "app"), print a summary with
                                           USD/h, kW and kgCO2e per stack, write <out>/topology.svg and topology.md
  hgpu summary [--out <dir>] [--json]      summarize a synthesized app with the estimates (--json: everything)
  hgpu place --gpus N [--accelerator A[,B]] [--gpu-memory GiB] [--memory GiB]
             [--interconnect required|preferred|none] [--clouds aws,azure] [--regions r1,r2]
             [--zones id1,id2] [--spot] [--max-usd N] [--top N] [--rejected] [--json]
  hgpu launch --stack <name> [--app <cmd>] [--terraform terraform|tofu] [--max-placements N]
             [--keep-on-failure] [--poll-seconds N] [--destroy-attempts N] [--destroy-backoff-seconds N]`;

/** The options one subcommand takes: `values` are `--name value`, `flags` are `--flag`. `--help` and `-h` always work. */
export interface OptionSpec {
  readonly values: readonly string[];
  readonly flags: readonly string[];
}

/** Each subcommand's options; USAGE and the README list the same ones. */
export const COMMAND_OPTIONS = {
  synth: { values: ["app", "out"], flags: [] },
  summary: { values: ["out"], flags: ["json"] },
  place: {
    values: ["gpus", "accelerator", "gpu-memory", "memory", "interconnect", "clouds", "regions", "zones", "max-usd", "top"],
    flags: ["spot", "rejected", "json"],
  },
  launch: {
    values: ["stack", "app", "terraform", "max-placements", "poll-seconds", "destroy-attempts", "destroy-backoff-seconds"],
    flags: ["keep-on-failure"],
  },
} as const satisfies Record<string, OptionSpec>;

/** A mistake in the command line itself (unknown option, missing value, stray argument): exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `--name value` and `--flag` options against `spec`. `--help` or `-h` sets `help`.
 * Throws a {@link UsageError} for an option the spec does not list, a value option without a value
 * and an argument that is not an option.
 */
export function parseOptions(args: readonly string[], spec: OptionSpec): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-h" || a === "--help") {
      out.set("help", "true");
      continue;
    }
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
    const name = a.slice(2);
    if (spec.flags.includes(name)) {
      out.set(name, "true");
    } else if (spec.values.includes(name)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value\n${USAGE}`);
      out.set(name, value);
      i++;
    } else {
      const allowed = [...spec.values.map((v) => `--${v} <value>`), ...spec.flags.map((f) => `--${f}`), "--help"];
      throw new UsageError(`unknown option ${a}: use ${allowed.join(", ")}`);
    }
  }
  return out;
}

/** The value of option `name` as a number above 0 (a whole number if `integer`), or undefined when it is absent. */
export function positive(opts: ReadonlyMap<string, string>, name: string, integer: boolean): number | undefined {
  if (!opts.has(name)) return undefined;
  const n = Number(opts.get(name));
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new Error(`--${name} ${JSON.stringify(opts.get(name))} is not valid: use a ${integer ? "whole " : ""}number above 0`);
  return n;
}

function synth(args: readonly string[]): number {
  const opts = parseOptions(args, COMMAND_OPTIONS.synth);
  if (opts.has("help")) {
    console.log(USAGE);
    return 0;
  }
  const out = resolve(opts.get("out") ?? "cdktf.out");
  const app = opts.get("app") ?? appFromCdktfJson(process.cwd());
  rmSync(join(out, "stacks"), { recursive: true, force: true });
  const started = Date.now();
  const run = spawnSync(app, { shell: true, stdio: "inherit", env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" } });
  if (run.status !== 0) {
    console.error(`hgpu synth: the app (${app}) exited with ${run.status ?? run.signal}`);
    return run.status ?? 1;
  }
  console.log(`synthesized into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const stacks = readOutdir(out);
  console.log(formatReport(reportStacks(stacks)));
  const files = writeTopologyFiles(out, stacks);
  console.log(`topology: ${files.svg}, ${files.markdown}`);
  return 0;
}

function summary(args: readonly string[]): number {
  const opts = parseOptions(args, COMMAND_OPTIONS.summary);
  if (opts.has("help")) {
    console.log(USAGE);
    return 0;
  }
  const report = reportOutdir(resolve(opts.get("out") ?? "cdktf.out"));
  console.log(opts.has("json") ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean));
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

function place(args: readonly string[]): number {
  const opts = parseOptions(args, COMMAND_OPTIONS.place);
  if (opts.has("help") || !opts.has("gpus")) {
    console.log(USAGE);
    return opts.has("help") ? 0 : 2;
  }
  const req: Requirements = {
    gpus: positive(opts, "gpus", true)!,
    ...(opts.has("accelerator") ? { accelerator: list(opts.get("accelerator"))! } : {}),
    ...(opts.has("gpu-memory") ? { minGpuMemoryGiB: num(opts.get("gpu-memory"))! } : {}),
    ...(opts.has("memory") ? { memoryGiB: num(opts.get("memory"))! } : {}),
    ...(opts.has("interconnect") ? { interconnect: opts.get("interconnect") as Interconnect } : {}),
    ...(opts.has("clouds") ? { clouds: list(opts.get("clouds")) as GpuCloud[] } : {}),
    ...(opts.has("regions") ? { regions: list(opts.get("regions"))! } : {}),
    ...(opts.has("zones") ? { zones: list(opts.get("zones"))! } : {}),
    ...(opts.has("spot") ? { spot: true } : {}),
    ...(opts.has("max-usd") ? { maxUsdPerHour: num(opts.get("max-usd"))! } : {}),
  };
  const top = positive(opts, "top", true) ?? 10;
  const plan = planPlacements(req);
  if (opts.has("json")) {
    console.log(JSON.stringify({ placements: plan.placements.slice(0, top), rejected: plan.rejected }, null, 2));
    return 0;
  }
  const rows = plan.placements.slice(0, top).map((p) => [
    String(p.rank), p.cloud, p.region, p.zone ?? "-", p.instanceType, `${p.nodes}`, `${p.gpus} x ${p.accelerator}`,
    p.fabric.kind === "none" ? "-" : `${p.fabric.kind} ${p.fabricGbpsPerNode}G`, `$${p.usdPerHour.toFixed(2)}`,
  ]);
  console.log(table(["#", "cloud", "region", "zone", "type", "nodes", "gpus", "fabric", "usd/h"], rows));
  console.log(`${plan.placements.length} feasible, ${plan.rejected.length} rejected${opts.has("rejected") ? ":" : " (--rejected lists them)"}`);
  if (opts.has("rejected")) for (const r of plan.rejected) console.log(`  ${describeRejection(r)}`);
  const date = catalogDate();
  console.log(`catalog built ${date.builtAt}; prices as of ${date.sources.map((s) => `${s.cloud} ${s.pricesAsOf ?? "unknown"}`).join(", ")}`);
  return 0;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

async function launchCommand(args: readonly string[]): Promise<number> {
  const opts = parseOptions(args, COMMAND_OPTIONS.launch);
  if (opts.has("help") || !opts.has("stack")) {
    console.log(USAGE);
    return opts.has("help") ? 0 : 2;
  }
  const seconds = (name: string) => {
    const n = positive(opts, name, false);
    return n === undefined ? undefined : n * 1000;
  };
  const maxPlacements = positive(opts, "max-placements", true);
  const destroyAttempts = positive(opts, "destroy-attempts", true);
  const terraformBinary = opts.get("terraform");
  if (terraformBinary !== undefined && !["terraform", "tofu"].includes(terraformBinary)) throw new Error(`--terraform ${JSON.stringify(terraformBinary)} is not valid: use terraform or tofu`);
  const poll = seconds("poll-seconds");
  const backoff = seconds("destroy-backoff-seconds");
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\nhgpu launch: ${signal}: stopping the run and destroying what it created (a second signal will not skip the destroy)\n`);
      controller.abort(signal);
    } else {
      process.stderr.write(`\nhgpu launch: ${signal} again: still destroying, please wait\n`);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A closed terminal must not leave a half-applied cluster behind either.
  process.on("SIGHUP", onSignal);
  const result = await launch({
    stack: opts.get("stack")!,
    ...(opts.has("app") ? { app: opts.get("app")! } : {}),
    ...(terraformBinary ? { terraform: terraformBinary } : {}),
    ...(maxPlacements ? { maxPlacements } : {}),
    ...(destroyAttempts ? { destroyAttempts } : {}),
    ...(backoff !== undefined ? { destroyBackoffMs: backoff } : {}),
    ...(poll !== undefined ? { pollMs: poll } : {}),
    keepOnFailure: opts.has("keep-on-failure"),
    signal: controller.signal,
  });
  process.stderr.write(`hgpu launch: exit ${result.exitCode} (run directory ${result.runDir})\n`);
  return result.exitCode;
}

export function main(argv: readonly string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "launch":
        return launchCommand(rest).catch((e: unknown) => {
          console.error(`hgpu launch: ${(e as Error).message}`);
          return e instanceof UsageError ? 2 : 1;
        });
      case "synth":
        return synth(rest);
      case "summary":
        return summary(rest);
      case "place":
        return place(rest);
      case undefined:
      case "help":
      case "--help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`hgpu: unknown command ${JSON.stringify(command)}\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    console.error(e instanceof ValidationError ? `hgpu ${command}: ${e.message}` : `hgpu ${command}: ${(e as Error).message}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
