/** S3 access a cluster's nodes get: one grant per bucket and prefix (pure). */

/** Access a cluster's nodes get to one S3 location. */
export interface S3Access {
  /** Bucket name. */
  readonly bucket: string;
  /** Key prefix the access is limited to, ending in `/`, e.g. `runs/`. @default - the whole bucket */
  readonly prefix?: string;
  /** Also allow writing (PutObject, multipart upload) under the prefix. @default false */
  readonly write?: boolean;
  /** Also allow deleting under the prefix (e.g. checkpoint rotation). @default false */
  readonly delete?: boolean;
  /**
   * ARN of the customer-managed KMS key the bucket encrypts with: the nodes may use it for this
   * bucket only (through S3, for decrypting reads and, with `write`, encrypting writes).
   * @default - none (S3-managed or AWS-managed keys need no grant)
   */
  readonly kmsKeyArn?: string;
}

/** The IAM policy document for `grants`. */
export function s3Policy(grants: readonly S3Access[], partition: string): object {
  const statements: object[] = [];
  grants.forEach((g, i) => {
    const prefix = g.prefix ?? "";
    const bucketArn = `arn:${partition}:s3:::${g.bucket}`;
    statements.push({
      Sid: `List${i}`,
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
    });
    statements.push({
      Sid: `Objects${i}`,
      Effect: "Allow",
      Action: ["s3:GetObject", ...(g.write ? ["s3:PutObject", "s3:AbortMultipartUpload"] : []), ...(g.delete ? ["s3:DeleteObject"] : [])],
      Resource: `${bucketArn}/${prefix}*`,
    });
    if (g.kmsKeyArn !== undefined) {
      statements.push({
        Sid: `Key${i}`,
        Effect: "Allow",
        Action: ["kms:Decrypt", ...(g.write ? ["kms:GenerateDataKey"] : [])],
        Resource: g.kmsKeyArn,
        // Only S3 may use the key on the nodes' behalf, and only for this bucket (its ARN is the
        // context with S3 Bucket Keys, the object's ARN without).
        Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] } },
      });
    }
  });
  return { Version: "2012-10-17", Statement: statements };
}
