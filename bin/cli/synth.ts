import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { appFromCdktfJson, debugging, trapAppErrors } from "../../lib/launch";
import { formatReport, readOutdir, reportOutdir, reportStacks, topologyStacks, writeTopologyFiles } from "../../lib/report";
import { CliFailure } from "./failure";
import { println, type CliIo } from "./io";
import type { ParsedArgs } from "./options";

/**
 * `hgpu synth`: runs the app into `--out`, then prints the report and writes the topology. A
 * ValidationError that stops the app is printed as its message alone (every one, when cdktf's
 * validations found several), exit 1; `--verbose` or HGPU_DEBUG=1 leaves the app's stack trace.
 */
export async function synth(args: ParsedArgs, io: CliIo): Promise<number> {
  const out = resolve(io.cwd, args.values.get("out") ?? "cdktf.out");
  const app = args.values.get("app") ?? appFromCdktfJson(io.cwd);
  // What an earlier synth left must not pass for this one's output.
  rmSync(join(out, "stacks"), { recursive: true, force: true });
  rmSync(join(out, "manifest.json"), { force: true });
  const started = Date.now();
  const env = { ...io.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" };
  const verbose = args.flags.has("verbose") || debugging(io.env);
  const trap = verbose ? undefined : trapAppErrors(env);
  let code: number | string;
  try {
    code = await runStreaming(app, io, trap?.env ?? env);
    const refused = trap?.caught();
    if (refused) throw new CliFailure(refused);
  } finally {
    trap?.dispose();
  }
  if (code !== 0) throw new CliFailure([`the app (${app}) exited with ${code}`], typeof code === "number" ? code : 1);
  if (!existsSync(join(out, "manifest.json"))) {
    throw new CliFailure([`the app (${app}) exited 0 but wrote no ${join(out, "manifest.json")}: it must call app.synth() and write into CDKTF_OUTDIR, which hgpu sets to --out`]);
  }
  println(io.stdout, `synthesized into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const stacks = readOutdir(out);
  println(io.stdout, formatReport(reportStacks(stacks)));
  // A links stack (VPNs kept apart for their keys) is drawn inside the networks stack it links.
  const files = writeTopologyFiles(out, topologyStacks(stacks));
  println(io.stdout, `topology: ${files.svg}, ${files.markdown}`);
  return 0;
}

/** `hgpu summary`: the report of an app synthesized before. */
export function summary(args: ParsedArgs, io: CliIo): number {
  const report = reportOutdir(resolve(io.cwd, args.values.get("out") ?? "cdktf.out"));
  println(io.stdout, args.flags.has("json") ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}

/** Runs `command` in a shell, passing its output through to `io`; resolves with its exit code (or the signal that ended it). */
function runStreaming(command: string, io: CliIo, env: NodeJS.ProcessEnv): Promise<number | string> {
  return new Promise((done) => {
    const child = spawn(command, { cwd: io.cwd, env, shell: true, stdio: ["inherit", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => io.stdout.write(d.toString()));
    child.stderr.on("data", (d: Buffer) => io.stderr.write(d.toString()));
    child.on("error", (e) => done(e.message));
    child.on("close", (code, signal) => done(code ?? signal ?? 1));
  });
}
