/**
 * `npm run validate`: `terraform validate` of every example stack's AWS half against the real AWS
 * provider schema, from a Terraform filesystem mirror on this machine (no provider can be
 * downloaded here). The azurerm half cannot be validated without its provider: its blocks are left
 * out and every value that refers to them is replaced by a placeholder, and the output says how
 * many were left out. Exits 1 when validate reports an error, 0 otherwise; with no mirror, it says
 * so in one line and exits 0.
 *
 *   HGPU_TF_MIRROR=/path/to/mirror npm run validate   # else the usual places are searched
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const EXAMPLES = ["hybrid-training", "aws-only", "azure-only", "team-stacks"];
// A value Terraform does not know at validate, as an azurerm attribute would not be: validators skip it.
const PLACEHOLDER = "${var.hgpu_azurerm_placeholder}";

type Json = Record<string, unknown>;

/** The mirror folder holding registry.terraform.io/hashicorp/aws/<version>/<platform>/terraform-provider-aws_*, and the version. */
function findMirror(): { dir: string; version: string } | undefined {
  const roots = [process.env.HGPU_TF_MIRROR, "/opt/tf-plugins", join(homedir(), ".terraform.d", "plugins"), "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins"].filter((r): r is string => !!r);
  for (const dir of roots) {
    const aws = join(dir, "registry.terraform.io", "hashicorp", "aws");
    if (!existsSync(aws)) continue;
    const versions = readdirSync(aws).filter((v) => statSync(join(aws, v)).isDirectory() && readdirSync(join(aws, v)).some((p) => existsSync(join(aws, v, p)) && readdirSync(join(aws, v, p)).some((f) => f.startsWith("terraform-provider-aws_"))));
    if (versions.length) return { dir, version: versions.sort().at(-1)! };
  }
  return undefined;
}

/** Drops azurerm blocks and replaces every value that refers to them; returns how many blocks were dropped. */
function awsHalf(tf: Json): { tf: Json; dropped: number } {
  let dropped = 0;
  const refersToAzure = (s: string) => /\$\{[^}]*\b(data\.)?azurerm_/.test(s) && !s.includes(PLACEHOLDER);
  const scrub = (v: unknown): unknown => {
    if (typeof v === "string") return refersToAzure(v) ? PLACEHOLDER : v;
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  const out = { ...tf };
  for (const kind of ["resource", "data"] as const) {
    const blocks = { ...((out[kind] as Json | undefined) ?? {}) };
    for (const type of Object.keys(blocks)) {
      if (type.startsWith("azurerm_")) {
        dropped += Object.keys(blocks[type] as Json).length;
        delete blocks[type];
      }
    }
    if (Object.keys(blocks).length) out[kind] = blocks;
    else delete out[kind];
  }
  const provider = { ...((out.provider as Json | undefined) ?? {}) };
  delete provider.azurerm;
  if (Object.keys(provider).length) out.provider = provider;
  else delete out.provider;
  const terraform = { ...((out.terraform as Json | undefined) ?? {}) };
  const required = { ...((terraform.required_providers as Json | undefined) ?? {}) };
  delete required.azurerm;
  if (Object.keys(required).length) terraform.required_providers = required;
  else delete terraform.required_providers;
  out.variable = { ...((out.variable as Json | undefined) ?? {}), hgpu_azurerm_placeholder: { type: "any", description: "stands for azurerm values, which cannot be validated here" } };
  delete terraform.backend; // validate needs no backend
  out.terraform = terraform;
  // depends_on may name dropped blocks
  const cleaned = scrub(out) as Json;
  for (const kind of ["resource", "data"] as const) {
    for (const blocks of Object.values((cleaned[kind] as Json | undefined) ?? {})) {
      for (const block of Object.values(blocks as Json)) {
        const b = block as Json;
        if (Array.isArray(b.depends_on)) b.depends_on = (b.depends_on as string[]).filter((d) => d !== PLACEHOLDER && !/^(data\.)?azurerm_/.test(d));
      }
    }
  }
  return { tf: cleaned, dropped };
}

function main(): number {
  const mirror = findMirror();
  if (!mirror) {
    console.log("validate: no Terraform filesystem mirror with the AWS provider on this machine (set HGPU_TF_MIRROR): terraform validate skipped");
    return 0;
  }
  const work = mkdtempSync(join(tmpdir(), "hgpu-validate-"));
  try {
    const cli = join(work, "cli.tfrc");
    writeFileSync(cli, `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror.dir}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    delete env.TF_PLUGIN_CACHE_DIR;
    const dir = join(work, "stack");
    // one working directory, initialised once with the mirror's provider; each stack is validated in it in turn
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: mirror.version } } } }));
    const init = spawnSync("terraform", ["init", "-input=false", "-no-color", "-backend=false"], { cwd: dir, env, encoding: "utf8" });
    if (init.status !== 0) {
      console.error(`validate: terraform init with the mirror ${mirror.dir} failed:\n${init.stdout}${init.stderr}`);
      return 1;
    }
    console.log(`validate: AWS provider ${mirror.version} from ${mirror.dir} (the stacks ask for their own version; validated against this one)`);
    let errors = 0;
    for (const example of EXAMPLES) {
      const out = join(work, "out", example);
      mkdirSync(out, { recursive: true });
      const synth = spawnSync(join(root, "node_modules/.bin/tsx"), [join(root, "examples", example, "main.ts")], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
      if (synth.status !== 0) {
        console.error(`validate: ${example} did not synthesize:\n${synth.stderr}`);
        errors++;
        continue;
      }
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
      for (const [name, s] of Object.entries(manifest.stacks)) {
        const { tf, dropped } = awsHalf(JSON.parse(readFileSync(join(out, s.synthesizedStackPath), "utf8")) as Json);
        const required = ((tf.terraform as Json).required_providers as Json | undefined) ?? {};
        if (required.aws) (tf.terraform as Json).required_providers = { ...required, aws: { source: "hashicorp/aws", version: mirror.version } };
        writeFileSync(join(dir, "main.tf.json"), JSON.stringify(tf));
        const r = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: dir, env, encoding: "utf8" });
        const result = JSON.parse(r.stdout || "{}") as { valid?: boolean; diagnostics?: { severity: string; summary: string; detail?: string; address?: string; range?: { filename: string } }[] };
        const problems = (result.diagnostics ?? []).filter((d) => d.severity === "error");
        const note = dropped ? ` (${dropped} azurerm blocks not validated: no azurerm provider here)` : "";
        if (result.valid && problems.length === 0) {
          console.log(`  ok ${example}/${name}${note}`);
        } else {
          errors += problems.length || 1;
          console.log(`  FAIL ${example}/${name}${note}`);
          for (const d of problems) console.log(`    ${d.address ? `${d.address}: ` : ""}${d.summary}${d.detail ? `: ${d.detail}` : ""}`);
          if (!problems.length) console.log(`    ${r.stdout}${r.stderr}`);
        }
      }
    }
    console.log(errors ? `validate: ${errors} error(s)` : "validate: every stack's AWS half is valid");
    return errors ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
