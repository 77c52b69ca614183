#!/usr/bin/env node
/**
 * hgpu: the library's command line. `hgpu --help` lists the commands, `hgpu <command> --help` the
 * options of one, with their meaning and defaults (bin/cli/commands.ts is the one source of both).
 *
 *   hgpu synth      synthesize the app, summarize each stack, draw the topology
 *   hgpu summary    summarize an app synthesized before
 *   hgpu place      rank where GPUs could run, from the catalog
 *   hgpu launch     provision a GpuTask's stack, run it, wait, always destroy
 *   hgpu runs       the project's runs; leftover ones loudly
 *   hgpu destroy    destroy what a run left
 *
 * Every message is one line with one prefix (`hgpu place: ...`); bad input, in hgpu or in the app
 * it runs, is its message alone, and `--verbose` (or HGPU_DEBUG=1) adds the stack trace.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { debugging } from "../lib/launch";
import { commandHelp, COMMANDS, globalHelp, type CommandName } from "./cli/commands";
import { CliFailure, prefixed } from "./cli/failure";
import { println, processIo, type CliIo } from "./cli/io";
import { launchCommand } from "./cli/launch";
import { closestName, parseCommandArgs, UsageError, type ParsedArgs } from "./cli/options";
import { place } from "./cli/place";
import { destroyCommand, runsCommand } from "./cli/runs";
import { summary, synth } from "./cli/synth";

export { COMMANDS } from "./cli/commands";
export type { CliIo } from "./cli/io";

const RUN: Record<CommandName, (args: ParsedArgs, io: CliIo) => number | Promise<number>> = {
  synth,
  summary,
  place,
  launch: launchCommand,
  runs: runsCommand,
  destroy: destroyCommand,
};

/** The version in the package's own package.json (found from this file, in the sources or in dist/). */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      // The same source ships as cdktf-hybrid-gpu and, for CDK Terrain, as cdktn-hybrid-gpu.
      if (pkg.name === "cdktf-hybrid-gpu" || pkg.name === "cdktn-hybrid-gpu") return pkg.version ?? "unknown";
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

/**
 * Runs `hgpu <argv>` against `io` and resolves with the exit code: 0 done, 1 failed (bad values
 * included), 2 a mistake in the command line itself, or the code of what it ran.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    println(io.stderr, globalHelp());
    return 2;
  }
  if (command === "--help" || command === "-h" || (command === "help" && rest.length === 0)) {
    println(io.stdout, globalHelp());
    return 0;
  }
  if (command === "--version") {
    println(io.stdout, packageVersion());
    return 0;
  }
  if (command === "help") return main([rest[0]!, "--help", ...rest.slice(1)], io);
  if (!Object.hasOwn(COMMANDS, command)) {
    const near = closestName(command, Object.keys(COMMANDS));
    println(io.stderr, prefixed(undefined, `unknown command ${JSON.stringify(command)}${near ? `: did you mean ${near}?` : ""} (hgpu --help lists the commands)`));
    return 2;
  }
  const name = command as CommandName;
  let verbose = debugging(io.env) || rest.includes("--verbose");
  try {
    const args = parseCommandArgs(COMMANDS[name], rest);
    verbose ||= args.flags.has("verbose");
    if (args.flags.has("help")) {
      println(io.stdout, commandHelp(COMMANDS[name]));
      return 0;
    }
    return await RUN[name](args, io);
  } catch (e) {
    return report(name, e, io, verbose);
  }
}

/** Prints an error with the command's prefix, one line per message (with the stack trace only when `verbose`); returns the exit code. */
function report(command: CommandName, e: unknown, io: CliIo, verbose: boolean): number {
  if (e instanceof CliFailure) {
    for (const m of e.messages) println(io.stderr, prefixed(command, m));
    return e.exitCode;
  }
  const error = e instanceof Error ? e : new Error(String(e));
  println(io.stderr, prefixed(command, error.message));
  // The trace of where it went wrong: an error restated for the command line keeps the original as its cause.
  const trace = error.cause instanceof Error ? error.cause.stack : error.stack;
  if (verbose && trace && !(e instanceof UsageError)) println(io.stderr, trace);
  return e instanceof UsageError ? 2 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
