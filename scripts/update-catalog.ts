/**
 * Regenerates lib/catalog/data/catalog.json from the source CSVs and the curated facts.
 *
 *   npm run update-catalog -- [--source DIR] [--check]
 *
 * --source DIR  folder holding aws-gpu-vms.csv and azure-gpu-vms.csv (default: scripts/catalog/source,
 *               the committed copy of the public extract; see its PROVENANCE.md)
 * --check       do not write; exit 1 when the committed catalog differs from what the sources give
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildCatalog } from "./catalog/build";

const root = resolve(__dirname, "..");
const out = join(root, "lib/catalog/data/catalog.json");

function main(argv: string[]): number {
  const sourceIndex = argv.indexOf("--source");
  const source = resolve(root, sourceIndex >= 0 ? argv[sourceIndex + 1] ?? "" : "scripts/catalog/source");
  const check = argv.includes("--check");
  for (const file of ["aws-gpu-vms.csv", "azure-gpu-vms.csv"]) {
    if (!existsSync(join(source, file))) {
      console.error(`update-catalog: ${join(source, file)} not found; pass --source DIR`);
      return 2;
    }
  }
  const catalog = buildCatalog(
    {
      aws: readFileSync(join(source, "aws-gpu-vms.csv"), "utf8"),
      azure: readFileSync(join(source, "azure-gpu-vms.csv"), "utf8"),
      awsSupplement: readFileSync(join(__dirname, "catalog/aws-supplement.csv"), "utf8"),
    },
    { builtAt: new Date().toISOString().slice(0, 10) },
  );
  if (check) {
    const committed = JSON.parse(readFileSync(out, "utf8"));
    const same = JSON.stringify({ ...committed, builtAt: "" }) === JSON.stringify({ ...catalog, builtAt: "" });
    console.log(same ? "catalog is up to date" : "catalog differs from its sources: run npm run update-catalog");
    return same ? 0 : 1;
  }
  writeFileSync(out, JSON.stringify(catalog, null, 1) + "\n");
  const locations = catalog.offerings.reduce((n, o) => n + o.locations.length, 0);
  console.log(`wrote ${out}: ${catalog.offerings.length} offerings, ${locations} locations, ${catalog.excluded.length} excluded`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
