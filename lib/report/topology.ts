/**
 * The topology of a whole synthesized app (clouds, networks, clusters, storage, VPN links, on-prem
 * sites, task stacks) as a graph, rendered to Mermaid and, laid out with dagre, to a standalone SVG
 * (no external fonts, no network).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as Dagre from "@dagrejs/dagre";
import { estimateStack, onPremName, azureGatewayBehind } from "./estimate";
import { findResource, first, ownerId, refTarget, resourcesOf, str, awsRegion, taskMetadata, type TerraformJson, type TfResource } from "./terraform-json";

/** What a topology node stands for. */
export type TopologyNodeKind = "cluster" | "storage" | "gateway" | "onprem" | "task";
/** Where a node or group lives. */
export type TopologyPlace = "aws" | "azure" | "onprem";

/** A box of the picture. */
export interface TopologyNode {
  readonly id: string;
  readonly kind: TopologyNodeKind;
  /** Lines of text, the first one bold. */
  readonly lines: readonly string[];
  /** The network group it sits in, or the cloud group when none. */
  readonly parent: string;
}

/** A group box: a cloud, or a network (VPC/VNet) inside one. */
export interface TopologyGroup {
  readonly id: string;
  readonly title: string;
  readonly place: TopologyPlace;
  /** The cloud group a network sits in. @default - none (a cloud group) */
  readonly parent?: string;
}

/** A line between two nodes. */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "vpn" | "runs-on" | "mount";
  /** @default - none */
  readonly label?: string;
}

/** The whole app's topology. */
export interface Topology {
  readonly groups: readonly TopologyGroup[];
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

const ESCAPES: Readonly<Record<string, string>> = { "-": "_h", ".": "_d", "/": "_s", _: "_u" };
/**
 * A Mermaid/SVG-safe node ID from name parts, one-to-one: parts are joined by `__`, and every other
 * character than a letter or digit becomes `_` + a letter (`-` `_h`, `.` `_d`, `/` `_s`, `_` `_u`)
 * or `_x<hex>_`, so `team-a` and `team_a` never share an ID.
 */
export const id = (...parts: string[]) =>
  parts.map((p) => p.replace(/[^A-Za-z0-9]/gu, (c) => ESCAPES[c] ?? `_x${c.codePointAt(0)!.toString(16)}_`)).join("__");

function vpcOfSubnet(tf: TerraformJson, subnetRef: unknown): string | undefined {
  const ref = refTarget(Array.isArray(subnetRef) ? subnetRef[0] : subnetRef);
  const subnet = ref && findResource(tf, ref.type, ref.name);
  if (!subnet) return undefined;
  const parent = refTarget(subnet.args.vpc_id) ?? refTarget(subnet.args.virtual_network_name);
  return parent?.name;
}

/** Finds the network group of a stack output (`cross-stack-output-...`) another stack reads through remote state. */
export type RemoteNetworkResolver = (outputName: string) => string | undefined;

/** The name of the stack output a `data.terraform_remote_state` reference reads, e.g. `cross-stack-output-aws_subnet...id`. */
function remoteOutput(subnetRef: unknown): string | undefined {
  const v = Array.isArray(subnetRef) ? subnetRef[0] : subnetRef;
  return typeof v === "string" ? /\$\{data\.terraform_remote_state\.[^.}\s]+\.outputs\.([^.}\s]+)/.exec(v)?.[1] : undefined;
}

/** A resolver over every stack of an app: the VPC/VNet group of the subnet a stack output exports. */
function remoteNetworks(stacks: readonly { name: string; tf: TerraformJson }[]): RemoteNetworkResolver {
  return (outputName) => {
    for (const s of stacks) {
      const output = (s.tf.output as Record<string, { value?: unknown } | undefined> | undefined)?.[outputName];
      const net = output ? vpcOfSubnet(s.tf, output.value) : undefined;
      if (net) return id(s.name, net);
    }
    return undefined;
  };
}

function onlyOne(list: TfResource[]): string | undefined {
  return list.length === 1 ? list[0]!.name : undefined;
}

/**
 * The topology of one stack, with ids prefixed by the stack name. `remote` places clusters and
 * storage whose subnet comes from another stack (remote state) in that stack's network.
 */
