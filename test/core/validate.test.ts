import { describe, expect, it } from "vitest";
import { validationErrorOf } from "../helpers";
import { ValidationError, formatValue } from "../../lib/core/errors";
import { AZURE_CONTAINER, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_ACCOUNT_RESOURCE_ID, isS3BucketName, isS3KeyPrefix, SHORT_NAME, Validator } from "../../lib/core/validate";

const v = new Validator("stack/cluster");

describe("ValidationError", () => {
  it("reads <path>: <field> <value> is not valid: <allowed>", () => {
    const e = new ValidationError("aws-fs", "storageCapacityGiB", 3000, "use 1200 or a multiple of 2400", "for PERSISTENT_2");
    expect(e.message).toBe("aws-fs: storageCapacityGiB 3000 is not valid for PERSISTENT_2: use 1200 or a multiple of 2400");
    expect(e).toMatchObject({ path: "aws-fs", field: "storageCapacityGiB", value: 3000, allowed: "use 1200 or a multiple of 2400" });
    expect(e.name).toBe("ValidationError");
  });
  it("formats values so they can be told apart", () => {
    expect(formatValue("8")).toBe('"8"');
    expect(formatValue(8)).toBe("8");
    expect(formatValue(undefined)).toBe("(missing)");
    expect(formatValue(["a", 1])).toBe('["a",1]');
  });
});

describe("Validator", () => {
  it("integer", () => {
    expect(v.integer("nodes", 4, { min: 1 })).toBe(4);
    expect(validationErrorOf(() => v.integer("nodes", 0, { min: 1, max: 100 }))).toBe("stack/cluster: nodes 0 is not valid: use a whole number from 1 to 100");
    expect(validationErrorOf(() => v.integer("nodes", 1.5, { min: 1 }))).toBe("stack/cluster: nodes 1.5 is not valid: use a whole number of at least 1");
    expect(validationErrorOf(() => v.integer("nodes", 101, { max: 100 }))).toBe("stack/cluster: nodes 101 is not valid: use a whole number of at most 100");
  });
  it("number", () => {
    expect(validationErrorOf(() => v.number("price", Number.NaN, { min: 0 }))).toBe("stack/cluster: price NaN is not valid: use a number of at least 0");
  });
  it("oneOf", () => {
    expect(validationErrorOf(() => v.oneOf("deploymentType", "SCRATCH_1", ["PERSISTENT_2", "SCRATCH_2"]))).toBe(
      'stack/cluster: deploymentType "SCRATCH_1" is not valid: use one of "PERSISTENT_2", "SCRATCH_2"',
    );
  });
  it("matches, nonEmpty, nonEmptyList", () => {
    expect(validationErrorOf(() => v.matches("zone", "us east", /^[a-z0-9-]+$/, "use a zone name such as us-east-1a"))).toBe(
      'stack/cluster: zone "us east" is not valid: use a zone name such as us-east-1a',
    );
    expect(validationErrorOf(() => v.nonEmpty("name", "  "))).toBe('stack/cluster: name "  " is not valid: use a non-empty string');
    expect(validationErrorOf(() => v.nonEmptyList("cidrs", []))).toBe("stack/cluster: cidrs [] is not valid: use a list with at least one entry");
  });
  it("cidr", () => {
    expect(v.cidr("cidr", "10.0.0.0/16", { min: 16, max: 24 })).toBe("10.0.0.0/16");
    expect(validationErrorOf(() => v.cidr("cidr", "10.0.0.1/16"))).toBe('stack/cluster: cidr "10.0.0.1/16" is not valid: host bits are set: use 10.0.0.0/16');
    expect(validationErrorOf(() => v.cidr("cidr", "10.0.0.0/8", { min: 16, max: 24 }))).toBe('stack/cluster: cidr "10.0.0.0/8" is not valid: use a prefix length from 16 to 24');
    expect(validationErrorOf(() => v.cidr("cidr", "banana"))).toBe('stack/cluster: cidr "banana" is not valid: expected an IPv4 CIDR such as 10.0.0.0/16');
  });
  it("check with context, and fail", () => {
    expect(validationErrorOf(() => v.check(false, "capacityTiB", 10, "use a multiple of 48", "for AMLFS-Durable-Premium-40"))).toBe(
      "stack/cluster: capacityTiB 10 is not valid for AMLFS-Durable-Premium-40: use a multiple of 48",
    );
    expect(validationErrorOf(() => v.fail("image", "", "use an image reference"))).toBe('stack/cluster: image "" is not valid: use an image reference');
  });
  it("skips values that are unresolved until apply", () => {
    const lazy = new Validator("p", { isUnresolved: (x) => typeof x === "string" && x.startsWith("${") });
    expect(lazy.cidr("cidr", "${TfToken[1]}")).toBe("${TfToken[1]}");
    expect(() => lazy.oneOf("sku", "${TfToken[2]}", ["a"])).not.toThrow();
    expect(validationErrorOf(() => lazy.oneOf("sku", "b", ["a"]))).toBe('p: sku "b" is not valid: use one of "a"');
  });
});

