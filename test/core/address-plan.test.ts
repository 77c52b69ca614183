import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AddressPlan, registerAddresses } from "../../lib/core/address-plan";
import { overlaps } from "../../lib/core/cidr";
import { synthErrorsOf, validationErrorOf } from "../helpers";

function stack(app: App = Testing.app(), id = "s") {
  return new TerraformStack(app, id);
}

function owner(scope: Construct, id: string, entries: Parameters<typeof registerAddresses>[1]) {
  const c = new Construct(scope, id);
  registerAddresses(c, entries);
  return c;
}

describe("AddressPlan", () => {
  it("is one per app", () => {
    const app = Testing.app();
    const a = stack(app, "a");
    const b = stack(app, "b");
    expect(AddressPlan.of(a)).toBe(AddressPlan.of(b));
    expect(AddressPlan.of(stack())).not.toBe(AddressPlan.of(a));
  });

  it("hands out the first free /16s of 10.0.0.0/8, skipping registered blocks, deterministically", () => {
    const run = () => {
      const s = stack();
      const plan = AddressPlan.of(s);
      owner(s, "explicit", [{ field: "cidr", cidr: "10.1.0.0/16", kind: "network" }]);
      const first = plan.allocate(s);
      owner(s, "n1", [{ field: "cidr", cidr: first, kind: "network" }]);
      const second = plan.allocate(s);
      return [first, second];
    };
    expect(run()).toEqual(["10.0.0.0/16", "10.2.0.0/16"]);
    expect(run()).toEqual(run());
  });

  it("can be configured with another pool and size, before it hands anything out", () => {
    const s = stack();
    AddressPlan.configure(s, { pool: "172.20.0.0/14", prefix: 18 });
    expect(AddressPlan.of(s).allocate(s)).toBe("172.20.0.0/18");
    expect(validationErrorOf(() => AddressPlan.configure(s, { prefix: 20 }))).toBe('s: AddressPlan.configure {"prefix":20} is not valid: configure the address plan before the first network without a cidr is created');
    expect(validationErrorOf(() => AddressPlan.configure(stack(), { pool: "10.0.0.1/8" }))).toBe('s: pool "10.0.0.1/8" is not valid: host bits are set: use 10.0.0.0/8');
    expect(validationErrorOf(() => AddressPlan.configure(stack(), { pool: "10.0.0.0/16", prefix: 8 }))).toBe("s: prefix 8 is not valid: use a whole number from 16 to 28");
    expect(validationErrorOf(() => AddressPlan.configure(stack(), { pool: "10.0.0.0/16", prefix: 29 }))).toBe("s: prefix 29 is not valid: use a whole number from 16 to 28");
    expect(AddressPlan.configure(stack(), { pool: "10.0.0.0/16", prefix: 28 }).prefix).toBe(28);
  });

  it("says when the pool is full", () => {
    const s = stack();
    AddressPlan.configure(s, { pool: "10.0.0.0/15" });
    owner(s, "a", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }, { field: "cidr2", cidr: "10.1.0.0/16", kind: "network" }]);
    expect(validationErrorOf(() => AddressPlan.of(s).allocate(new Construct(s, "late")))).toBe("s/late: cidr (missing) is not valid: set one: the address plan's pool 10.0.0.0/15 has no free /16 left");
  });

  it("reports an overlap once, naming both constructs and both blocks", () => {
    const app = Testing.app();
    const platform = stack(app, "platform");
    const team = stack(app, "team");
    owner(platform, "aws-net", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }]);
    owner(team, "dc", [{ field: "cidrs[1]", cidr: "10.0.128.0/17", kind: "network" }]);
    const all = [...AddressPlan.of(app).entries].flatMap((e) => AddressPlan.of(app).problemsFor(e.owner));
    expect(all).toEqual(['platform/aws-net: cidr "10.0.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidrs[1] 10.0.128.0/17 of team/dc']);
  });

  it("fails synth through the owner's validation", () => {
    const s = stack();
    owner(s, "a", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }]);
    owner(s, "b", [{ field: "cidr", cidr: "10.0.0.0/24", kind: "network" }]);
    // one error for the pair, from the owner registered first
    expect(synthErrorsOf(() => Testing.synth(s, true))).toEqual([
      's/a: cidr "10.0.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidr 10.0.0.0/24 of s/b',
    ]);
  });

  it("checks subnets fit their network and do not overlap each other, but not other networks' subnets", () => {
    const s = stack();
    const n = owner(s, "n", [
      { field: "cidr", cidr: "10.0.0.0/16", kind: "network" },
      { field: "subnet a", cidr: "10.0.0.0/20", kind: "subnet", parent: "10.0.0.0/16" },
      { field: "subnet b", cidr: "10.0.8.0/24", kind: "subnet", parent: "10.0.0.0/16" },
      { field: "subnet c", cidr: "10.1.0.0/24", kind: "subnet", parent: "10.0.0.0/16" },
    ]);
    owner(s, "m", [{ field: "subnet x", cidr: "10.0.0.0/20", kind: "subnet", parent: "10.0.0.0/20" }]);
    expect(AddressPlan.of(s).problemsFor(n)).toEqual([
      's/n: subnet a "10.0.0.0/20" is not valid: use a block that overlaps no other subnet of the same network: it overlaps subnet b 10.0.8.0/24 of s/n',
      's/n: subnet c "10.1.0.0/24" is not valid: use a block inside the network\'s 10.0.0.0/16',
    ]);
  });

  it("compares tunnels only with tunnels", () => {
    const s = stack();
    const l1 = owner(s, "l1", [{ field: "tunnel 1", cidr: "169.254.21.0/30", kind: "tunnel" }]);
    owner(s, "l2", [{ field: "tunnel 1", cidr: "169.254.21.0/30", kind: "tunnel" }, { field: "cidr", cidr: "169.254.0.0/16", kind: "network" }]);
    expect(AddressPlan.of(s).problemsFor(l1)).toEqual(['s/l1: tunnel 1 "169.254.21.0/30" is not valid: use a block that overlaps no other tunnel: it overlaps tunnel 1 169.254.21.0/30 of s/l2']);
  });

  it("never hands out a block that overlaps a registered network", () => {
    const s = stack();
    const plan = AddressPlan.of(s);
    owner(s, "a", [{ field: "cidr", cidr: "10.0.0.0/12", kind: "network" }, { field: "cidr2", cidr: "10.20.0.0/16", kind: "network" }]);
    const got = plan.allocate(s);
    expect(overlaps(got, "10.0.0.0/12") || overlaps(got, "10.20.0.0/16")).toBe(false);
    expect(got).toBe("10.16.0.0/16");
  });

  it("starts empty; configuring the size alone keeps the pool, and the app itself is named App", () => {
    const s = stack();
    expect(AddressPlan.of(s).entries).toEqual([]);
    const plan = AddressPlan.configure(s, { prefix: 20 });
    expect(plan.pool).toBe("10.0.0.0/8");
    expect(plan.allocate(s)).toBe("10.0.0.0/20");
    expect(validationErrorOf(() => AddressPlan.configure(Testing.app(), { pool: "10.0.0.1/8" }))).toBe('App: pool "10.0.0.1/8" is not valid: host bits are set: use 10.0.0.0/8');
  });

  it("hands out blocks around networks only: subnets and tunnels in the pool do not take it", () => {
    const s = stack();
    owner(s, "n", [
      { field: "subnet a", cidr: "10.0.0.0/24", kind: "subnet", parent: "10.0.0.0/16" },
      { field: "tunnel 1", cidr: "10.0.1.0/30", kind: "tunnel" },
    ]);
    expect(AddressPlan.of(s).allocate(s)).toBe("10.0.0.0/16");
  });

  it("an address registered as its /32 is named by its value, with its own advice", () => {
    const s = stack();
    const site = owner(s, "a-site", [{ field: "azureBgpPeerAddress", cidr: "169.254.21.2/32", value: "169.254.21.2", kind: "tunnel" }]);
    const link = owner(s, "b-link", [{ field: "tunnel 1", cidr: "169.254.21.0/30", kind: "tunnel" }]);
    expect(AddressPlan.of(s).problemsFor(site)).toEqual([
      's/a-site: azureBgpPeerAddress "169.254.21.2" is not valid: use an address that no tunnel or other APIPA BGP address of the app uses: it overlaps tunnel 1 169.254.21.0/30 of s/b-link',
    ]);
    expect(AddressPlan.of(s).problemsFor(link)).toEqual([]);
  });

  it("between owners, the path that sorts first reports, whatever the registration order; subnets of other networks are not compared", () => {
    const s = stack();
    const z = owner(s, "z", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }, { field: "subnet z", cidr: "10.0.0.0/24", kind: "subnet", parent: "10.0.0.0/16" }]);
    const a = owner(s, "a", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }, { field: "subnet a", cidr: "10.0.0.0/24", kind: "subnet", parent: "10.0.0.0/16" }]);
    expect(AddressPlan.of(s).problemsFor(z)).toEqual([]);
    expect(AddressPlan.of(s).problemsFor(a)).toEqual(['s/a: cidr "10.0.0.0/16" is not valid: use a block that overlaps no other network or on-prem site: it overlaps cidr 10.0.0.0/16 of s/z']);
  });

  it("a block alone overlaps nothing (not itself), and a block without a parent fits anywhere", () => {
    const s = stack();
    const n = owner(s, "n", [{ field: "cidr", cidr: "10.0.0.0/16", kind: "network" }, { field: "subnet a", cidr: "192.168.0.0/24", kind: "subnet" }]);
    expect(AddressPlan.of(s).problemsFor(n)).toEqual([]);
  });
});
