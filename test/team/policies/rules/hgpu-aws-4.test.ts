import { describe, expect, it } from "vitest";
import { awsStorageEncrypted } from "../../../../lib/team/policies/rules/hgpu-aws-4";
import { resourceAt, stackView } from "./aws-fixtures";

const MISSING = { status: "non-compliant", detail: "no aws_s3_bucket_server_side_encryption_configuration refers to the bucket" };
const KMS = { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } };

describe("HGPU-AWS-4 buckets on plain stack views", () => {
  it.each([
    ["an inline configuration", { server_side_encryption_configuration: { rule: KMS } }, {}, "compliant"],
    ["a configuration by reference", {}, { bucket: "${aws_s3_bucket.b.id}", rule: [{ bucket_key_enabled: true }, KMS] }, "compliant"],
    ["a configuration by the bucket's name", { bucket: "data" }, { bucket: "data", rule: [KMS] }, "compliant"],
    ["a configuration of another bucket name", { bucket: "data" }, { bucket: "other", rule: [KMS] }, MISSING],
    ["a configuration naming no bucket", {}, { rule: [KMS] }, MISSING],
    ["a configuration without a default", {}, { bucket: "${aws_s3_bucket.b.id}", rule: [{ bucket_key_enabled: true }] }, MISSING],
  ])("%s", (_, bucket, configuration, expected) => {
    const view = stackView({ "aws_s3_bucket.b": bucket, "aws_s3_bucket_server_side_encryption_configuration.e": configuration });
    expect(awsStorageEncrypted.check(resourceAt(view, "aws_s3_bucket.b"), { requiredTags: [] })).toEqual(expected);
  });
});
