import { optionsOf, type CommandDef } from "./options";
import { alignColumns } from "../../lib/core";

/** Every `hgpu` command with its options, their meaning and defaults: the one source of `--help` and of the parser. */
export const COMMANDS = {
  synth: {
    name: "synth",
    summary: "synthesize the app, summarize each stack, draw the topology",
    usage: "hgpu synth [--app <command>] [--out <dir>]",
    description:
      "Runs the app (it writes Terraform JSON into --out), then prints per stack what it declares with its estimated USD/h, kW and\n" +
      "kgCO2e/h, and writes <out>/topology.svg and <out>/topology.md. Needs no terraform: the library's stacks synthesize without it.",
    options: [
      { name: "app", value: "<command>", description: "the command that synthesizes the app", default: 'cdktf.json\'s "app"' },
      { name: "out", value: "<dir>", description: "the folder the app writes into", default: "cdktf.out" },
    ],
  },
  summary: {
    name: "summary",
    summary: "summarize an app synthesized before",
    usage: "hgpu summary [--out <dir>] [--json]",
    description: "Prints the summary hgpu synth prints, for the app already synthesized into --out.",
    options: [
      { name: "out", value: "<dir>", description: "the folder the app was synthesized into", default: "cdktf.out" },
      { name: "json", description: "print the whole report as JSON" },
    ],
  },
  place: {
    name: "place",
    summary: "rank where GPUs could run: the catalog and the app's owned pools",
    usage: "hgpu place --gpus <count> [options]",
    description:
      "Ranks every placement the catalog and the owned pools of the synthesized app offer for the request (owned first, then\n" +
      "cheapest first, or as --optimize says), says why the other candidates are out, and prints the cost/carbon trade-off: the\n" +
      "cheapest, the cleanest, and the Pareto front between them. No cloud or Slurm is asked: the catalog says a type is sold in\n" +
      "a zone, not that capacity is free there.",
    options: [
      { name: "gpus", value: "<count>", description: "GPUs wanted; nodes = GPUs / GPUs per node, rounded up", required: true },
      { name: "accelerator", value: "<models>", description: "GPU models, comma-separated, e.g. H100,H200", default: "any" },
      { name: "gpu-memory", value: "<GiB>", description: "least memory per GPU", default: "any" },
      { name: "memory", value: "<GiB>", description: "least host memory of all nodes together", default: "any" },
      { name: "interconnect", value: "<required|preferred|none>", description: "required: more than one node needs EFA or InfiniBand; preferred: fabric first; none", default: "required" },
      { name: "clouds", value: "<clouds>", description: "onprem (the owned pools), aws, azure, comma-separated", default: "all" },
      { name: "regions", value: "<regions>", description: "regions, comma-separated, e.g. us-east-1,eastus", default: "any" },
      { name: "zones", value: "<zone ids>", description: "AWS zone IDs, comma-separated, e.g. use1-az4", default: "any but Local Zones" },
      { name: "pools", value: "<names>", description: "owned pools, comma-separated, e.g. dgx-a", default: "every pool of the app" },
      { name: "out", value: "<dir>", description: "the synthesized app whose OnPremGpuPools are placement targets too", default: "cdktf.out, when it holds an app" },
      { name: "spot", description: "price and place spot capacity", default: "on-demand" },
      { name: "max-usd", value: "<USD>", description: "budget per hour for the whole placement", default: "none" },
      { name: "prefer", value: "<owned|none>", description: "owned: owned pools first when they fit; none: ranked with the clouds", default: "owned" },
      { name: "optimize", value: "<cost|carbon|USD per kg>", description: "rank by USD/h, by kgCO2e/h, or by USD/h + a carbon price x kgCO2e/h", default: "cost" },
      { name: "max-runtime", value: "<duration>", description: "how long the job runs, for its kgCO2e, e.g. 12h or 90m", default: "12h" },
      { name: "top", value: "<count>", description: "placements to show", default: "10" },
      { name: "rejected", description: "list every rejected candidate with its reason" },
      { name: "json", description: "print the placements and rejections as JSON" },
    ],
  },
  launch: {
    name: "launch",
    summary: "provision a GpuTask's stack, run it, wait, always destroy",
    usage: "hgpu launch --stack <name> [options]",
    description:
      "Synthesizes the stack into a run directory of its own (.hgpu/runs/<run id>/), applies it, waits for the workload's status\n" +
      "while streaming its log, and destroys it: on success, failure, Ctrl-C, SIGTERM or a closed terminal. On a capacity error it\n" +
      "destroys the attempt and tries the next placement; a task with recovery that was preempted or lost a node is destroyed and\n" +
      "relaunched from its last checkpoint. Exit: the workload's code (93 preempted, 94 node failure with no restart left);\n" +
      "1 failed; 70 resources left; 75 no capacity;\n" +
      "129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.",
    options: [
      { name: "stack", value: "<name>", description: "the stack to launch: a stack holding one GpuTask and nothing else", required: true },
      { name: "app", value: "<command>", description: "the command that synthesizes the app", default: 'cdktf.json\'s "app"' },
      { name: "terraform", value: "<terraform|tofu>", description: "the binary that applies and destroys", default: "terraform" },
      { name: "max-placements", value: "<count>", description: "placements to try when the clouds have no capacity", default: "3" },
      { name: "cooldown-minutes", value: "<minutes>", description: "how long a preempted placement is left out of a relaunch's plan", default: "30" },
      { name: "keep-on-failure", description: "keep what a failed apply or workload created (never after a success, a capacity error or a signal)" },
      { name: "concurrent", description: "start a second, separate run of a stack that has a live run" },
      { name: "poll-seconds", value: "<seconds>", description: "how often the status and the log are read", default: "15" },
      { name: "stop-on-read-errors", value: "<count>", description: "give up (and destroy) after this many failed status reads in a row", default: "retry until the run's deadline" },
      { name: "destroy-attempts", value: "<count>", description: "destroy attempts before reporting what is left", default: "4" },
      { name: "destroy-backoff-seconds", value: "<seconds>", description: "wait before the first destroy retry, doubled after each", default: "15" },
    ],
  },
  runs: {
    name: "runs",
    summary: "the project's runs, newest first; leftover ones loudly",
    usage: "hgpu runs [--json] [--all] [--prune] [--remote]",
    description: "Lists the runs of the project (the nearest folder up with .hgpu/runs or cdktf.json): state (live, LEFTOVER, ended),\nphase, outcome, placement, restarts, cost so far, $/h and the resources in each attempt's state, read from local state\nfiles; a relaunched run lists where each attempt ran, how it ended and what it cost.",
    options: [
      { name: "json", description: "print the run records as JSON" },
      { name: "all", description: "list every run", default: "live and leftover runs and the 20 newest" },
      { name: "prune", description: "remove the folders of runs that ended with nothing left" },
      { name: "remote", description: "read S3, azurerm and gcs states through terraform (needs credentials)", default: "local states only" },
    ],
  },
  destroy: {
    name: "destroy",
    summary: "destroy what a run left",
    usage: "hgpu destroy <run id> [options]",
    description: "Destroys what a run left in state, with the launcher's retries and report. Exit 0 only when nothing is left, else 70.",
    positional: { name: "<run id>", description: "the run, or a unique prefix of its ID (hgpu runs lists them)" },
    options: [
      { name: "attempt", value: "<n>", description: "destroy this attempt only", default: "every attempt with resources in state" },
      { name: "terraform", value: "<terraform|tofu>", description: "the binary that destroys", default: "the one the run used" },
      { name: "destroy-attempts", value: "<count>", description: "destroy attempts before reporting what is left", default: "4" },
      { name: "destroy-backoff-seconds", value: "<seconds>", description: "wait before the first destroy retry, doubled after each", default: "15" },
      { name: "force", description: "destroy a run launched in another container or host (make sure its launcher is gone); forget what a killed Terraform was creating" },
    ],
  },
} as const satisfies Record<string, CommandDef>;

