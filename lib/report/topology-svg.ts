/** The topology laid out with dagre and drawn as a standalone SVG (system font, no network). */
import type * as Dagre from "@dagrejs/dagre";
import type { Topology, TopologyEdge, TopologyNode, TopologyNodeKind, TopologyPlace } from "./topology-model";

/** Font size of node text in the SVG, px. @default 13 */
export const SVG_FONT_PX = 13;
const CHAR_W = 7.4;
const LINE_H = 17;
const TITLE_H = 24;
const PAD = 14;

const COLORS: Record<TopologyPlace, { stroke: string; fill: string }> = {
  aws: { stroke: "#d97706", fill: "#fff7ed" },
  azure: { stroke: "#0369a1", fill: "#eff6ff" },
  onprem: { stroke: "#4b5563", fill: "#f3f4f6" },
};
const NODE_FILL: Record<TopologyNodeKind, string> = { cluster: "#fde68a", storage: "#bbf7d0", gateway: "#ddd6fe", onprem: "#e5e7eb", pool: "#c7d2fe", task: "#fecaca" };
const EDGE_STYLE: Record<TopologyEdge["kind"], string> = {
  vpn: 'stroke="#7c3aed" stroke-width="2.5" stroke-dasharray="7 4"',
  "runs-on": 'stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="2 4"',
  mount: 'stroke="#15803d" stroke-width="2"',
};

/**
 * Escapes text for XML, dropping the characters XML 1.0 does not allow: it keeps tab, newline,
 * carriage return and U+0020 to U+FFFD (with the surrogates, so characters beyond U+FFFF stay).
 */
