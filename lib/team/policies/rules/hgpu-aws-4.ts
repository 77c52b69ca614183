import { block, blocks, isTrue, nonCompliant, refersTo, resourcesOfType } from "../helpers";
import type { L1View, PolicyRule } from "../types";
import { cannotVerifyText, readValue } from "../values";

/** HGPU-AWS-4: buckets and file systems are encrypted at rest. */
export const awsStorageEncrypted: PolicyRule = {
  id: "HGPU-AWS-4",
  level: "error",
  title: "Buckets and file systems are encrypted at rest",
  explanation:
    "Datasets, checkpoints and logs are encrypted at rest with an explicit configuration: every aws_s3_bucket has an " +
    "aws_s3_bucket_server_side_encryption_configuration (matched by bucket reference or name) and every aws_efs_file_system " +
    "sets encrypted = true (a value the pack cannot resolve is a finding). FSx for Lustre always encrypts at rest, so it always complies. S3 itself has encrypted every new " +
    "object with SSE-S3 (AES256) by default since January 2023, so a bucket without the configuration is not stored in the clear: " +
    "requiring it is a policy choice, so that the key (SSE-S3, or SSE-KMS with a key whose policy and audit trail the team owns) " +
    "is chosen and reviewable in code rather than left to the service default.",
  appliesTo: ["aws_s3_bucket", "aws_efs_file_system", "aws_fsx_lustre_file_system"],
  check(resource) {
    switch (resource.type) {
      case "aws_fsx_lustre_file_system":
        return "compliant";
      case "aws_efs_file_system": {
        const read = readValue(resource.config.encrypted, resource.stack);
        if (read.kind !== "literal") return nonCompliant(cannotVerifyText("encrypted", resource.config.encrypted));
        return isTrue(read.value) ? "compliant" : nonCompliant("encrypted is not true");
      }
      default:
        if (blocks(resource.config.server_side_encryption_configuration).length > 0) return "compliant";
        return bucketCompanions(resource, "aws_s3_bucket_server_side_encryption_configuration").some((e) => blocks(e.config.rule).some((r) => block(r.apply_server_side_encryption_by_default)))
          ? "compliant"
          : nonCompliant("no aws_s3_bucket_server_side_encryption_configuration refers to the bucket");
    }
  },
};

/** The stack's resources of `type` whose `bucket` refers to `bucket` (by reference, or by its literal name). */
export function bucketCompanions(bucket: L1View, type: string): L1View[] {
  const name = bucket.config.bucket;
  return resourcesOfType(bucket.stack, type).filter((r) => refersTo(r.config.bucket, bucket) || (typeof name === "string" && r.config.bucket === name));
}
