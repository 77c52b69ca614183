#!/usr/bin/env node
/**
 * hgpu: the library's command line.
 *
 *   hgpu synth [--app <cmd>] [--out <dir>]     synthesize the app (default: cdktf.json's "app"), summarize it with
 *                                              cost/energy estimates and write <out>/topology.svg and topology.md
 *   hgpu summary [--out <dir>] [--json]        summarize an already synthesized app (with estimates; --json: everything)
 *   hgpu place --gpus N [options]              rank placements from the catalog (see `hgpu place --help`)
 *   hgpu launch --stack <name> [options]       provision, run, wait, always destroy (see `hgpu launch --help`)
 *   hgpu runs [--json] [--all] [--prune]       the project's runs; leftover ones loudly
 *   hgpu destroy <run id> [--attempt N]        destroy what a run left
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { catalogDate } from "../lib/catalog/catalog";
import type { GpuCloud } from "../lib/core/types";
import { describeRejection, planPlacements } from "../lib/planner/planner";
import type { Interconnect, Requirements } from "../lib/planner/types";
import { appFromCdktfJson, EXIT, launch } from "../lib/launch/launcher";
import { destroyRun, findProject, findRun, formatRuns, listRuns, pruneRuns, RUNS_DIR } from "../lib/launch/runs";
import { safeStdio, type SafeSink } from "../lib/launch/safe-output";
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
             [--keep-on-failure] [--concurrent] [--poll-seconds N] [--stop-on-read-errors N]
             [--destroy-attempts N] [--destroy-backoff-seconds N]
  hgpu runs [--json] [--all] [--prune] [--remote]   the project's runs, newest first; LEFTOVER ones hold resources
  hgpu destroy <run id> [--attempt N] [--terraform terraform|tofu] [--destroy-attempts N] [--destroy-backoff-seconds N]
                                           destroy what a run left (exit 0 only when nothing is left)`;

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
    values: ["stack", "app", "terraform", "max-placements", "poll-seconds", "stop-on-read-errors", "destroy-attempts", "destroy-backoff-seconds"],
    flags: ["keep-on-failure", "concurrent"],
  },
  runs: { values: [], flags: ["json", "all", "prune", "remote"] },
  destroy: { values: ["attempt", "terraform", "destroy-attempts", "destroy-backoff-seconds"], flags: [] },
} as const satisfies Record<string, OptionSpec>;

/** A mistake in the command line itself (unknown option, missing value, stray argument): exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `--name value` and `--flag` options against `spec`. `--help` or `-h` sets `help`.
 * Throws a {@link UsageError} for an option the spec does not list, a value option without a value
 * and an argument that is not an option.
 */
export function parseOptions(args: readonly string[], spec: OptionSpec, positionals?: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-h" || a === "--help") {
      out.set("help", "true");
      continue;
    }
    if (!a.startsWith("--") && positionals) {
      positionals.push(a);
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

/** Ctrl-C, SIGTERM and a closed terminal (SIGHUP) abort `controller` once; later signals only say the destroy goes on. */
function abortOnSignals(controller: AbortController, err: SafeSink, what: string): () => void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      err.write(`\nhgpu: ${signal}: ${what} (a second signal will not skip the destroy)\n`);
      controller.abort(signal);
    } else {
      err.write(`\nhgpu: ${signal} again: still destroying, please wait\n`);
    }
  };
  const handled = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of handled) process.on(s, onSignal);
  return () => {
    for (const s of handled) process.off(s, onSignal);
  };
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
  const stopOnReadErrors = positive(opts, "stop-on-read-errors", true);
  const terraformBinary = terraformOption(opts);
  const poll = seconds("poll-seconds");
  const backoff = seconds("destroy-backoff-seconds");
  const { stderr } = safeStdio();
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller, stderr, "stopping the run and destroying what it created");
  try {
    const result = await launch({
      stack: opts.get("stack")!,
      ...(opts.has("app") ? { app: opts.get("app")! } : {}),
      ...(terraformBinary ? { terraform: terraformBinary } : {}),
      ...(maxPlacements ? { maxPlacements } : {}),
      ...(destroyAttempts ? { destroyAttempts } : {}),
      ...(backoff !== undefined ? { destroyBackoffMs: backoff } : {}),
      ...(poll !== undefined ? { pollMs: poll } : {}),
      ...(stopOnReadErrors !== undefined ? { stopOnReadErrors } : {}),
      keepOnFailure: opts.has("keep-on-failure"),
      concurrent: opts.has("concurrent"),
      signal: controller.signal,
      sink: stderr,
    });
    stderr.write(`hgpu launch: exit ${result.exitCode} (run ${result.runId}, directory ${result.runDir})\n`);
    return result.exitCode;
  } catch (e) {
    // Refused before anything was created; a signal meanwhile still has its own code.
    if (controller.signal.aborted) {
      stderr.write(`hgpu launch: ${(e as Error).message}\n`);
      return signalCode(controller.signal);
    }
    throw e;
  } finally {
    stopListening();
  }
}

