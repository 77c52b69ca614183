import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { catalogDate, describeCatalogSources } from "../../lib/catalog";
import { isValidationError, table, type Cloud } from "../../lib/core";
import {
  cloudPue, describeRejection, planPlacements, tradeOff,
  type Interconnect, type Optimize, type Placement, type PoolOffering, type Preference, type Requirements,
} from "../../lib/planner";
import { readOutdir } from "../../lib/report";
import { COMMANDS } from "./commands";
import { println, type CliIo } from "./io";
import { choice, decimalNumber, listOption, requireOptions, wholeNumber, type ParsedArgs } from "./options";


/*
 * lib/task and lib/onprem load the engine with their constructs (lib/task the providers'
 * resources too: about 1.5 s). `place` imports them when it reads a duration or an app's pools,
 * so that the command line starts without them.
 */
const taskModule = () => import("../../lib/task/index.js");
const onPremModule = () => import("../../lib/onprem/index.js");

/** The planner's field for each `hgpu place` option, so that its messages can name the option instead. */
export const PLACE_FIELDS: Readonly<Record<string, string>> = {
  gpus: "gpus",
  accelerator: "accelerator",
  minGpuMemoryGiB: "gpu-memory",
  memoryGiB: "memory",
  interconnect: "interconnect",
  clouds: "clouds",
  regions: "regions",
  zones: "zones",
  pools: "pools",
  spot: "spot",
  maxUsdPerHour: "max-usd",
  prefer: "prefer",
  optimize: "optimize",
  maxRuntimeHours: "max-runtime",
};

/**
 * A planner message as the command line's user reads it (pure): `planner: memoryGiB ...` becomes
 * `--memory ...`, and requirement fields named inside it (`more than maxUsdPerHour 1`) become options.
 */
export function inOptionTerms(message: string): string {
  const lead = /^planner: (\w+) /.exec(message);
  let text = lead && PLACE_FIELDS[lead[1]!] ? `--${PLACE_FIELDS[lead[1]!]} ${message.slice(lead[0].length)}` : message.replace(/^planner: /, "");
  for (const [field, option] of Object.entries(PLACE_FIELDS)) {
    if (/[A-Z]/.test(field)) text = text.replace(new RegExp(`\\b${field}\\b`, "g"), `--${option}`);
  }
  return text;
}