export type CommandName = keyof typeof COMMANDS;

/** `hgpu --help`. */
export function globalHelp(): string {
  return [
    "usage: hgpu <command> [options]",
    "",
    "commands:",
    ...alignColumns(Object.values(COMMANDS).map((c) => ["", c.name, c.summary])),
    "",
    "hgpu <command> --help lists a command's options; hgpu --version prints the version.",
  ].join("\n");
}

/** `hgpu <command> --help`: the synopsis, what it does, and every option with its meaning and default. */
export function commandHelp(command: CommandDef): string {
  const args: [string, string][] = command.positional ? [[command.positional.name, command.positional.description]] : [];
  const options = optionsOf(command).map((o): [string, string] => {
    const extra = o.required ? " (required)" : o.default ? ` (default: ${o.default})` : "";
    return [`${o.name === "help" ? "-h, " : ""}--${o.name}${o.value ? ` ${o.value}` : ""}`, `${o.description}${extra}`];
  });
  // Arguments and options share their columns.
  const rows = alignColumns([...args, ...options].map(([l, r]) => ["", l, r]));
  return [
    `usage: ${command.usage}`,
    "",
    command.description,
    "",
    ...(args.length ? ["arguments:", ...rows.slice(0, args.length), ""] : []),
    "options:",
    ...rows.slice(args.length),
  ].join("\n");
}
