import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NAME_RULES, deriveName, nameFromPath, nameProblem, shortHash } from "../../lib/core/naming";

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
