import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, writeSync } from "node:fs";

/**
 * A run's files are private: its state may hold secrets (directories 0700, files 0600).
 * These helpers create them so, whatever the process umask.
 */

/** Creates `dir` (and missing parents) readable by its owner only. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `text` to `file` atomically: a private temp file beside it, flushed, then renamed over
 * `file`, so a reader sees the old or the new content and never half of one, even after a crash
 * or a full disk (the old content stays).
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

let privateUsers = 0;
let savedUmask = 0;

/**
 * Runs `work` with the process umask at 077, so that whatever the launcher's children (the app,
 * Terraform) write is private too. Launches may overlap in one process: the umask is restored when
 * the last one ends.
 */
export async function withPrivateUmask<T>(work: () => Promise<T>): Promise<T> {
  if (privateUsers++ === 0) savedUmask = process.umask(0o077);
  try {
    return await work();
  } finally {
    if (--privateUsers === 0) process.umask(savedUmask);
  }
}

/** Removes each folder of `dirs` that is empty, in order (innermost first); a folder with anything in it stays. */
export function removeEmpty(dirs: readonly string[]): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      // not empty, or gone: leave it
    }
  }
}
