import { Annotations, App, Aspects, type IAspect, TerraformStack } from "../../engine/core";
import type { IConstruct } from "constructs";
import { ValidationError } from "../../core/errors";
import { TAG_KEYS } from "../../core/tags";
import { isWithin } from "./helpers";
import { GPU_POLICY_RULES, ruleAppliesTo } from "./pack";
import {
  MIN_SUPPRESSION_REASON_LENGTH, POLICY_SUPPRESSION_METADATA, recordSuppression, stackOf, suppressionCovers, suppressionsIn,
  type PolicySuppression, type SuppressOptions,
} from "./suppressions";
import type { PolicyFinding, PolicyRule, RuleSettings, StackView } from "./types";
import { forgetSharedView, sharedViews, synthesizeStackView } from "./view";

export { MIN_SUPPRESSION_REASON_LENGTH, POLICY_SUPPRESSION_METADATA, type PolicySuppression, type SuppressOptions };

/** The tag keys {@link GpuPolicies} requires by default. */
export const DEFAULT_REQUIRED_TAGS: readonly string[] = [TAG_KEYS.team, TAG_KEYS.costCenter, TAG_KEYS.managedBy];

/** Where a judged stack records its suppressions and excluded rules for the synth summary (`//` metadata of its JSON). */
export const POLICY_REPORT_KEY = "hgpu_policies";

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

/** A suppression of a judged stack with the findings it silenced, as the synth summary lists it. */
export interface SuppressionReport extends PolicySuppression {
  /** The messages of the findings it silenced (empty when it matched none). */
  readonly suppressed: readonly string[];
}

/** Stacks some GpuPolicies has reported on, so the app-level backstop judges each stack once. */
const JUDGED = new WeakSet<TerraformStack>();
/** The packs applied to an app lazily, with the scope each covers. */
const LAZY = new WeakMap<App, { readonly policies: GpuPolicies; readonly scope: IConstruct }[]>();

/** The brand every GpuPolicies pack carries, shared by all copies of the library. */
const GPU_POLICIES_BRAND: unique symbol = Symbol.for("cdktf-hybrid-gpu.GpuPolicies") as typeof GPU_POLICIES_BRAND;

/**
 * The GPU policy pack as a cdktf Aspect, cdk-nag style: every rule of {@link GPU_POLICY_RULES}
 * judges every resource of the stack's Terraform JSON in scope (as Terraform will see it:
 * overrides merged, resources written by hand, by `stack.addOverride` or by a later Aspect
 * included; module calls are reported as not judged). Error findings fail synth (`app.synth()`,
 * `Testing.synth(stack, true)`) with one line per finding, `<construct path>: <rule id> <title>:
 * <detail>`; warnings become warning annotations on the resource; suppressed findings become info
 * annotations.
 *
 * Rules run when the stack is validated, after every Aspect (tags, overrides) has had its turn.
 * Added to a stack, it judges the whole stack; added to a construct in a stack, the resources
 * under that construct. cdktf 0.21 invokes Aspects from each stack down and never applies those
 * added to the App itself: for a whole app use {@link GpuPolicies.applyTo}.
 *
 * ```ts
 * Aspects.of(stack).add(new GpuPolicies({ requiredTags: ["team"], exclude: ["HGPU-AWS-8"] }));
 * GpuPolicies.applyTo(app, { requiredTags: [] }); // every stack of the app, those created later too
 * GpuPolicies.suppress(cluster.launchTemplate, "HGPU-AWS-3", "scratch-only AMI without any data volumes");
 * ```
 */
export class GpuPolicies implements IAspect {
  /**
   * Whether `x` is a GpuPolicies pack of any copy of the library: it checks the brand
   * `Symbol.for("cdktf-hybrid-gpu.GpuPolicies")`, where `instanceof` would miss another copy's pack.
   */
  public static isGpuPolicies(x: unknown): x is GpuPolicies {
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[GPU_POLICIES_BRAND] === true;
  }

