import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { launch } from "../../lib/launch/launcher";

describe("launch: the stack's name", () => {
  it.for(["../x", "a/b", "a\\b", ".terraform-init", ".", "..", ""])("refuses %j before anything is created", async (stack, ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-stack-name-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    await expect(launch({ stack, app: "true", cwd: dir, sink: { write: () => undefined } })).rejects.toThrow(
      `hgpu launch: --stack ${JSON.stringify(stack)} is not valid: use the name of one of the app's stacks (a folder's name: no "/" or "\\", not starting with ".")`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it.for(["task", "vision-task", "team_a.eval", "x..y"])("accepts %j (refused later only because the app synthesized nothing)", async (stack, ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "hgpu-stack-name-"));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    await expect(launch({ stack, app: "true", cwd: dir, sink: { write: () => undefined } })).rejects.toThrow(/^hgpu launch: (?!--stack)/);
  });
});