export function stackTopology(stack: string, tf: TerraformJson, remote?: RemoteNetworkResolver): Topology {
  const groups: TopologyGroup[] = [];
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const est = estimateStack(tf);
  const vpcs = resourcesOf(tf, "aws_vpc");
  const vnets = resourcesOf(tf, "azurerm_virtual_network");
  for (const v of vpcs) groups.push({ id: id(stack, v.name), title: `VPC ${str(v.args.cidr_block) ?? "?"}  ${stack}/${ownerId(v)} (${awsRegion(tf, v) ?? "?"})`, place: "aws", parent: "aws" });
  for (const v of vnets) {
    const cidrs = Array.isArray(v.args.address_space) ? (v.args.address_space as string[]).join(", ") : "?";
    groups.push({ id: id(stack, v.name), title: `VNet ${cidrs}  ${stack}/${ownerId(v)} (${str(v.args.location) ?? "?"})`, place: "azure", parent: "azure" });
  }
  // The group of a subnet reference: the VPC/VNet of this stack, or of the stack that exports it.
  const networkOf = (subnetRef: unknown) => {
    const output = remoteOutput(subnetRef);
    if (output) return remote?.(output);
    const net = vpcOfSubnet(tf, subnetRef);
    return net ? id(stack, net) : undefined;
  };
  const inAws = (group: string | undefined) => group ?? (onlyOne(vpcs) ? id(stack, onlyOne(vpcs)!) : "aws");
  const inAzure = (group: string | undefined) => group ?? (onlyOne(vnets) ? id(stack, onlyOne(vnets)!) : "azure");
  // Topology node of each cluster, by its estimate name.
  const clusterNodes = new Map<string, string>();
  for (const asg of resourcesOf(tf, "aws_autoscaling_group")) {
    const c = est.clusters.find((x) => x.cloud === "aws" && x.name === ownerId(asg));
    if (!c) continue;
    const nid = id(stack, asg.name);
    clusterNodes.set(c.name, nid);
    nodes.push({ id: nid, kind: "cluster", parent: inAws(networkOf(asg.args.vpc_zone_identifier)), lines: [`${c.name}`, `${c.instanceType} x ${c.nodes}`, `${c.gpus} x ${c.accelerator ?? "?"}, ${c.fabricGbpsPerNode} Gbps/node`, `${c.zone ?? c.region}`] });
  }
  for (const s of resourcesOf(tf, "azurerm_linux_virtual_machine_scale_set")) {
    const c = est.clusters.find((x) => x.cloud === "azure" && x.name === ownerId(s));
    if (!c) continue;
    const nid = id(stack, s.name);
    clusterNodes.set(c.name, nid);
    const subnet = first(first(s.args.network_interface).ip_configuration).subnet_id;
    nodes.push({ id: nid, kind: "cluster", parent: inAzure(networkOf(subnet)), lines: [`${c.name}`, `${c.instanceType} x ${c.nodes}`, `${c.gpus} x ${c.accelerator ?? "?"}, ${c.fabricGbpsPerNode} Gbps/node`, c.region] });
  }
  const storageNodes: { nid: string; parent: string }[] = [];
  for (const fs of [...resourcesOf(tf, "aws_fsx_lustre_file_system"), ...resourcesOf(tf, "azurerm_managed_lustre_file_system")]) {
    const s = est.storage.find((x) => x.name === ownerId(fs) && (x.kind === "fsx-lustre") === (fs.type === "aws_fsx_lustre_file_system"));
    if (!s) continue;
    const aws = fs.type === "aws_fsx_lustre_file_system";
    const parent = aws ? inAws(networkOf(fs.args.subnet_ids)) : inAzure(networkOf(fs.args.subnet_id));
    const nid = id(stack, fs.name);
    storageNodes.push({ nid, parent });
    nodes.push({ id: nid, kind: "storage", parent, lines: [s.name, aws ? `FSx for Lustre ${s.tier}` : `Managed Lustre ${s.tier.replace(/^AMLFS-/, "")}`, `${s.capacityTiB.toFixed(1)} TiB, ${s.throughputGBps.toFixed(2)} GB/s`] });
  }
  for (const c of nodes.filter((n) => n.kind === "cluster")) {
    const fs = storageNodes.filter((s) => s.parent === c.parent);
    if (fs.length === 1) edges.push({ from: c.id, to: fs[0]!.nid, kind: "mount", label: "Lustre" });
  }
  for (const g of resourcesOf(tf, "aws_vpn_gateway")) {
    const vpcRef = refTarget(g.args.vpc_id);
    const attachment = resourcesOf(tf, "aws_vpn_gateway_attachment").find((a) => refTarget(a.args.vpn_gateway_id)?.name === g.name);
    const vpc = vpcRef?.name ?? refTarget(attachment?.args.vpc_id)?.name;
    nodes.push({ id: id(stack, g.name), kind: "gateway", parent: inAws(vpc ? id(stack, vpc) : undefined), lines: ["VPN gateway (VGW)", `ASN ${str(g.args.amazon_side_asn) ?? "?"}`] });
  }
  for (const g of resourcesOf(tf, "azurerm_virtual_network_gateway")) {
    const subnet = first(g.args.ip_configuration).subnet_id;
    nodes.push({ id: id(stack, g.name), kind: "gateway", parent: inAzure(networkOf(subnet)), lines: ["VPN gateway", `${str(g.args.sku) ?? "?"}${g.args.active_active ? ", active-active" : ""}`] });
  }
  // On-prem sites: customer / local network gateways that are not the other cloud's gateway, merged by address.
  const sites = new Map<string, { lines: string[]; cidrs: Set<string> }>();
  const siteId = (r: TfResource) => id("onprem", str(r.args.ip_address) ?? str(r.args.gateway_address) ?? r.name);
  for (const cgw of resourcesOf(tf, "aws_customer_gateway").filter((c) => !azureGatewayBehind(tf, c))) {
    const site = sites.get(siteId(cgw)) ?? { lines: [onPremName(cgw), `BGP ASN ${str(cgw.args.bgp_asn) ?? "?"}`], cidrs: new Set<string>() };
    sites.set(siteId(cgw), site);
  }
  const lngs = resourcesOf(tf, "azurerm_local_network_gateway").filter((l) => refTarget(l.args.gateway_address)?.type !== "aws_vpn_connection");
  for (const lng of lngs) {
    const site = sites.get(siteId(lng)) ?? { lines: [onPremName(lng)], cidrs: new Set<string>() };
    for (const c of (lng.args.address_space as string[] | undefined) ?? []) site.cidrs.add(c);
    sites.set(siteId(lng), site);
  }
  for (const [sid, s] of sites) nodes.push({ id: sid, kind: "onprem", parent: "onprem", lines: [...s.lines, ...(s.cidrs.size ? [[...s.cidrs].join(", ")] : [])] });
  // VPN edges.
  for (const l of est.links) {
    const vgw = resourcesOf(tf, "aws_vpn_gateway").find((g) => ownerId(g) === l.from);
    if (!vgw) continue;
    const vpn = resourcesOf(tf, "aws_vpn_connection").find((v) => {
      const cgwRef = refTarget(v.args.customer_gateway_id);
      const cgw = cgwRef && findResource(tf, cgwRef.type, cgwRef.name);
      if (!cgw) return false;
      const az = azureGatewayBehind(tf, cgw);
      return l.toKind === "azure" ? az !== undefined && l.to.startsWith(ownerId(az)) : !az && onPremName(cgw) === l.to;
    });
    const cgwRef = vpn && refTarget(vpn.args.customer_gateway_id);
    const cgw = cgwRef && findResource(tf, cgwRef.type, cgwRef.name);
    if (!cgw) continue;
    const az = azureGatewayBehind(tf, cgw);
    edges.push({ from: id(stack, vgw.name), to: az ? id(stack, az.name) : siteId(cgw), kind: "vpn", label: `${l.tunnels} tunnels, ${l.gbps} Gbps` });
  }
  for (const conn of resourcesOf(tf, "azurerm_virtual_network_gateway_connection")) {
    const lngRef = refTarget(conn.args.local_network_gateway_id);
    const lng = lngs.find((x) => x.name === lngRef?.name);
    const gw = refTarget(conn.args.virtual_network_gateway_id);
    if (lng && gw) edges.push({ from: id(stack, gw.name), to: siteId(lng), kind: "vpn", label: "IPsec" });
  }
  for (const [name, meta] of Object.entries(taskMetadata(tf))) {
    const tid = id(stack, "task", name);
    const t = est.tasks.find((x) => x.name === name);
    const own = t?.clusters ?? [];
    // The task sits in the cloud of its clusters (else of its chosen placement, "... in azure eastus ...").
    const place = est.clusters.find((c) => c.name === own[0])?.cloud ?? (/ in azure /.test(str(meta.chosen) ?? "") ? "azure" : "aws");
    nodes.push({ id: tid, kind: "task", parent: place, lines: [`task ${name}`, `stack ${stack}`, ...(t ? [`max ${t.maxRuntimeHours} h, ~$${t.usd.toFixed(0)}, ${t.kgCo2e.toFixed(0)} kgCO2e`] : [])] });
    for (const c of own) {
      const nid = clusterNodes.get(c);
      if (nid) edges.push({ from: tid, to: nid, kind: "runs-on", label: "runs on" });
    }
  }
  return { groups, nodes, edges };
}

