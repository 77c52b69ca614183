import { AwsProvider, BudgetsBudget } from "../engine/aws";
import { AzurermProvider, ConsumptionBudgetSubscription, DataAzurermSubscription } from "../engine/azurerm";
import { Annotations, Aspects, AzurermBackend, LocalBackend, S3Backend, TerraformStack, Token } from "../engine/core";
import type { Construct } from "constructs";
import { AZURE_LOCATION_CONTEXT } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { TAG_KEYS, libraryTags, mergeTags, standardTags, tagProblems } from "../core/tags";
import { AZURE_CONTAINER, AZURE_CONTAINER_RULE, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_ACCOUNT_RULE, EMAIL_ADDRESS, SHORT_NAME, SHORT_NAME_RULE, Validator } from "../core/validate";
import { AZURERM_FEATURES } from "../azure/provider";
import { AzureDefaultTags } from "./azure-default-tags";
import { GpuPolicies, reportPoliciesOff, type GpuPoliciesOptions } from "./policies/gpu-policies";

/** State in S3, locked with S3's own lock file (Terraform 1.10+) or a DynamoDB table. */
export interface S3BackendSettings {
  readonly type: "s3";
  readonly bucket: string;
  readonly region: string;
  /** State key. @default "<team>/<environment>/<stack>.tfstate" */
  readonly key?: string;
  /**
   * DynamoDB table for locking instead of S3's lock file. Without it the stack uses the lock file
   * (`use_lockfile`), which Terraform has since 1.10, and requires that version (`required_version`),
   * so an older Terraform stops at `init` with Terraform's own version message.
   * @default - S3 lock file (`use_lockfile`), Terraform 1.10 or later
   */
  readonly dynamodbTable?: string;
}

/** State in an Azure blob container (locked by blob leases), with Entra ID auth. */
export interface AzurermBackendSettings {
  readonly type: "azurerm";
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  /** State key. @default "<team>/<environment>/<stack>.tfstate" */
  readonly key?: string;
}

/** State in a local file: for trying things out, not for teams. */
export interface LocalBackendSettings {
  readonly type: "local";
  /** @default "terraform.<stack>.tfstate" */
  readonly path?: string;
}

/** Where a team stack keeps its state. */
export type BackendSettings = S3BackendSettings | AzurermBackendSettings | LocalBackendSettings;

/** Props of {@link TeamStack}. */
export interface TeamStackProps {
  /** Team that owns the stack, e.g. `vision`; tagged `team` everywhere. */
  readonly team: string;
  /** Cost center charged; tagged `cost-center` everywhere. */
  readonly costCenter: string;
  /** Environment, e.g. `dev`, `prod`; tagged `environment` everywhere. */
  readonly environment: string;
  /** Where the state lives. */
  readonly backend: BackendSettings;
  /** AWS provider: region, and aliased providers for more regions. @default - no AWS provider */
  readonly aws?: { readonly region: string; readonly aliases?: readonly { readonly alias: string; readonly region: string }[] };
  /** Azure provider: default location and subscription. @default - no Azure provider */
  readonly azure?: {
    /** Default location of the stack's Azure networks (`AzureNetwork` without `location`), e.g. `eastus`. */
    readonly location: string;
    /** Subscription to deploy into. @default - the Azure CLI's or the environment's (ARM_SUBSCRIPTION_ID) */
    readonly subscriptionId?: string;
  };
  /**
   * More tags on everything; they win over the library's `managed-by`. They may not set `team`,
   * `cost-center` or `environment`: those come from the props, and budgets filter on them. @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Monthly budget: alerts at 80 % actual and 100 % forecast spend, on each configured cloud. It
   * watches all spend tagged with the team (every stack and environment of the team in that AWS
   * account or Azure subscription), so set it on one stack per team. The AWS amount is in USD;
   * the Azure amount is in the subscription's billing currency. @default - no budget
   */
  readonly monthlyBudgetUsd?: number;
  /** Who gets the budget alerts. Required with `monthlyBudgetUsd`. @default - none */
  readonly budgetEmails?: readonly string[];
  /**
   * First month of the Azure budget, `YYYY-MM`. Azure refuses a new budget that starts before the
   * current month, so pin it when synthesized JSON may be applied later. Later changes are ignored
   * (`lifecycle.ignore_changes`). @default - the month of synthesis (UTC)
   */
  readonly budgetStartMonth?: string;
  /**
   * The policy pack checked at synth (errors fail synth; warnings are annotations), or `false`, which is
   * itself reported as a warning on the app and in the synth summary.
   * @default - GpuPolicies with the default required tags (team, cost-center, managed-by)
   */
  readonly policies?: GpuPoliciesOptions | false;
}

