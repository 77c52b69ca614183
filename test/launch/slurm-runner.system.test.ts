/**
 * Where Slurm's commands run: locally without a shell, or on the login node over ssh with every
 * argument quoted for the remote shell. The ssh here is a stand-in that does what sshd does with
 * the command line it is given (`sh -c` on it), so the quoting meets a real shell.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { sharedFileReader, slurmEnv, slurmRunner, sshArgv } from "../../lib/launch/slurm-runner";

/** A folder with an `ssh` that records its options and runs the remote command line with sh -c. */
function fakeSsh(ctx: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-ssh-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const ssh = join(dir, "ssh");
  // ssh [-o opt]... -- host command: sshd hands the command line to the user's shell
  writeFileSync(ssh, `#!/bin/bash\necho "$*" >> ${dir}/ssh-args\nwhile [ "$1" != "--" ]; do shift; done\nshift 2\nexec sh -c "$1"\n`, { mode: 0o755 });
  return { dir, ssh };
}

const nasty = ["it's", 'say "hi"', "$HOME", "`id`", "a;b", "x && y", "*", "two\nlines", "--", "-n", ""];

describe("ssh to the login node", () => {
  it("builds one remote command line, every argument quoted, times in UTC, in batch mode", () => {
    expect(sshArgv("login1.dc.example.com", ["squeue", "--jobs=12", "it's"])).toEqual([
      "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "--", "login1.dc.example.com",
      "'env' 'TZ=UTC' 'SLURM_TIME_FORMAT=standard' 'squeue' '--jobs=12' 'it'\\''s'",
    ]);
  });

  it("arguments reach the remote program unchanged through a real shell, and so does the input", async (ctx) => {
    const { ssh } = fakeSsh(ctx);
    const run = slurmRunner({ submitHost: "login1", ssh });
    const r = await run(["printf", "[%s]\\n", ...nasty]);
    expect(r).toEqual({ code: 0, stdout: nasty.map((a) => `[${a}]\n`).join(""), stderr: "" });
    const env = await run(["sh", "-c", 'echo "$TZ $SLURM_TIME_FORMAT"; cat'], { input: "#SBATCH --nodes=2\n" });
    expect(env.stdout).toBe("UTC standard\n#SBATCH --nodes=2\n");
  });

  it("reads the run's files on the login node: missing is undefined or empty, a cut UTF-8 character waits for the next read", async (ctx) => {
    const { ssh, dir } = fakeSsh(ctx);
    const reader = sharedFileReader({ submitHost: "login1", ssh });
    const log = join(dir, "it's a log");
    expect(await reader.read(`file://${log}`)).toBeUndefined();
    expect(await reader.readFrom(`file://${log}`, 0)).toBe("");
    writeFileSync(log, Buffer.concat([Buffer.from("epoch 1 ✓\n"), Buffer.from("é").subarray(0, 1)]));
    const first = await reader.readFrom(`file://${log}`, 0);
    expect(first).toBe("epoch 1 ✓\n");
    writeFileSync(log, "epoch 1 ✓\né done\n");
    expect(await reader.readFrom(`file://${log}`, Buffer.byteLength(first))).toBe("é done\n");
    expect(await reader.read(`file://${log}`)).toBe("epoch 1 ✓\né done\n");
    await expect(reader.read(`file://${dir}`)).rejects.toThrow(`Cannot read file://${dir} on login1 (exit 1): cat: ${dir}: Is a directory`);
  });
});

describe("local commands", () => {
  it("run without a shell, with the environment that finds Slurm and not the launcher's credentials", async () => {
    const run = slurmRunner({ env: { PATH: process.env.PATH, SLURM_CONF: "/etc/slurm-a/slurm.conf", AWS_SECRET_ACCESS_KEY: "s3cr3t", HGPU_TEST: "1" } });
    const r = await run(["sh", "-c", 'echo "$SLURM_CONF|$TZ|$SLURM_TIME_FORMAT|${AWS_SECRET_ACCESS_KEY:-none}|${HGPU_TEST:-none}"']);
    expect(r.stdout).toBe("/etc/slurm-a/slurm.conf|UTC|standard|none|none\n");
    expect(Object.keys(slurmEnv({ PATH: "/bin", HOME: "/root", LC_ALL: "C", AZURE_CLIENT_SECRET: "x", SBATCH_PARTITION: "other" })).sort()).toEqual(["HOME", "LC_ALL", "PATH", "SLURM_TIME_FORMAT", "TZ"]);
    expect((await run(["echo", "$HOME;", "`id`"])).stdout).toBe("$HOME; `id`\n");
  });

  it("a program that is missing, or does not answer in time, is a failed command, not a crash", async () => {
    expect(await slurmRunner({ env: { PATH: "/nonexistent" } })(["sbatch", "--parsable"])).toEqual({ code: 127, stdout: "", stderr: "sbatch: spawn sbatch ENOENT" });
    const slow = await slurmRunner({ timeoutMs: 200 })(["sleep", "5"]);
    expect(slow).toEqual({ code: 124, stdout: "", stderr: "sleep 5: no answer after 200 ms" });
  });
});