function signalCode(signal: AbortSignal): number {
  const r = String(signal.reason);
  return r === "SIGTERM" ? EXIT.SIGTERM : r === "SIGHUP" ? EXIT.SIGHUP : EXIT.SIGINT;
}

function terraformOption(opts: ReadonlyMap<string, string>): string | undefined {
  const binary = opts.get("terraform");
  if (binary !== undefined && !["terraform", "tofu"].includes(binary)) throw new Error(`--terraform ${JSON.stringify(binary)} is not valid: use terraform or tofu`);
  return binary;
}

async function runsCommand(args: readonly string[]): Promise<number> {
  const opts = parseOptions(args, COMMAND_OPTIONS.runs);
  if (opts.has("help")) {
    console.log(USAGE);
    return 0;
  }
  const runsDir = join(findProject(process.cwd()), RUNS_DIR);
  const options = { remote: opts.has("remote") };
  if (opts.has("prune")) {
    const pruned = await pruneRuns(runsDir, options);
    console.log(pruned.length ? `removed ${pruned.length} ended run(s) with nothing left: ${pruned.join(", ")}` : "nothing to prune");
  }
  const all = await listRuns(runsDir, options);
  // Without --all: every live or leftover run, and the 20 newest.
  const shown = opts.has("all") ? all : all.filter((v, i) => i < 20 || v.state !== "ended");
  if (opts.has("json")) {
    console.log(JSON.stringify(shown.map((v) => ({ ...v.record, state: v.state, inState: v.left.map((l) => ({ attempt: l.attempt.n, resources: l.resources })), usdPerHour: v.usdPerHour })), null, 2));
  } else {
    console.log(formatRuns(shown));
    if (shown.length < all.length) console.log(`(${all.length - shown.length} older ended run(s) not shown: --all lists them)`);
  }
  return 0;
}

async function destroyCommand(args: readonly string[]): Promise<number> {
  const ids: string[] = [];
  const opts = parseOptions(args, COMMAND_OPTIONS.destroy, ids);
  if (opts.has("help")) {
    console.log(USAGE);
    return 0;
  }
  if (ids.length !== 1) throw new UsageError(`hgpu destroy takes one run id (hgpu runs lists them)${ids.length ? `, not ${ids.length}: ${ids.join(" ")}` : ""}`);
  const attempt = positive(opts, "attempt", true);
  const attempts = positive(opts, "destroy-attempts", true);
  const backoff = positive(opts, "destroy-backoff-seconds", false);
  const terraform = terraformOption(opts);
  const record = findRun(join(findProject(process.cwd()), RUNS_DIR), ids[0]!);
  const { stderr } = safeStdio();
  // Signals do not stop a destroy half-way: they are noted and the destroy goes on.
  const stopListening = abortOnSignals(new AbortController(), stderr, "the destroy goes on until it ends");
  try {
    const { left, report } = await destroyRun(record, {
      sink: stderr,
      ...(attempt !== undefined ? { attempt } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
      ...(backoff !== undefined ? { backoffMs: backoff * 1000 } : {}),
      ...(terraform ? { terraform } : {}),
    });
    if (report) stderr.write(report);
    stderr.write(left.length ? `hgpu destroy: resources are left (exit ${EXIT.RESOURCES_LEFT})\n` : `hgpu destroy: nothing of run ${record.runId} is left in state\n`);
    return left.length ? EXIT.RESOURCES_LEFT : 0;
  } finally {
    stopListening();
  }
}

export function main(argv: readonly string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "launch":
      case "runs":
      case "destroy":
        return (command === "launch" ? launchCommand(rest) : command === "runs" ? runsCommand(rest) : destroyCommand(rest)).catch((e: unknown) => {
          console.error(prefixed(command, (e as Error).message));
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
    console.error(prefixed(command, (e as Error).message));
    return e instanceof UsageError ? 2 : 1;
  }
}

/** `hgpu <command>: message`, without saying `hgpu` twice. */
function prefixed(command: string, message: string): string {
  return message.startsWith("hgpu") ? message : `hgpu ${command}: ${message}`;
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
