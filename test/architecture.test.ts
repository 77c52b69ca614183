/**
 * The design's rules that code review alone would let slip: deep provider imports only, and
 * the layers (pure core/catalog/planner; cloud folders that never import each other).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..");

function sources(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(abs, e);
    if (statSync(p).isDirectory()) return sources(relative(root, p));
    return /\.(ts|js|mjs|cjs)$/.test(e) ? [relative(root, p)] : [];
  });
}

/** Module specifiers a file imports or requires. */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)) specs.push(m[1]!);
  return specs;
}

const ALL = ["lib", "bin", "bench", "examples", "scripts", "test"].flatMap(sources);

describe("provider imports", () => {
  it("are deep (@cdktf/provider-*/lib/<resource>), never the root package", () => {
    const offenders = ALL.flatMap((f) => imports(f).filter((s) => /^@cdktf\/provider-[a-z]+\/?$/.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("the check itself catches a root import", () => {
    // built from parts so that this file does not itself hold a root import
    const [aws, azurerm] = ["aws", "azurerm"].map((c) => `@cdktf/provider-${c}`);
    const sample = `import { Vpc } from "${aws}";\nconst p = require('${azurerm}');`;
    const found = [...sample.matchAll(/(?:from\s+|require\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]!).filter((s) => /^@cdktf\/provider-[a-z]+\/?$/.test(s));
    expect(found).toEqual(["@cdktf/provider-aws", "@cdktf/provider-azurerm"]);
  });
});

describe("layers", () => {
  it("core, catalog and planner import no cdktf and no provider", () => {
    const pure = ["lib/core", "lib/catalog", "lib/planner"].flatMap(sources);
    expect(pure.length).toBeGreaterThan(5);
    const offenders = pure.flatMap((f) => imports(f).filter((s) => s === "cdktf" || s.startsWith("@cdktf/")).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("imports point down only", () => {
    const order = ["core", "catalog", "planner", "aws", "azure", "hybrid", "task", "team", "report", "launch"];
    const layer = (f: string) => /^lib\/([^/]+)\//.exec(f)?.[1];
    const offenders: string[] = [];
    for (const f of sources("lib")) {
      const from = layer(f);
      if (!from) continue;
      for (const s of imports(f).filter((x) => x.startsWith("."))) {
        const target = layer(relative(root, join(root, f, "..", s)) + "/");
        if (!target || target === from) continue;
        const cloudPair = ["aws", "azure"].includes(from) && ["aws", "azure"].includes(target);
        if (cloudPair || order.indexOf(target) > order.indexOf(from)) offenders.push(`${f} -> ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