/** Tags the props set: budgets filter on `team`, and a `tags` override would make them disagree. */
const RESERVED_TAGS: readonly string[] = [TAG_KEYS.team, TAG_KEYS.costCenter, TAG_KEYS.environment];
/** Construct IDs of the AWS and Azure budgets. */
const BUDGET_IDS = ["budget-aws", "budget-azure"] as const;

/**
 * A team's stack: its state backend, its AWS and Azure providers, the team's tags on every
 * taggable resource of both clouds, and budgets with e-mail alerts. Constructs in it (clusters,
 * tasks) may use networks of another stack (a platform stack): cdktf turns those references into
 * remote-state lookups against the other stack's backend.
 *
 * Tag precedence: library defaults (`managed-by`) < `tags` < team tags (`team`, `cost-center`,
 * `environment`, which `tags` may not set) < each resource's own tags. The `GpuPolicies` pack runs on the
 * stack at synth unless `policies: false`.
 *
 * ```ts
 * const platform = new TeamStack(app, "platform", { team: "platform", costCenter: "cc-100", environment: "prod",
 *   backend: { type: "s3", bucket: "acme-tfstate", region: "us-east-1" }, aws: { region: "us-east-1" } });
 * ```
 */
export class TeamStack extends TerraformStack {
  /** The tags every resource gets (before its own). */
  public readonly teamTags: Readonly<Record<string, string>>;
  public readonly team: string;
  public readonly environment: string;
  /** The default AWS provider, when configured. */
  public readonly awsProvider?: AwsProvider;
  /** Aliased AWS providers, by alias. */
  public readonly awsAliases: Readonly<Record<string, AwsProvider>>;
  /** The Azure provider, when configured. */
  public readonly azureProvider?: AzurermProvider;

