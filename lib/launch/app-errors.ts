import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Bad input reaching the user's app as one line, not a stack trace. `hgpu synth` and `hgpu launch`
 * run the app with a small hook preloaded into every Node.js process it starts (`NODE_OPTIONS
 * --require`): when the app dies of a {@link ValidationError} (recognised by its brand, so any copy
 * of the library counts) or of cdktf's "Validation failed with the following errors" (the
 * `addValidation` checks, several at once), the hook writes the messages to a file and exits 1
 * before Node prints the stack. Any other error is left to Node, stack and all. `HGPU_DEBUG=1`
 * (or `--verbose`) runs the app without the hook.
 */

/** The variable that tells the hook where to write the messages. */
export const APP_ERROR_FILE_VARIABLE = "HGPU_APP_ERROR_FILE";

/** cdktf's first line when `addValidation` checks fail (cdktf/lib/errors.js, stackValidationFailure). */
export const CDKTF_VALIDATION_FAILED = "Validation failed with the following errors:";

/** The hook, plain CommonJS so that any Node.js process can preload it (it may not be this library's version). */
const HOOK = `"use strict";
const BRAND = Symbol.for("cdktf-hybrid-gpu.ValidationError");
const CDKTF = ${JSON.stringify(CDKTF_VALIDATION_FAILED)};
process.on("uncaughtExceptionMonitor", (e) => {
  const file = process.env.${APP_ERROR_FILE_VARIABLE};
  if (!file || e === null || typeof e !== "object") return;
  let messages;
  if (e[BRAND] === true) messages = [String(e.message)];
  else if (typeof e.message === "string" && e.message.startsWith(CDKTF)) messages = e.message;
  if (messages === undefined) return;
  try {
    require("node:fs").writeFileSync(file, JSON.stringify({ messages }));
  } catch {
    return;
  }
  process.exit(1);
});
`;

/** A trap for one run of the app: the environment to run it with, and what it caught. */
export interface AppErrorTrap {
  /** `env` plus the hook in NODE_OPTIONS and the messages file. */
  readonly env: NodeJS.ProcessEnv;
  /** The messages of the bad input the app died of, each one line; undefined when it did not. */
  caught(): string[] | undefined;
  /** Removes the hook's folder. */
  dispose(): void;
}

/** Prepares a run of the app whose bad-input errors come back as messages (see {@link AppErrorTrap}). */
export function trapAppErrors(env: NodeJS.ProcessEnv): AppErrorTrap {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-app-"));
  const hook = join(dir, "hook.cjs");
  const file = join(dir, "error.json");
  writeFileSync(hook, HOOK);
  const quoted = `"${hook.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return {
    env: { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, `--require ${quoted}`].filter(Boolean).join(" "), [APP_ERROR_FILE_VARIABLE]: file },
    caught: () => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
      const { messages } = JSON.parse(text) as { messages: string | string[] };
      return typeof messages === "string" ? cdktfValidationMessages(messages) : messages;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The messages of cdktf's "Validation failed" error, one per failed check (pure). cdktf writes
 * `[<construct path>] <message>`; a message that starts with its own path loses the bracketed one.
 */
export function cdktfValidationMessages(text: string): string[] {
  const body = text.slice(CDKTF_VALIDATION_FAILED.length).split(/\n\nIf you wish to ignore these validations/)[0]!;
  return body
    .split(/\n {2}(?=\[)/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^\[([^\]]*)\] ([\s\S]*)$/.exec(entry);
      if (!m) return entry;
      const [, path, message] = m as unknown as [string, string, string];
      return message.startsWith(`${path}:`) ? message : `${path}: ${message}`;
    });
}
