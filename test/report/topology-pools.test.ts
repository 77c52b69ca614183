import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOutdir } from "../../lib/report/report";
import { appTopology, id, stackTopology, toMermaid, toSvg, type Topology } from "../../lib/report/topology";
import { synthPoolApp } from "../onprem/helpers";

let out: string;
let other: string;
let t: Topology;
beforeAll(() => {
  out = synthPoolApp();
  other = synthPoolApp({ poolStack: "pools" });
  t = appTopology(readOutdir(out));
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

const SITE = id("site", "198.51.99.10");

describe("topology: owned pools inside their site", () => {
  it("draws the site as a box in On-prem, holding its VPN device and its pool", () => {
    expect(t.groups.find((g) => g.id === SITE)).toEqual({ id: SITE, title: "site fra-dc1 (platform/datacentre)", place: "onprem", parent: "onprem" });
    const inSite = t.nodes.filter((n) => n.parent === SITE);
    expect(inSite.map((n) => n.kind).sort()).toEqual(["onprem", "pool"]);
    expect(t.nodes.find((n) => n.kind === "pool")).toEqual({
      id: id("pool", "dgx-a"), kind: "pool", parent: SITE,
      lines: ["pool dgx-a", "Slurm gpu: 4 x 8 x H100", "infiniband 3200 Gbps/node", "$1.8/GPU-h, PUE 1.3, 0.35 kgCO2e/kWh"],
    });
    // the VPN lines still end at the device
    expect(t.edges.filter((e) => e.kind === "vpn" && e.to === id("onprem", "198.51.99.10")).length).toBeGreaterThan(0);
  });

  it("draws the task on the pool in On-prem, running on the pool", () => {
    const task = t.nodes.find((n) => n.kind === "task")!;
    expect(task.parent).toBe("onprem");
    expect(task.lines[0]).toBe("task nnt");
    // 4 nodes x 7782.2976 W = 31.1292 kW x 10 h x 0.35 = 108.95 kgCO2e (the report's basis, no PUE); 57.6 $/h x 10 h = $576
    expect(task.lines[2]).toBe("max 10 h, ~$576, 109 kgCO2e");
    expect(t.edges).toContainEqual({ from: task.id, to: id("pool", "dgx-a"), kind: "runs-on", label: "runs on" });
  });

  it("finds the site of a pool declared in another stack than the site", () => {
    const t2 = appTopology(readOutdir(other));
    expect(t2.nodes.find((n) => n.kind === "pool")?.parent).toBe(SITE);
    expect(t2.groups.filter((g) => g.id === SITE)).toHaveLength(1);
  });

  it("a pool whose site no stack draws gets a box of the site's name", () => {
    const pools = readOutdir(other).find((s) => s.name === "pools")!;
    const alone = stackTopology(pools.name, pools.tf);
    expect(alone.groups).toEqual([{ id: id("site", "name", "fra-dc1"), title: "site fra-dc1", place: "onprem", parent: "onprem" }]);
    expect(alone.nodes.map((n) => n.parent)).toEqual([id("site", "name", "fra-dc1")]);
  });

  it("renders pools in Mermaid (nested in the site subgraph) and in the SVG with a legend entry", () => {
    const md = toMermaid(t);
    expect(md).toContain(`subgraph ${SITE}["site fra-dc1 (platform/datacentre)"]`);
    expect(md).toContain(`${id("pool", "dgx-a")}[["pool dgx-a<br/>Slurm gpu: 4 x 8 x H100<br/>infiniband 3200 Gbps/node<br/>$1.8/GPU-h, PUE 1.3, 0.35 kgCO2e/kWh"]]`);
    expect(md.indexOf(`subgraph ${SITE}`)).toBeGreaterThan(md.indexOf('subgraph onprem["On-prem"]'));
    const svg = toSvg(t);
    expect(svg).toContain(">pool dgx-a</text>");
    expect(svg).toContain(">owned GPU pool (Slurm)</text>");
    expect(svg).toContain(">site fra-dc1 (platform/datacentre)</text>");
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
