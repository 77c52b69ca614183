/**
 * Curated facts the source CSVs lack or get wrong: the fabric of each type, corrections, and
 * the source rows left out. Every entry names its source. Edit here, then run
 * `npm run update-catalog` to regenerate `lib/catalog/data/catalog.json`.
 */
import type { CatalogSource, OfferingFabric, VmGeneration } from "../../lib/catalog/types";
import type { GpuCloud } from "../../lib/core/types";

/** What the catalog knows of one type beyond the source rows. */
export interface InstanceFacts {
  /** The node-to-node fabric. @default - none */
  readonly fabric?: OfferingFabric;
  /** Corrected GPU count. @default - the source's AcceleratorCount */
  readonly gpusPerNode?: number;
  /** Corrected accelerator name. @default - the source's AcceleratorName */
  readonly accelerator?: string;
  /** Memory of one GPU in GiB, when the part differs from the accelerator table's. @default - the source's, else the table's */
  readonly gpuMemoryGiB?: number;
  /** Board power of one GPU in watts, when the part differs from the accelerator table's. @default - the table's */
  readonly gpuTdpWatts?: number;
  /** Azure: the image generations the size boots. @default - not recorded (no image generation rule) */
  readonly vmGenerations?: readonly VmGeneration[];
  /** Azure: whether the size supports encryption at host (EncryptionAtHostSupported). @default - not recorded */
  readonly encryptionAtHost?: boolean;
  /** Sources and caveats, copied into the catalog. */
  readonly notes?: readonly string[];
}

/** A rule that leaves matching source rows out of the catalog. */
export interface Exclusion {
  readonly cloud: GpuCloud;
  readonly pattern: RegExp;
  readonly reason: string;
}

const EC2_EFA = "EC2 user guide, EFA supported instance types and 'Maximize network bandwidth on instances with multiple network cards'";
const EC2_CARDS = "network-card counts as EC2 DescribeInstanceTypes reports them (MaximumNetworkCards)";
const AZ_IB = "Azure docs, GPU size series pages and 'Set up InfiniBand'";
const GEN2_ONLY: readonly VmGeneration[] = [2];
const GEN1_AND_2: readonly VmGeneration[] = [1, 2];
/** The Feature support list of an Azure size series page ("Generation 1 VMs: Not Supported"). */
const gen2Only = (series: string) => `Generation 2 images only (Generation 1 VMs: Not Supported): Azure docs, ${series} size series page, Feature support`;
const gen1And2 = (series: string) => `Generation 1 and 2 images: Azure docs, ${series} size series page, Feature support`;
/**
 * Where the EncryptionAtHostSupported capability of a size is read: the size series pages do not
 * list it, so the record is Azure's resource SKUs API as a Microsoft repository captured it.
 */
const EAH_SKUS = "microsoft/ga4gh-tes src/TesApi.Web/BatchSupportedVmSizeInformation_AZURECLOUD.json @ 09a4136a8487f3a971cc8be8af0cf3a50ec5314d (generated from the Azure resource SKUs API)";
const eahSupported = `Encryption at host supported (resource SKU capability EncryptionAtHostSupported = True): ${EAH_SKUS}`;
const EAH_UNRECORDED =
  "Encryption at host not recorded: no public record of the size's EncryptionAtHostSupported capability was found (the size series page does not list it; " +
  "az vm list-skus --size <size> --query \"[].capabilities[?name=='EncryptionAtHostSupported']\" shows it)";

function efa(interfaces: number, gbpsPerNode: number, networkCards = interfaces, efaCards?: readonly number[]): OfferingFabric {
  return { kind: "efa", interfaces, gbpsPerNode, networkCards, ...(efaCards ? { efaCards } : {}) };
}

function ib(interfaces: number, gbpsPerNode: number): OfferingFabric {
  return { kind: "infiniband", interfaces, gbpsPerNode };
}

