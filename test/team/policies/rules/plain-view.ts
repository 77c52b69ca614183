/** Plain stack views for reading rules and finders directly, without synthesizing a cdktf stack. */
import type { ElementView, L1View, StackView } from "../../../../lib/team/policies/types";

/** One resource of a plain view: its type, name, config and optional view fields (e.g. azureClusterPath). */
export type Spec = readonly [type: string, name: string, config: Record<string, unknown>, extra?: Partial<L1View>];

/** A plain stack view at `path` holding `specs` (path `<stack>/<name>`), with optional outputs, variables, data sources and other stacks. */
export function view(path: string, specs: readonly Spec[], more: { outputs?: Record<string, unknown>; variables?: StackView["variables"]; dataSources?: ElementView[]; others?: () => StackView[] } = {}): StackView {
  const resources: L1View[] = [];
  const stack: StackView = {
    path, resources, dataSources: more.dataSources ?? [], modules: [], providers: {}, variables: more.variables ?? {}, locals: {},
    outputs: more.outputs ?? {}, otherStacks: more.others ?? (() => []),
  };
  for (const [type, name, config, extra] of specs) {
    resources.push({ type, name, address: `${type}.${name}`, config, path: `${path}/${name}`, taggable: false, stack, ...extra });
  }
  return stack;
}

/** The resource of `stack` at `address`. */
export const res = (stack: StackView, address: string): L1View => stack.resources.find((r) => r.address === address)!;
