import { describe, expect, it } from "vitest";
import { s3Policy } from "../../lib/aws/s3-access";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("s3Policy", () => {
  it("grants a bucket's KMS key through S3 for that bucket only: decrypt to read, and data keys to write", () => {
    expect(s3Policy([{ bucket: "runs", prefix: "runs/", write: true, kmsKeyArn: KEY }, { bucket: "data", kmsKeyArn: KEY }], "aws")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List0", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::runs", Condition: { StringLike: { "s3:prefix": ["runs/*"] } } },
        { Sid: "Objects0", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::runs/runs/*" },
        { Sid: "Key0", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY, Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::runs", "arn:aws:s3:::runs/*"] } } },
        { Sid: "List1", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::data" },
        { Sid: "Objects1", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::data/*" },
        { Sid: "Key1", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY, Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"] } } },
      ],
    });
  });

  it("grants no key without one", () => {
    const statements = (s3Policy([{ bucket: "runs", write: true }], "aws-us-gov") as { Statement: { Sid: string }[] }).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["List0", "Objects0"]);
  });
});
