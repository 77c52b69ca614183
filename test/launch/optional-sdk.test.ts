import { describe, expect, it } from "vitest";
import { isMissingPackage, loadOptional } from "../../lib/launch/optional-sdk";

const missing = (code: string, pkg: string) => Object.assign(new Error(`Cannot find package '${pkg}' imported from /x/status-store.js`), { code });

describe("optional SDKs", () => {
  it("load when installed", async () => {
    const s3 = await loadOptional(() => import("@aws-sdk/client-s3"), "@aws-sdk/client-s3", "x");
    expect(typeof s3.S3Client).toBe("function");
  });
  it("say which package to install, and why, when one is missing", async () => {
    for (const code of ["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]) {
      await expect(loadOptional(() => Promise.reject(missing(code, "@aws-sdk/client-s3")), "@aws-sdk/client-s3", "reading a run's status and log from S3")).rejects.toThrow(
        "reading a run's status and log from S3 needs @aws-sdk/client-s3, an optional dependency of cdktf-hybrid-gpu that is not installed: npm install @aws-sdk/client-s3",
      );
    }
  });
  it("pass on every other error, and a missing package the SDK itself needs", async () => {
    const other = new Error("boom");
    await expect(loadOptional(() => Promise.reject(other), "@aws-sdk/client-s3", "x")).rejects.toBe(other);
    const inner = missing("ERR_MODULE_NOT_FOUND", "@smithy/core");
    expect(isMissingPackage(inner, "@aws-sdk/client-s3")).toBe(false);
    await expect(loadOptional(() => Promise.reject(inner), "@aws-sdk/client-s3", "x")).rejects.toBe(inner);
  });
});
