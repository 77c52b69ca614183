/**
 * The topology of a whole synthesized app as a graph (pure): clouds, networks, clusters, storage,
 * VPN links, on-prem sites with their owned GPU pools, task stacks. `topology-mermaid.ts` and
 * `topology-svg.ts` draw it.
 */
import { poolRecords } from "../onprem/pool-record";
import { estimateStack, onPremName, azureGatewayBehind, ownedTask } from "./estimate";
import { findResource, first, ownerId, refTarget, resourcesOf, str, awsRegion, taskMetadata, type TerraformJson, type TfResource } from "./terraform-json";

/** What a topology node stands for. */
export type TopologyNodeKind = "cluster" | "storage" | "gateway" | "onprem" | "pool" | "task";
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

/** A group box: a cloud, a network (VPC/VNet) inside one, or an on-prem site holding its VPN device and its pools. */
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

/** The on-prem ends of a stack's VPN connections: customer and local network gateways that are not the other cloud's gateway. */
function onPremEnds(tf: TerraformJson): { r: TfResource; address: string }[] {
  const cgws = resourcesOf(tf, "aws_customer_gateway").filter((c) => !azureGatewayBehind(tf, c));
  const lngs = resourcesOf(tf, "azurerm_local_network_gateway").filter((l) => refTarget(l.args.gateway_address)?.type !== "aws_vpn_connection");
  return [...cgws, ...lngs].map((r) => ({ r, address: str(r.args.ip_address) ?? str(r.args.gateway_address) ?? r.name }));
}

/** The group box of the site whose VPN device has `address` (sites are merged by address, as their devices). */
const siteGroup = (address: string) => id("site", address);

/** Where an app's on-prem sites are drawn: the group of a site construct (by stack and path), and a site's name (its pools say it). */
export interface SiteResolver {
  groupOf(stack: string, sitePath: string): string | undefined;
  nameOf(group: string): string | undefined;
}

