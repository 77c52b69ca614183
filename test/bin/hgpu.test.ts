import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../bin/cli/commands";
import { inOptionTerms } from "../../bin/cli/place";
import { optionsOf } from "../../bin/cli/options";
import { hgpu, root } from "./cli";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

describe("hgpu help and version", () => {
  it.each([["--help"], ["-h"], ["help"]])("%s lists every command, exit 0", async (arg) => {
    const r = await hgpu([arg]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toBe("usage: hgpu <command> [options]");
    for (const c of Object.values(COMMANDS)) expect(r.stdout).toContain(`\n  ${c.name.padEnd(7)}  ${c.summary}\n`);
  });
  it("no command prints the help on stderr, exit 2", async () => {
    const r = await hgpu([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^usage: hgpu <command> \[options\]\n/);
  });
  it("--version prints the package's version", async () => {
    expect(await hgpu(["--version"])).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });
  it.each(Object.keys(COMMANDS))("%s: --help, -h and hgpu help <command> list every option with its meaning and default, exit 0", async (name) => {
    const command = COMMANDS[name as keyof typeof COMMANDS];
    for (const args of [[name, "--help"], [name, "-h"], ["help", name]]) {
      const r = await hgpu(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout.split("\n")[0]).toBe(`usage: ${command.usage}`);
      for (const o of optionsOf(command)) {
        const line = r.stdout.split("\n").find((l) => l.includes(`--${o.name}${o.value ? ` ${o.value}` : ""}  `));
        expect(line, `--${o.name}`).toBeDefined();
        expect(line).toContain(o.description);
        if (o.default) expect(line).toContain(`(default: ${o.default})`);
        if ("required" in o && o.required) expect(line).toContain("(required)");
      }
    }
  });
  it("--help wins over a missing required option", async () => {
    expect((await hgpu(["place", "--help"])).status).toBe(0);
    expect((await hgpu(["launch", "-h"])).status).toBe(0);
  });
});

describe("hgpu command-line mistakes: one line, one prefix, exit 2", () => {
  it.each([
    [["plac"], 'hgpu: unknown command "plac": did you mean place? (hgpu --help lists the commands)'],
    [["deploy"], 'hgpu: unknown command "deploy" (hgpu --help lists the commands)'],
    [["-v"], 'hgpu: unknown command "-v" (hgpu --help lists the commands)'],
    [["place"], "hgpu place: --gpus is required: hgpu place --gpus <count> [options]"],
    [["launch"], "hgpu launch: --stack is required: hgpu launch --stack <name> [options]"],
    [["destroy"], "hgpu destroy: give the run id: hgpu destroy <run id> (hgpu runs lists them)"],
    [["place", "--gpus", "8", "--max-usd-per-hour", "1"], "hgpu place: unknown option --max-usd-per-hour: did you mean --max-usd? (hgpu place --help lists the options)"],
    [["summary", "--jsno"], "hgpu summary: unknown option --jsno: did you mean --json? (hgpu summary --help lists the options)"],
    [["synth", "--json"], "hgpu synth: unknown option --json (hgpu synth --help lists the options)"],
    [["launch", "--stack", "task", "--poll", "1"], "hgpu launch: unknown option --poll: did you mean --poll-seconds? (hgpu launch --help lists the options)"],
    [["place", "--gpus"], "hgpu place: --gpus needs a value: --gpus <count>"],
    [["summary", "--out", "--json"], "hgpu summary: --out needs a value: --out <dir>"],
    [["launch", "--stack"], "hgpu launch: --stack needs a value: --stack <name>"],
    [["place", "--gpus", "8", "16"], 'hgpu place: unexpected argument "16" (hgpu place --help lists the options)'],
    [["place", "--gpus", "8", "--gpus", "16"], "hgpu place: --gpus is given twice: give it once"],
    [["runs", "--json=yes"], 'hgpu runs: --json takes no value, not "yes"'],
  ])("%j", async (args, message) => {
    const r = await hgpu(args);
    expect(r).toEqual({ status: 2, stdout: "", stderr: `${message}\n` });
  });
});

describe("hgpu place", () => {
  it("prints the ranked placements and the catalog's sources by name and date", async () => {
    for (const gpus of [["--gpus", "16"], ["--gpus=16"]]) {
      const r = await hgpu(["place", ...gpus, "--accelerator", "H100", "--clouds", "azure", "--top=2"]);
      expect(r.status).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toMatch(/^#\s+cloud\s+region\s+zone\s+type\s+nodes\s+gpus\s+fabric\s+usd\/h\s+kW\s+kgCO2e\/h$/);
      expect(lines[1]).toMatch(/^1\s+azure\s+\S+\s+-\s+Standard_ND96isr_H100_v5\s+2\s+16 x H100\s+infiniband 3200G\s+\$\d+\.\d\d\s+\d+\.\d\s+\d+\.\d\d$/);
      expect(lines[3]).toMatch(/^\d+ feasible, \d+ rejected \(--rejected lists them\)$/);
      expect(lines[4]).toBe("cost/carbon trade-off (the Pareto front: nothing is both cheaper and cleaner), cheapest to cleanest:");
      expect(lines).toContain("catalog built 2026-11-30; prices as of AWS p-series catalog 2026-01-22, AWS g5/g6e supplement 2026-08-17, Azure catalog (date unknown)");
    }
  });
  it("--rejected lists the reasons in the options' terms", async () => {
    const r = await hgpu(["place", "--gpus", "8", "--max-usd", "20", "--rejected"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\d+ feasible, \d+ rejected:\n/);
    expect(r.stdout).toContain("is more than --max-usd 20");
    expect(r.stdout).not.toContain("maxUsdPerHour");
  });
  it.each([
    [["--gpus", "1e3"], 'hgpu place: --gpus "1e3" is not valid: use a whole number above 0'],
    [["--gpus", "0x10"], 'hgpu place: --gpus "0x10" is not valid: use a whole number above 0'],
    [["--gpus", "1.5"], 'hgpu place: --gpus "1.5" is not valid: use a whole number above 0'],
    [["--gpus", "0"], 'hgpu place: --gpus "0" is not valid: use a whole number above 0'],
    [["--gpus", "20000"], "hgpu place: --gpus 20000 is not valid: use a whole number from 1 to 10000"],
    [["--gpus", "8", "--memory", "abc"], 'hgpu place: --memory "abc" is not valid: use a number of GiB above 0'],
    [["--gpus", "8", "--gpu-memory", "-80"], 'hgpu place: --gpu-memory "-80" is not valid: use a number of GiB above 0'],
    [["--gpus", "8", "--max-usd", "1e2"], 'hgpu place: --max-usd "1e2" is not valid: use a number of USD per hour above 0'],
    [["--gpus", "8", "--top", "x"], 'hgpu place: --top "x" is not valid: use a whole number above 0'],
    [["--gpus", "8", "--top", "2.5", "--json"], 'hgpu place: --top "2.5" is not valid: use a whole number above 0'],
    [["--gpus", "8", "--interconnect", "fast"], 'hgpu place: --interconnect "fast" is not valid: use required, preferred or none'],
    [["--gpus", "8", "--clouds", "gcp"], 'hgpu place: --clouds "gcp" is not valid: use one of "onprem", "aws", "azure"'],
    [["--gpus", "8", "--clouds", "aws,"], 'hgpu place: --clouds "aws," is not valid: use names separated by commas, e.g. onprem,aws,azure'],
    [["--gpus", "8", "--zones", "us-east-1a"], 'hgpu place: --zones "us-east-1a" is not valid: use AWS zone IDs, not zone names (a name maps to a different zone in each account); us-east-1 has use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6'],
  ])("%j is a bad value: one line naming the option, exit 1", async (args, message) => {
    const r = await hgpu(["place", ...args]);
    expect(r).toEqual({ status: 1, stdout: "", stderr: `${message}\n` });
  });
  it("no placement: the planner's message in the options' terms, exit 1", async () => {
    const r = await hgpu(["place", "--gpus", "8", "--accelerator", "H100", "--max-usd", "1"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hgpu place: no placement meets 8 GPUs \(H100\), max \$1\/h: \d+ candidates rejected, e\.g\. .*Closest feasible: without --max-usd: /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/maxUsdPerHour|planner:|\n\s+at /);
  });
  it("--verbose adds the stack trace", async () => {
    const r = await hgpu(["place", "--gpus", "8", "--accelerator", "H100", "--max-usd", "1", "--verbose"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hgpu place: no placement meets .*\n[\s\S]*\n\s+at planPlacements /);
  });
});

describe("inOptionTerms", () => {
  it.each([
    ["planner: memoryGiB -1 is not valid: use a number of at least 0", "--memory -1 is not valid: use a number of at least 0"],
    ["planner: minGpuMemoryGiB 2000 is not valid: use ...", "--gpu-memory 2000 is not valid: use ..."],
    ["planner: no placement meets x: ... is more than maxUsdPerHour 1. Closest feasible: without maxUsdPerHour: ...", "no placement meets x: ... is more than --max-usd 1. Closest feasible: without --max-usd: ..."],
    ["aws p5.48xlarge: 1 node x 2048 GiB = 2048 GiB host memory is less than memoryGiB 9000", "aws p5.48xlarge: 1 node x 2048 GiB = 2048 GiB host memory is less than --memory 9000"],
  ])("%s", (message, cli) => {
    expect(inOptionTerms(message)).toBe(cli);
  });
});

describe("the README's hgpu section", () => {
  it("lists every option of every command", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const command of Object.values(COMMANDS)) {
      const entry = new RegExp(`- \\*\\*\`hgpu ${command.name}(.*?)\`\\*\\*`, "s").exec(readme)?.[1];
      expect(entry, `README: hgpu ${command.name}`).toBeDefined();
      for (const o of command.options) expect(entry, `README: hgpu ${command.name} --${o.name}`).toContain(`--${o.name}`);
    }
  });
});
