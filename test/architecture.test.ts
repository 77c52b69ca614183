/**
 * The design's rules that code review alone would let slip: deep provider imports only, the
 * engine (cdktf or cdktn) imported by lib/engine/ alone, the layers (pure core/catalog/planner;
 * cloud folders that never import each other), and bin/ using the library as its users do,
 * through the package's public entry points.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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

/** An engine module: cdktf or CDK Terrain's cdktn, or one of their providers. */
const ENGINE = /^(cdktf|cdktn)(\/|$)|^@(cdktf|cdktn)\//;
/** A provider's root package (instead of a deep import of one resource). */
const PROVIDER_ROOT = /^@(cdktf|cdktn)\/provider-[a-z]+\/?$/;

describe("provider imports", () => {
  it("are deep (@cdktf/provider-*/lib/<resource>), never the root package", () => {
    expect(ALL.length).toBeGreaterThan(100);
    // the command line is checked as well as the library
    expect(ALL).toEqual(expect.arrayContaining(["bin/hgpu.ts", "bin/cli/place.ts", "lib/index.ts"]));
    const offenders = ALL.flatMap((f) => imports(f).filter((s) => PROVIDER_ROOT.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("the check itself catches a root import", () => {
    // built from parts so that this file does not itself hold a root import
    const [aws, azurerm] = ["aws", "azurerm"].map((c) => `@cdktf/provider-${c}`);
    const sample = `import { Vpc } from "${aws}";\nconst p = require('${azurerm}');`;
    const found = [...sample.matchAll(/(?:from\s+|require\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]!).filter((s) => PROVIDER_ROOT.test(s));
    expect(found).toEqual(["@cdktf/provider-aws", "@cdktf/provider-azurerm"]);
    expect(["@cdktn/provider-aws", "@cdktn/provider-aws/lib/vpc"].filter((s) => PROVIDER_ROOT.test(s))).toEqual(["@cdktn/provider-aws"]);
  });
});

describe("engine imports", () => {
  const lib = sources("lib");
  it("only lib/engine/ imports cdktf, cdktn or their providers", () => {
    const engine = lib.filter((f) => f.startsWith("lib/engine/"));
    expect(engine.sort()).toEqual(["lib/engine/aws.ts", "lib/engine/azurerm.ts", "lib/engine/core.ts", "lib/engine/terraform-data.ts"]);
    const offenders = lib.filter((f) => !f.startsWith("lib/engine/")).flatMap((f) => imports(f).filter((s) => ENGINE.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("the adapters import only their own engine package (core: cdktf; aws and azurerm: their provider, deep)", () => {
    const of = (f: string) => imports(`lib/engine/${f}.ts`);
    expect([...new Set(of("core"))]).toEqual(["cdktf"]);
    // The library's own L1 of an engine class reaches the engine through the core adapter.
    expect(of("terraform-data")).toEqual(["constructs", "./core", "./core"]);
    expect(of("aws").length).toBeGreaterThan(30);
    expect(of("aws").filter((s) => !/^@cdktf\/provider-aws\/lib\/[a-z0-9-]+$/.test(s))).toEqual([]);
    expect(of("azurerm").length).toBeGreaterThan(20);
    expect(of("azurerm").filter((s) => !/^@cdktf\/provider-azurerm\/lib\/[a-z0-9-]+$/.test(s))).toEqual([]);
  });
  it("bin/ imports no engine either: it reaches the library through lib/", () => {
    const offenders = sources("bin").flatMap((f) => imports(f).filter((s) => ENGINE.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("the check catches both engines' names and not look-alikes", () => {
    const specs = ["cdktf", "cdktn", "cdktf/lib/x", "@cdktn/provider-aws/lib/vpc", "@cdktf/provider-azurerm/lib/subnet", "cdktf-hybrid-gpu", "cdktn-hybrid-gpu", "constructs"];
    expect(specs.filter((s) => ENGINE.test(s))).toEqual(["cdktf", "cdktn", "cdktf/lib/x", "@cdktn/provider-aws/lib/vpc", "@cdktf/provider-azurerm/lib/subnet"]);
  });
});

describe("layers", () => {
  it("core, catalog and planner import no engine and no provider, not even through lib/engine", () => {
    const pure = ["lib/core", "lib/catalog", "lib/planner"].flatMap(sources);
    expect(pure.length).toBeGreaterThan(5);
    const offenders = pure.flatMap((f) => imports(f).filter((s) => ENGINE.test(s) || /(^|\/)engine\/(core|aws|azurerm)$/.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
  });
  it("imports point down only", () => {
    const order = ["engine", "core", "catalog", "planner", "onprem", "aws", "azure", "hybrid", "task", "team", "report", "launch"];
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

/**
 * The package's public entry points (package.json `exports`): `lib/index.ts` for `.`, and
 * `lib/<module>/index.ts` for `./<module>`.
 */
const ENTRY_POINTS: readonly string[] = Object.keys(
  (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> }).exports,
)
  .filter((k) => k !== "./package.json")
  .map((k) => (k === "." ? "lib/index.ts" : `lib/${k.slice(2)}/index.ts`));

/**
 * The file a relative specifier of `from` names, from the root: `x.ts` for `x` and `x.js` (the
 * spelling a dynamic import() needs), `x/index.ts` for a folder.
 */
function resolveRelative(from: string, spec: string): string {
  const base = relative(root, join(root, dirname(from), spec)).replace(/\.js$/, ".ts");
  if (/\.(ts|mjs|cjs|json)$/.test(base)) return base;
  return existsSync(join(root, `${base}.ts`)) ? `${base}.ts` : `${base}/index.ts`;
}

/**
 * The imports of a bin/ file that reach past bin/ into anything but a public entry point: a
 * private file of the library (`lib/launch/runs`) or another folder of the repository.
 */
function privateImports(file: string, specs: readonly string[]): string[] {
  return specs
    .filter((s) => s.startsWith("."))
    .filter((s) => {
      const target = resolveRelative(file, s);
      return !target.startsWith("bin/") && !ENTRY_POINTS.includes(target);
    })
    .map((s) => `${file}: ${s}`);
}

describe("bin/ uses the library as its users do", () => {
  it("the public entry points are lib/index and one index per module, each a file", () => {
    expect(ENTRY_POINTS).toContain("lib/index.ts");
    expect(ENTRY_POINTS).toEqual(expect.arrayContaining(["lib/core/index.ts", "lib/planner/index.ts", "lib/launch/index.ts", "lib/report/index.ts"]));
    expect(ENTRY_POINTS.filter((f) => !existsSync(join(root, f)))).toEqual([]);
  });
  it("imports the library through lib/index or a module's entry point (lib/<module>), never a private file", () => {
    const bin = sources("bin");
    expect(bin).toEqual(expect.arrayContaining(["bin/hgpu.ts", "bin/cli/place.ts", "bin/cli/runs.ts"]));
    expect(bin.flatMap((f) => privateImports(f, imports(f)))).toEqual([]);
  });
  it("the check takes the entry points in all their spellings and catches private files and other folders", () => {
    const good = ["../../lib", "../../lib/index", "../../lib/launch", "../../lib/launch/index", "../../lib/task/index.js", "./options", "../hgpu", "node:fs"];
    expect(privateImports("bin/cli/x.ts", good)).toEqual([]);
    const bad = [
      "../../lib/launch/runs", "../../lib/core/plural", "../../lib/task/duration.js", "../../lib/team/policies/gpu-policies",
      "../../examples/aws-only/main", "../../test/helpers",
    ];
    expect(privateImports("bin/cli/x.ts", bad)).toEqual(bad.map((s) => `bin/cli/x.ts: ${s}`));
    expect(privateImports("bin/hgpu.ts", ["../lib/launch/synth-app", "../lib/launch", "./cli/place"])).toEqual(["bin/hgpu.ts: ../lib/launch/synth-app"]);
  });
});
