import { describe, expect, it } from "vitest";
import { MANAGED_BY, libraryTags, mergeTags, standardTags, tagProblems } from "../../lib/core/tags";

describe("mergeTags", () => {
  it("resource tags win over team tags, which win over the library's", () => {
    const merged = mergeTags(libraryTags(), standardTags({ team: "vision", costCenter: "cc-42" }), { team: "vision-research", purpose: "train" });
    expect(merged).toEqual({ "managed-by": MANAGED_BY, team: "vision-research", "cost-center": "cc-42", purpose: "train" });
  });
  it("a team may override the library's default", () => {
    expect(mergeTags(libraryTags(), { "managed-by": "platform" })["managed-by"]).toBe("platform");
  });
  it("standardTags sets only what is given", () => {
    expect(standardTags({ environment: "prod" })).toEqual({ environment: "prod" });
  });
});

describe("tagProblems", () => {
  it("accepts valid tags", () => {
    expect(tagProblems("aws", { team: "vision", "cost-center": "cc 42/ml" })).toEqual([]);
    expect(tagProblems("azure", { team: "vision" })).toEqual([]);
  });
  it("reports each AWS rule", () => {
    expect(tagProblems("aws", { "aws:owner": "x" })).toEqual(["aws:owner: the aws: prefix is reserved by AWS"]);
    expect(tagProblems("aws", { ["k".repeat(129)]: "x" })).toEqual([`${"k".repeat(129)}: an AWS tag key has 1 to 128 characters`]);
    expect(tagProblems("aws", { team: "v".repeat(257) })).toEqual(["team: an AWS tag value has at most 256 characters"]);
    expect(tagProblems("aws", { team: "a<b" })).toEqual(["team: AWS tags allow letters, digits, spaces and _ . : / = + - @"]);
  });
  it("reports each Azure rule", () => {
    expect(tagProblems("azure", { "a/b": "x" })).toEqual(["a/b: Azure tag keys may not contain < > % & \\ ? /"]);
    expect(tagProblems("azure", { team: "v".repeat(257) })).toEqual(["team: an Azure tag value has at most 256 characters"]);
  });
  it.for([
    ["aws", "k".repeat(128), "v".repeat(256)],
    ["azure", "k".repeat(512), "v".repeat(256)],
  ] as const)("accepts %s keys and values at their longest", ([cloud, key, value]) => {
    expect(tagProblems(cloud, { [key]: value })).toEqual([]);
  });
  it("refuses empty keys and an Azure key past 512 characters", () => {
    expect(tagProblems("aws", { "": "x" })).toEqual([": an AWS tag key has 1 to 128 characters"]);
    expect(tagProblems("azure", { "": "x" })).toEqual([": an Azure tag key has 1 to 512 characters"]);
    expect(tagProblems("azure", { ["k".repeat(513)]: "x" })).toEqual([`${"k".repeat(513)}: an Azure tag key has 1 to 512 characters`]);
  });
  it("accepts 50 tags on either cloud", () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    expect(tagProblems("aws", fifty)).toEqual([]);
    expect(tagProblems("azure", fifty)).toEqual([]);
  });
  it("caps the number of tags", () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect(tagProblems("aws", many)).toEqual(["(all): 51 tags, at most 50 are allowed"]);
  });
});

describe("tag rules at their edges", () => {
  it("standardTags leaves out the keys of unset values, not sets them to undefined", () => {
    expect(Object.keys(standardTags({ team: "vision" }))).toEqual(["team"]);
    expect(Object.keys(standardTags({}))).toEqual([]);
  });
  it("mergeTags skips absent layers", () => {
    expect(mergeTags(undefined, { team: "vision" }, undefined)).toEqual({ team: "vision" });
  });
  it.each(["aws", "azure"] as const)("accepts a one-character key on %s", (cloud) => {
    expect(tagProblems(cloud, { k: "x" })).toEqual([]);
  });
  it("has no per-key rules on premises", () => {
    expect(tagProblems("onprem", { "a/b": "x", "": "v".repeat(257) })).toEqual([]);
  });
});
