/**
 * The topology of a whole synthesized app as a graph (pure): clouds, networks, clusters, storage,
 * VPN links, on-prem sites with their owned GPU pools, task stacks. `topology-mermaid.ts` and
 * `topology-svg.ts` draw it.
 */
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