/** A resolver over every stack of an app. */
function siteIndex(stacks: readonly { name: string; tf: TerraformJson }[]): SiteResolver {
  const groups = new Map<string, string>();
  for (const s of stacks) for (const e of onPremEnds(s.tf)) if (!groups.has(`${s.name}/${ownerId(e.r)}`)) groups.set(`${s.name}/${ownerId(e.r)}`, siteGroup(e.address));
  const names = new Map<string, string>();
  for (const s of stacks) {
    for (const p of poolRecords(s.tf).pools) {
      const g = groups.get(`${p.site.stack}/${p.site.path}`);
      if (g && !names.has(g)) names.set(g, p.site.name);
    }
  }
  return { groupOf: (stack, path) => groups.get(`${stack}/${path}`), nameOf: (g) => names.get(g) };
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
 * storage whose subnet comes from another stack (remote state) in that stack's network; `sites`
 * places pools whose site another stack declares in that site's box.
 */
export function stackTopology(
  stack: string,
  tf: TerraformJson,
  remote?: RemoteNetworkResolver,
  sites: SiteResolver = siteIndex([{ name: stack, tf }]),
): Topology {
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
  // On-prem sites: a box per VPN device (merged by address) holding the device and the site's pools.
  const devices = new Map<string, { lines: string[]; cidrs: Set<string>; address: string; owner: string }>();
  const siteId = (r: TfResource) => id("onprem", str(r.args.ip_address) ?? str(r.args.gateway_address) ?? r.name);
  for (const { r, address } of onPremEnds(tf)) {
    const cgw = r.type === "aws_customer_gateway";
    const device = devices.get(siteId(r)) ?? { lines: [onPremName(r), ...(cgw ? [`BGP ASN ${str(r.args.bgp_asn) ?? "?"}`] : [])], cidrs: new Set<string>(), address, owner: ownerId(r) };
    for (const c of cgw ? [] : ((r.args.address_space as string[] | undefined) ?? [])) device.cidrs.add(c);
    devices.set(siteId(r), device);
  }
  const lngs = onPremEnds(tf).map((e) => e.r).filter((r) => r.type === "azurerm_local_network_gateway");
  for (const [sid, d] of devices) {
    const group = siteGroup(d.address);
    const name = sites.nameOf(group);
    groups.push({ id: group, title: `site ${name ? `${name} (${stack}/${d.owner})` : `${stack}/${d.owner}`}`, place: "onprem", parent: "onprem" });
    nodes.push({ id: sid, kind: "onprem", parent: group, lines: [...d.lines, ...(d.cidrs.size ? [[...d.cidrs].join(", ")] : [])] });
  }
  // Owned GPU pools, in their site's box (a box of the site's name when no stack draws the site).
  for (const p of poolRecords(tf).pools) {
    let group = sites.groupOf(p.site.stack, p.site.path);
    if (!group) {
      group = id("site", "name", p.site.name);
      if (!groups.some((g) => g.id === group)) groups.push({ id: group, title: `site ${p.site.name}`, place: "onprem", parent: "onprem" });
    }
    const fabric = p.fabric.kind === "none" ? "no fabric" : `${p.fabric.kind} ${p.fabric.gbpsPerNode} Gbps/node`;
    nodes.push({ id: id("pool", p.name), kind: "pool", parent: group, lines: [`pool ${p.name}`, `Slurm ${p.scheduler.partition}: ${p.nodes} x ${p.gpusPerNode} x ${p.accelerator}`, fabric, `$${p.usdPerGpuHour}/GPU-h, PUE ${p.pue}, ${p.gridKgCo2ePerKwh} kgCO2e/kWh`] });
  }
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
    // The task sits in the cloud of its clusters (else of its chosen placement, "... in azure eastus ..."), or on-prem with its pool.
    const pool = ownedTask(meta);
    const place = pool ? "onprem" : est.clusters.find((c) => c.name === own[0])?.cloud ?? (/ in azure /.test(str(meta.chosen) ?? "") ? "azure" : "aws");
    nodes.push({ id: tid, kind: "task", parent: place, lines: [`task ${name}`, `stack ${stack}`, ...(t ? [`max ${t.maxRuntimeHours} h, ~$${t.usd.toFixed(0)}, ${t.kgCo2e.toFixed(0)} kgCO2e`] : [])] });
    for (const c of own) {
      const nid = clusterNodes.get(c);
      if (nid) edges.push({ from: tid, to: nid, kind: "runs-on", label: "runs on" });
    }
    if (pool) edges.push({ from: tid, to: id("pool", pool.pool), kind: "runs-on", label: "runs on" });
  }
  return { groups, nodes, edges };
}

const CLOUD_TITLES: Record<TopologyPlace, string> = { aws: "AWS", azure: "Azure", onprem: "On-prem" };

/** The topology of every stack of an app, with one group per cloud that has something in it. */
export function appTopology(stacks: readonly { name: string; tf: TerraformJson }[]): Topology {
  const remote = remoteNetworks(stacks);
  const sites = siteIndex(stacks);
  const parts = stacks.map((s) => stackTopology(s.name, s.tf, remote, sites));
  const groups = parts.flatMap((p) => p.groups).filter((g, i, all) => all.findIndex((h) => h.id === g.id) === i);
  const nodes = parts.flatMap((p) => p.nodes).filter((n, i, all) => all.findIndex((m) => m.id === n.id) === i);
  const placeOf = (n: TopologyNode) => (groups.find((g) => g.id === n.parent)?.place ?? n.parent) as TopologyPlace;
  const places = new Set<TopologyPlace>([...groups.map((g) => g.place), ...nodes.map(placeOf)]);
  const clouds = (["aws", "onprem", "azure"] as const).filter((p) => places.has(p)).map((p) => ({ id: p, title: CLOUD_TITLES[p], place: p }));
  // An edge to a box no stack drew (a task's pool in a stack left out) is left out too.
  const drawn = new Set(nodes.map((n) => n.id));
  return { groups: [...clouds, ...groups], nodes, edges: parts.flatMap((p) => p.edges).filter((e) => drawn.has(e.from) && drawn.has(e.to)) };
}
