/**
 * HGPU-TF-2 on plain views: which other stacks count as readers of a connection's state.
 */
import { describe, expect, it } from "vitest";
import { vpnKeysNotShared } from "../../../../lib/team/policies/rules/hgpu-tf-2";
import type { ElementView, StackView } from "../../../../lib/team/policies/types";
import { EMPTY_STACK } from "../../../../lib/team/policies/values";

const remote = (name: string, type = "terraform_remote_state"): ElementView => ({ type, name, address: `data.${type}.${name}`, config: {} });
const other = (path: string, ...dataSources: ElementView[]): StackView => ({ ...EMPTY_STACK, path, dataSources });

function check(...others: StackView[]) {
  const stack: StackView = { ...EMPTY_STACK, path: "vpn", otherStacks: () => others };
  return vpnKeysNotShared.check({ type: "aws_vpn_connection", name: "c", address: "aws_vpn_connection.c", path: "vpn/c", taggable: true, config: {}, stack }, { requiredTags: [] });
}

const MOVE = "that whole state through cdktf cross-stack references: move the links and sites to a stack no other stack references";

describe("HGPU-TF-2 on one connection", () => {
  it("counts a stack that reads this stack's state, among its other data sources, once or twice", () => {
    const reads = remote("cross-stack-reference-input-vpn");
    expect(check(other("apps", remote("cross-stack-reference-input-net"), reads))).toEqual({
      status: "non-compliant", detail: `the state of stack vpn holds this connection's pre-shared keys, and stack apps reads ${MOVE}`,
    });
    expect(check(other("apps", reads), other("jobs", reads))).toEqual({
      status: "non-compliant", detail: `the state of stack vpn holds this connection's pre-shared keys, and stacks apps, jobs read ${MOVE}`,
    });
  });

  it("ignores stacks that read other states or have a data source of that name of another type", () => {
    expect(check(other("apps", remote("cross-stack-reference-input-net")), other("jobs", remote("cross-stack-reference-input-vpn", "aws_caller_identity")))).toBe("compliant");
  });
});
