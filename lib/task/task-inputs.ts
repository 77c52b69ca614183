/** Per-cloud inputs of a GpuTask (plain types). */

/** Inputs a task needs on Azure; each becomes a Terraform variable when not given. */
export interface GpuTaskAzureInputs {
  /** SSH public key of the nodes' admin user. @default - variable `<task>_ssh_public_key` */
  readonly sshPublicKey?: string;
  /** Resource ID of the storage account that holds `dataSource`. @default - variable `<task>_data_storage_account_id` */
  readonly dataStorageAccountId?: string;
  /** Object ID of the "HPC Cache Resource Provider" service principal. @default - variable `<task>_hpc_cache_rp_object_id` */
  readonly hpcCacheResourceProviderPrincipalId?: string;
}

/** How a task's S3 run bucket (status, logs) is kept. */
export interface RunsBucketOptions {
  /**
   * ARN of a customer-managed KMS key for the bucket; the nodes get `kms:Decrypt` and
   * `kms:GenerateDataKey` on it through S3 for this bucket only, and whoever runs the launcher needs
   * `kms:Decrypt` on it to read the status.
   * @default - the AWS-managed S3 key (aws/s3)
   */
  readonly kmsKeyArn?: string;
  /** Keep every version of every object (an overwritten status or log can be recovered). @default false */
  readonly versioning?: boolean;
  /**
   * Server access logs of the bucket, into another bucket of the account and region (its policy
   * must let the S3 logging service write there).
   * @default - none
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix?: string };
}

/** Inputs a task takes on AWS. */
export interface GpuTaskAwsInputs {
  /** The run bucket's key, versioning and access logs. @default - an AWS-managed key, no versioning, no access logs */
  readonly runsBucket?: RunsBucketOptions;
}
