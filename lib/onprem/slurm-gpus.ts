/**
 * GPUs of a Slurm partition now: which nodes it has, how many GPUs each holds and how many are in
 * use, read with `sinfo --Node --Format` (pure parsing, and the query through a runner).
 */
import { runChecked, type SlurmCommandRunner } from "./slurm-command";

/** One node of the partition as sinfo reports it. */
export interface SlurmNodeGpus {
  readonly node: string;
  /** sinfo's long state, with its flag suffixes (`idle`, `mixed`, `allocated`, `drained`, `idle*`...). */
  readonly state: string;
  /** GPUs the node has (its `gpu` GRES, every type summed). */
  readonly gpus: number;
  /** GPUs allocated to jobs now. */
  readonly usedGpus: number;
  /** CPUs not allocated now. */
  readonly idleCpus: number;
  /** GPUs a new job can get now: 0 unless the node takes jobs (idle or mixed, responding, not draining) and has a CPU left. */
  readonly freeGpus: number;
}

/** The partition's GPUs now. */
export interface PartitionGpus {
  readonly partition: string;
  readonly nodes: readonly SlurmNodeGpus[];
  /** GPUs of every node of the partition. */
  readonly totalGpus: number;
  /** GPUs a new job can get now. */
  readonly freeGpus: number;
}

/** The sinfo command that lists the partition's nodes, one a line: node|state|gres|gres used|cpus (A/I/O/T). */
export function sinfoGpusArgs(partition: string): string[] {
  return ["sinfo", "--noheader", "--Node", `--partition=${partition}`, "--Format=NodeList:0|,StateLong:0|,Gres:0|,GresUsed:0|,CPUsState:0"];
}

/**
 * GPUs in a GRES string of sinfo: `gpu:8`, `gpu:a100:4(S:0-1)`, `gpu:a100:2(IDX:0-1),gpu:v100:1(IDX:2)`,
 * `(null)`. Other GRES (e.g. `shard`, `mps`) are not GPUs a job gets whole and do not count.
 */
export function gresGpus(gres: string): number {
  let total = 0;
  // Split on the commas between entries, not those inside an entry's parentheses.
  for (const entry of gres.split(/,(?![^(]*\))/)) {
    const m = /^gpu(?::[^:(]+)?:(\d+)(?:\(.*\))?$/.exec(entry.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}

/**
 * Whether a node in this sinfo long state takes new jobs now: idle or mixed, with no flag (not `*`
 * not responding, `~` powered off, `-` planned for another job, `+drain`...).
 */
export function takesJobs(state: string): boolean {
  return state === "idle" || state === "mixed";
}

/** Parses {@link sinfoGpusArgs}' output. */
export function parseSinfoGpus(partition: string, stdout: string): PartitionGpus {
  const nodes: SlurmNodeGpus[] = [];
  for (const line of stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const [node = "", state = "", gres = "", used = "", cpus = ""] = line.split("|");
    const gpus = gresGpus(gres);
    const usedGpus = gresGpus(used);
    const idleCpus = Number(cpus.split("/")[1] ?? 0) || 0;
    const freeGpus = takesJobs(state) && idleCpus > 0 ? Math.max(0, gpus - usedGpus) : 0;
    nodes.push({ node, state, gpus, usedGpus, idleCpus, freeGpus });
  }
  return {
    partition,
    nodes,
    totalGpus: nodes.reduce((n, x) => n + x.gpus, 0),
    freeGpus: nodes.reduce((n, x) => n + x.freeGpus, 0),
  };
}

/** The partition's GPUs now, asked of Slurm. @throws SlurmCommandError when sinfo fails */
export async function partitionGpus(run: SlurmCommandRunner, partition: string): Promise<PartitionGpus> {
  const argv = sinfoGpusArgs(partition);
  return parseSinfoGpus(partition, (await runChecked(run, argv)).stdout);
}

/** Nodes of `gpus` that could host `gpusPerNode` GPUs now, and ever (when the jobs on them end). */
export function nodesFor(gpus: PartitionGpus, gpusPerNode: number): { readonly now: number; readonly ever: number } {
  return {
    now: gpus.nodes.filter((n) => n.freeGpus >= gpusPerNode).length,
    ever: gpus.nodes.filter((n) => n.gpus >= gpusPerNode).length,
  };
}