  /**
   * Suppresses one rule on a construct (every resource under it), or, with `appliesTo`, on the
   * named resources of it, with a reason of at least {@link MIN_SUPPRESSION_REASON_LENGTH}
   * characters. On a stack it needs `appliesTo` or `{ wholeStack: true }`. The finding is still
   * reported, as suppressed (an info annotation), no longer fails synth, and the synth summary
   * lists the suppression with its reason.
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
    recordSuppression(scope, ruleId, reason, options);
  }

  /**
   * Applies one GpuPolicies pack to `scope`: to it when it is in a stack; otherwise (the App) to
   * every stack under it, those created after this call included (they are attached when the app
   * synthesizes, and an app validation judges any stack that was still missed). A stack that has
   * its own pack (a TeamStack: configure it with its `policies` prop) keeps it, so no finding is
   * reported twice. Returns the pack.
   */
  public static applyTo(scope: IConstruct, options: GpuPoliciesOptions = {}): GpuPolicies {
    const policies = new GpuPolicies(options);
    if (stackOf(scope)) {
      if (!hasPack(scope)) Aspects.of(scope).add(policies);
      return policies;
    }
    attachToStacks(scope, policies);
    const root = scope.node.root;
    if (App.isApp(root)) registerOnApp(root, policies, scope);
    return policies;
  }

  /** The suppressions recorded in a construct's stack that cover the construct's own path (any rule). */
  public static suppressionsOf(scope: IConstruct): PolicySuppression[] {
    const stack = stackOf(scope);
    return stack ? suppressionsIn(stack).filter((s) => isWithin(scope.node.path, s.scope)) : [];
  }

  /** The rules this instance applies (the pack minus `exclude`). */
  public readonly rules: readonly PolicyRule[];
  /** The required tag keys. */
  public readonly requiredTags: readonly string[];
  /** Per stack, the construct paths the Aspect was added to (a stack's own path: all of it). */
  private readonly roots = new Map<TerraformStack, Set<string>>();

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
    Object.defineProperty(this, GPU_POLICIES_BRAND, { value: true, enumerable: false });
  }

  /** Records where the Aspect was added and, once per stack, registers the stack validation that runs the rules. */
  public visit(node: IConstruct): void {
    const stack = stackOf(node);
    if (stack) forgetSharedView(stack);
    if (!stack || !Aspects.of(node).all.includes(this)) return;
    let roots = this.roots.get(stack);
    if (!roots) {
      roots = new Set();
      this.roots.set(stack, roots);
      stack.node.addValidation({ validate: () => this.report(stack) });
    }
    roots.add(node.node.path);
  }

  /**
   * Runs the rules on a stack now and returns every finding, suppressed ones included (with
   * `suppressedBecause`). Once the Aspect has been invoked on a construct of the stack, the
   * resources under the constructs it was added to are judged (all of them, whoever added them,
   * when it was added to the stack); before, the whole stack is.
   */
  public findings(stack: TerraformStack): PolicyFinding[] {
    return this.judge(stack, new Map()).findings;
  }

  /** The findings on `stack`, reading the app's stacks through `views` (a synthesis's shared views, or a fresh map). */
  private judge(stack: TerraformStack, views: Map<TerraformStack, StackView>): { findings: PolicyFinding[]; suppressions: SuppressionReport[] } {
    const view = views.get(stack) ?? synthesizeStackView(stack, views).view;
    const roots = this.roots.get(stack) ?? new Set([stack.node.path]);
    const settings: RuleSettings = { requiredTags: this.requiredTags };
    const suppressions = suppressionsIn(stack).map((s) => ({ ...s, suppressed: [] as string[] }));
    const findings: PolicyFinding[] = [];
    for (const resource of [...view.resources, ...view.modules]) {
      if (![...roots].some((root) => isWithin(resource.path, root))) continue;
      for (const rule of this.rules) {
        if (!ruleAppliesTo(rule, resource.type)) continue;
        const result = rule.check(resource, settings);
        if (result === "compliant" || result === "not-applicable") continue;
        const detail = result === "non-compliant" ? rule.explanation : result.detail;
        const level = result === "non-compliant" ? rule.level : result.level ?? rule.level;
        const message = `${resource.path}: ${rule.id} ${rule.title}: ${detail}`;
        const suppression = suppressions.find((s) => s.ruleId === rule.id && suppressionCovers(s, resource));
        suppression?.suppressed.push(message);
        findings.push({
          ruleId: rule.id, level, title: rule.title, path: resource.path, address: resource.address, detail, message,
          ...(suppression ? { suppressedBecause: suppression.reason } : {}),
        });
      }
    }
    return { findings, suppressions };
  }

  private report(stack: TerraformStack): string[] {
    JUDGED.add(stack);
    const { findings, suppressions } = this.judge(stack, sharedViews(stack));
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
    stack.addOverride(`//.${POLICY_REPORT_KEY}.suppressions`, suppressions);
    stack.addOverride(`//.${POLICY_REPORT_KEY}.excluded`, excluded);
    return errors;
  }
}

