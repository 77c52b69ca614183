import { describe, expect, it } from "vitest";
import { resolveAllowFrom, type AllowFrom } from "../../lib/core/allow-from";
import { Validator } from "../../lib/core/validate";
import { validationErrorOf } from "../helpers";

const v = new Validator("s/train");
const resolve = (rule: AllowFrom) => resolveAllowFrom(v, "allowFrom[0]", rule);
const errorOf = (rule: AllowFrom): string => validationErrorOf(() => resolve(rule));
// A network stand-in: what the contract reads (a construct path, the block or blocks).
const net = (path: string, cidr: string, cidrs?: string[]) => ({ cidr, ...(cidrs ? { cidrs } : {}), node: { path } }) as never;

describe("resolveAllowFrom", () => {
  it("takes a cloud network's block, and every block of a site", () => {
    expect(resolve({ from: net("s/azure-net", "10.20.0.0/16"), ports: "all" })).toEqual({ cidrs: ["10.20.0.0/16"], ports: "all", description: "from s/azure-net" });
    expect(resolve({ from: net("s/dc", "192.168.0.0/16", ["192.168.0.0/16", "172.20.0.0/14"]), ports: [22] }).cidrs).toEqual(["192.168.0.0/16", "172.20.0.0/14"]);
    expect(resolve({ from: net("s/dc", "192.168.0.0/16", []), ports: [22] }).cidrs).toEqual(["192.168.0.0/16"]);
  });

  it("turns ports into inclusive ranges and keeps a given description", () => {
    expect(resolve({ from: "10.1.0.0/24", ports: [22, [29400, 29500], 1, 65535], description: "SSH and rendezvous" })).toEqual({
      cidrs: ["10.1.0.0/24"],
      ports: [[22, 22], [29400, 29500], [1, 1], [65535, 65535]],
      description: "SSH and rendezvous",
    });
  });

  it.each(["10.0.0.0/8", "172.16.0.0/12", "192.168.255.0/24", "100.64.0.0/10", "100.127.255.255/32"])("accepts the private block %s", (from) => {
    expect(resolve({ from, ports: "all" }).cidrs).toEqual([from]);
  });

  const PRIVATE = "use a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): GPU nodes are never opened to the internet";
  it.each<[AllowFrom, string]>([
    [{ from: "0.0.0.0/0", ports: "all" }, `s/train: allowFrom[0].from "0.0.0.0/0" is not valid: ${PRIVATE}`],
    [{ from: "0.0.0.0/1", ports: "all" }, `s/train: allowFrom[0].from "0.0.0.0/1" is not valid: ${PRIVATE}`],
    [{ from: "172.32.0.0/16", ports: "all" }, `s/train: allowFrom[0].from "172.32.0.0/16" is not valid: ${PRIVATE}`],
    [{ from: "100.128.0.0/16", ports: "all" }, `s/train: allowFrom[0].from "100.128.0.0/16" is not valid: ${PRIVATE}`],
    [{ from: "10.0.0.1/16", ports: "all" }, 's/train: allowFrom[0].from "10.0.0.1/16" is not valid: host bits are set: use 10.0.0.0/16'],
    [{ from: "anywhere", ports: "all" }, 's/train: allowFrom[0].from "anywhere" is not valid: expected an IPv4 CIDR such as 10.0.0.0/16'],
    [{ from: net("s/dc", "192.168.0.0/16", ["192.168.0.0/16", "8.8.8.0/24"]), ports: "all" }, `s/train: allowFrom[0].from "8.8.8.0/24" is not valid (a block of s/dc): ${PRIVATE}`],
    [{ from: undefined as never, ports: "all" }, "s/train: allowFrom[0].from (missing) is not valid: use a network of the app (AwsNetwork, AzureNetwork, OnPremSite) or a CIDR block such as 10.20.0.0/16"],
    [{ from: "10.1.0.0/24", ports: [] }, 's/train: allowFrom[0].ports [] is not valid: use "all" or a non-empty list of ports and [from, to] ranges, e.g. [22, [29400, 29500]]'],
    [{ from: "10.1.0.0/24", ports: "any" as never }, 's/train: allowFrom[0].ports "any" is not valid: use "all" or a non-empty list of ports and [from, to] ranges, e.g. [22, [29400, 29500]]'],
    [{ from: "10.1.0.0/24", ports: [0] }, "s/train: allowFrom[0].ports[0] 0 is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: "10.1.0.0/24", ports: [22, 65536] }, "s/train: allowFrom[0].ports[1] 65536 is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: "10.1.0.0/24", ports: [[2000, 1000]] }, "s/train: allowFrom[0].ports[0] [2000,1000] is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: "10.1.0.0/24", ports: [22.5] }, "s/train: allowFrom[0].ports[0] 22.5 is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: null as never, ports: "all" }, "s/train: allowFrom[0].from null is not valid: use a network of the app (AwsNetwork, AzureNetwork, OnPremSite) or a CIDR block such as 10.20.0.0/16"],
    [{ from: { node: { path: "s/x" } } as never, ports: "all" }, 's/train: allowFrom[0].from {"node":{"path":"s/x"}} is not valid: use a network of the app (AwsNetwork, AzureNetwork, OnPremSite) or a CIDR block such as 10.20.0.0/16'],
    [undefined as never, "s/train: allowFrom[0].from (missing) is not valid: use a network of the app (AwsNetwork, AzureNetwork, OnPremSite) or a CIDR block such as 10.20.0.0/16"],
    [{ from: "10.1.0.0/24", ports: [null as never] }, "s/train: allowFrom[0].ports[0] null is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: "10.1.0.0/24", ports: [[22, 100.5]] }, "s/train: allowFrom[0].ports[0] [22,100.5] is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
    [{ from: "10.1.0.0/24", ports: [[22.5, 100]] }, "s/train: allowFrom[0].ports[0] [22.5,100] is not valid: use a port from 1 to 65535 or a [from, to] range with from <= to"],
  ])("refuses %j", (rule, message) => {
    expect(errorOf(rule)).toBe(message);
  });
});