describe("Validator.mountPath", () => {
  it.each(["/fsx", "/lustre", "/mnt/data-1", "/opt/data", "/home/shared", "/usrdata", "/optics", "/data/var"])("accepts %s", (p) => {
    expect(v.mountPath("mountPath", p)).toBe(p);
  });
  it.each(["fsx", "/", "/etc", "/data/../etc", "/my data", "/fsx/", "/usr/local/data", "/var/lib/data", "/opt/dlami/nvme", "/opt/hgpu", "/opt/hgpu/x", "/opt", "/mnt", "/tmp", "/proc/x", "/data//x"])("rejects %j", (p) => {
    expect(validationErrorOf(() => v.mountPath("mountPath", p))).toBe(`stack/cluster: mountPath ${JSON.stringify(p)} is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)`);
  });
});

describe("isS3BucketName", () => {
  it.each(["abc", "my-data.bucket-1", "a".repeat(63), "xn-data", "data-s3", "1.2.3.data"])("accepts %s", (name) => {
    expect(isS3BucketName(name)).toBe(true);
  });
  it.each(["ab", "a".repeat(64), "My-Data", "-data", "data-", "my..data", "192.168.5.4", "xn--data", "sthree-data", "amzn-s3-demo-data", "data-s3alias", "data--ol-s3", "data.mrap", "data--x-s3", "data--table-s3", "my_data"])("refuses %s", (name) => {
    expect(isS3BucketName(name)).toBe(false);
  });
});

describe("SHORT_NAME: teams, environments, sites and pools", () => {
  it.each(["ab", "a1", "dev", "fra-dc1", `a${"b".repeat(31)}`])("accepts %s", (name) => {
    expect(SHORT_NAME.test(name)).toBe(true);
  });
  it.each(["a", "", `a${"b".repeat(32)}`, "1ab", "-ab", "ab-", "Ab", "a_b", "a b", "a.b"])("refuses %j", (name) => {
    expect(SHORT_NAME.test(name)).toBe(false);
  });
});

describe("Azure storage names", () => {
  it.each<[string, boolean]>([
    ["abc", true],
    ["a".repeat(24), true],
    ["ab", false],
    ["a".repeat(25), false],
    ["acme-data", false],
    ["Acme", false],
  ])("AZURE_STORAGE_ACCOUNT %s: %s", (name, ok) => {
    expect(AZURE_STORAGE_ACCOUNT.test(name)).toBe(ok);
  });
  const id = (name: string, provider = "Microsoft.Storage") => `/subscriptions/0000/resourceGroups/rg/providers/${provider}/storageAccounts/${name}`;
  it.each<[string, boolean]>([
    [id("acme"), true],
    [id("acme").toLowerCase(), true],
    [id("a".repeat(24)), true],
    [id("ab"), false],
    [id("a".repeat(25)), false],
    [id("acme-data"), false],
    [id("acme", "MicrosoftXStorage"), false],
    [`${id("acme")}/blobServices/default`, false],
    ["acme", false],
  ])("AZURE_STORAGE_ACCOUNT_RESOURCE_ID %s: %s", (value, ok) => {
    expect(AZURE_STORAGE_ACCOUNT_RESOURCE_ID.test(value)).toBe(ok);
  });
  it.each<[string, boolean]>([
    ["abc", true],
    ["a-b-c", true],
    ["a".repeat(63), true],
    ["ab", false],
    ["a".repeat(64), false],
    ["a--b", false],
    ["-ab", false],
    ["ab-", false],
    ["Abc", false],
  ])("AZURE_CONTAINER %s: %s", (name, ok) => {
    expect(AZURE_CONTAINER.test(name)).toBe(ok);
  });
});

describe("isS3KeyPrefix", () => {
  it.each<[string, boolean]>([
    ["runs/", true],
    ["a/b/", true],
    ["runs", false],
    ["/runs/", false],
    ["runs/*/", false],
    ["runs?/", false],
    ["$runs/", false],
  ])("%s: %s", (prefix, ok) => {
    expect(isS3KeyPrefix(prefix)).toBe(ok);
  });
});

