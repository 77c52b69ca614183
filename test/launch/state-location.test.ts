import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { isolateState, localStateResources, STATE_OVERRIDE_FILE } from "../../lib/launch/state-location";

function stackWith(ctx: TestContext, terraform: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "hgpu-state-"));
  ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ terraform }));
  return { dir, override: () => JSON.parse(readFileSync(join(dir, STATE_OVERRIDE_FILE), "utf8")) };
}

describe("isolateState", () => {
  it("moves cdktf's default local backend (one absolute file per stack) into the attempt's directory", (ctx) => {
    const s = stackWith(ctx, { backend: { local: { path: "/project/terraform.task.tfstate" } } });
    expect(isolateState(s.dir, "/runs/r1/attempt-2", "r1", 2, "task")).toEqual({ backend: "local", path: "/runs/r1/attempt-2/terraform.tfstate" });
    expect(s.override()).toEqual({ terraform: { backend: { local: { path: "/runs/r1/attempt-2/terraform.tfstate" } } } });
  });

  it("refuses a stack folder with override files of its own, which Terraform would merge after the launcher's; its own earlier one is rewritten", (ctx) => {
    const s = stackWith(ctx, {});
    writeFileSync(join(s.dir, STATE_OVERRIDE_FILE), "{}");
    expect(isolateState(s.dir, "/a", "r1", 1, "task")).toEqual({ backend: "local", path: "/a/terraform.tfstate" });
    for (const f of ["zz_override.tf.json", "override.tf", "backend_override.tf", "hgpu_run_override.tofu.json"]) writeFileSync(join(s.dir, f), "{}");
    writeFileSync(join(s.dir, "overrides.tf.json"), "{}"); // not an override file to Terraform
    expect(() => isolateState(s.dir, "/a", "r1", 1, "task")).toThrow(
      'hgpu launch: stack "task" has override files of its own (backend_override.tf, hgpu_run_override.tofu.json, override.tf, zz_override.tf.json): Terraform merges override files in name order, so one could replace the launcher\'s backend and give every run the same state; leave them out of the stack\'s folder',
    );
  });

  it("gives a stack without a backend a local state in the attempt's directory too", (ctx) => {
    const s = stackWith(ctx, {});
    expect(isolateState(s.dir, "/a", "r1", 1, "task")).toEqual({ backend: "local", path: "/a/terraform.tfstate" });
  });

  it.for([
    ["s3", { bucket: "tf-state", key: "vision/terraform.tfstate", region: "us-east-1", use_lockfile: true, encrypt: true }, "key", "s3://tf-state/vision/terraform.tfstate/runs/r9/attempt-1"],
    ["azurerm", { storage_account_name: "tfstate", container_name: "state", key: "vision.tfstate", use_azuread_auth: true }, "key", "azurerm tfstate/state/vision.tfstate/runs/r9/attempt-1"],
    ["gcs", { bucket: "tf-state", prefix: "vision/" }, "prefix", "gs://tf-state/vision/runs/r9/attempt-1"],
  ] as const)("keeps a %s backend's settings and puts the run under the stack's key", ([name, config, field, description], ctx) => {
    const s = stackWith(ctx, { backend: { [name]: config } });
    const base = String(config[field as keyof typeof config]).replace(/\/$/, "");
    expect(isolateState(s.dir, "/a", "r9", 1, "task")).toEqual({ backend: name, key: `${base}/runs/r9/attempt-1`, description });
    expect(s.override()).toEqual({ terraform: { backend: { [name]: { ...config, [field]: `${base}/runs/r9/attempt-1` } } } });
  });

  it.for([
    [{ cloud: { organization: "acme", workspaces: { name: "vision" } } }, 'hgpu launch: stack "task" uses a Terraform Cloud (cloud) block: the launcher cannot give each run its own state there; use the local, s3, azurerm or gcs backend'],
    [{ backend: { remote: { organization: "acme" } } }, 'hgpu launch: stack "task" uses the remote backend: the launcher cannot give each run its own state there; use the local, s3, azurerm or gcs backend'],
    [{ backend: { s3: { bucket: "b" } } }, 'hgpu launch: stack "task" has a s3 backend without a literal key: the launcher keeps each run\'s state under it; give the backend a key'],
    [{ backend: { s3: { bucket: "b", key: "${var.key}" } } }, 'hgpu launch: stack "task" has a s3 backend without a literal key: the launcher keeps each run\'s state under it; give the backend a key'],
  ] as const)("refuses what it cannot isolate: %j", ([terraform, message], ctx) => {
    const s = stackWith(ctx, terraform);
    expect(() => isolateState(s.dir, "/a", "r1", 1, "task")).toThrow(message);
  });
});

describe("localStateResources", () => {
  it("lists managed resources with instances, not data sources or emptied resources; unreadable is undefined, absent is []", (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-state-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "terraform.tfstate");
    writeFileSync(file, JSON.stringify({
      version: 4,
      resources: [
        { mode: "managed", type: "aws_vpc", name: "net", instances: [{}] },
        { mode: "data", type: "aws_partition", name: "p", instances: [{}] },
        { mode: "managed", type: "aws_subnet", name: "s", instances: [{ index_key: 0 }, { index_key: 1 }] },
        { module: "module.x", mode: "managed", type: "aws_eip", name: "e", instances: [{ index_key: "a" }] },
        { mode: "managed", type: "aws_instance", name: "gone", instances: [] },
      ],
    }));
    expect(localStateResources(file)).toEqual(["aws_vpc.net", "aws_subnet.s[0]", "aws_subnet.s[1]", 'module.x.aws_eip.e["a"]']);
    expect(localStateResources(join(dir, "none.tfstate"))).toEqual([]);
    writeFileSync(file, ""); // truncated by a full disk: not "empty"
    expect(localStateResources(file)).toBeUndefined();
    writeFileSync(file, "{ not json");
    expect(localStateResources(file)).toBeUndefined();
  });
});