const CLOUD_TITLES: Record<TopologyPlace, string> = { aws: "AWS", azure: "Azure", onprem: "On-prem" };

/** The topology of every stack of an app, with one group per cloud that has something in it. */
export function appTopology(stacks: readonly { name: string; tf: TerraformJson }[]): Topology {
  const remote = remoteNetworks(stacks);
  const parts = stacks.map((s) => stackTopology(s.name, s.tf, remote));
  const groups = parts.flatMap((p) => p.groups);
  const nodes = parts.flatMap((p) => p.nodes).filter((n, i, all) => all.findIndex((m) => m.id === n.id) === i);
  const places = new Set<TopologyPlace>([...groups.map((g) => g.place), ...nodes.map((n) => (groups.find((g) => g.id === n.parent)?.place ?? n.parent) as TopologyPlace)]);
  const clouds = (["aws", "onprem", "azure"] as const).filter((p) => places.has(p)).map((p) => ({ id: p, title: CLOUD_TITLES[p], place: p }));
  return { groups: [...clouds, ...groups], nodes, edges: parts.flatMap((p) => p.edges) };
}

// ---------------------------------------------------------------- Mermaid

/** Label text for Mermaid: `#` would start an entity code, `"` would end the label. */
const mermaidText = (s: string) => s.replace(/#/g, "#35;").replace(/"/g, "#quot;");

/** The topology as a Mermaid flowchart (a Markdown file with one fenced block). */
export function toMermaid(t: Topology): string {
  const lines = ["flowchart LR"];
  const render = (parent: string | undefined, depth: number) => {
    const pad = "  ".repeat(depth);
    for (const g of t.groups.filter((x) => x.parent === parent && (parent !== undefined || x.parent === undefined))) {
      lines.push(`${pad}subgraph ${g.id}["${mermaidText(g.title)}"]`);
      for (const n of t.nodes.filter((x) => x.parent === g.id)) {
        const text = n.lines.map(mermaidText).join("<br/>");
        lines.push(`${pad}  ${n.id}${n.kind === "storage" ? `[("${text}")]` : n.kind === "onprem" ? `[/"${text}"/]` : n.kind === "task" ? `(["${text}"])` : `["${text}"]`}`);
      }
      render(g.id, depth + 1);
      lines.push(`${pad}end`);
    }
  };
  render(undefined, 1);
  for (const e of t.edges) {
    const arrow = e.kind === "vpn" ? "<-.->" : e.kind === "runs-on" ? "-.->" : "---";
    lines.push(`  ${e.from} ${arrow}${e.label ? `|"${mermaidText(e.label)}"|` : ""} ${e.to}`);
  }
  return ["# Topology", "", "Generated by `hgpu synth` from the synthesized Terraform JSON.", "", "```mermaid", ...lines, "```", ""].join("\n");
}

// ---------------------------------------------------------------- SVG

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
const NODE_FILL: Record<TopologyNodeKind, string> = { cluster: "#fde68a", storage: "#bbf7d0", gateway: "#ddd6fe", onprem: "#e5e7eb", task: "#fecaca" };
const EDGE_STYLE: Record<TopologyEdge["kind"], string> = {
  vpn: 'stroke="#7c3aed" stroke-width="2.5" stroke-dasharray="7 4"',
  "runs-on": 'stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="2 4"',
  mount: 'stroke="#15803d" stroke-width="2"',
};

/** Escapes text for XML, dropping the characters XML 1.0 does not allow. */
export function xmlEscape(s: string): string {
  return s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
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
    const members = [...t.nodes.filter((n) => n.parent === gid).map((n) => nodes.get(n.id)!), ...t.groups.filter((x) => x.parent === gid).flatMap((x) => boxOf(x.id) ?? [])];
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

function legend(x: number, y: number): { svg: string; width: number; height: number } {
  const items: string[] = [];
  const kinds: [TopologyNodeKind, string][] = [["cluster", "GPU cluster (type x nodes)"], ["storage", "Lustre storage"], ["gateway", "VPN gateway"], ["onprem", "on-prem site"], ["task", "GpuTask stack"]];
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
  const leg = legend(minX + 20, maxY + 10);
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

/** Writes `topology.svg` and `topology.md` (Mermaid) for every stack of a cdktf output folder; returns their paths. */
export function writeTopologyFiles(outdir: string, stacks: readonly { name: string; tf: TerraformJson }[]): { svg: string; markdown: string } {
  const t = appTopology(stacks);
  const svg = join(outdir, "topology.svg");
  const markdown = join(outdir, "topology.md");
  writeFileSync(svg, toSvg(t, `Topology of ${stacks.map((s) => s.name).join(", ")}`));
  writeFileSync(markdown, toMermaid(t));
  return { svg, markdown };
}
