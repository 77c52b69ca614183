import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NAME_RULES, type NameRule, deriveName, nameFromPath, nameProblem, shortHash } from "../../lib/core/naming";

describe("deriveName", () => {
  it("joins construct ids and drops Default", () => {
    expect(deriveName(["team-a", "Training", "Default"], NAME_RULES.awsIamRole)).toBe("team-a-Training");
    expect(nameFromPath("platform/Hybrid Net/Vpc", NAME_RULES.azureVirtualNetwork)).toBe("platform-Hybrid-Net-Vpc");
  });
  it("makes S3 bucket names lowercase, hashed and globally unique", () => {
    const name = deriveName(["Team_A", "Data.Bucket"], NAME_RULES.awsS3Bucket);
    // 5777d67a: the first 8 hex digits of SHA-256("Team_A/Data.Bucket")
    expect(name).toBe("team-a-data-bucket-5777d67a");
    expect(shortHash("Team_A/Data.Bucket")).toBe("5777d67a");
    expect(nameProblem(name, NAME_RULES.awsS3Bucket)).toBeUndefined();
  });
  it("makes storage account names alphanumeric and at most 24 characters", () => {
    const name = deriveName(["ml-platform-prod", "training-logs"], NAME_RULES.azureStorageAccount);
    // "mlplatformprodtraininglogs" cut to 16 characters, then the 8 of SHA-256("ml-platform-prod/training-logs")
    expect(name).toBe("mlplatformprodtr30aa0911");
  });
  it("cuts long names and keeps them distinct with a hash", () => {
    const a = deriveName(["x".repeat(100), "a"], NAME_RULES.awsIamRole);
    const b = deriveName(["x".repeat(100), "b"], NAME_RULES.awsIamRole);
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
  });
  it("always gives a valid name, deterministically, for any rule and any input", () => {
    const rules = Object.values(NAME_RULES);
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), fc.constantFrom(...rules), (parts, rule) => {
        const name = deriveName(parts, rule);
        expect(nameProblem(name, rule)).toBeUndefined();
        expect(deriveName(parts, rule)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("nameProblem", () => {
  it("explains each broken rule", () => {
    expect(nameProblem("ab", NAME_RULES.awsS3Bucket)).toBe("S3 bucket names have 3 to 63 characters");
    expect(nameProblem("my_bucket", NAME_RULES.awsS3Bucket)).toBe('S3 bucket names may not contain "_" (allowed: a-z0-9-)');
    expect(nameProblem("-bucket", NAME_RULES.awsS3Bucket)).toBe("S3 bucket names start and end with a letter or digit");
    expect(nameProblem("MyAccount", NAME_RULES.azureStorageAccount)).toBe('storage account names may not contain "M" (allowed: a-z0-9)');
    expect(nameProblem("train:v1", NAME_RULES.awsLaunchTemplate)).toBe('launch template names may not contain ":" (allowed: A-Za-z0-9()./_-)');
    expect(nameProblem("team/train(v1.2)", NAME_RULES.awsLaunchTemplate)).toBeUndefined();
  });
});

describe("deriveName edge cases found by the property", () => {
  it("a name of punctuation only becomes a hash, not an empty name", () => {
    const name = deriveName(["_"], NAME_RULES.azureGeneric);
    expect(name).toBe(shortHash("_"));
    expect(nameProblem(name, NAME_RULES.azureGeneric)).toBeUndefined();
  });
});

/** A rule of the user's own: no separator, and a space is a valid character. */
const SPACED: NameRule = { label: "spaced", minLength: 1, maxLength: 20, char: /[a-z ]/, separator: "" };

describe("deriveName, rule by rule", () => {
  it.each<[string, readonly string[], NameRule, string]>([
    ["runs of disallowed characters collapse into one separator", ["team  a", "x -_- y"], NAME_RULES.awsLaunchTemplate, "team-a-x-_-y"],
    ["runs of separators collapse", ["a - b"], NAME_RULES.awsIamRole, "a-b"],
    ["parts join with the separator even where a space is allowed", ["train", "run"], NAME_RULES.awsSecurityGroup, "train-run"],
    ["without a separator, parts join with a space when the rule allows one", ["ab", "cd"], SPACED, "ab cd"],
    ["empty parts add nothing", ["ab", "", "cd"], SPACED, "ab cd"],
    ["ends are kept for rules without alnumEnds", ["_team_"], NAME_RULES.awsIamRole, "_team_"],
    ["ends are trimmed, every leading and trailing non-alphanumeric", ["._team_."], NAME_RULES.azureGeneric, "team"],
    ["a name of exactly maxLength is kept whole", ["r".repeat(64)], NAME_RULES.awsIamRole, "r".repeat(64)],
    ["a name of exactly minLength is kept whole", ["abc"], NAME_RULES.awsLaunchTemplate, "abc"],
    // e3b0c442: SHA-256 of "" (the source); 21b111cb: SHA-256 of "Default"
    ["an empty name becomes the bare hash, without a separator", [""], NAME_RULES.awsIamRole, "e3b0c442"],
    ["a name of Default only becomes the bare hash", ["Default"], NAME_RULES.awsIamRole, "21b111cb"],
    // 55 = 64 - 8 (hash) - 1 (separator) characters are kept: 54 x's and a "-" that is dropped; 94ed0ce6: SHA-256 of the part
    ["a cut that ends on a separator drops it", [`${"x".repeat(54)}-${"y".repeat(20)}`], NAME_RULES.awsIamRole, `${"x".repeat(54)}-94ed0ce6`],
  ])("%s", (_why, parts, rule, expected) => {
    expect(deriveName(parts, rule)).toBe(expected);
  });

  it("nameFromPath adds the suffix as a last part", () => {
    expect(nameFromPath("team-a/Cluster", NAME_RULES.awsIamRole, "node-role")).toBe("team-a-Cluster-node-role");
    expect(nameFromPath("team-a/Cluster", NAME_RULES.awsIamRole)).toBe("team-a-Cluster");
  });
});

describe("nameProblem, rule by rule", () => {
  it.each<[string, NameRule, string | undefined]>([
    ["a".repeat(63), NAME_RULES.awsS3Bucket, undefined],
    ["a".repeat(64), NAME_RULES.awsS3Bucket, "S3 bucket names have 3 to 63 characters"],
    ["abc", NAME_RULES.awsS3Bucket, undefined],
    ["bucket-", NAME_RULES.awsS3Bucket, "S3 bucket names start and end with a letter or digit"],
    ["a-", NAME_RULES.azureSubnet, "subnet names start and end with a letter or digit"],
    ["a", NAME_RULES.azureSubnet, undefined],
    ["_", NAME_RULES.azureSubnet, "subnet names start and end with a letter or digit"],
    ["a%b", NAME_RULES.awsSecurityGroup, 'security group names may not contain "%" (allowed: A-Za-z0-9 ._\\-:/()#,@[\\]+=&;{}!$*)'],
    ["Ab", { label: "custom", minLength: 1, maxLength: 9, char: /[A-Za-z]/, separator: "", lowercase: true }, "custom names are lowercase"],
    ["ab", { label: "custom", minLength: 1, maxLength: 9, char: /[A-Za-z]/, separator: "", lowercase: true }, undefined],
  ])("%j", (name, rule, expected) => {
    expect(nameProblem(name, rule)).toBe(expected);
  });
});
