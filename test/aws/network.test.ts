import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsNetwork } from "../../lib/aws/network";
import { awsStack, validationErrorOf, resources, synth, withNetwork } from "./helpers";

describe("AwsNetwork", () => {
  it("creates private subnets by zone ID, carved from the VPC block in order", () => {
    const { stack, network } = withNetwork();
    const tf = synth(stack);
    expect(resources(tf, "aws_vpc")).toEqual([expect.objectContaining({ cidr_block: "10.10.0.0/16", enable_dns_hostnames: true, enable_dns_support: true })]);
    const subnets = resources(tf, "aws_subnet");
    expect(subnets.filter((s) => s.tags.Tier === "private").map((s) => [s.availability_zone_id, s.cidr_block])).toEqual([
      ["use1-az4", "10.10.0.0/20"],
      ["use1-az6", "10.10.16.0/20"],
    ]);
    expect(subnets).toHaveLength(4);
    expect(subnets.filter((s) => s.map_public_ip_on_launch !== false)).toEqual([]);
    expect(network).toMatchObject({ cloud: "aws", region: "us-east-1", cidr: "10.10.0.0/16", zones: ["use1-az4", "use1-az6"] });
    expect(network.subnetFor("use1-az6")).toBe(network.privateSubnets["use1-az6"]);
    expect(network.subnetFor("use1-az1")).toBeUndefined();
  });

  it("places subnets by zone name when given names", () => {
    const { stack } = withNetwork({ zones: ["us-east-1a"] });
    expect(Testing.toHaveResourceWithProperties(Testing.synth(stack, true), "aws_subnet", { availability_zone: "us-east-1a", cidr_block: "10.10.0.0/20" })).toBe(true);
  });

  it("has one NAT gateway per zone by default, each private subnet routed through its own", () => {
    const { stack } = withNetwork();
    const tf = synth(stack);
    expect(resources(tf, "aws_nat_gateway")).toHaveLength(2);
    expect(resources(tf, "aws_subnet").filter((s) => s.tags.Tier === "public").map((s) => s.cidr_block)).toEqual(["10.10.240.0/24", "10.10.241.0/24"]);
    const routes = resources(tf, "aws_route").filter((r) => r.nat_gateway_id);
    expect(routes.map((r) => r.nat_gateway_id)).toEqual([expect.stringContaining("nat-use1-az4"), expect.stringContaining("nat-use1-az6")]);
    expect(resources(tf, "aws_route").filter((r) => r.gateway_id)).toHaveLength(1);
  });

  it("shares one NAT gateway with natGateways single, and has none (and no public subnet) with none", () => {
    const single = synth(withNetwork({ natGateways: "single" }).stack);
    expect(resources(single, "aws_nat_gateway")).toHaveLength(1);
    expect(resources(single, "aws_route").filter((r) => r.nat_gateway_id)).toHaveLength(2);
    const none = synth(withNetwork({ natGateways: "none" }).stack);
    expect(resources(none, "aws_nat_gateway")).toHaveLength(0);
    expect(resources(none, "aws_internet_gateway")).toHaveLength(0);
    expect(resources(none, "aws_subnet").map((s) => s.tags.Tier)).toEqual(["private", "private"]);
  });

  it("adds an S3 gateway endpoint on the private route tables and SSM interface endpoints", () => {
    const tf = synth(withNetwork().stack);
    const endpoints = resources(tf, "aws_vpc_endpoint");
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(["com.amazonaws.us-east-1.ec2messages", "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.ssm", "com.amazonaws.us-east-1.ssmmessages"]);
    const s3 = endpoints.find((e) => e.service_name.endsWith(".s3"));
    expect(s3).toMatchObject({ vpc_endpoint_type: "Gateway" });
    expect(s3.route_table_ids).toEqual(["${aws_route_table.net_private-use1-az4-rt_4654DA04.id}", "${aws_route_table.net_private-use1-az6-rt_72B62C35.id}"]);
    // Every interface endpoint has an interface in each private subnet, so each zone reaches SSM.
    for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
      expect(endpoints.find((e) => e.service_name === `com.amazonaws.us-east-1.${service}`)).toMatchObject({
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: ["${aws_subnet.net_private-use1-az4_8052065E.id}", "${aws_subnet.net_private-use1-az6_C83DCF1F.id}"],
        security_group_ids: ["${aws_security_group.net_endpoints-sg_7DBAE231.id}"],
      });
    }
    expect(resources(tf, "aws_security_group").find((g) => g.description.startsWith("HTTPS")).ingress).toEqual([
      expect.objectContaining({ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["10.10.0.0/16"] }),
    ]);
  });

  it("leaves the endpoints out when asked", () => {
    const tf = synth(withNetwork({ s3Endpoint: false, ssmEndpoints: false }).stack);
    expect(resources(tf, "aws_vpc_endpoint")).toEqual([]);
  });

  it("locks the default security group down", () => {
    const tf = synth(withNetwork().stack);
    const sg = resources(tf, "aws_default_security_group")[0];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("takes its region from the stack's AWS provider, and defaults zones from the catalog", () => {
    const network = new AwsNetwork(awsStack(), "net", { cidr: "10.0.0.0/16" });
    expect(network.region).toBe("us-east-1");
    expect(network.zones).toEqual(["use1-az1", "use1-az2"]);
  });

  describe("validation", () => {
    it("needs a literal cidr, since the subnets are computed at synth", () => {
      const stack = awsStack();
      const cidr = new TerraformVariable(stack, "cidr", { type: "string" }).stringValue;
      expect(validationErrorOf(() => new AwsNetwork(stack, "net", { cidr, zones: ["use1-az4"] }))).toMatch(
        /^s\/net: cidr "\$\{TfToken\[TOKEN\.\d+\]\}" is not valid: use a literal CIDR such as 10\.10\.0\.0\/16 \(the subnets are computed from it at synth\), not a Terraform reference or variable$/,
      );
    });

    const make = (props: Partial<ConstructorParameters<typeof AwsNetwork>[2]>, stack: TerraformStack = awsStack()) => () =>
      new AwsNetwork(stack, "net", { cidr: "10.10.0.0/16", zones: ["use1-az4"], ...props });

    it.each([
      [{ cidr: "10.0.0.0/8" }, 's/net: cidr "10.0.0.0/8" is not valid: use a prefix length from 16 to 20'],
      [{ cidr: "10.10.0.1/16" }, 's/net: cidr "10.10.0.1/16" is not valid: host bits are set: use 10.10.0.0/16'],
      [{ region: "US East" }, 's/net: region "US East" is not valid: use an AWS region such as us-east-1'],
      [{ zones: [] }, "s/net: zones [] is not valid: use 1 to 15 zones"],
      [{ zones: ["us-west-2a"] }, 's/net: zones "us-west-2a" is not valid: use zones of us-east-1: us-west-2a is in us-west-2'],
      [{ zones: ["use1-az7"] }, 's/net: zones "use1-az7" is not valid: use zones of us-east-1: us-east-1 has zone IDs use1-az1 to use1-az6'],
      [{ zones: ["mars1-az1"] }, 's/net: zones "mars1-az1" is not valid: use zones of us-east-1: zone IDs of us-east-1 start with use1-'],
      [{ region: "us-mars-1" }, 's/net: region "us-mars-1" is not valid: use an AWS region such as us-east-1 (us-mars-1 is not an AWS region this library knows; a region newer than the library is an issue to report)'],
      [{ zones: ["usw2-az1"] }, 's/net: zones "usw2-az1" is not valid: use zones of us-east-1: usw2-az1 is in us-west-2'],
      [{ zones: ["zone one"] }, 's/net: zones "zone one" is not valid: use a zone ID such as use1-az4 or a zone name such as us-east-1a'],
      [{ zones: ["use1-az4", "use1-az4"] }, 's/net: zones ["use1-az4","use1-az4"] is not valid: list each zone once'],
      [{ natGateways: "two" as never }, 's/net: natGateways "two" is not valid: use one of "perZone", "single", "none"'],
      [{ flowLogs: "ACCEPT" as never }, 's/net: flowLogs "ACCEPT" is not valid: use one of "REJECT", "ALL", "none"'],
      [{ region: "us-west-2", zones: ["usw2-az1"] }, 's/net: region "us-west-2" is not valid: use us-east-1, the region of the stack\'s AWS provider, which creates the network\'s resources (or build the network in a stack whose provider is in us-west-2)'],
      [{ cidr: "52.94.0.0/16" }, 's/net: cidr "52.94.0.0/16" is not valid: use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or 100.64.0.0/10): a public range hides those addresses on the internet from the nodes'],
      [{ cidr: "172.32.0.0/16" }, 's/net: cidr "172.32.0.0/16" is not valid: use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, or 100.64.0.0/10): a public range hides those addresses on the internet from the nodes'],
    ])("%j", (props, message) => {
      expect(validationErrorOf(make(props))).toBe(message);
    });

    it.each(["use1-az6", "use1-atl2-az1", "us-east-1f", "us-east-1-atl-2a"])("accepts the us-east-1 zone %s", (zone) => {
      expect(make({ zones: [zone] })().zones).toEqual([zone]);
    });

    it.each(["10.0.0.0/16", "172.31.0.0/16", "192.168.0.0/16", "100.64.0.0/16", "100.127.0.0/16"])("accepts the private range %s", (cidr) => {
      expect(make({ cidr })()).toBeInstanceOf(AwsNetwork);
    });

    it("warns when the block overlaps Docker's default bridge, and not when it does not", () => {
      const warnings = (n: AwsNetwork) => n.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
      expect(warnings(make({ cidr: "172.17.0.0/16" })())).toEqual(["s/net: cidr 172.17.0.0/16 overlaps 172.17.0.0/16, Docker's default bridge on the GPU images: containers cannot reach addresses there"]);
      expect(warnings(make({ cidr: "172.18.0.0/16" })())).toEqual([]);
    });

    it("needs a region when the provider has none", () => {
      const stack = new TerraformStack(Testing.app(), "s");
      expect(validationErrorOf(make({}, stack))).toBe("s/net: region (missing) is not valid: set region, or give the stack's AWS provider a literal region");
    });

    it("needs zones where the catalog knows none", () => {
      const west = new TerraformStack(Testing.app(), "s");
      new AwsProvider(west, "aws", { region: "ca-west-1" });
      expect(validationErrorOf(make({ region: "ca-west-1", zones: undefined }, west))).toBe("s/net: zones (missing) is not valid: set zones: the catalog knows no zone IDs in ca-west-1");
    });
  });
});

describe("AwsNetwork security groups", () => {
  it("gives security groups a name prefix and creates replacements first", () => {
    const sg = resources(synth(withNetwork().stack), "aws_security_group")[0];
    expect(sg.name_prefix).toBe("s-net-endpoints-");
    expect(sg.lifecycle).toEqual({ create_before_destroy: true });
  });
});
