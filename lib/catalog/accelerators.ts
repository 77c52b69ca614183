import type { Accelerator } from "./types";

const NVIDIA_SHEETS = "NVIDIA product data sheet";

/**
 * GPU models the catalog knows, keyed by catalog name. Memory and board power (TDP) are the
 * vendor's figures for the part the clouds fit; a type that fits another variant (e.g. Azure's
 * PCIe A100) overrides them per offering.
 */
export const ACCELERATORS: Readonly<Record<string, Accelerator>> = Object.freeze({
  B300: { name: "B300", vendor: "NVIDIA", part: "B300 (HGX B300)", memoryGiB: 288, tdpWatts: 1100, source: `${NVIDIA_SHEETS} (HGX B300: 288 GB HBM3e, 1,100 W per GPU; GB300 parts run to 1,400 W)` },
  B200: { name: "B200", vendor: "NVIDIA", part: "B200 SXM 180GB (HGX B200)", memoryGiB: 180, tdpWatts: 1000, source: `${NVIDIA_SHEETS} (HGX B200: 180 GB HBM3e, up to 1,000 W per GPU)` },
  H200: { name: "H200", vendor: "NVIDIA", part: "H200 SXM 141GB", memoryGiB: 141, tdpWatts: 700, source: `${NVIDIA_SHEETS} (H200 SXM: 141 GB HBM3e, up to 700 W)` },
  H100: { name: "H100", vendor: "NVIDIA", part: "H100 SXM5 80GB", memoryGiB: 80, tdpWatts: 700, source: `${NVIDIA_SHEETS} (H100 SXM: 80 GB HBM3, up to 700 W)` },
  "A100-80GB": { name: "A100-80GB", vendor: "NVIDIA", part: "A100 SXM4 80GB", memoryGiB: 80, tdpWatts: 400, source: `${NVIDIA_SHEETS} (A100 80GB SXM: 400 W; PCIe: 300 W)` },
  A100: { name: "A100", vendor: "NVIDIA", part: "A100 SXM4 40GB", memoryGiB: 40, tdpWatts: 400, source: `${NVIDIA_SHEETS} (A100 40GB SXM: 400 W)` },
  L40S: { name: "L40S", vendor: "NVIDIA", part: "L40S 48GB", memoryGiB: 48, tdpWatts: 350, source: `${NVIDIA_SHEETS} (L40S: 48 GB GDDR6, 350 W)` },
  A10G: { name: "A10G", vendor: "NVIDIA", part: "A10G 24GB (AWS G5)", memoryGiB: 24, tdpWatts: 300, source: "nvidia-smi power limit on AWS G5 (NVIDIA publishes no A10G data sheet): 300 W, 24 GB GDDR6" },
  A10: { name: "A10", vendor: "NVIDIA", part: "A10 24GB", memoryGiB: 24, tdpWatts: 150, source: `${NVIDIA_SHEETS} (A10: 24 GB GDDR6, 150 W)` },
  L4: { name: "L4", vendor: "NVIDIA", part: "L4 24GB", memoryGiB: 24, tdpWatts: 72, source: `${NVIDIA_SHEETS} (L4: 24 GB GDDR6, 72 W)` },
  T4: { name: "T4", vendor: "NVIDIA", part: "T4 16GB", memoryGiB: 16, tdpWatts: 70, source: `${NVIDIA_SHEETS} (T4: 16 GB GDDR6, 70 W)` },
  "V100-32GB": { name: "V100-32GB", vendor: "NVIDIA", part: "V100 SXM2 32GB", memoryGiB: 32, tdpWatts: 300, source: `${NVIDIA_SHEETS} (V100 SXM2: 300 W; PCIe: 250 W)` },
  V100: { name: "V100", vendor: "NVIDIA", part: "V100 SXM2 16GB", memoryGiB: 16, tdpWatts: 300, source: `${NVIDIA_SHEETS} (V100 SXM2: 300 W; PCIe: 250 W)` },
});

/** Looks an accelerator up by name, ignoring case. */
export function findAccelerator(name: string): Accelerator | undefined {
  const key = Object.keys(ACCELERATORS).find((k) => k.toLowerCase() === name.trim().toLowerCase());
  return key === undefined ? undefined : ACCELERATORS[key];
}
