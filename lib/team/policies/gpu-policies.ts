import { Annotations, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { ValidationError } from "../../core/errors";
import { TAG_KEYS } from "../../core/tags";
import { GPU_POLICY_RULES, ruleAppliesTo } from "./pack";
import type { PolicyFinding, PolicyRule, RuleSettings } from "./types";
import { synthesizeStackView } from "./view";

/** The tag keys {@link GpuPolicies} requires by default. */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = [TAG_KEYS.team, TAG_KEYS.costCenter, TAG_KEYS.managedBy];

/** The construct metadata type under which {@link GpuPolicies.suppress} records a suppression. */
export const POLICY_SUPPRESSION_METADATA = "hgpu:policy-suppression";

/** The fewest characters a suppression's reason may have. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/** Options of {@link GpuPolicies}. */
export interface GpuPoliciesOptions {
  /**
   * Tag keys every taggable resource must carry (HGPU-AWS-7, HGPU-AZ-7); on AWS the provider's
   * `default_tags` count, except in a launch template's `tag_specifications` for `instance` and
   * `volume`, which must carry the keys themselves. An empty list turns the tag rules off.
   * @default ["team", "cost-center", "managed-by"] (DEFAULT_REQUIRED_TAGS)
   */
  readonly requiredTags?: readonly string[];
  /**
   * IDs of rules not to apply, e.g. `["HGPU-AWS-8"]`. Unknown IDs are an error.
   * @default - none: every rule of GPU_POLICY_RULES applies
   */
  readonly exclude?: readonly string[];
}

/** A suppression recorded on a construct: the rule it silences and why. */
export interface PolicySuppression {
  /** The rule ID, e.g. `HGPU-AWS-3`. */
  readonly ruleId: string;
  /** Why the rule does not apply there. */
  readonly reason: string;
}

interface Scope {
  readonly visited: Set<IConstruct>;
  stackVisited: boolean;
}

/**
 * The GPU policy pack as a cdktf Aspect, cdk-nag style: every rule of {@link GPU_POLICY_RULES}
 * judges every synthesized resource in scope (as Terraform will see it: overrides merged, hand-written
 * resources included). Error findings fail synth (`app.synth()`, `Testing.synth(stack, true)`) with
 * one line per finding, `<construct path>: <rule id> <title>: <detail>`; warnings become warning
 * annotations on the resource; suppressed findings become info annotations.
 *
 * Rules run when the stack is validated, after every Aspect (tags, overrides) has had its turn.
 *
 * Add it to a stack (or a construct in one). cdktf 0.21 invokes Aspects from each stack down and
 * never applies those added to the App itself: for a whole app use {@link GpuPolicies.applyTo},
 * which adds the Aspect to every stack of the app.
 *
 * ```ts
 * Aspects.of(stack).add(new GpuPolicies({ requiredTags: ["team"], exclude: ["HGPU-AWS-8"] }));
 * GpuPolicies.applyTo(app, { requiredTags: [] }); // every stack the app has now
 * GpuPolicies.suppress(cluster.launchTemplate, "HGPU-AWS-3", "scratch-only AMI without data volumes");
 * ```
 */
export class GpuPolicies implements IAspect {
  /**
   * Suppresses one rule on a resource, or on every resource under a construct, with a reason
   * (at least {@link MIN_SUPPRESSION_REASON_LENGTH} characters). The finding is still reported,
   * as suppressed (an info annotation), and no longer fails synth.
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const ids = GPU_POLICY_RULES.map((r) => r.id);
    if (!ids.includes(ruleId)) throw new ValidationError(scope.node.path, "ruleId", ruleId, `use a rule ID of the pack: ${ids.join(", ")}`, "for a policy suppression");
    if (typeof reason !== "string" || reason.trim().length < MIN_SUPPRESSION_REASON_LENGTH) {
      throw new ValidationError(scope.node.path, "reason", reason, `say in at least ${MIN_SUPPRESSION_REASON_LENGTH} characters why ${ruleId} does not apply here`, `for suppressing ${ruleId}`);
    }
    if (!stackOf(scope)) {
      throw new ValidationError(scope.node.path || "App", "scope", scope.node.path || "(the app)", "suppress on a stack or a construct in one: a suppression on the app would silence the rule in every stack", `for suppressing ${ruleId}`);
    }
    scope.node.addMetadata(POLICY_SUPPRESSION_METADATA, { ruleId, reason: reason.trim() } satisfies PolicySuppression);
  }

  /**
   * Adds one GpuPolicies Aspect to `scope` when it is in a stack, or to every stack under it
   * otherwise (e.g. the App, whose own Aspects cdktf 0.21 does not apply). Stacks created later
   * are not covered, and a stack that already has the pack (a TeamStack: configure it with its
   * `policies` prop) keeps its own, so no finding is reported twice. Returns the Aspect.
   */
  public static applyTo(scope: IConstruct, options: GpuPoliciesOptions = {}): GpuPolicies {
    const policies = new GpuPolicies(options);
    const targets = stackOf(scope) ? [scope] : scope.node.findAll().filter((c) => TerraformStack.isStack(c));
    const hasPack = (c: IConstruct) => c.node.scopes.some((s) => Aspects.of(s).all.some((a) => a instanceof GpuPolicies));
    for (const target of targets.filter((t) => !hasPack(t))) Aspects.of(target).add(policies);
    return policies;
  }

  /** The suppressions that apply to a construct: its own and its scopes' (outermost first). */
  public static suppressionsOf(scope: IConstruct): PolicySuppression[] {
    return scope.node.scopes.flatMap((s) => s.node.metadata.filter((m) => m.type === POLICY_SUPPRESSION_METADATA).map((m) => m.data as PolicySuppression));
  }

  /** The rules this instance applies (the pack minus `exclude`). */
  public readonly rules: readonly PolicyRule[];
  /** The required tag keys. */
  public readonly requiredTags: readonly string[];
  private readonly scopes = new Map<TerraformStack, Scope>();

  constructor(options: GpuPoliciesOptions = {}) {
    const ids = GPU_POLICY_RULES.map((r) => r.id);
    const exclude = options.exclude ?? [];
    for (const id of exclude) {
      if (!ids.includes(id)) throw new ValidationError("GpuPolicies", "exclude", id, `use rule IDs of the pack: ${ids.join(", ")}`);
    }
    this.requiredTags = [...(options.requiredTags ?? DEFAULT_REQUIRED_TAGS)];
    for (const tag of this.requiredTags) {
      if (typeof tag !== "string" || tag.trim() === "") throw new ValidationError("GpuPolicies", "requiredTags", options.requiredTags, "use non-empty tag keys");
    }
    this.rules = GPU_POLICY_RULES.filter((r) => !exclude.includes(r.id));
  }

  /** Records `node` as in scope and, once per stack, registers the stack validation that runs the rules. */
  public visit(node: IConstruct): void {
    const stack = stackOf(node);
    if (!stack) return;
    let scope = this.scopes.get(stack);
    if (!scope) {
      scope = { visited: new Set(), stackVisited: false };
      this.scopes.set(stack, scope);
      stack.node.addValidation({ validate: () => this.report(stack) });
    }
    scope.visited.add(node);
    if (node === stack) scope.stackVisited = true;
  }

  /**
   * Runs the rules on a stack now and returns every finding, suppressed ones included (with
   * `suppressedBecause`). Once the Aspect has visited the stack, only the resources it visited
   * (plus, if it visited the stack itself, resources written with `stack.addOverride`) are judged;
   * before, the whole stack is.
   */
  public findings(stack: TerraformStack): PolicyFinding[] {
    const { view, constructs } = synthesizeStackView(stack);
    const scope = this.scopes.get(stack);
    const settings: RuleSettings = { requiredTags: this.requiredTags };
    const out: PolicyFinding[] = [];
    for (const resource of view.resources) {
      const construct = constructs.get(resource.address);
      if (scope && !(construct ? scope.visited.has(construct) : scope.stackVisited)) continue;
      const suppressions = GpuPolicies.suppressionsOf(construct ?? stack);
      for (const rule of this.rules) {
        if (!ruleAppliesTo(rule, resource.type)) continue;
        const result = rule.check(resource, settings);
        if (result === "compliant" || result === "not-applicable") continue;
        const detail = result === "non-compliant" ? rule.explanation : result.detail;
        const level = result === "non-compliant" ? rule.level : result.level ?? rule.level;
        const suppression = suppressions.find((s) => s.ruleId === rule.id);
        out.push({
          ruleId: rule.id,
          level,
          title: rule.title,
          path: resource.path,
          address: resource.address,
          detail,
          message: `${resource.path}: ${rule.id} ${rule.title}: ${detail}`,
          ...(suppression ? { suppressedBecause: suppression.reason } : {}),
        });
      }
    }
    return out;
  }

  private report(stack: TerraformStack): string[] {
    const findings = this.findings(stack);
    const constructs = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
    const errors: string[] = [];
    // Rules turned off for the whole stack stay visible in the synth output.
    const excluded = GPU_POLICY_RULES.filter((r) => !this.rules.includes(r)).map((r) => r.id);
    if (excluded.length) annotateOnce(stack, "info", `GpuPolicies: rules excluded for this stack: ${excluded.join(", ")}`);
    if (this.requiredTags.length === 0) annotateOnce(stack, "info", "GpuPolicies: requiredTags is empty, so HGPU-AWS-7 and HGPU-AZ-7 check no tags");
    for (const f of findings) {
      const target = constructs.get(f.path) ?? stack;
      if (f.suppressedBecause !== undefined) {
        annotateOnce(target, "info", `${f.message} (suppressed: ${f.suppressedBecause})`);
      } else if (f.level === "warning") {
        annotateOnce(target, "warning", f.message);
      } else {
        errors.push(f.message);
      }
    }
    return errors;
  }
}

/** Runs the GPU policy pack on a whole stack and returns every finding (suppressed ones included). */
export function evaluateGpuPolicies(stack: TerraformStack, options: GpuPoliciesOptions = {}): PolicyFinding[] {
  return new GpuPolicies(options).findings(stack);
}

function stackOf(node: IConstruct): TerraformStack | undefined {
  return node.node.scopes.slice().reverse().find((s): s is TerraformStack => TerraformStack.isStack(s));
}

function annotateOnce(target: IConstruct, level: "info" | "warning", message: string): void {
  if (target.node.metadata.some((m) => m.data === message)) return;
  if (level === "info") Annotations.of(target).addInfo(message);
  else Annotations.of(target).addWarning(message);
}
