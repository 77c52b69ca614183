/**
 * The engine's Terraform version check, made cheaper. Each `terraform_data` resource
 * (`DataResource`) adds a validation (`ValidateBinaryVersion`) that runs `terraform version` when
 * the app is validated, once per resource: a process start that a synthesis waits for (about
 * 0.1 s here, longer where Terraform checks online for a newer release). {@link installVersionCheck}
 * changes two things, and every resource still gets the engine's verdict:
 *
 * - once: the check runs once per process for each command, version range, hint, PATH and working
 *   folder, and its messages are reused;
 * - early: when the first check with those values is created, its command starts in the background
 *   (the same `/bin/sh -c` the engine uses, output to a private temporary folder), so it runs while
 *   the app is still built and its first stacks are prepared. The validation then reads its output,
 *   waiting for it if need be. A version the engine's range accepts passes; anything else (an older
 *   version, no version, a failed command, no answer within {@link EARLY_WAIT_MS}, a PATH or folder
 *   that changed since) makes the validation run the engine's own check, so a failure is reported in
 *   the engine's words. Not on Windows, where the engine's shell is another.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The fields of the engine's `ValidateBinaryVersion` that decide its result. */
export interface BinaryVersionCheck {
  readonly versionCommand: string;
  readonly versionConstraint: string;
  readonly hint?: string;
  validate(): string[];
}

/** The engine's `ValidateBinaryVersion` class. */
export interface VersionCheckClass {
  readonly prototype: BinaryVersionCheck;
}

/** The engine's test of a version against a range (its `semver.satisfies`). */
export type Satisfies = (version: string, range: string) => boolean;

/** How long a validation waits for a command started early before it runs the engine's check itself. */
export const EARLY_WAIT_MS = 30_000;

const INSTALLED = Symbol.for("cdktf-hybrid-gpu.versionCheckOnce");
/** The engine's own reading of a command's output: the first `x.y.z` in it. */
const VERSION = /\d+\.\d+\.\d+/;
/**
 * Runs the command ($1) as `sh -c` would, its output into the folder ($2), then writes its exit
 * status by renaming, so `status` appears whole and only once the command has ended.
 */
const EARLY_SCRIPT = 'eval "$1" >"$2/out" 2>"$2/err"; echo $? >"$2/status.tmp" && mv "$2/status.tmp" "$2/status"';
/** What the wait sleeps on between looks at the folder. */
const NAP = new Int32Array(new SharedArrayBuffer(4));

/** The folders of commands started early and not read yet, removed when the process exits. */
const unread = new Set<string>();
let cleanupRegistered = false;

/** What makes two checks give the same verdict: the check's values and where its command is looked up and run. */
function keyOf(check: BinaryVersionCheck): string {
  return [check.versionCommand, check.versionConstraint, check.hint ?? "", process.env.PATH ?? "", process.cwd()].join("\0");
}

/** Starts `command` in the background; the folder its output goes to, or undefined when it could not be started. */
function startEarly(command: string): string | undefined {
  if (process.platform === "win32") return undefined;
  let folder: string | undefined;
  try {
    folder = mkdtempSync(join(tmpdir(), "hgpu-tf-version-"));
    const child = spawn("/bin/sh", ["-c", EARLY_SCRIPT, "sh", command, folder], { stdio: "ignore" });
    child.on("error", () => undefined); // reported as no answer: the validation runs the check itself
    child.unref();
    if (child.pid === undefined) throw new Error("not started");
  } catch {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    return undefined;
  }
  unread.add(folder);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once("exit", () => {
      for (const f of unread) rmSync(f, { recursive: true, force: true });
    });
  }
  return folder;
}

/** The output of a command started early, once it ended with status 0 (waiting up to `waitMs`); undefined otherwise. Removes its folder. */
function outputOf(folder: string, waitMs: number): string | undefined {
  const status = join(folder, "status");
  const until = Date.now() + waitMs;
  while (!existsSync(status) && Date.now() < until) Atomics.wait(NAP, 0, 0, 5);
  try {
    return readFileSync(status, "utf8").trim() === "0" ? readFileSync(join(folder, "out"), "utf8") : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    unread.delete(folder);
  }
}

/**
 * Makes the engine's version checks (`check`, its `ValidateBinaryVersion` class) run once per
 * process for the same values, started early in the background (see the file's comment);
 * `satisfies` is the engine's own range test. Installing it twice (two copies of the library)
 * changes nothing the second time.
 */
export function installVersionCheck(check: VersionCheckClass, satisfies: Satisfies, waitMs = EARLY_WAIT_MS): void {
  const proto = check.prototype;
  if (INSTALLED in proto.validate) return;
  const run = proto.validate;
  /** Each check's messages once known, and the folders of the commands started early, by {@link keyOf}. */
  const results = new Map<string, readonly string[]>();
  const started = new Map<string, string>();

  // The engine's constructor assigns `hint` last: its values are all known then.
  Object.defineProperty(proto, "hint", {
    configurable: true,
    set(this: BinaryVersionCheck, hint: string | undefined) {
      Object.defineProperty(this, "hint", { value: hint, writable: true, enumerable: true, configurable: true });
      const key = keyOf(this);
      if (results.has(key) || started.has(key)) return;
      const folder = startEarly(this.versionCommand);
      if (folder !== undefined) started.set(key, folder);
    },
  });
  proto.validate = Object.assign(
    function validateOnce(this: BinaryVersionCheck): string[] {
      const key = keyOf(this);
      let messages = results.get(key);
      if (!messages) {
        const folder = started.get(key);
        started.delete(key);
        const version = folder === undefined ? undefined : VERSION.exec(outputOf(folder, waitMs) ?? "")?.[0];
        messages = version !== undefined && satisfies(version, this.versionConstraint) ? [] : run.call(this);
        results.set(key, messages);
      }
      return [...messages];
    },
    { [INSTALLED]: true },
  );
}
