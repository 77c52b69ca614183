/**
 * The README, true line by line: every TypeScript block is type-checked against the package's own
 * exports (the `exports` map of package.json, as a consumer resolves `cdktf-hybrid-gpu/aws`), then
 * run, with every claim in its comments checked (see snippets.ts) and every app it builds
 * synthesized; every JSON block parses; every `hgpu` command of a shell block parses, and `place`
 * runs; every `npm run` names a script. (npm run test:consumer builds the "Use it in your project"
 * files against the packed tarball.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../bin/cli/commands";
import { parseCommandArgs } from "../../bin/cli/options";
import { hgpu } from "../bin/cli";
import { extractSnippets, importsOf, instrument, prose, results } from "./snippets";

const root = join(__dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const snippets = extractSnippets(readme);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | { default: string }>; scripts: Record<string, string> };

/** `cdktf-hybrid-gpu[/sub]` -> the source module its `exports` entry is built from. */
const entries = Object.fromEntries(
  Object.entries(pkg.exports)
    .filter(([key]) => key !== "./package.json")
    .map(([key, target]) => {
      const built = typeof target === "string" ? target : target.default;
      return [`cdktf-hybrid-gpu${key.slice(1)}`, join(root, built.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"))];
    }),
);
const THIRD_PARTY = /^(cdktf|constructs|@cdktf\/provider-(aws|azurerm)\/lib\/[a-z0-9-]+)$/;

const ts = snippets.filter((s) => s.lang === "ts");
const work = join(root, ".scratch", `readme-${process.pid}`);

// Claims in prose, with what makes them true.
prose.set("the same sentence: a placement prints as one", (v) => expect(v).toBe("8 x g5.12xlarge (32 x A10G) in aws us-east-1 at $45.376/h"));

beforeAll(() => mkdirSync(work, { recursive: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("README TypeScript blocks", () => {
  it("exist and import only the package's exports, cdktf, constructs and deep provider modules", () => {
    expect(ts.length).toBeGreaterThanOrEqual(8);
    for (const s of ts) {
      for (const spec of importsOf(s.code)) expect(spec in entries || THIRD_PARTY.test(spec), `README line ${s.line}: import "${spec}"`).toBe(true);
    }
  });

  it("type-check against the package's exports, strictly", () => {
    const dir = join(work, "types");
    mkdirSync(dir, { recursive: true });
    for (const s of ts) writeFileSync(join(dir, `line-${s.line}.ts`), s.code);
    const paths = Object.fromEntries(Object.entries(entries).map(([spec, file]) => [spec, [file]]));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "ES2022", lib: ["ES2022"], module: "nodenext", moduleResolution: "nodenext", types: ["node"], skipLibCheck: true, resolveJsonModule: true, paths }, include: ["*.ts"] }));
    const r = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    const errors = `${r.stdout}${r.stderr}`.replace(/line-(\d+)\.ts\((\d+),/g, (_, start: string, l: string) => `README line ${Number(start) + Number(l)} (`);
    expect(errors.split("\n").filter((l) => l.startsWith("README line")), errors).toEqual([]);
    expect(r.status).toBe(0);
  });

  for (const s of ts) {
    it(`line ${s.line}: runs, every claim in its comments holds, and what it builds synthesizes`, async () => {
      const dir = join(work, `run-${s.line}`);
      const outdir = join(dir, "cdktf.out");
      mkdirSync(dir, { recursive: true });
      let code = instrument(s);
      for (const spec of importsOf(s.code)) if (entries[spec]) code = code.replace(`from "${spec}";`, `from ${JSON.stringify(entries[spec])};`);
      const file = join(dir, "snippet.ts");
      writeFileSync(file, `import { __claim, __format } from ${JSON.stringify(join(__dirname, "snippets.ts"))};\n${code}\n`);
      const before = results.length;
      const outdirBefore = process.env.CDKTF_OUTDIR;
      process.env.CDKTF_OUTDIR = outdir;
      try {
        await import(file);
      } finally {
        if (outdirBefore === undefined) delete process.env.CDKTF_OUTDIR;
        else process.env.CDKTF_OUTDIR = outdirBefore;
      }
      const mine = results.slice(before);
      expect(mine.filter((c) => c.problem).map((c) => `README line ${c.line}: // ${c.claim}: ${c.problem}`)).toEqual([]);
      const claims = s.code.split("\n").filter((l) => /^\S.*;\s*\/\/ /.test(l) && !/^(const|let|import|new) /.test(l)).length;
      expect(mine.length, "every claim was checked").toBeGreaterThanOrEqual(claims);
      if (/new App\(/.test(s.code)) {
        expect(s.code, "an app in the README ends with app.synth()").toMatch(/\napp\.synth\(\);$/);
        const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
        expect(Object.keys(manifest.stacks).length).toBeGreaterThan(0);
        for (const st of Object.values(manifest.stacks)) expect(Object.keys((JSON.parse(readFileSync(join(outdir, st.synthesizedStackPath), "utf8")) as { resource?: object }).resource ?? {}).length).toBeGreaterThan(0);
      } else {
        expect(existsSync(outdir) ? readdirSync(outdir) : []).toEqual([]);
      }
    });
  }
});

describe("README other blocks", () => {
  it("JSON blocks parse; the project's cdktf.json runs what its tsconfig.json builds", () => {
    const json = snippets.filter((s) => s.lang === "json");
    for (const s of json) expect(() => JSON.parse(s.code), `README line ${s.line}`).not.toThrow();
    const byFile = Object.fromEntries(snippets.filter((s) => s.file).map((s) => [s.file!, s.code]));
    expect(Object.keys(byFile).sort()).toEqual(["cdktf.json", "main.ts", "tsconfig.json"]);
    const tsconfig = JSON.parse(byFile["tsconfig.json"]!) as { compilerOptions: { outDir: string }; files: string[] };
    expect(tsconfig.files).toEqual(["main.ts"]);
    expect((JSON.parse(byFile["cdktf.json"]!) as { app: string }).app).toBe(`node ${tsconfig.compilerOptions.outDir}/main.js`);
  });

  const shell = snippets.filter((s) => s.lang === "sh").flatMap((s) =>
    s.code.split("\n").flatMap((l, i) => l.replace(/\s+#.*$/, "").split(/\s*&&\s*/).map((command) => ({ command: command.trim(), line: s.line + 1 + i }))),
  );
  it("every npm command names a script or an npm command", () => {
    for (const { command, line } of shell.filter((c) => c.command.startsWith("npm "))) {
      const [, verb, script] = command.split(/\s+/);
      if (verb === "run") expect(pkg.scripts[script!], `README line ${line}: ${command}`).toBeDefined();
      else expect(["ci", "test", "pack", "install"], `README line ${line}: ${command}`).toContain(verb);
    }
  });
  it("every hgpu command parses, and hgpu place runs", async () => {
    const commands = shell.filter((c) => /^(npx tsx bin\/hgpu\.ts|npx hgpu|hgpu) /.test(c.command));
    expect(commands.length).toBeGreaterThan(2);
    for (const { command, line } of commands) {
      const args = command.replace(/^(npx tsx bin\/hgpu\.ts|npx hgpu|hgpu) /, "").split(/\s+/);
      const name = args[0] as keyof typeof COMMANDS;
      expect(COMMANDS[name], `README line ${line}: ${command}`).toBeDefined();
      expect(() => parseCommandArgs(COMMANDS[name], args.slice(1)), `README line ${line}: ${command}`).not.toThrow();
      if (name === "place") expect((await hgpu(args)).status, `README line ${line}: ${command}`).toBe(0);
    }
  });
});
