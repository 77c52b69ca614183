import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AwsLustreStorage, fsxMountScript, type AwsLustreStorageProps } from "../../lib/aws/lustre-storage";
import { validationErrorOf, resources, synth, withNetwork } from "./helpers";

function make(props: Partial<AwsLustreStorageProps> = {}) {
  const { stack, network } = withNetwork();
  const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 2400, ...props });
  return { stack, network, fs };
}

describe("AwsLustreStorage", () => {
  it("defaults to an encrypted-by-default PERSISTENT_2 file system at 125 MB/s/TiB in one subnet", () => {
    const { stack, fs } = make();
    const tf = synth(stack);
    const [file] = resources(tf, "aws_fsx_lustre_file_system");
    expect(file).toMatchObject({
      deployment_type: "PERSISTENT_2",
      storage_type: "SSD",
      storage_capacity: 2400,
      per_unit_storage_throughput: 125,
      metadata_configuration: { mode: "AUTOMATIC" },
      file_system_type_version: "2.15",
      data_compression_type: "LZ4",
      subnet_ids: ["${aws_subnet.net_private-use1-az4_8052065E.id}"],
    });
    expect(file.efa_enabled).toBeUndefined();
    expect(fs).toMatchObject({ cloud: "aws", mountPath: "/fsx", capacityGiB: 2400, throughputMBps: 293, zone: "use1-az4", efaEnabled: false });
  });

  it("admits Lustre ports 988 and 1018-1023 only from its own group (and clients added later)", () => {
    const tf = synth(make().stack);
    const ingress = resources(tf, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => [r.ip_protocol, r.from_port, r.to_port]).sort()).toEqual([["tcp", 1018, 1023], ["tcp", 988, 988]]);
    expect(ingress.map((r) => [r.referenced_security_group_id, r.cidr_ipv4])).toEqual([
      ["${aws_security_group.fs_sg_B76787E2.id}", undefined],
      ["${aws_security_group.fs_sg_B76787E2.id}", undefined],
    ]);
  });

  it("links S3 through a data repository association with automatic import and export", () => {
    const { stack } = make({ dataRepository: { bucket: "s3://ml-datasets/imagenet", fileSystemPath: "/dataset" } });
    const [dra] = resources(synth(stack), "aws_fsx_data_repository_association");
    expect(dra).toMatchObject({
      data_repository_path: "s3://ml-datasets/imagenet/",
      file_system_path: "/dataset",
      batch_import_meta_data_on_create: true,
      s3: { auto_import_policy: { events: ["NEW", "CHANGED", "DELETED"] }, auto_export_policy: { events: ["NEW", "CHANGED"] } },
    });
    const withDeletes = resources(synth(make({ dataRepository: { bucket: "ml-datasets", exportDeletes: true } }).stack), "aws_fsx_data_repository_association")[0];
    expect(withDeletes.s3.auto_export_policy.events).toEqual(["NEW", "CHANGED", "DELETED"]);
    const importOnly = resources(synth(make({ dataRepository: { bucket: "ml-datasets", autoExport: false } }).stack), "aws_fsx_data_repository_association")[0];
    expect(importOnly).toMatchObject({ data_repository_path: "s3://ml-datasets/", file_system_path: "/" });
    expect(importOnly.s3.auto_export_policy).toBeUndefined();
  });

  it("enables EFA with all traffic between itself and its clients", () => {
    const { stack, fs } = make({ efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 });
    const tf = synth(stack);
    expect(resources(tf, "aws_fsx_lustre_file_system")[0]).toMatchObject({ efa_enabled: true, per_unit_storage_throughput: 1000 });
    expect(resources(tf, "aws_vpc_security_group_ingress_rule").map((r) => r.ip_protocol)).toEqual(["-1"]);
    expect(resources(tf, "aws_vpc_security_group_egress_rule").map((r) => r.ip_protocol)).toEqual(["-1"]);
    expect(fs.throughputMBps).toBe(4688);
  });

  it("provisions metadata IOPS, a KMS key, and other deployment types", () => {
    for (const key of ["1234abcd-12ab-34cd-56ef-1234567890ab", "alias/fsx-data", "arn:aws:kms:us-east-1:111122223333:alias/fsx-data", "mrk-1234abcd12ab34cd56ef1234567890ab"]) expect(() => make({ kmsKeyId: key })).not.toThrow();
    const p2 = resources(synth(make({ metadataIops: 24000, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }).stack), "aws_fsx_lustre_file_system")[0];
    expect(p2).toMatchObject({ metadata_configuration: { mode: "USER_PROVISIONED", iops: 24000 }, kms_key_id: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
    const scratch = make({ deploymentType: "SCRATCH_2", storageCapacityGiB: 1200 });
    const s2 = resources(synth(scratch.stack), "aws_fsx_lustre_file_system")[0];
    expect(s2.per_unit_storage_throughput).toBeUndefined();
    expect(s2.metadata_configuration).toBeUndefined();
    expect(scratch.fs.throughputMBps).toBe(234);
    const s1 = resources(synth(make({ deploymentType: "SCRATCH_1", storageCapacityGiB: 3600 }).stack), "aws_fsx_lustre_file_system")[0];
    expect(s1.file_system_type_version).toBe("2.15");
    const hdd = resources(synth(make({ deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 6000, throughputPerTiB: 12 }).stack), "aws_fsx_lustre_file_system")[0];
    expect(hdd).toMatchObject({ storage_type: "HDD", per_unit_storage_throughput: 12, drive_cache_type: "READ" });
  });

  it.for([
    ["SCRATCH_2", {}],
    ["PERSISTENT_1 SSD", { deploymentType: "PERSISTENT_1" }],
    ["PERSISTENT_1 HDD", { deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 6000, throughputPerTiB: 12 }],
  ] as const)("links S3 to %s too (every type but SCRATCH_1)", ([, props]) => {
    const { stack } = make({ deploymentType: "SCRATCH_2", ...props, dataRepository: { bucket: "data" } });
    expect(resources(synth(stack), "aws_fsx_data_repository_association")).toHaveLength(1);
  });

  it("accepts data repository paths at their longest", () => {
    const bucket = `s3://data/pp/${"p/".repeat(2172)}`;
    expect(bucket.length).toBe(4357);
    const fileSystemPath = `/${"d".repeat(4095)}`;
    const [dra] = resources(synth(make({ dataRepository: { bucket, fileSystemPath } }).stack), "aws_fsx_data_repository_association");
    expect(dra).toMatchObject({ data_repository_path: bucket, file_system_path: fileSystemPath });
  });

  it("puts the file system in its own security group, with WARN_ERROR logs and Name tags", () => {
    const tf = synth(make().stack);
    expect(resources(tf, "aws_security_group").find((g) => g.name_prefix === "s-fs-lustre-")).toEqual({
      name_prefix: "s-fs-lustre-",
      description: "FSx for Lustre: Lustre traffic from itself and its clients only",
      vpc_id: "${aws_vpc.net_vpc_189A1278.id}",
      tags: { Name: "s-fs-lustre" },
      lifecycle: { create_before_destroy: true },
    });
    const [file] = resources(tf, "aws_fsx_lustre_file_system");
    expect(file).toMatchObject({ security_group_ids: ["${aws_security_group.fs_sg_B76787E2.id}"], log_configuration: { level: "WARN_ERROR" }, tags: { Name: "s-fs-lustre" } });
    expect(file.drive_cache_type).toBeUndefined();
    expect(file.kms_key_id).toBeUndefined();
  });

  it("opens ports 988 and 1018-1023 both ways within its own group, before the file system is created", () => {
    const { stack, fs } = make({ dataRepository: { bucket: "data" } });
    const tf = synth(stack);
    const sg = "${aws_security_group.fs_sg_B76787E2.id}";
    const rule = (from: number, to: number) => ({ security_group_id: sg, referenced_security_group_id: sg, ip_protocol: "tcp", from_port: from, to_port: to, description: "Lustre" });
    expect(tf.resource.aws_vpc_security_group_ingress_rule).toEqual({ "fs_self-988_C1A986B1": rule(988, 988), "fs_self-1018_981CC20B": rule(1018, 1023) });
    expect(tf.resource.aws_vpc_security_group_egress_rule).toEqual({ "fs_self-out-988_E3969AB8": rule(988, 988), "fs_self-out-1018_34BA2ABC": rule(1018, 1023) });
    expect(resources(tf, "aws_fsx_lustre_file_system")[0].depends_on).toEqual([
      "aws_vpc_security_group_ingress_rule.fs_self-988_C1A986B1",
      "aws_vpc_security_group_egress_rule.fs_self-out-988_E3969AB8",
      "aws_vpc_security_group_ingress_rule.fs_self-1018_981CC20B",
      "aws_vpc_security_group_egress_rule.fs_self-out-1018_34BA2ABC",
    ]);
    expect(resources(tf, "aws_fsx_data_repository_association")[0].tags).toEqual({ Name: "s-fs-s3" });
    expect(fs.readyDependencies.map((r) => r.node.path)).toEqual(["s/fs/self-988", "s/fs/self-out-988", "s/fs/self-1018", "s/fs/self-out-1018", "s/fs/s3"]);
    expect(make().fs.readyDependencies.map((r) => r.node.id)).toEqual(["self-988", "self-out-988", "self-1018", "self-out-1018"]);
  });

  it("with EFA, allows all traffic both ways only within its own group and with client groups, never from 0.0.0.0/0", () => {
    const { stack, fs } = make({ efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 });
    const client = new Construct(stack, "gpu");
    const clientRules = fs.allowClient(client, "sg-client");
    const tf = synth(stack);
    const sg = "${aws_security_group.fs_sg_B76787E2.id}";
    const rule = (peer: string) => ({ security_group_id: sg, referenced_security_group_id: peer, ip_protocol: "-1", description: "EFA and Lustre" });
    expect(Object.values(tf.resource.aws_vpc_security_group_ingress_rule)).toEqual([rule(sg), rule("sg-client")]);
    expect(Object.values(tf.resource.aws_vpc_security_group_egress_rule)).toEqual([rule(sg), rule("sg-client")]);
    expect(fs.readyDependencies.map((r) => r.node.path)).toEqual(["s/fs/self-in", "s/fs/self-out"]);
    expect(clientRules.map((r) => r.node.path)).toEqual(["s/gpu/lustre-client-gpu-in", "s/gpu/lustre-client-gpu-out"]);
  });

  it("lets a client group reach the Lustre ports, with rules under the client", () => {
    const { stack, fs } = make();
    const clientRules = fs.allowClient(new Construct(stack, "cpu"), "sg-client");
    expect(clientRules.map((r) => r.node.path)).toEqual(["s/cpu/lustre-client-cpu-988", "s/cpu/lustre-client-cpu-out-988", "s/cpu/lustre-client-cpu-1018", "s/cpu/lustre-client-cpu-out-1018"]);
    const tf = synth(stack);
    const sg = "${aws_security_group.fs_sg_B76787E2.id}";
    const toClient = (r: { referenced_security_group_id: string }) => r.referenced_security_group_id === "sg-client";
    const rule = (from: number, to: number) => ({ security_group_id: sg, referenced_security_group_id: "sg-client", ip_protocol: "tcp", from_port: from, to_port: to, description: "Lustre" });
    expect(resources(tf, "aws_vpc_security_group_ingress_rule").filter(toClient)).toEqual([rule(1018, 1023), rule(988, 988)]);
    expect(resources(tf, "aws_vpc_security_group_egress_rule").filter(toClient)).toEqual([rule(1018, 1023), rule(988, 988)]);
  });

  it("counts EFA connections against the 1024 a file system accepts, taking nothing that does not fit", () => {
    const { fs } = make({ efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 });
    expect(fs.takeEfaConnections("s/a", 1000)).toEqual({ fits: true, taken: 0, takenBy: "" });
    expect(fs.takeEfaConnections("s/b", 24)).toEqual({ fits: true, taken: 1000, takenBy: "1000 by s/a" });
    expect(fs.takeEfaConnections("s/c", 1)).toEqual({ fits: false, taken: 1024, takenBy: "1000 by s/a, 24 by s/b" });
    expect(fs.takeEfaConnections("s/d", 0)).toEqual({ fits: true, taken: 1024, takenBy: "1000 by s/a, 24 by s/b" });
  });

  it.each([
    [1200, 3],
    [1800, 4],
    [2400, 4],
    [3600, 5],
  ])("estimates %i GiB to take %i addresses of its subnet (one per 1200 GiB and 2)", (gib, addresses) => {
    const props: Partial<AwsLustreStorageProps> = gib === 1800 ? { deploymentType: "PERSISTENT_1", storageType: "HDD", throughputPerTiB: 40 } : gib === 3600 ? { deploymentType: "SCRATCH_1" } : {};
    const { network } = make({ ...props, storageCapacityGiB: gib });
    expect(network.takeAddresses("use1-az4", "s/x", 1).takenBy).toBe(`3 by interface endpoints, ${addresses} (estimated) by s/fs`);
  });

  it("counts its address estimate only as a warning when the subnet is full", () => {
    const { stack, network } = withNetwork();
    expect(network.takeAddresses("use1-az4", "s/nodes", 4088).fits).toBe(true);
    const fs = new AwsLustreStorage(stack, "fs", { network, zone: "use1-az4", storageCapacityGiB: 2400 });
    expect(fs.capacityGiB).toBe(2400);
    expect(network.takeAddresses("use1-az4", "s/x", 1)).toMatchObject({ fits: false, takenBy: "3 by interface endpoints, 4088 by s/nodes, 4 (estimated) by s/fs" });
  });

  it("sets the drive cache of HDD storage, READ or NONE", () => {
    const hdd = { deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 6000, throughputPerTiB: 12 } as const;
    expect(resources(synth(make({ ...hdd, driveCacheType: "NONE" }).stack), "aws_fsx_lustre_file_system")[0].drive_cache_type).toBe("NONE");
    expect(resources(synth(make({ ...hdd, driveCacheType: "READ" }).stack), "aws_fsx_lustre_file_system")[0].drive_cache_type).toBe("READ");
    expect(validationErrorOf(() => make({ ...hdd, driveCacheType: "WRITE" as never }))).toBe('s/fs: driveCacheType "WRITE" is not valid: use one of "READ", "NONE"');
  });

  it("pins AWS's EFA client setup only on an EFA file system", () => {
    const sha = "a".repeat(64);
    const { fs } = make({ efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000, efaClientSetupSha256: sha });
    expect(fs.mountCommand).toContain(sha);
    expect(validationErrorOf(() => make({ efaClientSetupSha256: sha }))).toBe(`s/fs: efaClientSetupSha256 "${sha}" is not valid: leave it out unless efa is true (only EFA clients download AWS's setup)`);
  });

  it("takes references for the bucket and the KMS key, giving an S3 prefix its trailing slash like a literal one", () => {
    const { stack, network } = withNetwork();
    const bucket = new TerraformVariable(stack, "bucket", { type: "string" }).stringValue;
    const key = new TerraformVariable(stack, "key", { type: "string" }).stringValue;
    new AwsLustreStorage(stack, "fs", { network, storageCapacityGiB: 1200, kmsKeyId: key, dataRepository: { bucket } });
    new AwsLustreStorage(stack, "uri", { network, storageCapacityGiB: 1200, dataRepository: { bucket: `s3://${bucket}/imagenet/` } });
    new AwsLustreStorage(stack, "bare", { network, storageCapacityGiB: 1200, dataRepository: { bucket: `s3://${bucket}/imagenet` } });
    const tf = synth(stack);
    const byId = (type: string, field: string) =>
      Object.fromEntries(Object.entries(tf.resource[type] as Record<string, Record<string, unknown>>).map(([id, r]) => [id, r[field]]));
    expect(byId("aws_fsx_lustre_file_system", "kms_key_id")).toStrictEqual({ fs_BEA11E66: "${var.key}", bare_fs_DBF8DEA5: undefined, uri_fs_4E53F25D: undefined });
    expect(byId("aws_fsx_data_repository_association", "data_repository_path")).toEqual({ fs_s3_9B11E5EE: "s3://${var.bucket}/", uri_s3_5494422D: "s3://${var.bucket}/imagenet/", bare_s3_222A54AF: "s3://${var.bucket}/imagenet/" });
  });

  it("mounts idempotently, without Terraform template syntax of its own", () => {
    const script = fsxMountScript("fs.example@tcp:/abcd", "/fsx");
    expect(script).toContain('grep -q " /fsx lustre " /etc/fstab || echo "fs.example@tcp:/abcd /fsx lustre defaults,relatime,flock,_netdev,x-systemd.automount,x-systemd.after=network-online.target,x-systemd.wants=network-online.target 0 0" >> /etc/fstab');
    expect(script).not.toContain("configure-efa");
    const efa = fsxMountScript("fs.example@tcp:/abcd", "/fsx", true, { efaSetupSha256: "0".repeat(64) });
    expect(efa).toContain("if compgen -G '/sys/class/infiniband/rdmap*' >/dev/null && ! systemctl is-enabled --quiet configure-efa-fsx-lustre-client");
    expect(efa.indexOf("configure-efa-fsx-lustre-client.zip")).toBeLessThan(efa.indexOf("mount /fsx"));
    expect(efa).not.toMatch(/\$\{|%\{/);
    expect(script).toContain("mountpoint -q /fsx || mount /fsx");
    // AWS's key is trusted for the FSx client repository only.
    expect(script).toContain('echo "deb [signed-by=/usr/share/keyrings/fsx-ubuntu-public-key.gpg] https://fsx-lustre-client-repo.s3.amazonaws.com/ubuntu $VERSION_CODENAME main"');
    expect(script).not.toContain("trusted.gpg.d");
    expect(script).toContain("if ! command -v mount.lustre");
    expect(script).not.toMatch(/\$\{|%\{/);
    const { fs } = make();
    expect(fs.mountCommand).toMatch(/echo "\$\{TfToken\[TOKEN\.\d+\]\}@tcp:\/\$\{TfToken\[TOKEN\.\d+\]\} \/fsx lustre/);
  });

  describe("validation", () => {
    it.each<[string, Partial<AwsLustreStorageProps>]>([
      ["PERSISTENT_2 at its smallest, 1200 GiB", { storageCapacityGiB: 1200 }],
      ["PERSISTENT_2 at 2400 and 4800 GiB", { storageCapacityGiB: 4800 }],
      ["EFA at 38400 GiB and 125 MB/s/TiB", { efa: true, storageCapacityGiB: 38400, throughputPerTiB: 125 }],
      ["EFA at 19200 GiB and 250 MB/s/TiB", { efa: true, storageCapacityGiB: 19200, throughputPerTiB: 250 }],
      ["EFA at 9600 GiB and 500 MB/s/TiB", { efa: true, storageCapacityGiB: 9600, throughputPerTiB: 500 }],
      ["EFA at 4800 GiB and 1000 MB/s/TiB", { efa: true, storageCapacityGiB: 4800, throughputPerTiB: 1000 }],
      ["HDD at 1800 GiB and 40 MB/s/TiB", { deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 1800, throughputPerTiB: 40 }],
      ["HDD at 6000 GiB and 12 MB/s/TiB", { deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 6000, throughputPerTiB: 12 }],
      ["SCRATCH_1 at 2400 and 3600 GiB", { deploymentType: "SCRATCH_1", storageCapacityGiB: 3600 }],
      ["metadata IOPS at 1500 and at 192000", { metadataIops: 192000 }],
    ])("accepts %s", (_, props) => {
      expect(make(props).fs.capacityGiB).toBe(props.storageCapacityGiB ?? 2400);
    });

    it.each<[Partial<AwsLustreStorageProps>, string]>([
      [{ storageCapacityGiB: 3000 }, "s/fs: storageCapacityGiB 3000 is not valid for PERSISTENT_2: use 1200 or a multiple of 2400"],
      [{ deploymentType: "SCRATCH_1", storageCapacityGiB: 4800 }, "s/fs: storageCapacityGiB 4800 is not valid for SCRATCH_1: use 1200, 2400 or a multiple of 3600"],
      [{ deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 2400, throughputPerTiB: 40 }, "s/fs: storageCapacityGiB 2400 is not valid for PERSISTENT_1 HDD at 40 MB/s/TiB: use a multiple of 1800"],
      [{ efa: true, storageCapacityGiB: 9600, throughputPerTiB: 250 }, "s/fs: storageCapacityGiB 9600 is not valid for PERSISTENT_2 with EFA at 250 MB/s/TiB: use a multiple of 19200"],
      [{ efa: true, storageCapacityGiB: 2400, throughputPerTiB: 1000 }, "s/fs: storageCapacityGiB 2400 is not valid for PERSISTENT_2 with EFA at 1000 MB/s/TiB: use a multiple of 4800"],
      [{ efa: true, storageCapacityGiB: 4800, throughputPerTiB: 500 }, "s/fs: storageCapacityGiB 4800 is not valid for PERSISTENT_2 with EFA at 500 MB/s/TiB: use a multiple of 9600"],
      [{ efa: true, storageCapacityGiB: 19200, throughputPerTiB: 125 }, "s/fs: storageCapacityGiB 19200 is not valid for PERSISTENT_2 with EFA at 125 MB/s/TiB: use a multiple of 38400"],
      [{ deploymentType: "PERSISTENT_1", storageType: "HDD", storageCapacityGiB: 1800, throughputPerTiB: 12 }, "s/fs: storageCapacityGiB 1800 is not valid for PERSISTENT_1 HDD at 12 MB/s/TiB: use a multiple of 6000"],
      [{ storageCapacityGiB: 0 }, "s/fs: storageCapacityGiB 0 is not valid: use a whole number of at least 1"],
      [{ throughputPerTiB: 200 }, "s/fs: throughputPerTiB 200 is not valid for PERSISTENT_2: use one of 125, 250, 500, 1000 MB/s/TiB"],
      [{ deploymentType: "PERSISTENT_1", throughputPerTiB: 125 }, "s/fs: throughputPerTiB 125 is not valid for PERSISTENT_1 SSD: use one of 50, 100, 200 MB/s/TiB"],
      [{ deploymentType: "SCRATCH_2", throughputPerTiB: 200 }, "s/fs: throughputPerTiB 200 is not valid for SCRATCH_2: leave it out: SCRATCH_2 has a fixed 200 MB/s/TiB"],
      [{ deploymentType: "SCRATCH_3" as never }, 's/fs: deploymentType "SCRATCH_3" is not valid: use one of "PERSISTENT_2", "PERSISTENT_1", "SCRATCH_2", "SCRATCH_1"'],
      [{ storageType: "HDD" }, 's/fs: storageType "HDD" is not valid for PERSISTENT_2: use SSD: HDD storage needs deploymentType PERSISTENT_1'],
      [{ deploymentType: "SCRATCH_2", efa: true }, "s/fs: efa true is not valid for SCRATCH_2: use deploymentType PERSISTENT_2 for an EFA-enabled file system"],
      [{ metadataIops: 5000 }, "s/fs: metadataIops 5000 is not valid: use 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000"],
      [{ metadataIops: 204000 }, "s/fs: metadataIops 204000 is not valid: use 1500, 3000, 6000, 12000 or a multiple of 12000 up to 192000"],
      [{ deploymentType: "SCRATCH_2", metadataIops: 1500 }, "s/fs: metadataIops 1500 is not valid for SCRATCH_2: leave it out: provisioned metadata IOPS need deploymentType PERSISTENT_2"],
      [{ deploymentType: "SCRATCH_1", storageCapacityGiB: 1200, dataRepository: { bucket: "data" } }, 's/fs: dataRepository "data" is not valid for SCRATCH_1: use another deploymentType: AWS links S3 to every Lustre 2.12/2.15 file system but SCRATCH_1 (data repository associations)'],
      [{ dataRepository: { bucket: `s3://data/${"p/".repeat(2174)}` } }, `s/fs: dataRepository.bucket "s3://data/${"p/".repeat(2174)}" is not valid: use an S3 path of at most 4357 characters (this one is 4358 as s3://bucket/prefix/)`],
      [{ dataRepository: { bucket: "data", fileSystemPath: `/${"d".repeat(4096)}` } }, `s/fs: dataRepository.fileSystemPath "/${"d".repeat(4096)}" is not valid: use a path of at most 4096 characters (this one is 4097)`],
      [{ dataRepository: { bucket: "data", autoExport: false, exportDeletes: true } }, "s/fs: dataRepository.exportDeletes true is not valid: leave it out: deletes are exported only with autoExport"],
      [{ driveCacheType: "READ" }, 's/fs: driveCacheType "READ" is not valid: leave it out: a drive cache is for HDD storage only'],
      [{ dataRepository: { bucket: "My_Bucket" } }, "s/fs: dataRepository.bucket \"My_Bucket\" is not valid: use a bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias) or an S3 URI such as s3://bucket/prefix/"],
      [{ dataRepository: { bucket: "s3://10.0.0.1/data/" } }, "s/fs: dataRepository.bucket \"s3://10.0.0.1/data/\" is not valid: use a bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias) or an S3 URI such as s3://bucket/prefix/"],
      [{ dataRepository: { bucket: "data", fileSystemPath: "dataset/" } }, 's/fs: dataRepository.fileSystemPath "dataset/" is not valid: use an absolute path such as /dataset, without a trailing slash'],
      [{ storageType: "NVME" as never }, 's/fs: storageType "NVME" is not valid: use one of "SSD", "HDD"'],
      [{ dataRepository: { bucket: "/data" } }, "s/fs: dataRepository.bucket \"/data\" is not valid: use a bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias) or an S3 URI such as s3://bucket/prefix/"],
      [{ dataRepository: { bucket: "data/x\ny" } }, "s/fs: dataRepository.bucket \"data/x\\ny\" is not valid: use a bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, not starting with xn-- or ending with -s3alias) or an S3 URI such as s3://bucket/prefix/"],
      [{ dataRepository: { bucket: "data", fileSystemPath: "data/set" } }, 's/fs: dataRepository.fileSystemPath "data/set" is not valid: use an absolute path such as /dataset, without a trailing slash'],
      [{ dataRepository: { bucket: "data", fileSystemPath: "/dataset/" } }, 's/fs: dataRepository.fileSystemPath "/dataset/" is not valid: use an absolute path such as /dataset, without a trailing slash'],
      [{ dataRepository: { bucket: "data", fileSystemPath: "/data/../etc" } }, 's/fs: dataRepository.fileSystemPath "/data/../etc" is not valid: use an absolute path such as /dataset, without a trailing slash'],
      [{ mountPath: "/etc" }, 's/fs: mountPath "/etc" is not valid: use an absolute path such as /fsx, not a system folder or a path inside one (/usr, /var, /etc, /opt/dlami, ...)'],
      [{ zone: "use1-az1" }, 's/fs: zone "use1-az1" is not valid: use a zone of the network: use1-az4, use1-az6'],
      [{ deploymentType: "SCRATCH_2", storageCapacityGiB: 1200, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/abc" }, 's/fs: kmsKeyId "arn:aws:kms:us-east-1:111122223333:key/abc" is not valid for SCRATCH_2: leave it out: SCRATCH file systems are encrypted with an AWS-owned key'],
      [{ kmsKeyId: "" }, 's/fs: kmsKeyId "" is not valid: use a KMS key ID, key ARN or alias (alias/my-key), or leave it out for the AWS-managed key'],
      [{ kmsKeyId: "my key" }, 's/fs: kmsKeyId "my key" is not valid: use a KMS key ID, key ARN or alias (alias/my-key), or leave it out for the AWS-managed key'],
      [{ kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/abc" }, 's/fs: kmsKeyId "arn:aws:kms:us-east-1:111122223333:key/abc" is not valid: use a KMS key ID, key ARN or alias (alias/my-key), or leave it out for the AWS-managed key'],
      [{ deploymentType: "SCRATCH_1", storageCapacityGiB: 1200, kmsKeyId: "alias/fsx" }, 's/fs: kmsKeyId "alias/fsx" is not valid for SCRATCH_1: leave it out: SCRATCH file systems are encrypted with an AWS-owned key'],
    ])("%j", (props, message) => {
      expect(validationErrorOf(() => make(props))).toBe(message);
    });

    it("rejects a KMS key on a SCRATCH file system even when the key is a reference", () => {
      const { stack, network } = withNetwork();
      const key = new TerraformVariable(stack, "key", { type: "string" }).stringValue;
      expect(validationErrorOf(() => new AwsLustreStorage(stack, "fs", { network, deploymentType: "SCRATCH_2", storageCapacityGiB: 1200, kmsKeyId: key }))).toMatch(
        /^s\/fs: kmsKeyId "\$\{TfToken\[TOKEN\.\d+\]\}" is not valid for SCRATCH_2: leave it out: SCRATCH file systems are encrypted with an AWS-owned key$/,
      );
    });
  });
});