/** Runs the GPU policy pack on a whole stack and returns every finding (suppressed ones included). */
export function evaluateGpuPolicies(stack: TerraformStack, options: GpuPoliciesOptions = {}): PolicyFinding[] {
  return new GpuPolicies(options).findings(stack);
}

/**
 * Reports that a stack turned its own pack off (a TeamStack with `policies: false`): a warning on
 * the app and on the stack, and a note in the stack's `//.hgpu_policies` that the synth summary shows.
 */
export function reportPoliciesOff(stack: TerraformStack, what: string): void {
  const message = `${stack.node.path}: ${what} turns the GpuPolicies pack off for this stack: nothing judges its resources unless GpuPolicies.applyTo(app) covers it`;
  Annotations.of(stack.node.root).addWarning(message);
  Annotations.of(stack).addWarning(message);
  stack.addOverride(`//.${POLICY_REPORT_KEY}.off`, message);
}

/** Whether a construct or one of its scopes carries a GpuPolicies Aspect. */
function hasPack(construct: IConstruct): boolean {
  return construct.node.scopes.some((s) => Aspects.of(s).all.some((a) => GpuPolicies.isGpuPolicies(a)));
}

function attachToStacks(scope: IConstruct, policies: GpuPolicies): void {
  for (const stack of scope.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    if (!hasPack(stack)) Aspects.of(stack).add(policies);
  }
}

/**
 * Makes `app.synth()` attach the pack to the stacks under `scope` that have none before it
 * synthesizes them (stacks created after applyTo), and adds an app validation that judges any
 * stack under `scope` no pack reported on (one synthesized by other means).
 */
function registerOnApp(app: App, policies: GpuPolicies, scope: IConstruct): void {
  let registered = LAZY.get(app);
  if (!registered) {
    const packs: { readonly policies: GpuPolicies; readonly scope: IConstruct }[] = [];
    registered = packs;
    LAZY.set(app, packs);
    const synth = app.synth.bind(app);
    app.synth = () => {
      for (const p of packs) attachToStacks(p.scope, p.policies);
      synth();
    };
    app.node.addValidation({
      validate: () => packs.flatMap((p) => p.scope.node.findAll()
        .filter((c): c is TerraformStack => TerraformStack.isStack(c) && !JUDGED.has(c))
        .flatMap((stack) => p.policies.findings(stack).filter((f) => f.level === "error" && f.suppressedBecause === undefined).map((f) => f.message))),
    });
  }
  registered.push({ policies, scope });
}

function annotateOnce(target: IConstruct, level: "info" | "warning", message: string): void {
  if (target.node.metadata.some((m) => m.data === message)) return;
  if (level === "info") Annotations.of(target).addInfo(message);
  else Annotations.of(target).addWarning(message);
}