export const INSTANCE_FACTS: Readonly<Record<string, InstanceFacts>> = {
  // AWS: one EFA interface per network card is what gives the full bandwidth.
  "p3dn.24xlarge": { fabric: efa(1, 100), notes: [`EFA 1 x 100 Gbps: ${EC2_EFA}`] },
  "p4d.24xlarge": { fabric: efa(4, 400), notes: [`EFA 4 cards, 400 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "p4de.24xlarge": { fabric: efa(4, 400), notes: [`EFA 4 cards, 400 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "p5.4xlarge": { fabric: efa(1, 100), notes: [`EFA 1 card, 100 Gbps: ${EC2_EFA}`] },
  "p5.48xlarge": { fabric: efa(32, 3200), notes: [`EFA 32 cards, 3,200 Gbps (at most 800 Gbps of it IP traffic): ${EC2_EFA}; ${EC2_CARDS}`] },
  "p5e.48xlarge": {
    fabric: efa(32, 3200),
    notes: [`EFA 32 cards, 3,200 Gbps: ${EC2_EFA}`, "No on-demand price: p5e is sold through Capacity Blocks and spot"],
  },
  "p5en.48xlarge": { fabric: efa(16, 3200), notes: [`EFAv3 16 cards, 3,200 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "p6-b200.48xlarge": { fabric: efa(8, 3200), notes: [`EFAv4 8 cards, 3,200 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "p6-b300.48xlarge": {
    // 17 network cards: card 0 is ENA-only, EFA on cards 1-16.
    fabric: efa(16, 6400, 17, Array.from({ length: 16 }, (_, i) => i + 1)),
    notes: [
      "EFAv4 16 interfaces, 6,400 Gbps: AWS P6-B300 announcement",
      `17 network cards, card 0 ENA-only and EFA on cards 1-16 (so no efa-only interface on card 0): ${EC2_EFA} ('if the network card index 0 supports EFA'); the per-card layout is from an expert review, not yet confirmed against DescribeInstanceTypes here`,
    ],
  },
  "g5.8xlarge": { fabric: efa(1, 25), notes: [`EFA 1 x 25 Gbps: ${EC2_EFA}`] },
  "g5.12xlarge": { fabric: efa(1, 40), notes: [`EFA 1 x 40 Gbps: ${EC2_EFA}`] },
  "g5.16xlarge": { fabric: efa(1, 25), notes: [`EFA 1 x 25 Gbps: ${EC2_EFA}`] },
  "g5.24xlarge": { fabric: efa(1, 50), notes: [`EFA 1 x 50 Gbps: ${EC2_EFA}`] },
  "g5.48xlarge": { fabric: efa(1, 100), notes: [`EFA 1 x 100 Gbps: ${EC2_EFA}`] },
  "g6e.8xlarge": { fabric: efa(1, 25), notes: [`EFA 1 card, 25 Gbps: ${EC2_EFA}`] },
  "g6e.16xlarge": { fabric: efa(1, 35), notes: [`EFA 1 card, 35 Gbps: ${EC2_EFA}`] },
  "g6e.12xlarge": { fabric: efa(1, 100), notes: [`EFA 1 card, 100 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "g6e.24xlarge": { fabric: efa(2, 200), notes: [`EFA 2 cards, 200 Gbps: ${EC2_EFA}; ${EC2_CARDS}`] },
  "g6e.48xlarge": { fabric: efa(4, 400), notes: [`EFA 4 cards, 400 Gbps ('G6e support up to four network cards'): ${EC2_EFA}`] },

  // Azure: InfiniBand works only between VMs of one scale set with a single placement group.
  Standard_ND96isr_H100_v5: {
    gpusPerNode: 8,
    fabric: ib(8, 3200),
    vmGenerations: GEN2_ONLY,
    notes: [
      "GPU count corrected to 8 (the source says 12): Azure ND H100 v5 series page",
      `InfiniBand 8 x 400 Gb/s NDR (Quantum-2 CX7, one per GPU): ${AZ_IB}`,
      gen2Only("ND-H100-v5"),
      EAH_UNRECORDED,
    ],
  },
  Standard_ND96asr_v4: { fabric: ib(8, 1600), vmGenerations: GEN2_ONLY, notes: [`InfiniBand 8 x 200 Gb/s HDR: ${AZ_IB}`, gen2Only("NDasrA100_v4"), EAH_UNRECORDED] },
  Standard_ND96amsr_A100_v4: { fabric: ib(8, 1600), vmGenerations: GEN2_ONLY, notes: [`InfiniBand 8 x 200 Gb/s HDR: ${AZ_IB}`, gen2Only("NDm_A100_v4"), EAH_UNRECORDED] },
  Standard_ND40rs_v2: {
    fabric: ib(1, 100),
    vmGenerations: GEN2_ONLY,
    notes: [
      `InfiniBand 1 x 100 Gb/s EDR: ${AZ_IB}`,
      gen2Only("NDv2"),
      "Uncertain: an older NDv2 page said both 'ND40rs_v2 requires the use of Generation 2 VMs and marketplace images' and 'VM Generation Support: Generation 1'; the current page and that sentence say Generation 2 only, which the catalog follows",
      EAH_UNRECORDED,
    ],
  },
  Standard_NC24ads_A100_v4: { gpuTdpWatts: 300, vmGenerations: GEN2_ONLY, notes: ["A100 80GB PCIe (300 W): Azure NC A100 v4 series page; no InfiniBand", gen2Only("NC_A100_v4"), EAH_UNRECORDED] },
  Standard_NC48ads_A100_v4: { gpuTdpWatts: 300, vmGenerations: GEN2_ONLY, notes: ["A100 80GB PCIe (300 W): Azure NC A100 v4 series page; no InfiniBand", gen2Only("NC_A100_v4"), EAH_UNRECORDED] },
  Standard_NC96ads_A100_v4: { gpuTdpWatts: 300, vmGenerations: GEN2_ONLY, notes: ["A100 80GB PCIe (300 W): Azure NC A100 v4 series page; no InfiniBand", gen2Only("NC_A100_v4"), EAH_UNRECORDED] },
  Standard_NC40ads_H100_v5: {
    gpuMemoryGiB: 94, gpuTdpWatts: 400, vmGenerations: GEN2_ONLY, encryptionAtHost: true,
    notes: ["H100 NVL 94GB (up to 400 W): Azure NCads H100 v5 series page; no InfiniBand", gen2Only("NCads_H100_v5"), eahSupported],
  },
  Standard_NC80adis_H100_v5: {
    gpuMemoryGiB: 94, gpuTdpWatts: 400, vmGenerations: GEN2_ONLY, encryptionAtHost: true,
    notes: ["2 x H100 NVL 94GB (up to 400 W): Azure NCads H100 v5 series page; no InfiniBand", gen2Only("NCads_H100_v5"), eahSupported],
  },
  Standard_NC4as_T4_v3: { vmGenerations: GEN1_AND_2, encryptionAtHost: true, notes: [gen1And2("NCasT4_v3"), eahSupported] },
  Standard_NC8as_T4_v3: { vmGenerations: GEN1_AND_2, encryptionAtHost: true, notes: [gen1And2("NCasT4_v3"), eahSupported] },
  Standard_NC16as_T4_v3: { vmGenerations: GEN1_AND_2, encryptionAtHost: true, notes: [gen1And2("NCasT4_v3"), eahSupported] },
  Standard_NC64as_T4_v3: { vmGenerations: GEN1_AND_2, encryptionAtHost: true, notes: [gen1And2("NCasT4_v3"), eahSupported] },
};

const RETIREMENTS = "Azure docs, 'Retirements and capacity restrictions' and the series' migration guides";

export const EXCLUSIONS: readonly Exclusion[] = [
  { cloud: "azure", pattern: /^Standard_NC(6|12|24|24r)(_Promo)?$/, reason: `NC-series (K80) retired on 2023-09-06: ${RETIREMENTS}` },
  { cloud: "azure", pattern: /^Standard_NV(6|12|24)(_Promo)?$/, reason: `NV-series (M60) retired on 2023-09-06: ${RETIREMENTS}` },
  { cloud: "azure", pattern: /^Standard_NC(6|12|24|24r)s_v3$/, reason: `NCv3-series (V100) retired on 2025-09-30: ${RETIREMENTS}` },
  { cloud: "azure", pattern: /^Standard_NV(12|24|48)s_v3$/, reason: `NVv3-series (M60) retired on 2026-09-30: ${RETIREMENTS}` },
  { cloud: "azure", pattern: /^Standard_NV(4|8|16|32)as_v4$/, reason: `NVv4-series (fractions of an MI25) retired on 2026-09-30: ${RETIREMENTS}` },
  {
    cloud: "azure",
    pattern: /^Standard_NV\d+adm?s_A10_v5$/,
    reason:
      "NVadsA10 v5-series (whole or partitioned A10) runs only NVIDIA's GRID (vGPU) driver, 17.x or later ('The Azure NVads A10 v5 VMs only support GRID 17.x or higher driver versions': Azure docs, 'Install NVIDIA GPU drivers on N-series VMs running Linux'); the library's default image, Ubuntu-HPC, carries NVIDIA's data-center (CUDA) driver instead, and the library installs no GPU driver itself (also 'Converged GPU sizes (NVads_A10_v5 ...) require NVIDIA GRID vGPU guest drivers instead of standard CUDA drivers': Azure/AgentBaker PR 7986)",
  },
];

export const SOURCES: readonly CatalogSource[] = [
  {
    cloud: "aws",
    label: "AWS p-series catalog",
    source: "skypilot-org/skypilot-catalog catalogs/v9/aws/vms.csv @ 2c3d7ea7d76bf84cf80d382e946c1609571485fd (p* types)",
    pricesAsOf: "2026-01-22",
    note: "commit date unknown; the v9 schema's local-disk columns date from 2026-01-22, so prices are from that day or later",
  },
  {
    cloud: "aws",
    label: "AWS g5/g6e supplement",
    source: "scripts/catalog/aws-supplement.csv (g5, g6e: us-east-1 on-demand list prices, AWS Pricing API)",
    pricesAsOf: "2026-08-17",
    note: "region-level rows only (no zone data, no spot prices)",
  },
  {
    cloud: "azure",
    label: "Azure catalog",
    source: "skypilot-org/skypilot-catalog catalogs/v6/azure/vms.csv @ 098741e70562f65d7af1cceb81e33b284f742604",
    note: "date unknown; this catalog version is not refreshed automatically: treat Azure prices as indicative",
  },
];
