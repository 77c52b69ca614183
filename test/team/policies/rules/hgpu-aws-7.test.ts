import { describe, expect, it } from "vitest";
import { awsRequiredTags } from "../../../../lib/team/policies/rules/hgpu-aws-7";
import type { StackView } from "../../../../lib/team/policies/types";
import { resourceAt, stackView } from "./aws-fixtures";

const REQUIRED = ["team", "cost"];
const OWN = " (own tags plus the provider's default_tags)";
const finding = (detail: string) => ({ status: "non-compliant", detail });

/** HGPU-AWS-7's verdict on `address` in a stack of `resources` with AWS provider blocks `aws`. */
function verdict(address: string, resources: Record<string, Record<string, unknown>>, aws: StackView["providers"][string] = [{ region: "us-east-1" }], requiredTags = REQUIRED): unknown {
  const view = stackView(resources, { providers: { aws } });
  return awsRequiredTags.check(resourceAt(view, address), { requiredTags });
}

describe("HGPU-AWS-7 on plain stack views", () => {
  it("is off without required tags and for resources without tags", () => {
    expect(verdict("aws_s3_bucket.b", { "aws_s3_bucket.b": {} }, undefined, [])).toBe("not-applicable");
    const view = stackView({ "aws_autoscaling_group.g": {} }, { providers: { aws: [{}] } });
    expect(awsRequiredTags.check({ ...resourceAt(view, "aws_autoscaling_group.g"), taggable: false }, { requiredTags: REQUIRED })).toBe("not-applicable");
  });

  it.each([
    ["own tags", { tags: { team: "ml", cost: "1" } }, [{}], "compliant"],
    ["one own tag", { tags: { team: "ml" } }, [{}], finding(`missing tag cost${OWN}`)],
    ["the default provider's default_tags block list", {}, [{ default_tags: [{ tags: { team: "ml", cost: "1" } }] }], "compliant"],
    ["the default provider's default_tags block", {}, [{ default_tags: { tags: { team: "ml", cost: "1" } } }], "compliant"],
    ["default_tags blocks without tags", { tags: { team: "ml" } }, [{ default_tags: [null, { other: 1 }, "x"] }], finding(`missing tag cost${OWN}`)],
    ["an aliased provider's default_tags (not the resource's)", {}, [{}, { alias: "west", default_tags: [{ tags: { team: "ml", cost: "1" } }] }], finding(`missing tags team, cost${OWN}`)],
    ["its own aliased provider's default_tags", { provider: "aws.west" }, [{ default_tags: [{ tags: { team: "ml" } }] }, { alias: "east" }, { alias: "west", default_tags: [{ tags: { cost: "1" } }] }], finding(`missing tag team${OWN}`)],
    ["no provider block", {}, [], finding(`missing tags team, cost${OWN}`)],
  ])("a bucket with %s", (_, config, aws, expected) => {
    expect(verdict("aws_s3_bucket.b", { "aws_s3_bucket.b": config }, aws as StackView["providers"][string])).toEqual(expected);
  });

  it.each([
    ["tagged launches", { tags: { team: "ml", cost: "1" }, tag_specifications: [{ resource_type: "instance", tags: { team: "ml", cost: "1" } }, { resource_type: "volume", tags: { team: "ml", cost: "1" } }] }, "compliant"],
    ["untagged volumes and its own tags missing", { tag_specifications: [{ resource_type: "instance", tags: { team: "ml", cost: "1" } }] },
      finding(`missing tags team, cost${OWN}; no tag_specifications for resource_type volume (the provider's default_tags do not reach launched volumes): add one with team, cost`)],
    ["a volume specification missing a tag", { tags: { team: "ml", cost: "1" }, tag_specifications: [{ resource_type: "instance", tags: { team: "ml", cost: "1" } }, { resource_type: "volume", tags: { team: "ml" } }] },
      finding("missing tag cost in tag_specifications for resource_type volume (the provider's default_tags do not reach launched volumes)")],
  ])("a launch template with %s", (_, config, expected) => {
    expect(verdict("aws_launch_template.lt", { "aws_launch_template.lt": config })).toEqual(expected);
  });
});
