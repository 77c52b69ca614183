/** The GPU clusters of a stack's Terraform JSON (Auto Scaling groups, scale sets), priced from the catalog (pure). */
import { getOffering } from "../catalog/catalog";
import type { Offering, OfferingLocation } from "../catalog/types";
import { roundTo } from "../core/numbers";
import type { GpuCloud } from "../core/types";
import type { ClusterEstimate } from "./estimate";
import { gridFactor, nodePowerWatts } from "./rates";
import { awsRegion, block, findResource, num, ownerId, refTarget, resourcesOf, str, type TerraformJson, type TfResource } from "./terraform-json";

/** The location an AWS cluster is priced at: its own zone when priced there, else the cheapest zone of the region. */
export function pickLocation(o: Offering, region: string, zone: string | undefined, spot: boolean): OfferingLocation | undefined {
  const price = (l: OfferingLocation) => (spot ? l.spotUsdPerHour : l.usdPerHour);
  const priced = o.locations.filter((l) => l.region === region && price(l) !== undefined);
  const own = zone === undefined ? undefined : priced.find((l) => l.zone === zone);
  return own ?? [...priced].sort((a, b) => price(a)! - price(b)!)[0];
}

/** What a cluster estimate starts from; `spotShare` is the fraction of its nodes on spot (0 to 1). */
interface ClusterBase {
  name: string;
  cloud: GpuCloud;
  instanceType: string;
  nodes: number;
  region: string;
  zone?: string;
  spotShare: number;
  capacityBlock?: boolean;
}

const where = (l: OfferingLocation) => `${l.region}${l.zone ? `/${l.zone}` : ""}`;

function clusterFrom(base: ClusterBase): ClusterEstimate {
  const o = getOffering(base.instanceType);
  const capacityBlock = base.capacityBlock ?? false;
  const spotShare = Math.min(1, Math.max(0, base.spotShare));
  const spotNodes = spotShare * base.nodes;
  const zone = base.cloud === "aws" ? base.zone : undefined;
  const onDemand = o && spotShare < 1 ? pickLocation(o, base.region, zone, false) : undefined;
  const spotAt = o && spotShare > 0 ? pickLocation(o, base.region, zone, true) : undefined;
  const priced = !capacityBlock && o !== undefined && (spotShare === 1 || onDemand !== undefined) && (spotShare === 0 || spotAt !== undefined);
  const usdPerNodeHour = priced ? (1 - spotShare) * (onDemand?.usdPerHour ?? 0) + spotShare * (spotAt?.spotUsdPerHour ?? 0) : undefined;
  const basis = !priced ? (capacityBlock ? "unpriced (capacity block)" : "unpriced")
    : spotShare === 0 ? `catalog on-demand ${where(onDemand!)}`
    : spotShare === 1 ? `catalog spot ${where(spotAt!)}`
    : `catalog ${roundTo(base.nodes - spotNodes, 2)} on-demand ${where(onDemand!)} + ${roundTo(spotNodes, 2)} spot ${where(spotAt!)}`;
  const power = o ? nodePowerWatts(o) : { totalWatts: 0, gpuWatts: 0 };
  const grid = gridFactor(base.cloud, base.region);
  const powerKw = roundTo((base.nodes * power.totalWatts) / 1000);
  return {
    name: base.name, cloud: base.cloud, instanceType: base.instanceType, nodes: base.nodes, region: base.region, ...(base.zone ? { zone: base.zone } : {}),
    spot: spotShare > 0, spotNodes: roundTo(spotNodes), capacityBlock,
    ...(o ? { accelerator: o.accelerator } : {}),
    gpusPerNode: o?.gpusPerNode ?? 0,
    gpus: (o?.gpusPerNode ?? 0) * base.nodes,
    fabricGbpsPerNode: o?.fabric.gbpsPerNode ?? 0,
    ...(usdPerNodeHour !== undefined ? { usdPerNodeHour } : {}),
    usdPerHour: roundTo((usdPerNodeHour ?? 0) * base.nodes),
    priceBasis: basis,
    nodeWatts: roundTo(power.totalWatts, 1),
    gpuWattsPerNode: power.gpuWatts,
    powerKw,
    ...(grid ? { gridKgPerKwh: grid.value } : {}),
    kgCo2ePerHour: roundTo(powerKw * (grid?.value ?? 0)),
  };
}

