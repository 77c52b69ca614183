/**
 * The launch template's interface table (card, device index, type) of every EFA type in the
 * catalog, written out by hand from the EC2 user guide's layout: an ENA primary at card 0 /
 * device 0; an efa-only interface at card 0 / device 1 when card 0 supports EFA; an efa-only
 * interface at device 0 of every other EFA card.
 */
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { AwsGpuCluster, networkInterfaces } from "../../lib/aws/gpu-cluster";
import { AwsNetwork } from "../../lib/aws/network";
import { CATALOG, efaCardsOf, getOffering } from "../../lib/catalog/catalog";
import { resources, synth } from "../helpers";

type Row = [card: number, device: number, type: "interface" | "efa-only"];
const primary: Row = [0, 0, "interface"];
/** card 0 carries EFA too (at device 1), then cards 1..n-1 at device 0 */
const allCards = (n: number): Row[] => [primary, [0, 1, "efa-only"], ...Array.from({ length: n - 1 }, (_, i): Row => [i + 1, 0, "efa-only"])];

const EXPECTED: Record<string, Row[]> = {
  "p3dn.24xlarge": [primary, [0, 1, "efa-only"]],
  "p4d.24xlarge": [primary, [0, 1, "efa-only"], [1, 0, "efa-only"], [2, 0, "efa-only"], [3, 0, "efa-only"]],
  "p4de.24xlarge": [primary, [0, 1, "efa-only"], [1, 0, "efa-only"], [2, 0, "efa-only"], [3, 0, "efa-only"]],
  "p5.4xlarge": [primary, [0, 1, "efa-only"]],
  "p5.48xlarge": allCards(32),
  "p5e.48xlarge": allCards(32),
  "p5en.48xlarge": allCards(16),
  "p6-b200.48xlarge": allCards(8),
  // 17 cards: card 0 is ENA-only, EFA on cards 1 to 16
  "p6-b300.48xlarge": [primary, ...Array.from({ length: 16 }, (_, i): Row => [i + 1, 0, "efa-only"])],
  "g5.8xlarge": [primary, [0, 1, "efa-only"]],
  "g5.12xlarge": [primary, [0, 1, "efa-only"]],
  "g5.16xlarge": [primary, [0, 1, "efa-only"]],
  "g5.24xlarge": [primary, [0, 1, "efa-only"]],
  "g5.48xlarge": [primary, [0, 1, "efa-only"]],
  "g6e.8xlarge": [primary, [0, 1, "efa-only"]],
  "g6e.12xlarge": [primary, [0, 1, "efa-only"]],
  "g6e.16xlarge": [primary, [0, 1, "efa-only"]],
  "g6e.24xlarge": [primary, [0, 1, "efa-only"], [1, 0, "efa-only"]],
  "g6e.48xlarge": [primary, [0, 1, "efa-only"], [1, 0, "efa-only"], [2, 0, "efa-only"], [3, 0, "efa-only"]],
};

describe("EFA interface layout of every catalogued EFA type", () => {
  const efaTypes = CATALOG.offerings.filter((o) => o.cloud === "aws" && o.fabric.kind === "efa").map((o) => o.instanceType).sort();

  it("the table above covers exactly the catalog's EFA types", () => {
    expect(efaTypes).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s", (type, rows) => {
    const table = networkInterfaces(efaCardsOf(getOffering(type)!.fabric), "sg").map((n): Row => [n.networkCardIndex as number, n.deviceIndex as number, n.interfaceType as Row[2]]);
    expect(table).toEqual(rows);
  });

  it("a p6-b300 cluster synthesizes that layout: 16 EFA interfaces on cards 1-16, none on card 0", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "us-west-2" });
    const network = new AwsNetwork(stack, "net", { cidr: "10.60.0.0/16" });
    const cluster = new AwsGpuCluster(stack, "train", { network, instanceType: "p6-b300.48xlarge", nodes: 2, spot: true });
    const [lt] = resources(synth(stack), "aws_launch_template");
    const nics = lt.network_interfaces as { network_card_index: number; device_index: number; interface_type: string }[];
    expect(nics.map((n) => [n.network_card_index, n.device_index, n.interface_type])).toEqual(EXPECTED["p6-b300.48xlarge"]);
    expect(cluster.fabric).toEqual({ kind: "efa", interfaces: 16, gbpsPerNode: 6400 });
  });
});