describe("Validator rules at their bounds", () => {
  it.each<[string, () => unknown, unknown]>([
    ["integer at its min", () => v.integer("nodes", 1, { min: 1, max: 4 }), 1],
    ["integer at its max", () => v.integer("nodes", 4, { min: 1, max: 4 }), 4],
    ["integer with only a max", () => v.integer("nodes", -3, { max: 4 }), -3],
    ["number inside its range", () => v.number("price", 2.5, { min: 1, max: 4 }), 2.5],
    ["number at its min", () => v.number("price", 1, { min: 1, max: 4 }), 1],
    ["number at its max", () => v.number("price", 4, { min: 1, max: 4 }), 4],
    ["number with only a max", () => v.number("price", -3.5, { max: 4 }), -3.5],
    ["number with no range", () => v.number("price", -1e9), -1e9],
    ["nonEmpty", () => v.nonEmpty("name", " x "), " x "],
    ["nonEmptyList", () => v.nonEmptyList("cidrs", ["10.0.0.0/16"]), ["10.0.0.0/16"]],
    ["a cidr at its max prefix", () => v.cidr("cidr", "10.0.0.0/24", { min: 16, max: 24 }), "10.0.0.0/24"],
    ["a cidr with only a max", () => v.cidr("cidr", "10.0.0.0/8", { max: 24 }), "10.0.0.0/8"],
    ["a cidr with only a min", () => v.cidr("cidr", "10.0.0.0/28", { min: 16 }), "10.0.0.0/28"],
  ])("accepts %s", (_what, f, expected) => {
    expect(f()).toEqual(expected);
  });

  it.each<[() => unknown, string]>([
    [() => v.integer("nodes", 0, { min: 1 }), "stack/cluster: nodes 0 is not valid: use a whole number of at least 1"],
    [() => v.integer("nodes", 1.5), "stack/cluster: nodes 1.5 is not valid: use a whole number"],
    [() => v.number("price", 0.5, { min: 1, max: 4 }), "stack/cluster: price 0.5 is not valid: use a number from 1 to 4"],
    [() => v.number("price", 4.5, { min: 1, max: 4 }), "stack/cluster: price 4.5 is not valid: use a number from 1 to 4"],
    [() => v.number("price", 4.5, { max: 4 }), "stack/cluster: price 4.5 is not valid: use a number of at most 4"],
    [() => v.number("price", Number.POSITIVE_INFINITY, { min: 0 }), "stack/cluster: price Infinity is not valid: use a number of at least 0"],
    [() => v.number("price", Number.NaN), "stack/cluster: price NaN is not valid: use a number"],
    [() => v.matches("zone", 123 as unknown as string, /^\d+$/, "use digits"), "stack/cluster: zone 123 is not valid: use digits"],
    [() => v.nonEmpty("name", 5 as unknown as string), "stack/cluster: name 5 is not valid: use a non-empty string"],
    [() => v.nonEmptyList("cidrs", "ab" as unknown as string[]), 'stack/cluster: cidrs "ab" is not valid: use a list with at least one entry'],
    [() => v.mountPath("mountPath", ["/fsx"] as unknown as string), 'stack/cluster: mountPath ["/fsx"] is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
    [() => v.mountPath("mountPath", "data/fsx"), 'stack/cluster: mountPath "data/fsx" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
    [() => v.cidr("cidr", 10 as unknown as string), "stack/cluster: cidr 10 is not valid: expected an IPv4 CIDR such as 10.0.0.0/16"],
    [() => v.cidr("cidr", "10.0.0.0/28", { min: 16, max: 24 }), 'stack/cluster: cidr "10.0.0.0/28" is not valid: use a prefix length from 16 to 24'],
    [() => v.cidr("cidr", "10.0.0.0/28", { max: 24 }), 'stack/cluster: cidr "10.0.0.0/28" is not valid: use a prefix length of at most 24'],
    [() => v.cidr("cidr", "10.0.0.0/8", { min: 16 }), 'stack/cluster: cidr "10.0.0.0/8" is not valid: use a prefix length of at least 16'],
  ])("refuses %#", (f, message) => {
    expect(validationErrorOf(f)).toBe(message);
  });

  it("skips numbers that are unresolved until apply", () => {
    // cdktf encodes a number token as a huge negative double.
    const token = -1.8881545897087626e289;
    const lazy = new Validator("p", { isUnresolved: (x) => x === token });
    expect(lazy.integer("nodes", token, { min: 1 })).toBe(token);
    expect(lazy.number("price", token, { min: 0 })).toBe(token);
    expect(validationErrorOf(() => lazy.integer("nodes", -2, { min: 1 }))).toBe("p: nodes -2 is not valid: use a whole number of at least 1");
  });
});

describe("isS3BucketName: reserved shapes only where AWS reserves them", () => {
  it.each(["a1.2.3.4", "1.2.3.4a", "my-xn--data", "my-sthree-data", "my-amzn-s3-demo-data", "data-s3alias-x", "data--ol-s3-x", "data.mrap.x"])("accepts %s", (name) => {
    expect(isS3BucketName(name)).toBe(true);
  });
});
