import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../examples/hybrid-training/main";
import { getOffering } from "../../lib/catalog/catalog";
import { estimateStack, taskMaxRuntime } from "../../lib/report/estimate";
import { nodePowerWatts } from "../../lib/report/rates";
import { formatReport, readOutdir, reportOutdir, type AppReport } from "../../lib/report/report";
import { appTopology, toMermaid, toSvg, writeTopologyFiles } from "../../lib/report/topology";

const root = join(__dirname, "../..");
let out: string;
let report: AppReport;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "hgpu-report-"));
  buildApp(new App({ outdir: out })).synth();
  report = reportOutdir(out);
});

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
    // gateways: 3 VPN connections x $0.05, 2 AWS NAT x $0.045, VpnGw2AZ $0.564, 1 Azure NAT $0.045
    const gw = 3 * 0.05 + 2 * 0.045 + 0.564 + 0.045;
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
    // 2 VPN connections to the Azure gateway = 4 tunnels x 1.25 = 5 Gbit/s, capped at VpnGw2AZ (Generation2) 1.25; 1 to the data centre = 2 tunnels
    expect(e.links.map((l) => [l.to, l.tunnels, l.gbps])).toEqual([
      ["azure-network/vpn-gateway (VpnGw2AZ)", 4, 1.25],
      ["datacentre (var.datacentre_vpn_public_ip)", 2, 2.5],
    ]);
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
    expect([t.name, t.maxRuntimeHours, t.maxRuntimeFrom]).toEqual(["neural-network-training", 12, "maxRuntimeMinutes"]);
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
});

describe("topology", () => {
  it("writes a well-formed, non-trivial SVG and a Mermaid file", () => {
    const files = writeTopologyFiles(out, readOutdir(out));
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
    expect(md).toMatch(/subgraph hybrid_training__aws_network_vpc_\w+\["VPC 10\.10\.0\.0\/16/);
    expect(md).toMatch(/<-\.->\|"4 tunnels, 1\.25 Gbps"\|/);
    expect(md).toContain("g5.12xlarge x 8");
  });
  it("groups nodes per cloud", () => {
    const t = appTopology(readOutdir(out));
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
    expect(text).toMatch(/cost: \$\d+\.\d\d\/h = compute \$133\.50 \+ storage \$7\.94 \+ gateways \$0\.85/);
    expect(text).toContain("task neural-network-training over its 12 h maxRuntime");
    expect(text).toMatch(/prices: catalog built \d{4}-\d{2}-\d{2}/);
  });
  it("hgpu summary --json gives the whole report", () => {
    const r = spawnSync(join(root, "node_modules/.bin/tsx"), [join(root, "bin/hgpu.ts"), "summary", "--out", out, "--json"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as AppReport;
    expect(json.stacks.map((s) => s.name)).toEqual(["hybrid-training", "training-task"]);
    expect(json.stacks[0]!.estimate.cost.computeUsdPerHour).toBeCloseTo(133.504, 3);
    expect(json.sources.servicePricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