/** `--optimize`: `cost`, `carbon`, or a carbon price in USD per kgCO2e (`0.1`), or undefined when absent (pure). */
export function optimizeOption(args: ParsedArgs): Optimize | undefined {
  const text = args.values.get("optimize");
  if (text === undefined) return undefined;
  if (text === "cost" || text === "carbon") return text;
  if (/^\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return { usdPerKgCo2e: Number(text) };
  throw new Error(`--optimize ${JSON.stringify(text)} is not valid: use cost, carbon or a carbon price in USD per kgCO2e, e.g. 0.1`);
}

/**
 * The owned pools `hgpu place` offers: those recorded in the synthesized app in `--out` (by default
 * `cdktf.out`, when it holds a synthesized app), with the folder they came from.
 */
export async function poolsOf(args: ParsedArgs, io: CliIo): Promise<{ pools: PoolOffering[]; from?: string }> {
  const given = args.values.get("out");
  const dir = resolve(io.cwd, given ?? "cdktf.out");
  if (!existsSync(join(dir, "manifest.json"))) {
    if (given !== undefined) throw new Error(`--out ${JSON.stringify(given)} is not valid: ${join(dir, "manifest.json")} not found: synthesize the app first (hgpu synth)`);
    return { pools: [] };
  }
  const { poolOfferingOf, poolRecords } = await onPremModule();
  const pools = readOutdir(dir).flatMap((s) => poolRecords(s.tf).pools.map(poolOfferingOf));
  return { pools, from: dir };
}

/** `--max-runtime` in minutes (1m to 14d), or undefined when absent. */
async function maxRuntimeMinutes(args: ParsedArgs): Promise<number | undefined> {
  const text = args.values.get("max-runtime");
  if (text === undefined) return undefined;
  const { durationMinutes, MAX_RUNTIME_MINUTES } = await taskModule();
  const minutes = durationMinutes(text);
  if (minutes === undefined || minutes > MAX_RUNTIME_MINUTES) throw new Error(`--max-runtime ${JSON.stringify(text)} is not valid: use a duration from 1m to 14d, e.g. 12h or 90m`);
  return minutes;
}

/** `hgpu place`: the planner's ranking as a table (or JSON), the cost/carbon trade-off, with the catalog's age. */
export async function place(args: ParsedArgs, io: CliIo): Promise<number> {
  requireOptions(COMMANDS.place, args);
  const accelerator = listOption(args, "accelerator", "H100,H200");
  const gpuMemory = decimalNumber(args, "gpu-memory", "GiB");
  const memory = decimalNumber(args, "memory", "GiB");
  const interconnect = choice<Interconnect>(args, "interconnect", ["required", "preferred", "none"]);
  const clouds = listOption(args, "clouds", "onprem,aws,azure");
  const regions = listOption(args, "regions", "us-east-1,eastus");
  const zones = listOption(args, "zones", "use1-az4,use1-az6");
  const poolNames = listOption(args, "pools", "dgx-a,dgx-b");
  const maxUsd = decimalNumber(args, "max-usd", "USD per hour");
  const prefer = choice<Preference>(args, "prefer", ["owned", "none"]);
  const optimize = optimizeOption(args);
  const runtime = await maxRuntimeMinutes(args);
  const req: Requirements = {
    gpus: wholeNumber(args, "gpus")!,
    ...(accelerator ? { accelerator } : {}),
    ...(gpuMemory !== undefined ? { minGpuMemoryGiB: gpuMemory } : {}),
    ...(memory !== undefined ? { memoryGiB: memory } : {}),
    ...(interconnect ? { interconnect } : {}),
    ...(clouds ? { clouds: clouds as Cloud[] } : {}),
    ...(regions ? { regions } : {}),
    ...(zones ? { zones } : {}),
    ...(poolNames ? { pools: poolNames } : {}),
    ...(args.flags.has("spot") ? { spot: true } : {}),
    ...(maxUsd !== undefined ? { maxUsdPerHour: maxUsd } : {}),
    ...(prefer ? { prefer } : {}),
    ...(optimize !== undefined ? { optimize } : {}),
    ...(runtime !== undefined ? { maxRuntimeHours: runtime / 60 } : {}),
  };
  const top = wholeNumber(args, "top") ?? 10;
  const owned = await poolsOf(args, io);
  let plan: ReturnType<typeof planPlacements>;
  try {
    plan = planPlacements(req, undefined, { pools: owned.pools });
  } catch (e) {
    if (isValidationError(e)) throw new Error(inOptionTerms(e.message), { cause: e });
    throw e;
  }
  const trade = tradeOff(plan.placements);
  if (args.flags.has("json")) {
    const ends = trade.cheapest ? { cheapest: trade.cheapest.rank, cleanest: trade.cleanest!.rank } : {};
    const ranks = { ...ends, front: trade.front.map((p) => p.rank), unknownCarbon: trade.unknownCarbon };
    println(io.stdout, JSON.stringify({ placements: plan.placements.slice(0, top), rejected: plan.rejected, tradeOff: ranks }, null, 2));
    return 0;
  }
  const rows = plan.placements.slice(0, top).map((p) => [
    String(p.rank), p.cloud, p.region, p.zone ?? "-", typeOf(p), `${p.nodes}`, `${p.gpus} x ${p.accelerator}`,
    p.fabric.kind === "none" ? "-" : `${p.fabric.kind} ${p.fabricGbpsPerNode}G`, `$${p.usdPerHour.toFixed(2)}`, p.powerKw.toFixed(1), kg(p.kgCo2ePerHour),
  ]);
  println(io.stdout, table(["#", "cloud", "region", "zone", "type", "nodes", "gpus", "fabric", "usd/h", "kW", "kgCO2e/h"], rows));
  const listed = args.flags.has("rejected");
  println(io.stdout, `${plan.placements.length} feasible, ${plan.rejected.length} rejected${listed ? ":" : " (--rejected lists them)"}`);
  if (listed) for (const r of plan.rejected) println(io.stdout, `  ${inOptionTerms(describeRejection(r))}`);
  for (const line of formatTradeOff(plan.placements, runtime === undefined ? 12 : runtime / 60, top)) println(io.stdout, line);
  if (owned.pools.length) println(io.stdout, `owned pools from ${owned.from}: ${owned.pools.map((p) => `${p.name} (${p.site})`).join(", ")}`);
  const date = catalogDate();
  println(io.stdout, `catalog built ${date.builtAt}; prices as of ${describeCatalogSources(date.sources)}`);
  const pue = (["aws", "azure"] as const).map((c) => `${c} ${cloudPue(c).value} (${cloudPue(c).year}${cloudPue(c).status === "verified" ? "" : `, ${cloudPue(c).status}`})`).join(", ");
  println(io.stdout, `carbon: GPUs at full board power + host, x PUE (${pue}; a pool's own), x the grid factor of the region (grid-emissions.json; a pool's own)`);
  return 0;
}

/** The type column: the instance type, or `pool <name>`. */
const typeOf = (p: Placement) => (p.cloud === "onprem" ? `pool ${p.instanceType}` : p.instanceType);
/** kgCO2e with two decimals, `?` when unknown. */
const kg = (v: number | undefined, digits = 2) => (v === undefined ? "?" : v.toFixed(digits));

/**
 * The cost/carbon trade-off as text lines (pure): the cheapest placement of known carbon, the
 * Pareto front between it and the cleanest (at most `top` rows: the first ones and the cleanest),
 * and how many placements have no grid factor. Ranks are those of the table.
 */
export function formatTradeOff(placements: readonly Placement[], hours: number, top: number): string[] {
  const t = tradeOff(placements);
  if (!t.cheapest) return [`cost/carbon: no placement has a known grid factor (${placements.length} without)`];
  const shown = t.front.length <= top ? t.front : [...t.front.slice(0, Math.max(1, top - 1)), t.front.at(-1)!];
  const role = (p: Placement) => [p === t.cheapest ? "cheapest" : "", p === t.cleanest ? "cleanest" : ""].filter(Boolean).join(", ");
  const rows = shown.map((p) => [role(p), `#${p.rank}`, p.cloud, p.region, typeOf(p), `$${p.usdPerHour.toFixed(2)}`, kg(p.kgCo2ePerHour), kg(p.kgCo2e, 1)]);
  const lines = table(["", "#", "cloud", "region", "type", "usd/h", "kgCO2e/h", `kgCO2e/${+hours.toFixed(2)}h`], rows).split("\n").map((l) => `  ${l}`);
  const more = t.front.length - shown.length;
  return [
    `cost/carbon trade-off (the Pareto front: nothing is both cheaper and cleaner), cheapest to cleanest${t.front.length === 1 ? ": the cheapest is also the cleanest" : ""}:`,
    ...lines,
    ...(more > 0 ? [`  ... and ${more} more on the front (--json lists them)`] : []),
    ...(t.unknownCarbon ? [`  (${t.unknownCarbon} of ${placements.length} placements have no grid factor and are left out)`] : []),
  ];
}