export function xmlEscape(s: string): string {
  return s.replace(/[^\t\n\r\x20-\uFFFD]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function nodeSize(n: TopologyNode): { width: number; height: number } {
  return { width: Math.max(...n.lines.map((l) => l.length)) * CHAR_W + 2 * PAD, height: n.lines.length * LINE_H + 16 };
}

interface Box { x: number; y: number; width: number; height: number }

/** Lays the topology out with dagre: leaf boxes and edge polylines (group boxes are derived from their members). */
export function layoutTopology(t: Topology): { nodes: Map<string, Box>; edges: { edge: TopologyEdge; points: { x: number; y: number }[] }[] } {
  // Loaded on first use: importing the library must not pay for the layout engine.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dagre = require("@dagrejs/dagre") as typeof Dagre;
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const grp of t.groups) g.setNode(grp.id, {});
  for (const grp of t.groups) if (grp.parent) g.setParent(grp.id, grp.parent);
  for (const n of t.nodes) {
    g.setNode(n.id, nodeSize(n));
    g.setParent(n.id, n.parent);
  }
  t.edges.forEach((e, i) => g.setEdge(e.from, e.to, e.label ? { width: e.label.length * 6.6, height: 16, labelpos: "c" } : {}, `e${i}`));
  dagre.layout(g);
  const nodes = new Map<string, Box>();
  for (const n of t.nodes) {
    const l = g.node(n.id) as unknown as Box;
    nodes.set(n.id, { x: l.x - l.width / 2, y: l.y - l.height / 2, width: l.width, height: l.height });
  }
  const edges = t.edges.map((edge, i) => ({ edge, points: ((g.edge({ v: edge.from, w: edge.to, name: `e${i}` }) as unknown as { points?: { x: number; y: number }[] }).points ?? []) }));
  return { nodes, edges };
}

function groupBoxes(t: Topology, nodes: Map<string, Box>): Map<string, Box> {
  const boxes = new Map<string, Box>();
  const boxOf = (gid: string): Box | undefined => {
    if (boxes.has(gid)) return boxes.get(gid);
    const memberNodes = t.nodes.filter((n) => n.parent === gid).map((n) => nodes.get(n.id)!);
    const members = [...memberNodes, ...t.groups.filter((x) => x.parent === gid).flatMap((x) => boxOf(x.id) ?? [])];
    if (!members.length) return undefined;
    const x0 = Math.min(...members.map((m) => m.x)) - PAD, y0 = Math.min(...members.map((m) => m.y)) - PAD - TITLE_H;
    const x1 = Math.max(...members.map((m) => m.x + m.width)) + PAD, y1 = Math.max(...members.map((m) => m.y + m.height)) + PAD;
    const grp = t.groups.find((x) => x.id === gid)!;
    const b = { x: x0, y: y0, width: Math.max(x1 - x0, grp.title.length * CHAR_W + 2 * PAD), height: y1 - y0 };
    boxes.set(gid, b);
    return b;
  };
  for (const grp of t.groups) boxOf(grp.id);
  return boxes;
}

function text(x: number, y: number, s: string, extra = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${xmlEscape(s)}</text>`;
}

/** The legend: every kind of box and line (owned pools only when the picture has one). */
function legend(x: number, y: number, pools: boolean): { svg: string; width: number; height: number } {
  const items: string[] = [];
  const kinds: [TopologyNodeKind, string][] = [["cluster", "GPU cluster (type x nodes)"], ["storage", "Lustre storage"], ["gateway", "VPN gateway"], ["onprem", "on-prem site"], ...(pools ? [["pool", "owned GPU pool (Slurm)"] as [TopologyNodeKind, string]] : []), ["task", "GpuTask stack"]];
  kinds.forEach(([k, label], i) => {
    items.push(`<rect x="${x + 12}" y="${y + 30 + i * 22}" width="22" height="14" rx="3" fill="${NODE_FILL[k]}" stroke="#374151"/>`, text(x + 42, y + 42 + i * 22, label));
  });
  const edges: [TopologyEdge["kind"], string][] = [["vpn", "site-to-site VPN (tunnels, Gbps)"], ["mount", "mounts"], ["runs-on", "task runs on"]];
  edges.forEach(([k, label], i) => {
    const yy = y + 37 + (kinds.length + i) * 22;
    items.push(`<line x1="${x + 10}" y1="${yy}" x2="${x + 36}" y2="${yy}" ${EDGE_STYLE[k]}/>`, text(x + 42, yy + 5, label));
  });
  const height = 36 + (kinds.length + edges.length) * 22;
  return { svg: [`<rect x="${x}" y="${y}" width="250" height="${height}" rx="6" fill="#ffffff" stroke="#9ca3af"/>`, text(x + 12, y + 20, "Legend", 'font-weight="bold"'), ...items].join("\n"), width: 250, height };
}

/** Renders the topology as a standalone SVG document (system sans-serif font, no external resources). */
export function toSvg(t: Topology, title = "Topology"): string {
  const { nodes, edges } = layoutTopology(t);
  const groups = groupBoxes(t, nodes);
  const all = [...nodes.values(), ...groups.values()];
  const minX = Math.min(0, ...all.map((b) => b.x)) - 20, minY = Math.min(0, ...all.map((b) => b.y)) - 50;
  // Nothing to draw (an app of budgets and IAM only): a small box for the title and a note.
  const maxX = all.length ? Math.max(...all.map((b) => b.x + b.width)) + 20 : minX + 300;
  const maxY = all.length ? Math.max(...all.map((b) => b.y + b.height)) + 20 : minY + 60;
  const leg = legend(minX + 20, maxY + 10, t.nodes.some((n) => n.kind === "pool"));
  const width = Math.max(maxX - minX, leg.width + 40), height = maxY - minY + leg.height + 30;
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="${minX.toFixed(0)} ${minY.toFixed(0)} ${width.toFixed(0)} ${height.toFixed(0)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${SVG_FONT_PX}">`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
    text(minX + 20, minY + 30, title, 'font-size="18" font-weight="bold"'),
    ...(all.length ? [] : [text(minX + 20, minY + 52, "nothing to draw", 'fill="#4b5563"')]),
  ];
  const depth = (gid: string) => (t.groups.find((g) => g.id === gid)?.parent ? 1 : 0);
  for (const grp of [...t.groups].sort((a, b) => depth(a.id) - depth(b.id))) {
    const b = groups.get(grp.id);
    if (!b) continue;
    const c = COLORS[grp.place];
    const nested = grp.parent !== undefined;
    out.push(`<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}" rx="8" fill="${nested ? "#ffffff" : c.fill}" stroke="${c.stroke}" stroke-width="${nested ? 1.5 : 2.5}"${nested ? ' stroke-dasharray="5 3"' : ""}/>`);
    out.push(text(b.x + 10, b.y + 17, grp.title, `font-weight="bold" fill="${c.stroke}"${nested ? "" : ' font-size="15"'}`));
  }
  for (const { edge, points } of edges) {
    if (points.length < 2) continue;
    out.push(`<polyline fill="none" ${EDGE_STYLE[edge.kind]} points="${points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}"/>`);
    if (edge.label) {
      const mid = points[Math.floor(points.length / 2)]!;
      const w = edge.label.length * 6.6 + 8;
      out.push(`<rect x="${(mid.x - w / 2).toFixed(1)}" y="${(mid.y - 10).toFixed(1)}" width="${w.toFixed(1)}" height="18" rx="3" fill="#ffffff" fill-opacity="0.9"/>`);
      out.push(text(mid.x, mid.y + 4, edge.label, 'text-anchor="middle" font-size="12" fill="#111827"'));
    }
  }
  for (const n of t.nodes) {
    const b = nodes.get(n.id)!;
    out.push(`<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}" rx="${n.kind === "storage" ? 12 : 5}" fill="${NODE_FILL[n.kind]}" stroke="#374151"/>`);
    n.lines.forEach((l, i) => out.push(text(b.x + PAD, b.y + 20 + i * LINE_H, l, i === 0 ? 'font-weight="bold"' : 'fill="#1f2937"')));
  }
  out.push(leg.svg, "</svg>", "");
  return out.join("\n");
}
