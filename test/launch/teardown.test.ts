import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../lib/launch/run-record";
import { leftReport, resourcesInState } from "../../lib/launch/teardown";

describe("leftReport", () => {
  it("lists what is left per attempt, points at an emergency state dump and Terraform's output, and ends with the commands that remove it", (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-report-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const stackDir = join(dir, "attempt-2", "cdktf.out", "stacks", "task");
    mkdirSync(stackDir, { recursive: true });
    mkdirSync(join(dir, "attempt-2", "terraform-logs"));
    writeFileSync(join(stackDir, "errored.tfstate"), "{}");
    const report = leftReport(
      "20261130T101500-a1b2c3",
      [{ attempt: { n: 2, dir: join(dir, "attempt-2"), stackDir, placementKey: "azure/eastus//Standard_ND96isr_H100_v5", state: { backend: "s3", key: "k/runs/r/attempt-2", description: "s3://b/k/runs/r/attempt-2" } }, resources: ["azurerm_linux_virtual_machine_scale_set.nodes"] }],
      "/elsewhere/project",
      "tofu",
    );
    expect(report.split("\n")).toEqual([
      "",
      "!".repeat(78),
      "!!! DESTROY FAILED: these resources are still in state and may be running and billing:",
      "!!! attempt 2 (azure/eastus//Standard_ND96isr_H100_v5, state s3://b/k/runs/r/attempt-2):",
      "!!!   azurerm_linux_virtual_machine_scale_set.nodes",
      `!!!   Terraform could not save its state and dumped it to ${join(stackDir, "errored.tfstate")}: push it back with \`tofu state push\` there`,
      "!!! Remove them once the cause is fixed, with either:",
      "!!!   hgpu destroy 20261130T101500-a1b2c3   (from /elsewhere/project or a folder inside it)",
      `!!!   tofu -chdir=${stackDir} destroy`,
      `!!! Terraform's own output (errors, emergency state dumps): ${join(dir, "attempt-2", "terraform-logs")}`,
      "!".repeat(78),
      "",
    ]);
  });
});

describe("resourcesInState of a local state", () => {
  const attempt = (dir: string, fields: Partial<AttemptRecord>): AttemptRecord => ({ n: 1, dir, state: { backend: "local", path: join(dir, "terraform.tfstate") }, ...fields });

  it("a missing state file is empty before creation started (a plan that failed wrote none), and unknown once it started", async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-state-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    expect(await resourcesInState(attempt(dir, {}))).toEqual([]);
    expect(await resourcesInState(attempt(dir, { applyStarted: true }))).toEqual([]);
    expect(await resourcesInState(attempt(dir, { applyStarted: true, creating: true }))).toEqual([
      `(state ${join(dir, "terraform.tfstate")} is missing although resources were being created: treat everything as left)`,
    ]);
    // Once there, the file says what is left, whatever the flags.
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify({ resources: [{ mode: "managed", type: "terraform_data", name: "node", instances: [{}] }] }));
    expect(await resourcesInState(attempt(dir, { applyStarted: true, creating: true }))).toEqual(["terraform_data.node"]);
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify({ resources: [] }));
    expect(await resourcesInState(attempt(dir, { applyStarted: true, creating: true }))).toEqual([]);
  });
});
