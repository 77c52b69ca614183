/** The props of {@link GpuTask} and what it tells of its teardown (types only). */
import type { AwsNetwork } from "../aws/network";
import type { AzureNetwork } from "../azure/network";
import type { ISharedStorage } from "../core/contracts";
import type { Cloud } from "../core/types";
import type { Optimize, Preference } from "../planner/types";
import type { RecoveryOptions } from "./recovery";
import type { GpuTaskAwsInputs, GpuTaskAzureInputs } from "./task-inputs";

/** Props of {@link GpuTask}. */
export interface GpuTaskProps {
  /** Task name, e.g. `neural-network-training`: lowercase letters, digits and hyphens. */
  readonly name: string;
  /** GPUs the job needs. */
  readonly gpus: number;
  /** Host memory of all nodes together, GiB. @default - any */
  readonly memoryGiB?: number;
  /** Accelerator(s), e.g. `H100`. @default - any */
  readonly accelerator?: string | readonly string[];
  /** Least memory per GPU, GiB. @default - any */
  readonly minGpuMemoryGiB?: number;
  /**
   * Least GPUs per node. Whole nodes of up to 8 GPUs keep most traffic on NVLink.
   * @default - min(8, gpus)
   */
  readonly minGpusPerNode?: number;
  /**
   * Clouds allowed: `aws`, `azure`, and `onprem` for the app's `OnPremGpuPool`s (declared before the
   * task). A pool holds the task's `dataPath` under its `sharedPath`; `dataSource` loads the clouds' copy.
   * @default - the app's pools, when it has any, and the cloud of `dataSource`, or both clouds
   */
  readonly clouds?: readonly Cloud[];
  /** Where the app's pools rank: `owned` puts them first when one fits; `none` ranks them with the clouds by `optimize`. @default "owned" */
  readonly prefer?: Preference;
  /**
   * What the choice minimizes: `cost` (USD/hour), `carbon` (kgCO2e over maxRuntime, with each cloud's
   * PUE and each pool's own), or a carbon price `{ usdPerKgCo2e }` added to the cost.
   * @default "cost"
   */
  readonly optimize?: Optimize;
  /**
   * On an owned pool: how long the job may wait in Slurm's queue before `hgpu launch` cancels it and
   * moves to the next placement, as after a capacity error. Same forms as `maxRuntime`, 1m to 24h.
   * @default "10m"
   */
  readonly maxQueueWait?: string | number;
  /** Regions allowed. @default - any (on AWS: the stack's provider region, when it has one) */
  readonly regions?: readonly string[];
  /** Spot capacity. @default false */
  readonly spot?: boolean;
  /** Budget for the whole cluster, USD/hour. @default - none */
  readonly maxUsdPerHour?: number;
  /** Container image the workload runs in (with the GPUs, the fabric devices and host networking). @default - the command runs on the host */
  readonly image?: string;
  /** argv handed to `torchrun` (e.g. `["train.py", "--epochs", "90"]`). @default - the image's own entry point */
  readonly command?: readonly string[];
  /**
   * Extra environment variables of the workload. Their values are written into the plan, the user
   * data and the state: a value that looks like a secret (a token or key shape, a high-entropy
   * string, or any value of a variable named like `*_TOKEN`, `*_PASSWORD`, `*_API_KEY`) is refused;
   * pass those in `secrets`.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Secrets of the workload, by reference: variable name to where it is stored. The nodes read each
   * at boot with their own identity, which is granted exactly these secrets; the workload gets them
   * as environment variables, and the node keeps them in files of mode 0600 under
   * /opt/hgpu/secrets. No value is ever in the plan, the user data or the state.
   *
   * - `ssm:/team/hf-token`: an SSM parameter (String or SecureString) in the task's region and
   *   account (`ssm:GetParameter` on it; `kms:Decrypt` through SSM for it alone);
   * - `secretsmanager:arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`: a
   *   secret's SecretString, by its full ARN (`secretsmanager:GetSecretValue` on it);
   * - `keyvault:<vault>/<secret>`: an Azure Key Vault secret ("Key Vault Secrets User" on that
   *   secret alone; the vault must use Azure RBAC).
   *
   * The stores keep the task on their cloud. A secret that cannot be read ends the run with status
   * `secrets-unavailable` (exit 96).
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Where the workload finds its data, e.g. `/dataset/imagenet`, served from shared storage. @default - no shared storage */
  readonly dataPath?: string;
  /** Object storage URI loaded into the shared storage at `dataPath`: `s3://bucket/prefix/` or `https://<account>.blob.core.windows.net/<container>/<prefix>`. @default - none */
  readonly dataSource?: string;
  /** Shared storage that already holds `dataPath` (instead of `dataSource`). @default - none */
  readonly storage?: ISharedStorage;
  /**
   * Deadline: the cloud removes the capacity this long after apply, whatever else happens, and the
   * workload is stopped a little before. A string such as `12h`, `90m`, `1h30m`, `2d`, or hours.
   * @default "12h"
   */
  readonly maxRuntime?: string | number;
  /**
   * How long after the deadline the cloud deletes what else the task created that bills by the
   * hour (its Lustre file system, NAT gateways, interface endpoints), so that a launcher that died
   * leaves nothing billing. At most 24 h. Same forms as `maxRuntime`.
   * @default "1h"
   */
  readonly teardownGrace?: string | number;
  /**
   * Who hears of a deadline step that failed: an e-mail address, or (AWS) an SNS topic ARN. A
   * failed step is retried for a day and then lands in a dead-letter queue (AWS) or a failed Logic
   * App run (Azure), which raises the alert.
   * @default - nobody is told (a warning at synth says so)
   */
  readonly notify?: string;
  /**
   * Longest the registry login and the image pull may take on a node, per try (each node tries 3
   * times). A pull that never finishes then ends the run with status `pull-timeout` (exit 98)
   * instead of holding the GPUs until the deadline; the rendezvous waits this long (x3, +10 min)
   * for the slowest node. Same forms as `maxRuntime`.
   * @default "20m"
   */
  readonly pullTimeout?: string | number;
  /**
   * Stop the job when its log has not grown for this long: status `hung`, exit 124, the group
   * scaled to zero. `false` turns the watchdog off (for jobs that are silent for long).
   * @default "30m"
   */
  readonly idleTimeout?: string | number | false;
  /**
   * Use the N-th ranked placement (1 = best), e.g. to pin a placement by hand. The
   * `hgpu:placement` context or the `HGPU_PLACEMENT` variable set it without a code change. (The
   * launcher fails over differently: it excludes placements through `HGPU_EXCLUDE_PLACEMENTS`.)
   * @default 1
   */
  readonly placement?: number;
  /** A network on the chosen cloud to use instead of creating one. @default - a new network (address from the AddressPlan) */
  readonly network?: AwsNetwork | AzureNetwork;
  /** Azure inputs (SSH key, data account, resource provider ID). @default - Terraform variables */
  readonly azure?: GpuTaskAzureInputs;
  /** AWS options (the run bucket's key, versioning and access logs). @default - none */
  readonly aws?: GpuTaskAwsInputs;
  /**
   * Survive preemption and node failure: the nodes sync each checkpoint the workload completes (a
   * folder under `checkpointPath` with a `COMPLETE` file) to the run store, take a final one at a
   * spot notice, restore the latest complete one before the workload starts, and say why the run
   * stopped (`preempted`, `node-failure`); `hgpu launch` then relaunches the run, possibly
   * elsewhere, up to `maxRestarts` times. Needs `maxRuntime` of at least 30 minutes; `maxRuntime`
   * counts the whole run. The workload sees `HGPU_CHECKPOINT_DIR`, `HGPU_RESTART_COUNT` and
   * `HGPU_RESUMED_FROM`. `checkpointPath` may be a sub-folder of the shared file system (`/fsx/...`
   * on AWS, `/lustre/...` on Azure), never its root, the data at `dataPath` or a folder holding it.
   * On an owned pool the task runs without it (Slurm's own requeue is the pool's business).
   * @default - none: a preempted or failed run ends, and nothing is synced
   */
  readonly recovery?: RecoveryOptions;
}

/** How the task stops spending, three ways. */
export interface TaskTeardown {
  /** The nodes scale their own group to zero when the workload ends. */
  readonly selfScaleToZero: string;
  /** The cloud-side deadline (ISO time expression, resolved at apply). */
  readonly deadline: string;
  /** What removes the capacity at the deadline. */
  readonly deadlineMechanism: string;
  /** What the cloud deletes `teardownGrace` after the deadline (hourly-billed resources the task created). */
  readonly afterGrace: readonly string[];
  /** What stays until a destroy, in words (free or near-free, or named with its price). */
  readonly remains: string;
}
