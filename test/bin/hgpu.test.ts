import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi, type TestContext } from "vitest";
import { COMMAND_OPTIONS, main, parseOptions, positive, UsageError } from "../../bin/hgpu";

const root = join(__dirname, "../..");

/** `hgpu <args>` in-process (from the project's folder): its exit code and what it printed. */
async function hgpu(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void stdout.push(`${a.join(" ")}\n`));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(`${a.join(" ")}\n`));
  try {
    const status = await main(args);
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function tempOut(ctx: TestContext): string {
  const out = mkdtempSync(join(tmpdir(), "hgpu-synth-"));
  ctx.onTestFinished(() => rmSync(out, { recursive: true, force: true }));
  return out;
}

describe("parseOptions", () => {
  const spec = { values: ["gpus", "clouds"], flags: ["spot"] };
  it("reads --name value pairs and flags", async () => {
    expect([...parseOptions(["--gpus", "8", "--spot", "--clouds", "aws"], spec)]).toEqual([["gpus", "8"], ["spot", "true"], ["clouds", "aws"]]);
  });
  it("takes --help and -h whatever the spec", async () => {
    expect([...parseOptions(["--help"], { values: [], flags: [] })]).toEqual([["help", "true"]]);
    expect([...parseOptions(["-h"], { values: [], flags: [] })]).toEqual([["help", "true"]]);
  });
  it("rejects a missing value and a stray argument as usage errors", async () => {
    expect(() => parseOptions(["--gpus"], spec)).toThrow("--gpus needs a value");
    expect(() => parseOptions(["--gpus", "--spot"], spec)).toThrow("--gpus needs a value");
    expect(() => parseOptions(["8"], spec)).toThrow('unexpected argument "8"');
    expect(() => parseOptions(["8"], spec)).toThrow(UsageError);
  });
  it("rejects an option the spec does not declare, naming it and the allowed ones", async () => {
    expect(() => parseOptions(["--gpus", "8", "--max-usd-per-hour", "1"], spec)).toThrow(
      new UsageError("unknown option --max-usd-per-hour: use --gpus <value>, --clouds <value>, --spot, --help"),
    );
    // a flag is not a value option and the other way round
    expect(() => parseOptions(["--json"], spec)).toThrow("unknown option --json");
  });
});

describe("positive", () => {
  const opts = (v: string) => new Map([["n", v]]);
  it("reads numbers above 0 and leaves an absent option undefined", async () => {
    expect(positive(opts("3"), "n", true)).toBe(3);
    expect(positive(opts("0.5"), "n", false)).toBe(0.5);
    expect(positive(new Map(), "n", true)).toBeUndefined();
  });
  it.each(["x", "", "0", "-1", "Infinity", "NaN"])("rejects %j", async (v) => {
    expect(() => positive(opts(v), "n", false)).toThrow(`--n ${JSON.stringify(v)} is not valid: use a number above 0`);
  });
  it("rejects a fraction where a whole number is needed", async () => {
    expect(() => positive(opts("1.5"), "n", true)).toThrow('--n "1.5" is not valid: use a whole number above 0');
  });
});

describe("hgpu", () => {
  it("place prints the ranked placements and the catalog's age", async () => {
    const r = await hgpu("place", "--gpus", "16", "--accelerator", "H100", "--clouds", "azure", "--top", "2");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^#\s+cloud\s+region\s+zone\s+type\s+nodes\s+gpus\s+fabric\s+usd\/h$/);
    expect(lines[1]).toMatch(/^1\s+azure\s+\S+\s+-\s+Standard_ND96isr_H100_v5\s+2\s+16 x H100\s+infiniband 3200G\s+\$\d+\.\d\d$/);
    expect(r.stdout).toMatch(/catalog built \d{4}-\d{2}-\d{2}; prices as of aws 2026-01-22/);
  });
  it("place reports a bad request as the validation message, exit 1", async () => {
    const r = await hgpu("place", "--gpus", "20000");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("hgpu place: planner: gpus 20000 is not valid: use a whole number from 1 to 10000");
  });
  it("synth runs an app, writes cdktf.out and prints the summary", async (ctx) => {
    const out = tempOut(ctx);
    const r = await hgpu("synth", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const tf = JSON.parse(readFileSync(join(out, "stacks/hybrid-training/cdk.tf.json"), "utf8"));
    expect(tf.provider.aws[0].region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(r.stdout).toContain("stack hybrid-training  (stacks/hybrid-training/cdk.tf.json, backend local)");
    expect(r.stdout).toContain("  providers: aws (");
  });
  it("synth fails loudly when the app fails", async (ctx) => {
    const out = tempOut(ctx);
    const r = await hgpu("synth", "--out", out, "--app", "node -e 'process.exit(3)'");
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("hgpu synth: the app (node -e 'process.exit(3)') exited with 3");
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
  it.each([
    [["place", "--gpus", "8", "--max-usd-per-hour", "1"], "hgpu place: unknown option --max-usd-per-hour: use --gpus <value>, --accelerator <value>, --gpu-memory <value>, --memory <value>, --interconnect <value>, --clouds <value>, --regions <value>, --zones <value>, --max-usd <value>, --top <value>, --spot, --rejected, --json, --help"],
    [["summary", "--jsno"], "hgpu summary: unknown option --jsno: use --out <value>, --json, --help"],
    [["synth", "--json"], "hgpu synth: unknown option --json: use --app <value>, --out <value>, --help"],
    [["launch", "--stack", "task", "--poll", "1"], "hgpu launch: unknown option --poll: use --stack <value>, --app <value>, --terraform <value>, --max-placements <value>, --poll-seconds <value>, --stop-on-read-errors <value>, --destroy-attempts <value>, --destroy-backoff-seconds <value>, --keep-on-failure, --concurrent, --help"],
  ])("an unknown option is a usage error, exit 2: %j", async (args, message) => {
    const r = await hgpu(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(message);
    expect(r.stdout).toBe("");
  });
  it.each([
    [["place", "--gpus"], "hgpu place: --gpus needs a value"],
    [["summary", "--out", "--json"], "hgpu summary: --out needs a value"],
    [["place", "--gpus", "8", "16"], 'hgpu place: unexpected argument "16"'],
    [["launch", "--stack"], "hgpu launch: --stack needs a value"],
  ])("a missing value or a stray argument is a usage error, exit 2: %j", async (args, message) => {
    const r = await hgpu(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(message);
    expect(r.stderr).toContain("usage:");
  });
  it.each([
    [["place", "--gpus", "8", "--top", "x"], 'hgpu place: --top "x" is not valid: use a whole number above 0'],
    [["place", "--gpus", "8", "--top", "0"], 'hgpu place: --top "0" is not valid: use a whole number above 0'],
    [["place", "--gpus", "8", "--top", "2.5", "--json"], 'hgpu place: --top "2.5" is not valid: use a whole number above 0'],
    [["place", "--gpus", "x"], 'hgpu place: --gpus "x" is not valid: use a whole number above 0'],
    [["place", "--gpus", "0"], 'hgpu place: --gpus "0" is not valid: use a whole number above 0'],
    [["place", "--gpus", "1.5"], 'hgpu place: --gpus "1.5" is not valid: use a whole number above 0'],
    [["launch", "--stack", "task", "--poll-seconds", "x"], 'hgpu launch: --poll-seconds "x" is not valid: use a number above 0'],
    [["launch", "--stack", "task", "--destroy-backoff-seconds", "-1"], 'hgpu launch: --destroy-backoff-seconds "-1" is not valid: use a number above 0'],
    [["launch", "--stack", "task", "--destroy-attempts", "two"], 'hgpu launch: --destroy-attempts "two" is not valid: use a whole number above 0'],
    [["launch", "--stack", "task", "--max-placements", "0"], 'hgpu launch: --max-placements "0" is not valid: use a whole number above 0'],
  ])("a number that is not valid is an error, exit 1: %j", async (args, message) => {
    const r = await hgpu(...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(message);
    expect(r.stdout).toBe("");
  });
  it.each([["synth"], ["summary"], ["place"], ["launch"]])("%s --help and -h print the usage, exit 0", async (command) => {
    for (const help of ["--help", "-h"]) {
      const r = await hgpu(command, help);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^usage:\n/);
    }
  });
  it("the usage and the README list every option of every subcommand", async () => {
    // "usage:\n  hgpu synth ...\n  hgpu summary ...\n  hgpu place ...\n             ...": one entry per subcommand
    const entries = (await hgpu("help")).stdout.split(/\n {2}(?=hgpu )/).slice(1);
    for (const [command, spec] of Object.entries(COMMAND_OPTIONS)) {
      const entry = entries.find((e) => e.startsWith(`hgpu ${command} `));
      for (const option of [...spec.values, ...spec.flags]) expect(entry, `usage of ${command}: --${option}`).toContain(`--${option}`);
    }
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const launchEntry = /- \*\*`hgpu launch (.*?)`\*\*/s.exec(readme)?.[1];
    for (const option of [...COMMAND_OPTIONS.launch.values, ...COMMAND_OPTIONS.launch.flags]) expect(launchEntry, `README: launch --${option}`).toContain(`--${option}`);
    for (const command of ["runs", "destroy"] as const) {
      const entry = new RegExp(`- \\*\\*\`hgpu ${command} (.*?)\`\\*\\*`, "s").exec(readme)?.[1];
      for (const option of [...COMMAND_OPTIONS[command].values, ...COMMAND_OPTIONS[command].flags]) expect(entry, `README: ${command} --${option}`).toContain(`--${option}`);
    }
  });
  it("an unknown command prints the usage, exit 2", async () => {
    const r = await hgpu("deploy");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hgpu: unknown command "deploy"');
  });
});