/** The launch template an Auto Scaling group uses (plain or in a mixed instances policy). */
function launchTemplateOf(tf: TerraformJson, asg: TfResource): TfResource | undefined {
  const mixed = block(asg.args, "mixed_instances_policy");
  const spec = block(block(mixed, "launch_template"), "launch_template_specification");
  const ref = refTarget(block(asg.args, "launch_template").id) ?? refTarget(spec.launch_template_id);
  return ref ? findResource(tf, ref.type, ref.name) : undefined;
}

/** The subnet resource of an AWS resource's first subnet reference. */
function awsSubnetOf(tf: TerraformJson, ids: unknown): TfResource | undefined {
  const ref = refTarget(Array.isArray(ids) ? ids[0] : ids);
  return ref?.type === "aws_subnet" ? findResource(tf, "aws_subnet", ref.name) : undefined;
}

/**
 * The share of an Auto Scaling group's nodes on spot (0 to 1): all of them when its launch template
 * asks for the spot market; with a mixed instances policy, (nodes - on-demand base) x (1 - on-demand %
 * above base / 100) of the nodes (AWS defaults: base 0, 100 % on demand); otherwise none.
 */
export function awsSpotShare(asg: TfResource, launchTemplate: TfResource | undefined, nodes: number): number {
  if (launchTemplate && str(block(launchTemplate.args, "instance_market_options").market_type) === "spot") return 1;
  if (asg.args.mixed_instances_policy === undefined) return 0;
  const distribution = block(block(asg.args, "mixed_instances_policy"), "instances_distribution");
  const base = num(distribution.on_demand_base_capacity) ?? 0;
  const spotAboveBase = 1 - (num(distribution.on_demand_percentage_above_base_capacity) ?? 100) / 100;
  // An empty group: the share its first node would have.
  if (nodes <= 0) return base > 0 ? 0 : spotAboveBase;
  return (Math.max(0, nodes - base) * spotAboveBase) / nodes;
}

/** AWS clusters: Auto Scaling groups whose launch template names an instance type. */
export function awsClusters(tf: TerraformJson): ClusterEstimate[] {
  return resourcesOf(tf, "aws_autoscaling_group").flatMap((asg) => {
    const lt = launchTemplateOf(tf, asg);
    const instanceType = str(lt?.args.instance_type);
    const region = awsRegion(tf, asg);
    if (!instanceType || !region) return [];
    const zone = str(awsSubnetOf(tf, asg.args.vpc_zone_identifier)?.args.availability_zone_id);
    const nodes = num(asg.args.desired_capacity) ?? num(asg.args.min_size) ?? 0;
    const capacityBlock = str(block(lt!.args, "instance_market_options").market_type) === "capacity-block";
    return [clusterFrom({ name: ownerId(asg), cloud: "aws", instanceType, nodes, region, ...(zone ? { zone } : {}), spotShare: awsSpotShare(asg, lt, nodes), capacityBlock })];
  });
}

/** Azure clusters: Linux scale sets. */
export function azureClusters(tf: TerraformJson): ClusterEstimate[] {
  return resourcesOf(tf, "azurerm_linux_virtual_machine_scale_set").flatMap((s) => {
    const sku = str(s.args.sku);
    const region = str(s.args.location);
    if (!sku || !region) return [];
    return [clusterFrom({ name: ownerId(s), cloud: "azure", instanceType: sku, nodes: num(s.args.instances) ?? 0, region, spotShare: s.args.priority === "Spot" ? 1 : 0 })];
  });
}