  constructor(scope: Construct, id: string, props: TeamStackProps) {
    super(scope, id);
    const v = new Validator(id, { isUnresolved: Token.isUnresolved });
    this.team = v.matches("team", props.team, SHORT_NAME, SHORT_NAME_RULE);
    v.nonEmpty("costCenter", props.costCenter);
    this.environment = v.matches("environment", props.environment, SHORT_NAME, `${SHORT_NAME_RULE}, e.g. dev or prod`);
    const reserved = Object.keys(props.tags ?? {}).filter((key) => RESERVED_TAGS.includes(key));
    v.check(reserved.length === 0, "tags", reserved.join(", "), `leave ${RESERVED_TAGS.join(", ")} to the team, costCenter and environment props`);
    this.teamTags = mergeTags(libraryTags(), standardTags({ team: props.team, costCenter: props.costCenter, environment: props.environment }), props.tags);
    for (const cloud of ["aws", "azure"] as const) {
      const problems = tagProblems(cloud, this.teamTags);
      if (problems.length) throw new ValidationError(id, "tags", props.tags ?? {}, problems.join("; "), `for ${cloud}`);
    }
    // Context must be set before the first child: the stack's Azure networks default to this location.
    if (props.azure) this.node.setContext(AZURE_LOCATION_CONTEXT, v.azureLocation("azure.location", props.azure.location));
    configureBackend(this, id, props);
    if (props.policies !== false) Aspects.of(this).add(new GpuPolicies(props.policies ?? {}));
    else reportPoliciesOff(this, "policies: false");

    const aliases: Record<string, AwsProvider> = {};
    if (props.aws) {
      v.awsRegion("aws.region", props.aws.region);
      this.awsProvider = new AwsProvider(this, "aws", { region: props.aws.region, defaultTags: [{ tags: { ...this.teamTags } }] });
      for (const a of props.aws.aliases ?? []) {
        v.matches("aws.aliases.alias", a.alias, /^[a-z][a-z0-9_]*$/, "use lowercase letters, digits and _");
        v.check(!(a.alias in aliases), "aws.aliases.alias", a.alias, "use each alias once");
        v.awsRegion("aws.aliases.region", a.region);
        aliases[a.alias] = new AwsProvider(this, `aws-${a.alias}`, { alias: a.alias, region: a.region, defaultTags: [{ tags: { ...this.teamTags } }] });
      }
    }
    this.awsAliases = aliases;
    if (props.azure) {
      // Entra ID for storage data calls: the library's storage accounts take no shared keys.
      this.azureProvider = new AzurermProvider(this, "azurerm", { features: AZURERM_FEATURES, storageUseAzuread: true, ...(props.azure.subscriptionId ? { subscriptionId: props.azure.subscriptionId } : {}) });
      Aspects.of(this).add(new AzureDefaultTags(this.teamTags));
    }

    if (props.monthlyBudgetUsd !== undefined) {
      v.number("monthlyBudgetUsd", props.monthlyBudgetUsd, { min: 1 });
      const emails = props.budgetEmails ?? [];
      v.check(emails.length > 0, "budgetEmails", props.budgetEmails, "set at least one address to alert when monthlyBudgetUsd is set");
      for (const e of emails) v.matches("budgetEmails", e, EMAIL_ADDRESS, "use e-mail addresses");
      if (props.budgetStartMonth !== undefined) v.matches("budgetStartMonth", props.budgetStartMonth, /^20\d\d-(0[1-9]|1[0-2])$/, "use a month as YYYY-MM, e.g. 2027-01");
      v.check(props.aws !== undefined || props.azure !== undefined, "monthlyBudgetUsd", props.monthlyBudgetUsd, "configure aws or azure too: a budget watches a cloud's spend");
      const other = scope.node.children.find(
        (c) => c !== this && c instanceof TeamStack && c.team === this.team && BUDGET_IDS.some((b) => c.node.tryFindChild(b)),
      );
      v.check(other === undefined, "monthlyBudgetUsd", props.monthlyBudgetUsd, `set it on one stack per team: stack ${other?.node.id} already has team ${this.team}'s budget, which watches all of the team's tagged spend`);
      if (props.aws) {
        const budget = new BudgetsBudget(this, BUDGET_IDS[0], {
          name: `${this.team}-team`,
          budgetType: "COST",
          limitAmount: Token.isUnresolved(props.monthlyBudgetUsd) ? Token.asString(props.monthlyBudgetUsd) : String(props.monthlyBudgetUsd),
          limitUnit: "USD",
          timeUnit: "MONTHLY",
          costFilter: [{ name: "TagKeyValue", values: [`user:${TAG_KEYS.team}$${this.team}`] }],
          notification: [
            { comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: [...emails] },
            { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: [...emails] },
          ],
        });
        Annotations.of(budget).addInfo(`the AWS budget sees spend only once "team" is activated as a cost allocation tag in the payer account's Billing console`);
      }
      if (props.azure) {
        const subscription = new DataAzurermSubscription(this, "subscription", props.azure.subscriptionId ? { subscriptionId: props.azure.subscriptionId } : {});
        const now = new Date();
        const start = props.budgetStartMonth ?? `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
        const month = `${start}-01T00:00:00Z`;
        new ConsumptionBudgetSubscription(this, BUDGET_IDS[1], {
          name: `${this.team}-team`,
          subscriptionId: subscription.id,
          amount: props.monthlyBudgetUsd,
          timeGrain: "Monthly",
          // The budget starts this month; later synths must not move it.
          timePeriod: { startDate: month },
          lifecycle: { ignoreChanges: ["time_period"] },
          filter: { tag: [{ name: TAG_KEYS.team, values: [this.team] }] },
          notification: [
            { enabled: true, threshold: 80, operator: "GreaterThan", thresholdType: "Actual", contactEmails: [...emails] },
            { enabled: true, threshold: 100, operator: "GreaterThan", thresholdType: "Forecasted", contactEmails: [...emails] },
          ],
        });
      }
    }
  }
}

/** The Terraform versions with the S3 backend's lock file (`use_lockfile`, Terraform 1.10). */
const S3_LOCKFILE_TERRAFORM = ">= 1.10";

function configureBackend(stack: TerraformStack, id: string, props: TeamStackProps): void {
  const b = props.backend;
  const v = new Validator(id, { isUnresolved: Token.isUnresolved });
  const key = `${props.team}/${props.environment}/${id}.tfstate`;
  v.check(b !== undefined && ["s3", "azurerm", "local"].includes((b as { type?: string }).type ?? ""), "backend.type", (b as { type?: string } | undefined)?.type, 'use "s3", "azurerm" or "local"');
  if (b.type === "s3") {
    v.nonEmpty("backend.bucket", b.bucket);
    v.awsRegion("backend.region", b.region, "use the AWS region of the state bucket, e.g. us-east-1");
    const lockTable = b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {};
    new S3Backend(stack, { bucket: b.bucket, region: b.region, key: b.key ?? key, encrypt: true, ...lockTable });
    if (!b.dynamodbTable) {
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      stack.addOverride("terraform.required_version", S3_LOCKFILE_TERRAFORM);
    }
  } else if (b.type === "azurerm") {
    v.nonEmpty("backend.resourceGroupName", b.resourceGroupName);
    v.matches("backend.storageAccountName", b.storageAccountName, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_ACCOUNT_RULE);
    v.matches("backend.containerName", b.containerName, AZURE_CONTAINER, AZURE_CONTAINER_RULE);
    new AzurermBackend(stack, {
      resourceGroupName: b.resourceGroupName,
      storageAccountName: b.storageAccountName,
      containerName: b.containerName,
      key: b.key ?? key,
      useAzureadAuth: true,
    });
  } else {
    new LocalBackend(stack, { path: b.path ?? `terraform.${id}.tfstate` });
  }
}
