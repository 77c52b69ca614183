/**
 * The contracts of the policy pack: a plain view of one synthesized Terraform resource, and a rule
 * that judges it. Nothing here touches cdktf: rules are pure functions over plain data.
 */

/** How serious a rule's finding is: `error` fails synth, `warning` becomes a warning annotation. */
export type RuleLevel = "error" | "warning";

/** The verdict of a rule on one resource. */
export type Compliance = "compliant" | "non-compliant" | "not-applicable";

/** A non-compliant verdict with a one-line explanation of what exactly is wrong. */
export interface RuleViolation {
  /** Always `non-compliant`. */
  readonly status: "non-compliant";
  /** One line saying what is wrong with this resource, e.g. `metadata_options.http_tokens is "optional"`. */
  readonly detail: string;
  /**
   * The level of this finding when it differs from the rule's, e.g. HGPU-AWS-9 reports open ingress
   * as an error on groups of GPU nodes and file systems, and as a warning on other groups.
   * @default - the rule's level
   */
  readonly level?: RuleLevel;
}

/** What a rule's check returns: a verdict, or a violation with its detail. */
export type RuleResult = Compliance | RuleViolation;

/** A Terraform element (resource or data source) as it appears in the synthesized JSON. */
export interface ElementView {
  /** Terraform type, e.g. `aws_launch_template` or `aws_iam_policy_document` (data sources). */
  readonly type: string;
  /** Logical name in the synthesized JSON (the key under the type). */
  readonly name: string;
  /** Terraform address: `<type>.<name>` (`data.<type>.<name>` for data sources). */
  readonly address: string;
  /**
   * The synthesized configuration with overrides merged and tokens resolved (`${aws_vpc.x.id}`
   * strings), Terraform snake_case keys, without the `//` metadata.
   */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One synthesized resource, as the rules see it. */
export interface L1View extends ElementView {
  /** Construct path, e.g. `training/aws-training/lt`; for a resource written by `stack.addOverride`, `<stack path>/<type>.<name>`. */
  readonly path: string;
  /** Whether the resource type takes a `tags` map (the L1 class has `tags`, or the config sets them). */
  readonly taggable: boolean;
  /** Construct path of the GpuTask the resource belongs to, when it belongs to one. */
  readonly taskPath?: string;
  /** Construct path of the AwsGpuCluster the resource belongs to, when it belongs to one. */
  readonly awsClusterPath?: string;
  /** Construct path of the AzureGpuCluster the resource belongs to, when it belongs to one. */
  readonly azureClusterPath?: string;
  /** The whole stack the resource is in, for rules that relate resources to each other. */
  readonly stack: StackView;
}

/** One input variable of a stack (its `variable` block). */
export interface VariableView {
  /** Whether the block has a `default` (a variable without one is set only at plan time). */
  readonly hasDefault: boolean;
  /** The default value, when there is one. */
  readonly default?: unknown;
  /** Whether the variable is marked sensitive. */
  readonly sensitive: boolean;
}

/** Everything a stack synthesizes, as plain data. */
export interface StackView {
  /** Construct path of the stack (cdktf names a cross-stack reference's remote state after it). */
  readonly path: string;
  /** Every resource of the stack (in scope of the policies or not). */
  readonly resources: readonly L1View[];
  /** Every data source of the stack. */
  readonly dataSources: readonly ElementView[];
  /** Every module call of the stack (its `module` block: TerraformHclModule, TerraformModule), with type `module` and address `module.<name>`. */
  readonly modules: readonly L1View[];
  /** Provider blocks by provider name, e.g. `aws` to its list of configurations (aliases included). */
  readonly providers: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
  /** Input variables by name. */
  readonly variables: Readonly<Record<string, VariableView>>;
  /** Local values by name (`locals`), as synthesized. */
  readonly locals: Readonly<Record<string, unknown>>;
  /** Output values by output name (the `value` of each `output` block), e.g. cdktf's cross-stack outputs. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /**
   * The other stacks of the same app, read on first call (empty for a stack read on its own), so a
   * rule can follow a cross-stack reference to the resource it names.
   */
  readonly otherStacks: () => readonly StackView[];
}

/** Settings every rule receives. */
export interface RuleSettings {
  /** Tag keys every taggable resource must carry; empty turns the tag rules off. */
  readonly requiredTags: readonly string[];
}

/** One rule of the pack: cdk-nag style, a pure function over one resource. */
export interface PolicyRule {
  /** Rule ID, e.g. `HGPU-AWS-2`. */
  readonly id: string;
  /** `error` fails synth; `warning` is reported as a warning annotation. A finding may carry another (RuleViolation.level). */
  readonly level: RuleLevel;
  /** Short statement of what compliant looks like, e.g. `IMDSv2 is required`. */
  readonly title: string;
  /** Why the rule exists and how to comply. */
  readonly explanation: string;
  /** Terraform resource types the rule checks; an entry ending in `*` is a prefix (`aws_*`). */
  readonly appliesTo: readonly string[];
  /** Judges one resource (only called for types in `appliesTo`). */
  check(resource: L1View, settings: RuleSettings): RuleResult;
}

/** One finding: a rule that judged a resource non-compliant. */
export interface PolicyFinding {
  /** The rule's ID. */
  readonly ruleId: string;
  /** The finding's level: the rule's, unless the rule set another for this finding. */
  readonly level: RuleLevel;
  /** The rule's title. */
  readonly title: string;
  /** Construct path of the resource. */
  readonly path: string;
  /** Terraform address of the resource. */
  readonly address: string;
  /** What is wrong. */
  readonly detail: string;
  /** `<construct path>: <rule id> <title>: <detail>`. */
  readonly message: string;
  /** The reason given when the finding is suppressed; absent when it is not. */
  readonly suppressedBecause?: string;
}
