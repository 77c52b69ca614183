import { join } from "node:path";
import { plural } from "../../lib/core";
import { destroyRun, EXIT, findProject, findRun, formatRuns, listRuns, pruneRuns, RUNS_DIR } from "../../lib/launch";
import { abortOnSignals, terraformOption } from "./launch";
import { println, type CliIo } from "./io";
import { decimalNumber, UsageError, wholeNumber, type ParsedArgs } from "./options";

/** `hgpu runs`: the project's runs, newest first; leftover ones loudly. */
export async function runsCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const runsDir = join(findProject(io.cwd), RUNS_DIR);
  const options = { remote: args.flags.has("remote"), env: io.env };
  if (args.flags.has("prune")) {
    const pruned = await pruneRuns(runsDir, options);
    println(io.stdout, pruned.length ? `removed ${plural(pruned.length, "ended run")} with nothing left: ${pruned.join(", ")}` : "nothing to prune");
  }
  const all = await listRuns(runsDir, options);
  // Without --all: every live or leftover run, and the 20 newest.
  const shown = args.flags.has("all") ? all : all.filter((v, i) => i < 20 || v.state !== "ended");
  if (args.flags.has("json")) {
    const records = shown.map((v) => ({
      ...v.record,
      state: v.state,
      inState: v.left.map((l) => ({ attempt: l.attempt.n, resources: l.resources })),
      usdPerHour: v.usdPerHour,
    }));
    println(io.stdout, JSON.stringify(records, null, 2));
  } else {
    println(io.stdout, formatRuns(shown));
    const hidden = all.length - shown.length;
    if (hidden > 0) println(io.stdout, `(${plural(hidden, "older ended run")} not shown: --all lists them)`);
  }
  return 0;
}

/** `hgpu destroy <run id>`: destroys what a run left; exit 0 only when nothing is left. */
export async function destroyCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const ids = args.positionals;
  if (ids.length !== 1) throw new UsageError("give the run id: hgpu destroy <run id> (hgpu runs lists them)");
  const attempt = wholeNumber(args, "attempt");
  const attempts = wholeNumber(args, "destroy-attempts");
  const backoff = decimalNumber(args, "destroy-backoff-seconds", "seconds");
  const terraform = terraformOption(args);
  const record = findRun(join(findProject(io.cwd), RUNS_DIR), ids[0]!);
  // Signals do not stop a destroy half-way: they are noted and the destroy goes on.
  const stopListening = abortOnSignals(io, new AbortController(), "the destroy goes on until it ends");
  try {
    const { left, report } = await destroyRun(record, {
      sink: io.stderr,
      env: io.env,
      ...(attempt !== undefined ? { attempt } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
      ...(backoff !== undefined ? { backoffMs: backoff * 1000 } : {}),
      ...(terraform ? { terraform } : {}),
      force: args.flags.has("force"),
    });
    if (report) io.stderr.write(report);
    io.stderr.write(left.length ? `hgpu destroy: resources are left (exit ${EXIT.RESOURCES_LEFT})\n` : `hgpu destroy: nothing of run ${record.runId} is left in state\n`);
    return left.length ? EXIT.RESOURCES_LEFT : 0;
  } finally {
    stopListening();
  }
}
