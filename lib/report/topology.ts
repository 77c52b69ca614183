/**
 * The topology of a whole synthesized app (clouds, networks, clusters, storage, VPN links, on-prem
 * sites with their owned GPU pools, task stacks) as a graph, rendered to Mermaid and, laid out with
 * dagre, to a standalone SVG (no external fonts, no network). The graph is in
 * `topology-model.ts`, the drawings in `topology-mermaid.ts` and `topology-svg.ts`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TerraformJson } from "./terraform-json";
import { appTopology } from "./topology-model";
import { toMermaid } from "./topology-mermaid";
import { toSvg } from "./topology-svg";

export * from "./topology-model";
export * from "./topology-mermaid";
export * from "./topology-svg";

/** Writes `topology.svg` and `topology.md` (Mermaid) for every stack of a cdktf output folder; returns their paths. */
export function writeTopologyFiles(outdir: string, stacks: readonly { name: string; tf: TerraformJson }[]): { svg: string; markdown: string } {
  const t = appTopology(stacks);
  const svg = join(outdir, "topology.svg");
  const markdown = join(outdir, "topology.md");
  writeFileSync(svg, toSvg(t, `Topology of ${stacks.map((s) => s.name).join(", ")}`));
  writeFileSync(markdown, toMermaid(t));
  return { svg, markdown };
}
