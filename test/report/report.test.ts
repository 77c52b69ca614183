import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../examples/hybrid-training/main";
import { getOffering } from "../../lib/catalog/catalog";
import { estimateStack, taskMaxRuntime } from "../../lib/report/estimate";
import { nodePowerWatts } from "../../lib/report/rates";
import { formatEstimate, formatReport, joinReferenced, linksOthers, readOutdir, referencedStacks, reportOutdir, reportStacks, topologyStacks, type AppReport } from "../../lib/report/report";
import { appTopology, id, toMermaid, toSvg, writeTopologyFiles, xmlEscape } from "../../lib/report/topology";
import { hgpu } from "../bin/cli";

let out: string;
let report: AppReport;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "hgpu-report-"));
  buildApp(new App({ outdir: out })).synth();
  report = reportOutdir(out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const stack = (name: string) => report.stacks.find((s) => s.name === name)!.estimate;

describe("cost of the hybrid example, by hand from the catalog and service-prices.json", () => {
  it("prices compute, storage and gateways", () => {
    const e = stack("hybrid-training");
    // compute: 8 x g5.12xlarge on demand in us-east-1 at $5.672, 4 x Standard_ND40rs_v2 in eastus at $22.032
    expect(getOffering("g5.12xlarge")!.locations.find((l) => l.region === "us-east-1")!.usdPerHour).toBe(5.672);
    expect(e.clusters.map((c) => [c.name, c.instanceType, c.nodes, c.usdPerHour])).toEqual([
      ["aws-training", "g5.12xlarge", 8, 45.376],
      ["azure-training", "Standard_ND40rs_v2", 4, 88.128],
    ]);
    // storage: FSx PERSISTENT_2 250 MB/s/TiB, 4800 GiB x $0.21/GB-month / 730 h; AMLFS Premium-250, 16 TiB x $0.41/TiB-h
    const fsx = (4800 * 0.21) / 730;
    expect(e.storage.map((s) => [s.name, s.capacityTiB, s.throughputGBps, s.usdPerHour])).toEqual([
      ["aws-data", 4.6875, 1.172, Math.round(fsx * 1e4) / 1e4],
      ["azure-data", 16, 4, 6.56],
    ]);
    // gateways: 2 AWS NAT x $0.045, VpnGw2AZ $0.564, 1 Azure NAT $0.045 (the VPN connections are the links stack's)
    const gw = 2 * 0.045 + 0.564 + 0.045;
    expect(e.cost.computeUsdPerHour).toBeCloseTo(45.376 + 88.128, 4);
    expect(e.cost.storageUsdPerHour).toBeCloseTo(fsx + 6.56, 3);
    expect(e.cost.gatewaysUsdPerHour).toBeCloseTo(gw, 4);
    expect(e.cost.totalUsdPerHour).toBeCloseTo(45.376 + 88.128 + fsx + 6.56 + gw, 3);
  });
  it("describes clouds, zones, clusters and links", () => {
    const e = stack("hybrid-training");
    expect(e.clouds).toEqual(["aws", "azure"]);
    expect(e.regions).toEqual(["aws:us-east-1", "azure:eastus"]);
    expect(e.clusters.map((c) => [c.gpus, c.accelerator, c.fabricGbpsPerNode])).toEqual([[32, "A10G", 40], [32, "V100-32GB", 100]]);
    expect(e.links).toEqual([]);
  });
  it("reads the links stack with the networks' stack it references: its links end at the networks' gateways", () => {
    const e = stack("hybrid-links");
    // Both links end on the one VGW, which has no ECMP: one tunnel at a time, 1.25 Gbit/s per VGW
    // (4 tunnels to the Azure gateway, 2 to the data centre, for availability only)
    expect(e.links.map((l) => [l.from, l.to, l.tunnels, l.gbps])).toEqual([
      ["aws-network/vpn-gateway", "azure-network/vpn-gateway (VpnGw2AZ)", 4, 1.25],
      ["aws-network/vpn-gateway", "datacentre (var.datacentre_vpn_public_ip)", 2, 1.25],
    ]);
    expect(e.links[1]!.note).toBe("one tunnel at a time: a VGW has no ECMP, 1.25 Gbit/s per VGW, shared by the VGW's 2 links");
    expect([e.clouds, e.regions]).toEqual([["aws", "azure"], ["aws:us-east-1", "azure:eastus"]]);
    // Priced from its own resources: 3 VPN connections x $0.05, nothing of the networks' stack.
    expect(e.gateways.map((g) => g.kind)).toEqual(["aws-vpn-connection", "aws-vpn-connection", "aws-vpn-connection"]);
    expect(e.cost.totalUsdPerHour).toBeCloseTo(3 * 0.05, 4);
    expect([e.clusters, e.storage]).toEqual([[], []]);
  });
});

describe("energy and carbon", () => {
  it("one cluster, by hand: nodes x (GPUs x TDP + 3.5 W/vCPU + 0.392 W/GiB) x 1.1, x the us-east-1 factor", () => {
    // g5.12xlarge: 4 x A10G at 300 W, 48 vCPUs, 192 GiB
    const nodeW = (4 * 300 + 48 * 3.5 + 192 * 0.392) * 1.1;
    expect(nodePowerWatts(getOffering("g5.12xlarge")!).totalWatts).toBeCloseTo(nodeW, 6);
    const c = stack("hybrid-training").clusters[0]!;
    expect(c.powerKw).toBeCloseTo((8 * nodeW) / 1000, 3);
    expect(c.gridKgPerKwh).toBe(0.379069); // CCF: us-east-1 = NERC SERC 0.000379069 t/kWh
    expect(c.kgCo2ePerHour).toBeCloseTo((8 * nodeW * 0.379069) / 1000, 3);
  });
  it("a task's estimate covers its whole maxRuntime (12 h, from the task's maxRuntimeMinutes)", () => {
    const e = stack("training-task");
    expect(e.tasks).toHaveLength(1);
    const t = e.tasks[0]!;
    expect([t.name, t.maxRuntimeHours, t.maxRuntimeFrom, t.scope, t.clusters]).toEqual(["neural-network-training", 12, "maxRuntimeMinutes", "task", ["task/cluster"]]);
    // The stack holds only the task, so the task's own parts are the whole stack.
    expect(t.usdPerHour).toBeCloseTo(e.cost.totalUsdPerHour, 4);
    expect(t.usd).toBeCloseTo(e.cost.totalUsdPerHour * 12, 1);
    expect(t.kwh).toBeCloseTo(e.powerKw * 12, 1);
    expect(t.kgCo2e).toBeCloseTo(e.kgCo2ePerHour * 12, 1);
  });
  it("prefers an explicit maxRuntimeMinutes", () => {
    expect(taskMaxRuntime({ maxRuntimeMinutes: 90, deadline: "720 minutes after apply" })).toEqual({ minutes: 90, from: "maxRuntimeMinutes" });
    expect(taskMaxRuntime({ deadline: "soon" })).toBeUndefined();
  });
  it("spot ASGs are priced at the spot price", () => {
    const tf = {
      provider: { aws: [{ region: "us-east-1" }] },
      resource: {
        aws_launch_template: { lt: { instance_type: "p4d.24xlarge" } },
        aws_autoscaling_group: { asg: { desired_capacity: 2, mixed_instances_policy: { instances_distribution: { on_demand_percentage_above_base_capacity: 0 }, launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.lt.id}" } } } } },
      },
    };
    const c = estimateStack(tf).clusters[0]!;
    const spot = Math.min(...getOffering("p4d.24xlarge")!.locations.filter((l) => l.region === "us-east-1" && l.spotUsdPerHour !== undefined).map((l) => l.spotUsdPerHour!));
    expect(c.spot).toBe(true);
    expect(c.usdPerHour).toBeCloseTo(2 * spot, 4);
  });
  it("without the task's construct path (older JSON), a task gets the whole stack, with a warning", () => {
    const e = estimateStack({ ...p4d({ desired_capacity: 2 }), "//": { hgpu_tasks: { old: { maxRuntimeMinutes: 60 } } } });
    expect(e.tasks[0]).toMatchObject({ scope: "stack", clusters: ["asg"], usdPerHour: e.cost.totalUsdPerHour });
    expect(e.warnings).toContain("task old: no construct path in its metadata (synthesized by an older version): its estimate is the whole stack's");
  });
});

/** A stack with one p4d Auto Scaling group in us-east-1 (no subnet, so priced at the region's cheapest zone). */
function p4d(asg: Record<string, unknown>, lt: Record<string, unknown> = {}) {
  return {
    provider: { aws: [{ region: "us-east-1" }] },
    resource: {
      aws_launch_template: { lt: { instance_type: "p4d.24xlarge", ...lt } },
      aws_autoscaling_group: { asg: { launch_template: { id: "${aws_launch_template.lt.id}" }, ...asg } },
    },
  };
}
const mixed = (distribution: Record<string, unknown>) => ({
  mixed_instances_policy: { instances_distribution: distribution, launch_template: { launch_template_specification: { launch_template_id: "${aws_launch_template.lt.id}" } } },
});

describe("spot and Capacity Block pricing", () => {
  // The catalog's p4d.24xlarge in us-east-1: one on-demand price everywhere, the cheapest spot price in use1-az2.
  const o = getOffering("p4d.24xlarge")!;
  const onDemand = 21.957642;
  const spot = 6.5323;

  it("prices the on-demand base at the on-demand rate and only the nodes above it at spot", () => {
    const c = estimateStack(p4d({ desired_capacity: 4, ...mixed({ on_demand_base_capacity: 2, on_demand_percentage_above_base_capacity: 0 }) })).clusters[0]!;
    expect([c.spot, c.spotNodes]).toEqual([true, 2]);
    expect(c.usdPerHour).toBeCloseTo(2 * onDemand + 2 * spot, 4);
    expect(c.priceBasis).toMatch(/^catalog 2 on-demand us-east-1\/use1-az\d \+ 2 spot us-east-1\/use1-az\d$/);
  });
  it("splits the nodes above the base by the on-demand percentage", () => {
    const c = estimateStack(p4d({ desired_capacity: 4, ...mixed({ on_demand_percentage_above_base_capacity: 50 }) })).clusters[0]!;
    expect(c.spotNodes).toBe(2);
    expect(c.usdPerHour).toBeCloseTo(2 * onDemand + 2 * spot, 4);
    expect(formatEstimate(estimateStack(p4d({ desired_capacity: 4, ...mixed({ on_demand_percentage_above_base_capacity: 50 }) }))).join("\n")).toMatch(/asg\s+p4d\.24xlarge x 4 \(2 spot\)/);
  });
  it.for([
    [150, 0],
    [-50, 4],
  ] as const)("clamps an out-of-range on-demand percentage (%i) to all or none on spot", ([percentage, spotNodes]) => {
    const c = estimateStack(p4d({ desired_capacity: 4, ...mixed({ on_demand_percentage_above_base_capacity: percentage }) })).clusters[0]!;
    expect(c.spotNodes).toBe(spotNodes);
    expect(c.usdPerHour).toBeCloseTo(spotNodes * spot + (4 - spotNodes) * onDemand, 4);
  });
  it("a base as large as the group is all on demand", () => {
    const c = estimateStack(p4d({ desired_capacity: 2, ...mixed({ on_demand_base_capacity: 2, on_demand_percentage_above_base_capacity: 0 }) })).clusters[0]!;
    expect([c.spot, c.spotNodes]).toEqual([false, 0]);
    expect(c.usdPerHour).toBeCloseTo(2 * onDemand, 4);
  });
  it("a launch template asking for the spot market prices every node at spot", () => {
    const c = estimateStack(p4d({ desired_capacity: 3 }, { instance_market_options: { market_type: "spot" } })).clusters[0]!;
    expect([c.spot, c.spotNodes]).toEqual([true, 3]);
    expect(c.usdPerHour).toBeCloseTo(3 * spot, 4);
  });
  it("a type the catalog lacks stays unpriced, on demand or mixed", () => {
    for (const asg of [{ desired_capacity: 2 }, { desired_capacity: 2, ...mixed({ on_demand_percentage_above_base_capacity: 50 }) }]) {
      const e = estimateStack(p4d(asg, { instance_type: "x9.mega" }));
      expect([e.clusters[0]!.priceBasis, e.clusters[0]!.usdPerHour]).toEqual(["unpriced", 0]);
      expect(e.warnings).toContain("cluster asg: no catalog price for x9.mega in us-east-1");
    }
  });
  it("a Capacity Block is left unpriced with a warning, its power still counted", () => {
    const e = estimateStack(p4d({ desired_capacity: 2 }, { instance_market_options: { market_type: "capacity-block" } }));
    const c = e.clusters[0]!;
    expect([c.capacityBlock, c.usdPerNodeHour, c.usdPerHour, c.priceBasis]).toEqual([true, undefined, 0, "unpriced (capacity block)"]);
    expect(c.powerKw).toBeCloseTo((2 * nodePowerWatts(o).totalWatts) / 1000, 3);
    expect(e.cost.computeUsdPerHour).toBe(0);
    expect(e.warnings).toEqual(["cluster asg: a Capacity Block for ML, paid up front at the block's own rate: unpriced (power and carbon are counted)"]);
    expect(formatEstimate(e).join("\n")).toMatch(/asg\s+p4d\.24xlarge x 2 \(capacity block\)\s+16 x A100\s+400 Gbps\s+unpriced \(capacity block\)/);
  });
});

/** AWS VPN connections (2 tunnels each) from a gateway resource to one customer gateway. */
function vpns(gateway: Record<string, Record<string, unknown>>, connections: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const [type, name] = Object.keys(gateway)[0]!.split(".") as [string, string];
  const arg = type === "aws_vpn_gateway" ? "vpn_gateway_id" : "transit_gateway_id";
  return {
    provider: { aws: [{ region: "us-east-1" }] },
    resource: {
      [type]: { [name]: Object.values(gateway)[0] },
      aws_customer_gateway: { dc: { ip_address: "${var.dc_ip}", bgp_asn: "65100" } },
      aws_vpn_connection: Object.fromEntries(connections.map((c, i) => [`vpn${i}`, { [arg]: `\${${type}.${name}.id}`, customer_gateway_id: "${aws_customer_gateway.dc.id}", ...c }])),
      ...extra,
    },
  };
}

describe("VPN bandwidth", () => {
  it("a virtual private gateway carries 1.25 Gbit/s whatever its tunnels: it has no ECMP", () => {
    const [l] = estimateStack(vpns({ "aws_vpn_gateway.vgw": {} }, [{}, {}])).links;
    expect([l!.tunnels, l!.gbps, l!.note]).toEqual([4, 1.25, "one tunnel at a time: a VGW has no ECMP, 1.25 Gbit/s per VGW"]);
  });
  it("a VGW to a VpnGw5AZ gateway (10 Gbit/s) still carries 1.25", () => {
    const tf = vpns({ "aws_vpn_gateway.vgw": {} }, [{ customer_gateway_id: "${aws_customer_gateway.az0.id}" }, { customer_gateway_id: "${aws_customer_gateway.az1.id}" }], {
      aws_customer_gateway: { az0: { ip_address: "${azurerm_public_ip.ip0.ip_address}" }, az1: { ip_address: "${azurerm_public_ip.ip1.ip_address}" } },
      azurerm_public_ip: { ip0: {}, ip1: {} },
      azurerm_virtual_network_gateway: { gw: { sku: "VpnGw5AZ", generation: "Generation2", ip_configuration: [{ public_ip_address_id: "${azurerm_public_ip.ip0.id}" }, { public_ip_address_id: "${azurerm_public_ip.ip1.id}" }] } },
    });
    expect(estimateStack(tf).links.map((l) => [l.to, l.tunnels, l.gbps])).toEqual([["gw (VpnGw5AZ)", 4, 1.25]]);
  });
  it("transit gateway attachments with BGP add up their tunnels with ECMP", () => {
    const [l] = estimateStack(vpns({ "aws_ec2_transit_gateway.tgw": {} }, [{}, {}])).links;
    expect([l!.tunnels, l!.gbps, l!.note]).toEqual([4, 5, "4 x 1.25 Gbit/s per tunnel with ECMP (transit gateway)"]);
  });
  it("a transit gateway without ECMP (static routes, or vpn_ecmp_support disabled) carries one tunnel's 1.25", () => {
    expect(estimateStack(vpns({ "aws_ec2_transit_gateway.tgw": {} }, [{ static_routes_only: true }, {}])).links[0]!.gbps).toBe(1.25);
    expect(estimateStack(vpns({ "aws_ec2_transit_gateway.tgw": { vpn_ecmp_support: "disable" } }, [{}, {}])).links[0]!.gbps).toBe(1.25);
  });
});

describe("topology", () => {
  it("writes a well-formed, non-trivial SVG and a Mermaid file", () => {
    const files = writeTopologyFiles(out, topologyStacks(readOutdir(out)));
    const svg = readFileSync(files.svg, "utf8");
    expect(svg.startsWith("<?xml")).toBe(true);
    // well-formed: every opened element is closed (no unescaped & or < in text)
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    const tags = [...svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)].filter((m) => m[2] !== "xml");
    const open: string[] = [];
    for (const [, close, name, self] of tags) {
      if (self) continue;
      if (close) expect(open.pop()).toBe(name);
      else open.push(name!);
    }
    expect(open).toEqual([]);
    for (const s of ["10.10.0.0/16", "10.20.0.0/16", "10.0.0.0/16", "g5.12xlarge x 8", "Standard_ND40rs_v2 x 4", "g5.48xlarge x 4", "192.168.0.0/16", "4 tunnels, 1.25 Gbps", "Legend"]) expect(svg).toContain(s);
    const md = readFileSync(files.markdown, "utf8");
    expect(md).toContain("```mermaid\nflowchart LR");
    expect(md).toMatch(/subgraph aws\["AWS"\]/);
    expect(md).toMatch(/subgraph hybrid_htraining__aws_hnetwork_uvpc_u\w+\["VPC 10\.10\.0\.0\/16/);
    expect(md).toMatch(/hybrid_htraining__aws_hnetwork_uvpn_hgateway_uvgw_u\w+ <-\.->\|"4 tunnels, 1\.25 Gbps"\| hybrid_htraining__azure_hnetwork_uvpn_hgateway_u\w+/);
    expect(md).toMatch(/hybrid_htraining__azure_hnetwork_uvpn_hgateway_u\w+ <-\.->\|"IPsec"\| onprem__/);
    // The links stack is drawn with the networks it links, not as a stack of its own with remote-state "sites".
    expect(md).not.toContain("terraform_remote_state");
    expect(md).not.toContain("hybrid_hlinks");
    expect(md).toContain("g5.12xlarge x 8");
  });
  it("node IDs are one-to-one: names differing only in - _ . / never share one", () => {
    expect(new Set([id("team-a"), id("team_a"), id("team.a"), id("team/a"), id("team", "a"), id("team__a")]).size).toBe(6);
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), (a, b) => {
      expect(id(...a) === id(...b)).toBe(a.length === b.length && a.every((p, i) => p === b[i]));
      expect(id(...a)).toMatch(/^[A-Za-z0-9_]*$/);
    }));
  });
  it("label text cannot break out of XML or Mermaid", () => {
    expect(xmlEscape('a\u0007<b> & "c"')).toBe("a&lt;b&gt; &amp; &quot;c&quot;");
    const t = { groups: [{ id: "aws", title: "AWS", place: "aws" as const }], nodes: [{ id: "n", kind: "cluster" as const, lines: ['say "hi" #1'], parent: "aws" }], edges: [] };
    expect(toMermaid(t)).toContain('n["say #quot;hi#quot; #35;1"]');
  });
  it("an empty app gives a small, valid SVG", () => {
    const svg = toSvg(appTopology([{ name: "empty", tf: { resource: {} } }]));
    expect(svg).not.toMatch(/Infinity|NaN/);
    const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!;
    // 300 x 60 for the title and the note, then the legend (36 + 8 rows x 22) and 30 of margin
    expect([Number(w), Number(h)]).toEqual([300, 60 + 36 + 8 * 22 + 30]);
    expect(svg).toMatch(/viewBox="-20 -50 300 \d+"/);
    expect(svg).toContain(">nothing to draw</text>");
  });
  it("groups nodes per cloud", () => {
    const t = appTopology(topologyStacks(readOutdir(out)));
    expect(t.groups.filter((g) => !g.parent).map((g) => g.id)).toEqual(["aws", "onprem", "azure"]);
    expect(toMermaid(t)).toContain("task neural-network-training");
    expect(toSvg(t)).toContain("task neural-network-training");
  });
});

describe("text and --json", () => {
  it("formats tables with the sources", () => {
    const text = formatReport(report);
    expect(text).toContain("  clusters:");
    expect(text).toMatch(/aws-training\s+g5\.12xlarge x 8\s+32 x A10G\s+40 Gbps\s+\$45\.38/);
    expect(text).toMatch(/cost \(whole stack\): \$\d+\.\d\d\/h = compute \$133\.50 \+ storage \$7\.94 \+ gateways \$0\.70/);
    expect(text).toContain("  cost (whole stack): $142.14/h = compute $133.50 + storage $7.94 + gateways $0.70 (2 AWS NAT gateways, 1 Azure VPN gateway, 1 Azure NAT gateway)\n");
    expect(text).toContain("  where: aws + azure; aws:us-east-1, azure:eastus\n  links:\n");
    expect(text).toContain("  cost (whole stack): $0.15/h = compute $0.00 + storage $0.00 + gateways $0.15 (3 AWS VPN connections)\n");
    expect(text).toContain("task neural-network-training over its 12 h maxRuntime (own resources: cluster task/cluster, storage task/data, 2 AWS NAT gateways): $");
    expect(text).toContain("(instance prices as of AWS p-series catalog 2026-01-22, AWS g5/g6e supplement 2026-08-17, Azure catalog (date unknown))");
    // Energy is an upper bound: GPUs at full board power for the whole time.
    expect(text).toContain("energy (whole stack, max: GPUs at full board power): 25.0 kW of GPU nodes");
    expect(text).toMatch(/task neural-network-training .*: \$\d+\.\d\d, max \d+\.\d kWh, max \d+\.\d kgCO2e/);
    expect(text).toContain("energy (a maximum): GPUs at full board power + host");
    expect(text).toMatch(/prices: catalog built \d{4}-\d{2}-\d{2}/);
  });
  it("hgpu summary --json gives the whole report", async () => {
    const r = await hgpu(["summary", "--out", out, "--json"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as AppReport;
    expect(json.stacks.map((s) => s.name)).toEqual(["hybrid-links", "hybrid-training", "training-task"]);
    expect(json.stacks[1]!.estimate.cost.computeUsdPerHour).toBeCloseTo(133.504, 3);
    expect(json.stacks[0]!.estimate.links).toHaveLength(2);
    expect(json.sources.servicePricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe("following cross-stack references", () => {
  const remote = (output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-net.outputs.${output}}`;
  const input = { "cross-stack-reference-input-net": { backend: "local", config: { path: "../net/terraform.net.tfstate" } } };
  const net = {
    name: "net", file: "stacks/net/cdk.tf.json",
    tf: {
      provider: { aws: [{ region: "us-east-1" }] },
      resource: {
        aws_vpc: { v: { cidr_block: "10.10.0.0/16" } },
        aws_subnet: { s: { vpc_id: "${aws_vpc.v.id}" } },
        aws_vpn_gateway: { vgw: { vpc_id: "${aws_vpc.v.id}", amazon_side_asn: "64512" } },
        aws_customer_gateway: { lab: { ip_address: "${var.lab_ip}", bgp_asn: "65200" } },
        aws_vpn_connection: { own: { vpn_gateway_id: "${aws_vpn_gateway.vgw.id}", customer_gateway_id: "${aws_customer_gateway.lab.id}" } },
      },
      output: {
        "cross-stack-output-aws_vpn_gatewayvgwid": { value: "${aws_vpn_gateway.vgw.id}", sensitive: true },
        "cross-stack-output-aws_subnetsid": { value: "${aws_subnet.s.id}", sensitive: true },
      },
    },
  };
  const links = {
    name: "links", file: "stacks/links/cdk.tf.json",
    tf: {
      provider: { aws: [{ region: "us-east-1" }] },
      data: { terraform_remote_state: input },
      resource: {
        aws_customer_gateway: { dc: { ip_address: "${var.dc_ip}", bgp_asn: "65100" } },
        aws_vpn_connection: { c: { vpn_gateway_id: remote("cross-stack-output-aws_vpn_gatewayvgwid"), customer_gateway_id: "${aws_customer_gateway.dc.id}", tags: { Subnet: `\${cidrhost(data.terraform_remote_state.cross-stack-reference-input-net.outputs.cross-stack-output-aws_subnetsid, 1)}`, Gone: remote("cross-stack-output-gone") } } },
      },
    },
  };
  const links2 = {
    name: "links2", file: "stacks/links2/cdk.tf.json",
    tf: {
      data: { terraform_remote_state: input },
      resource: { aws_customer_gateway: { dc2: { ip_address: "${var.dc2_ip}", bgp_asn: "65101" } }, aws_vpn_connection: { c2: { vpn_gateway_id: remote("cross-stack-output-aws_vpn_gatewayvgwid"), customer_gateway_id: "${aws_customer_gateway.dc2.id}" } } },
    },
  };
  const team = {
    name: "team", file: "stacks/team/cdk.tf.json",
    tf: { data: { terraform_remote_state: { ...input, "cross-stack-reference-input-elsewhere": {} } }, resource: { aws_instance: { i: { subnet_id: remote("cross-stack-output-aws_subnetsid") } } } },
  };
  const all = [links, links2, net, team];
  const resource = (tf: Record<string, unknown>, type: string) => (tf.resource as Record<string, Record<string, Record<string, unknown>>>)[type] ?? {};

  it("knows which stacks a stack reads (those of the app), and which stacks link others' networks", () => {
    expect(referencedStacks(links.tf, all)).toEqual(["net"]);
    expect(referencedStacks(team.tf, all)).toEqual(["net"]);
    expect(referencedStacks(net.tf, all)).toEqual([]);
    expect(all.filter((s) => linksOthers(s, all)).map((s) => s.name)).toEqual(["links", "links2"]);
  });

  it("joins the referenced stacks in and reads their outputs as the expressions they export", () => {
    const joined = joinReferenced(links, all) as Record<string, unknown>;
    const c = resource(joined, "aws_vpn_connection").c!;
    expect(c.vpn_gateway_id).toBe("${aws_vpn_gateway.vgw.id}");
    expect(c.tags).toEqual({ Subnet: "${cidrhost(aws_subnet.s.id, 1)}", Gone: remote("cross-stack-output-gone") });
    expect(Object.keys(resource(joined, "aws_vpn_gateway"))).toEqual(["vgw"]);
    expect(Object.keys(resource(joined, "aws_vpn_connection"))).toEqual(["own", "c"]);
    expect((joined.data as Record<string, unknown>).terraform_remote_state).toBeUndefined();
    expect(Object.keys(joined.output as object)).toEqual(["cross-stack-output-aws_vpn_gatewayvgwid", "cross-stack-output-aws_subnetsid"]);
    // Without their own links, only the stack's own connections and far ends are left.
    const mine = joinReferenced(links, all, { theirLinks: false }) as Record<string, unknown>;
    expect(Object.keys(resource(mine, "aws_vpn_connection"))).toEqual(["c"]);
    expect(Object.keys(resource(mine, "aws_customer_gateway"))).toEqual(["dc"]);
    // The inputs are not changed.
    expect(links.tf.resource.aws_vpn_connection.c.vpn_gateway_id).toBe(remote("cross-stack-output-aws_vpn_gatewayvgwid"));
  });

  it("reports a linking stack's links to the referenced gateway, priced from its own resources", () => {
    const report = reportStacks(all);
    const e = (name: string) => report.stacks.find((s) => s.name === name)!.estimate;
    expect(e("links").links.map((l) => [l.from, l.to, l.tunnels])).toEqual([["vgw", "dc (var.dc_ip)", 2]]);
    expect(e("links").cost.gatewaysUsdPerHour).toBeCloseTo(0.05, 4);
    expect(e("links").regions).toEqual(["aws:us-east-1"]);
    // A stack that only uses another's subnet keeps its own view.
    expect(e("team")).toEqual(estimateStack(team.tf));
    expect(e("net").links.map((l) => l.to)).toEqual(["lab (var.lab_ip)"]);
  });

  it("draws the linking stacks inside the network stack they reference, once, and the others as they are", () => {
    const drawn = topologyStacks(all);
    expect(drawn.map((d) => d.name)).toEqual(["net", "team"]);
    const netDrawn = drawn[0]!.tf as Record<string, unknown>;
    expect(Object.keys(resource(netDrawn, "aws_vpn_connection"))).toEqual(["own", "c", "c2"]);
    expect(resource(netDrawn, "aws_vpn_connection").c2!.vpn_gateway_id).toBe("${aws_vpn_gateway.vgw.id}");
    expect(drawn[1]!.tf).toBe(team.tf);
    const edges = appTopology(drawn).edges.filter((x) => x.kind === "vpn").map((x) => [x.from, x.to]);
    expect(edges).toEqual([
      [id("net", "vgw"), id("onprem", "${var.lab_ip}")],
      [id("net", "vgw"), id("onprem", "${var.dc_ip}")],
      [id("net", "vgw"), id("onprem", "${var.dc2_ip}")],
    ]);
    // Stacks that link nothing are drawn as they are.
    expect(topologyStacks([net, team]).map((d) => d.tf)).toEqual([net.tf, team.tf]);
  });
});

describe("owned pools in the estimate's text", () => {
  const pool = {
    name: "dgx", site: "fra", partition: "gpu", nodes: 4, gpusPerNode: 8, gpus: 32, accelerator: "H100", fabricGbpsPerNode: 3200, usdPerGpuHour: 2.7482,
    costBasis: "stated", usdPerHour: 87.94, powerKw: 31.6, pue: 1.35, gridKgCo2ePerKwh: 0.338, kgCo2ePerHour: 10.69, facilityKgCo2ePerHour: 14.43,
  };
  const empty = {
    clouds: [], regions: [], zones: [], clusters: [], storage: [], gateways: [], links: [], pools: [], tasks: [], warnings: [],
    powerKw: 0, kgCo2ePerHour: 0, cost: { totalUsdPerHour: 0, computeUsdPerHour: 0, storageUsdPerHour: 0, gatewaysUsdPerHour: 0 },
  };
  it("lists a stack's pools outside its cost, with and without the site's PUE", () => {
    const lines = formatEstimate({ ...empty, pools: [pool] } as never);
    expect(lines.slice(0, 3)).toEqual([
      "  owned pools (amortized, not in the stack's cost):",
      "    name  site  gpus       usd/GPU-h  usd/h busy  kW    kgCO2e/h  with PUE",
      "    dgx   fra   32 x H100  $2.7482    $87.94      31.6  10.69     14.43 (PUE 1.35)",
    ]);
    expect(lines[3]).toBe("  cost (whole stack): $0.00/h = compute $0.00 + storage $0.00 + gateways $0.00");
  });
  it("charges a task on a pool the pool's nodes, in a stack with nothing else", () => {
    const task = { name: "train", maxRuntimeHours: 12, maxRuntimeFrom: "maxRuntime", scope: "task", clusters: [], storage: [], gateways: [], pool: "dgx", usd: 1055.31, kwh: 379.5, kgCo2e: 128.3 };
    expect(formatEstimate({ ...empty, tasks: [task] } as never).at(-1)).toBe("  task train over its 12 h maxRuntime (own resources: nodes of pool dgx): $1055.31, max 379.5 kWh, max 128.3 kgCO2e");
  });
  it("a stack with nothing to estimate prints nothing", () => {
    expect(formatEstimate(empty as never)).toEqual([]);
  });
});
