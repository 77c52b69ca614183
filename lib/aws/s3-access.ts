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
  });
  return { Version: "2012-10-17", Statement: statements };
}
