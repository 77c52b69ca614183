import { catalogDate, describeCatalogSources } from "../../lib/catalog/catalog";
import { isValidationError } from "../../lib/core/errors";
import type { GpuCloud } from "../../lib/core/types";
import { describeRejection, planPlacements } from "../../lib/planner/planner";
import type { Interconnect, Requirements } from "../../lib/planner/types";
import { COMMANDS } from "./commands";
import { println, type CliIo } from "./io";
import { choice, decimalNumber, listOption, requireOptions, wholeNumber, type ParsedArgs } from "./options";

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
  spot: "spot",
  maxUsdPerHour: "max-usd",
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

/** `hgpu place`: the planner's ranking as a table (or JSON), with the catalog's age. */
export function place(args: ParsedArgs, io: CliIo): number {
  requireOptions(COMMANDS.place, args);
  const accelerator = listOption(args, "accelerator", "H100,H200");
  const gpuMemory = decimalNumber(args, "gpu-memory", "GiB");
  const memory = decimalNumber(args, "memory", "GiB");
  const interconnect = choice<Interconnect>(args, "interconnect", ["required", "preferred", "none"]);
  const clouds = listOption(args, "clouds", "aws,azure");
  const regions = listOption(args, "regions", "us-east-1,eastus");
  const zones = listOption(args, "zones", "use1-az4,use1-az6");
  const maxUsd = decimalNumber(args, "max-usd", "USD per hour");
  const req: Requirements = {
    gpus: wholeNumber(args, "gpus")!,
    ...(accelerator ? { accelerator } : {}),
    ...(gpuMemory !== undefined ? { minGpuMemoryGiB: gpuMemory } : {}),
    ...(memory !== undefined ? { memoryGiB: memory } : {}),
    ...(interconnect ? { interconnect } : {}),
    ...(clouds ? { clouds: clouds as GpuCloud[] } : {}),
    ...(regions ? { regions } : {}),
    ...(zones ? { zones } : {}),
    ...(args.flags.has("spot") ? { spot: true } : {}),
    ...(maxUsd !== undefined ? { maxUsdPerHour: maxUsd } : {}),
  };
  const top = wholeNumber(args, "top") ?? 10;
  let plan: ReturnType<typeof planPlacements>;
  try {
    plan = planPlacements(req);
  } catch (e) {
    if (isValidationError(e)) throw new Error(inOptionTerms(e.message), { cause: e });
    throw e;
  }
  if (args.flags.has("json")) {
    println(io.stdout, JSON.stringify({ placements: plan.placements.slice(0, top), rejected: plan.rejected }, null, 2));
    return 0;
  }
  const rows = plan.placements.slice(0, top).map((p) => [
    String(p.rank), p.cloud, p.region, p.zone ?? "-", p.instanceType, `${p.nodes}`, `${p.gpus} x ${p.accelerator}`,
    p.fabric.kind === "none" ? "-" : `${p.fabric.kind} ${p.fabricGbpsPerNode}G`, `$${p.usdPerHour.toFixed(2)}`,
  ]);
  println(io.stdout, table(["#", "cloud", "region", "zone", "type", "nodes", "gpus", "fabric", "usd/h"], rows));
  const listed = args.flags.has("rejected");
  println(io.stdout, `${plan.placements.length} feasible, ${plan.rejected.length} rejected${listed ? ":" : " (--rejected lists them)"}`);
  if (listed) for (const r of plan.rejected) println(io.stdout, `  ${inOptionTerms(describeRejection(r))}`);
  const date = catalogDate();
  println(io.stdout, `catalog built ${date.builtAt}; prices as of ${describeCatalogSources(date.sources)}`);
  return 0;
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}
