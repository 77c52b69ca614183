import type { L1View, StackView } from "../../../../lib/team/policies/types";

/**
 * A plain stack view of hand-written resources, keyed by Terraform address (`<type>.<name>`), for
 * calling the pack's pure functions without synthesizing a stack. Build it inside the `it`.
 */
export function stackView(resources: Record<string, Record<string, unknown>>, extra: Partial<Omit<StackView, "resources">> = {}): StackView {
  const list: L1View[] = [];
  const view: StackView = {
    path: "s", resources: list, dataSources: [], modules: [], providers: {}, variables: {}, locals: {}, outputs: {},
    otherStacks: () => [], ...extra,
  };
  for (const [address, config] of Object.entries(resources)) {
    const [type, name] = address.split(".") as [string, string];
    list.push({ type, name, address, path: `s/${name}`, config, taggable: true, stack: view });
  }
  return view;
}

/** The resource of `view` at `address`. */
export function resourceAt(view: StackView, address: string): L1View {
  const found = view.resources.find((r) => r.address === address);
  if (!found) throw new Error(`no ${address}`);
  return found;
}
