import { awsNoPublicIp } from "./rules/hgpu-aws-1";
import { awsImdsV2 } from "./rules/hgpu-aws-2";
import { awsDisksEncrypted } from "./rules/hgpu-aws-3";
import { awsStorageEncrypted } from "./rules/hgpu-aws-4";
import { awsBucketsPrivateTls } from "./rules/hgpu-aws-5";
import { awsTaskDeadline } from "./rules/hgpu-aws-6";
import { awsRequiredTags } from "./rules/hgpu-aws-7";
import { awsFullFabric } from "./rules/hgpu-aws-8";
import { awsNoOpenIngress } from "./rules/hgpu-aws-9";
import { awsNoWildcardIam } from "./rules/hgpu-aws-10";
import { awsNoAdminPolicies } from "./rules/hgpu-aws-11";
import { awsNoPassRoleOnAll } from "./rules/hgpu-aws-12";
import { awsNoPlainSecrets } from "./rules/hgpu-aws-13";
import { awsFiniteGpuGroups } from "./rules/hgpu-aws-14";
import { azureNoPublicIp } from "./rules/hgpu-az-1";
import { azureEncryptionAtHost } from "./rules/hgpu-az-3";
import { azureStorageEncrypted } from "./rules/hgpu-az-4";
import { azureStoragePrivateTls } from "./rules/hgpu-az-5";
import { azureTaskDeadline } from "./rules/hgpu-az-6";
import { azureRequiredTags } from "./rules/hgpu-az-7";
import { azureNoOpenInbound } from "./rules/hgpu-az-9";
import { azureNoBroadPrivilegedRoles } from "./rules/hgpu-az-11";
import { azureNoPlainSecrets } from "./rules/hgpu-az-13";
import { azureFiniteGpuScaleSets } from "./rules/hgpu-az-14";
import { azureStorageNoSharedKeys } from "./rules/hgpu-az-15";
import { moduleNotJudged } from "./rules/hgpu-tf-1";
import { vpnKeysNotShared } from "./rules/hgpu-tf-2";
import type { PolicyRule } from "./types";

/**
 * The GPU policy pack: every rule {@link GpuPolicies} applies, in report order. An Azure rule
 * shares its number with the AWS rule of the same concern (Azure has no IMDS or EFA rule; its
 * managed disks are always encrypted at rest, so HGPU-AZ-3 asks for encryption at host); a
 * concern only one cloud has takes the next number after both series (HGPU-AZ-15).
 */
export const GPU_POLICY_RULES: readonly PolicyRule[] = [
  awsNoPublicIp,
  awsImdsV2,
  awsDisksEncrypted,
  awsStorageEncrypted,
  awsBucketsPrivateTls,
  awsTaskDeadline,
  awsRequiredTags,
  awsFullFabric,
  awsNoOpenIngress,
  awsNoWildcardIam,
  awsNoAdminPolicies,
  awsNoPassRoleOnAll,
  awsNoPlainSecrets,
  awsFiniteGpuGroups,
  azureNoPublicIp,
  azureEncryptionAtHost,
  azureStorageEncrypted,
  azureStoragePrivateTls,
  azureTaskDeadline,
  azureRequiredTags,
  azureNoOpenInbound,
  azureNoBroadPrivilegedRoles,
  azureNoPlainSecrets,
  azureFiniteGpuScaleSets,
  azureStorageNoSharedKeys,
  moduleNotJudged,
  vpnKeysNotShared,
];

/** Whether a rule checks resources of `type` (an `appliesTo` entry ending in `*` is a prefix). */
export function ruleAppliesTo(rule: PolicyRule, type: string): boolean {
  return rule.appliesTo.some((t) => (t.endsWith("*") ? type.startsWith(t.slice(0, -1)) : t === type));
}
