import { EXIT, launch } from "../../lib/launch";
import { COMMANDS } from "./commands";
import { CliFailure } from "./failure";
import type { CliIo } from "./io";
import { choice, decimalNumber, requireOptions, wholeNumber, type ParsedArgs } from "./options";
import { requireTerraform } from "./prerequisites";

/**
 * Ctrl-C, SIGTERM and a closed terminal (SIGHUP) abort `controller` once; later signals only say
 * the destroy goes on. Returns the unsubscribe.
 */
export function abortOnSignals(io: CliIo, controller: AbortController, what: string): () => void {
  let signals = 0;
  return (
    io.onSignals?.((signal) => {
      signals++;
      if (signals === 1) {
        io.stderr.write(`\nhgpu: ${signal}: ${what} (a second signal will not skip the destroy)\n`);
        controller.abort(signal);
      } else {
        io.stderr.write(`\nhgpu: ${signal} again: still destroying, please wait\n`);
      }
    }) ?? (() => undefined)
  );
}

/** The exit code of the signal that aborted `signal`. */
function signalCode(signal: AbortSignal): number {
  const r = String(signal.reason);
  return r === "SIGTERM" ? EXIT.SIGTERM : r === "SIGHUP" ? EXIT.SIGHUP : EXIT.SIGINT;
}

/** `--terraform`: terraform or tofu, or undefined when not given. */
export function terraformOption(args: ParsedArgs): "terraform" | "tofu" | undefined {
  return choice(args, "terraform", ["terraform", "tofu"] as const);
}

/** `--<name>` in seconds, as milliseconds. */
function milliseconds(args: ParsedArgs, name: string): number | undefined {
  const n = decimalNumber(args, name, "seconds");
  return n === undefined ? undefined : n * 1000;
}

/** `hgpu launch`: provision, run, wait, always destroy. */
export async function launchCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  requireOptions(COMMANDS.launch, args);
  const maxPlacements = wholeNumber(args, "max-placements");
  const destroyAttempts = wholeNumber(args, "destroy-attempts");
  const stopOnReadErrors = wholeNumber(args, "stop-on-read-errors");
  const poll = milliseconds(args, "poll-seconds");
  const backoff = milliseconds(args, "destroy-backoff-seconds");
  const cooldownMinutes = decimalNumber(args, "cooldown-minutes", "minutes");
  const terraform = terraformOption(args);
  const binary = terraform ?? "terraform";
  requireTerraform(binary, io.env, "the launcher runs it to apply and destroy each run", { tofu: "pass --terraform tofu", terraform: "leave out --terraform tofu" });
  // The app's own synth (cdktf checks the binary's version) uses the binary the launch uses.
  const env: NodeJS.ProcessEnv = {
    ...io.env,
    ...(terraform && !io.env.TERRAFORM_BINARY_NAME ? { TERRAFORM_BINARY_NAME: terraform } : {}),
    ...(args.flags.has("verbose") ? { HGPU_DEBUG: "1" } : {}),
  };
  const controller = new AbortController();
  const stopListening = abortOnSignals(io, controller, "stopping the run and destroying what it created");
  try {
    const result = await launch({
      stack: args.values.get("stack")!,
      cwd: io.cwd,
      env,
      ...(args.values.has("app") ? { app: args.values.get("app")! } : {}),
      ...(terraform ? { terraform } : {}),
      ...(maxPlacements ? { maxPlacements } : {}),
      ...(destroyAttempts ? { destroyAttempts } : {}),
      ...(backoff !== undefined ? { destroyBackoffMs: backoff } : {}),
      ...(poll !== undefined ? { pollMs: poll } : {}),
      ...(stopOnReadErrors !== undefined ? { stopOnReadErrors } : {}),
      ...(cooldownMinutes !== undefined ? { cooldownMs: cooldownMinutes * 60_000 } : {}),
      keepOnFailure: args.flags.has("keep-on-failure"),
      concurrent: args.flags.has("concurrent"),
      signal: controller.signal,
      sink: io.stderr,
    });
    io.stderr.write(`hgpu launch: exit ${result.exitCode} (run ${result.runId}, directory ${result.runDir})\n`);
    return result.exitCode;
  } catch (e) {
    // Refused before anything was created; a signal meanwhile still has its own code.
    if (controller.signal.aborted) throw new CliFailure([(e as Error).message], signalCode(controller.signal));
    throw e;
  } finally {
    stopListening();
  }
}
