import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../bin/cli/commands";
import { choice, closestName, decimalNumber, listOption, parseCommandArgs, requireOptions, UsageError, wholeNumber, type CommandDef } from "../../bin/cli/options";

const cmd: CommandDef = {
  name: "try",
  summary: "",
  usage: "hgpu try --gpus <count> [options]",
  description: "",
  options: [
    { name: "gpus", value: "<count>", description: "GPUs", required: true },
    { name: "clouds", value: "<clouds>", description: "clouds" },
    { name: "spot", description: "spot" },
  ],
};
const parse = (...args: string[]) => parseCommandArgs(cmd, args);
const usageError = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("no error");
};

describe("parseCommandArgs", () => {
  it("reads --name value, --name=value and flags", () => {
    const a = parse("--gpus", "8", "--spot", "--clouds=aws,azure");
    expect([...a.values]).toEqual([["gpus", "8"], ["clouds", "aws,azure"]]);
    expect([...a.flags]).toEqual(["spot"]);
  });
  it("takes --help, -h and --verbose on every command", () => {
    expect([...parse("-h").flags]).toEqual(["help"]);
    expect([...parse("--help", "--verbose").flags]).toEqual(["help", "verbose"]);
  });
  it("takes a value that starts with a dash only when it is no option: -1 is a value, --spot is not", () => {
    expect(parse("--gpus", "-1").values.get("gpus")).toBe("-1");
    expect(parse("--gpus=--spot").values.get("gpus")).toBe("--spot");
    expect(usageError(() => parse("--gpus", "--spot"))).toBe("--gpus needs a value: --gpus <count>");
  });
  it.each([
    [["--gpus"], "--gpus needs a value: --gpus <count>"],
    [["--gpus", "8", "--gpus", "16"], "--gpus is given twice: give it once"],
    [["--spot=yes"], '--spot takes no value, not "yes"'],
    [["8"], 'unexpected argument "8" (hgpu try --help lists the options)'],
    [["--gpus", "8", "16", "32"], 'unexpected arguments "16" "32" (hgpu try --help lists the options)'],
    [["--gpu", "8"], "unknown option --gpu: did you mean --gpus? (hgpu try --help lists the options)"],
    [["--cloud=aws"], "unknown option --cloud: did you mean --clouds? (hgpu try --help lists the options)"],
    [["--sopt"], "unknown option --sopt: did you mean --spot? (hgpu try --help lists the options)"],
    [["--frobnicate"], "unknown option --frobnicate (hgpu try --help lists the options)"],
    [["-x"], "unknown option -x (hgpu try --help lists the options)"],
  ])("refuses %j: %s", (args, message) => {
    expect(usageError(() => parse(...args))).toBe(message);
  });
  it("says which required option is missing, after --help had its chance", () => {
    expect(() => requireOptions(cmd, parse("--help"))).toThrow(UsageError);
    expect(usageError(() => requireOptions(cmd, parse("--spot")))).toBe("--gpus is required: hgpu try --gpus <count> [options]");
  });
  it("takes a positional only where the command declares one", () => {
    expect(parseCommandArgs(COMMANDS.destroy, ["20261130T101500-a1b2c3", "--attempt", "2"]).positionals).toEqual(["20261130T101500-a1b2c3"]);
    expect(usageError(() => parseCommandArgs(COMMANDS.destroy, ["a", "b"]))).toBe('unexpected argument "b" (hgpu destroy --help lists the options)');
  });
});

describe("option values", () => {
  const of = (v: string) => parseCommandArgs(cmd, ["--gpus", v]);
  it.each(["8", "1", "10000", "007"])("a whole number: %j", (v) => {
    expect(wholeNumber(of(v), "gpus")).toBe(Number(v));
  });
  it.each(["1e3", "0x10", "+8", "8.0", "1.5", "0", "-1", "x", "", " 8", "Infinity", "99999999999999999999"])("not a whole number: %j", (v) => {
    expect(() => wholeNumber(of(v), "gpus")).toThrow(`--gpus ${JSON.stringify(v)} is not valid: use a whole number above 0`);
  });
  it.each([["256", 256], ["0.5", 0.5], ["12.25", 12.25]])("a decimal number: %j", (v, n) => {
    expect(decimalNumber(of(v), "gpus", "GiB")).toBe(n);
  });
  it.each(["abc", "1e3", "0x10", ".5", "5.", "0", "-2", "NaN"])("not a decimal number: %j", (v) => {
    expect(() => decimalNumber(of(v), "gpus", "GiB")).toThrow(`--gpus ${JSON.stringify(v)} is not valid: use a number of GiB above 0`);
  });
  it("absent options are undefined", () => {
    const a = parse("--spot");
    expect([wholeNumber(a, "gpus"), decimalNumber(a, "gpus", "GiB"), listOption(a, "clouds", "aws"), choice(a, "clouds", ["aws"])]).toEqual([undefined, undefined, undefined, undefined]);
  });
  it("lists split on commas and refuse blanks", () => {
    expect(listOption(parse("--clouds", "aws, azure"), "clouds", "aws,azure")).toEqual(["aws", "azure"]);
    expect(() => listOption(parse("--clouds", "aws,,azure"), "clouds", "aws,azure")).toThrow('--clouds "aws,,azure" is not valid: use names separated by commas, e.g. aws,azure');
  });
  it("a choice names the allowed values", () => {
    expect(() => choice(parse("--clouds", "gcp"), "clouds", ["aws", "azure", "both"])).toThrow('--clouds "gcp" is not valid: use aws, azure or both');
  });
});

describe("closestName", () => {
  const names = ["gpus", "gpu-memory", "memory", "max-usd", "json", "poll-seconds", "spot"];
  it.each([
    ["gpu", "gpus"],
    ["jsno", "json"],
    ["max-usd-per-hour", "max-usd"],
    ["memroy", "memory"],
    ["poll", "poll-seconds"],
    ["zzz", undefined],
    ["s", undefined],
  ])("%s -> %s", (given, near) => {
    expect(closestName(given, names)).toBe(near);
  });
});
